//! Distances, boxes and cursors from any text: an error or a value that prints and parses
//! back to itself.
#![no_main]

use carefind::{BBox, Cursor, Distance, Unit};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    for unit in [None, Some(Unit::Miles), Some(Unit::Meters)] {
        if let Ok(distance) = Distance::parse(text, unit) {
            assert!(distance.as_meters().is_finite() && distance.as_meters() >= 0.0);
        }
    }
    if let Ok(bbox) = text.parse::<BBox>() {
        assert!(bbox.min_lat() <= bbox.max_lat(), "{bbox:?}");
    }
    if let Ok(cursor) = text.parse::<Cursor>() {
        assert_eq!(cursor.to_string().parse::<Cursor>().unwrap(), cursor);
    }
});
