//! The label CSV loader: any bytes, with or without a header of its own. Every row is
//! accounted for, and no loaded facility is without care.
#![no_main]

use carefind::load::{LoadOptions, label_csv};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut with_header = b"Name,Latitude,Longitude,All Services\n".to_vec();
    with_header.extend_from_slice(data);
    for input in [data, &with_header[..]] {
        if let Ok(loaded) = label_csv::from_reader(input, "fuzz", &LoadOptions::lenient()) {
            let report = &loaded.report;
            assert_eq!(report.loaded + report.rejected.len() as u64, report.read);
            assert!(loaded.facilities.iter().all(|f| !f.care.is_empty()));
        }
    }
});
