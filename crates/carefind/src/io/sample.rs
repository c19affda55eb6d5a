//! The embedded sample: fictitious facilities around real US ZIP-code centroids.
//!
//! Made by `cargo run --example generate_sample` from a fixed seed (see datasets/README.md).
//! Every name says "Sample", every phone is in the fictional 555-01xx range and every
//! website is under example.org: it is not a directory and must never be used as one.

use crate::facility::Facility;
use crate::store::FacilityStore;

/// The sample as native CSV text.
///
/// ```
/// assert!(carefind::sample::CSV.starts_with("id,name,"));
/// ```
pub const CSV: &str = include_str!("../../../../datasets/sample.csv");

/// Bytes aligned to 8, so that the snapshot's columns are used where they are embedded.
#[repr(C, align(8))]
struct Aligned<B: ?Sized>(B);

static ALIGNED: &Aligned<[u8]> = &Aligned(*include_bytes!("../../../../datasets/sample.snap"));

/// The sample as a [`snapshot`](crate::snapshot) of [`CSV`], which `cargo run --example
/// generate_sample` writes beside it (a test checks that it is exactly the snapshot of
/// [`CSV`]). Programs start from it: reading it is checking it, not parsing.
///
/// ```
/// assert!(carefind::snapshot::is_snapshot(carefind::sample::SNAPSHOT));
/// ```
pub static SNAPSHOT: &[u8] = &ALIGNED.0;

/// The sample's facilities, in a store that reads the embedded snapshot in place.
///
/// ```
/// let store = carefind::sample::store();
/// assert!(store.iter().all(|f| f.name().starts_with("Sample ")));
/// ```
pub fn store() -> FacilityStore {
    crate::snapshot::from_static(SNAPSHOT).expect("the embedded sample is valid; a test checks it")
}

/// The sample's facilities, copied out of the store.
///
/// ```
/// let facilities = carefind::sample::facilities();
/// assert!(facilities.iter().all(|f| f.name.starts_with("Sample ")));
/// ```
pub fn facilities() -> Vec<Facility> {
    store().to_facilities()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{LoadOptions, native};

    #[test]
    fn the_embedded_snapshot_is_the_snapshot_of_the_csv() {
        let parsed = native::from_slice(CSV.as_bytes(), "sample.csv", &LoadOptions::strict())
            .unwrap()
            .facilities;
        let mut expected = Vec::new();
        crate::snapshot::to_writer(&mut expected, &FacilityStore::new(parsed).unwrap()).unwrap();
        assert!(
            expected == SNAPSHOT,
            "datasets/sample.snap is not the snapshot of datasets/sample.csv: \
             run `cargo run --example generate_sample` to write both again"
        );
    }
}
