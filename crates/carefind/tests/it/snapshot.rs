//! Snapshots hold every facility exactly, and no bytes make the reader panic or return a
//! dataset that was not written.

use crate::common;

use carefind::FacilityStore;
use carefind::snapshot::{self, SnapshotError};
use common::random::facilities;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn snapshots_round_trip(facilities in facilities(), services in prop::collection::vec("\\PC{0,12}", 0..4)) {
        let mut facilities = facilities;
        for (i, facility) in facilities.iter_mut().enumerate() {
            facility.services = services.iter().skip(i % 3).cloned().collect();
            facility.city = format!("Peña {i}");
        }
        let mut bytes = Vec::new();
        snapshot::to_writer(&mut bytes, &FacilityStore::new(facilities.clone()).unwrap()).unwrap();
        let read = snapshot::from_slice(&bytes).unwrap();
        facilities.sort_by(|a, b| a.id.cmp(&b.id));
        prop_assert_eq!(read.to_facilities(), facilities);
    }

    #[test]
    fn any_bytes_are_an_error_or_a_dataset(bytes in prop::collection::vec(any::<u8>(), 0..300), magic: bool) {
        let mut input = if magic { snapshot::MAGIC.to_vec() } else { Vec::new() };
        input.extend(bytes);
        let _ = snapshot::from_slice(&input);
    }

    #[test]
    fn damage_is_always_noticed(facilities in facilities(), at in any::<prop::sample::Index>(), flip in 1..=255u8) {
        let mut bytes = Vec::new();
        snapshot::to_writer(&mut bytes, &FacilityStore::new(facilities).unwrap()).unwrap();
        let at = at.index(bytes.len());
        let mut damaged = bytes.clone();
        damaged[at] ^= flip;
        prop_assert!(snapshot::from_slice(&damaged).is_err(), "byte {} of {}", at, bytes.len());
        let truncated = snapshot::from_slice(&bytes[..at]);
        prop_assert!(
            matches!(truncated, Err(SnapshotError::Truncated { .. } | SnapshotError::NotASnapshot)),
            "{:?}",
            truncated
        );
    }
}
