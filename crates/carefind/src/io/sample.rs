//! The embedded sample: fictitious facilities around real US ZIP-code centroids.
//!
//! Made by `cargo run --example generate_sample` from a fixed seed (see datasets/README.md).
//! Every name says "Sample", every phone is in the fictional 555-01xx range and every
//! website is under example.org: it is not a directory and must never be used as one.

use crate::facility::Facility;
use crate::load::{LoadOptions, native};

/// The sample as native CSV text.
///
/// ```
/// assert!(carefind::sample::CSV.starts_with("id,name,"));
/// ```
pub const CSV: &str = include_str!("../../../../datasets/sample.csv");

/// The sample's facilities, parsed.
///
/// ```
/// let facilities = carefind::sample::facilities();
/// assert!(facilities.iter().all(|f| f.name.starts_with("Sample ")));
/// ```
pub fn facilities() -> Vec<Facility> {
    native::from_slice(CSV.as_bytes(), "sample.csv", &LoadOptions::strict())
        .expect("the embedded sample is valid; a test checks it")
        .facilities
}
