//! What the integration tests share: random data here, the rest in carefind-testkit.

pub mod random;

pub use carefind_testkit::{datasets, hsds, hsds_validator, schema_errors};
