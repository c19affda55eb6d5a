//! The geocoded CSV loader: any bytes, with or without a header of its own. Every row is
//! accounted for, ids are unique, and every facility has the stated care.
#![no_main]

use carefind::CareLevel;
use carefind::load::{LoadOptions, geocoded};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = LoadOptions::lenient().with_care(CareLevel::Otp.into());
    let mut with_header = b"ID,ADDRESS,CITY,STATE,POSTAL,Latitude,Longitude\n".to_vec();
    with_header.extend_from_slice(data);
    for input in [data, &with_header[..]] {
        if let Ok(loaded) = geocoded::from_reader(input, "fuzz", &options) {
            let report = &loaded.report;
            assert_eq!(report.loaded + report.rejected.len() as u64, report.read);
            let mut ids: Vec<&str> = loaded.facilities.iter().map(|f| f.id.as_str()).collect();
            ids.sort_unstable();
            ids.dedup();
            assert_eq!(ids.len(), loaded.facilities.len());
            assert!(loaded.facilities.iter().all(|f| f.care.contains(CareLevel::Otp)));
        }
    }
});
