//! What the integration tests share: random data here, the rest in carefind-testkit.

pub mod random;
#[cfg(feature = "store")]
pub mod updates;

pub use carefind_testkit::{datasets, hsds, hsds_validator, schema_errors};
