//! The place parser (LAT,LON, ZIP, "City, ST"): any text resolves or fails with a
//! message, and a resolved place is a valid point.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    match carefind_places::resolve(text) {
        Ok(point) => {
            assert!((-90.0..=90.0).contains(&point.lat()));
            assert!((-180.0..=180.0).contains(&point.lon()));
        }
        Err(failure) => assert!(!failure.to_string().is_empty()),
    }
});
