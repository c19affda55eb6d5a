//! The library's integration tests, in one test binary so that the suite links once:
//! each module is one area, and `common` is what they share.

mod common;

mod analysis;
mod availability;
mod brute_force;
mod hsds;
mod importers;
mod native_csv;
#[cfg(feature = "osm")]
mod network;
mod no_panic;
#[cfg(feature = "postgres")]
mod postgres;
mod real_data;
mod real_imports;
mod snapshot;
#[cfg(feature = "transit")]
mod transit;
mod workbooks;
