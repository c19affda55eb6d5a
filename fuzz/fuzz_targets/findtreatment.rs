//! The FindTreatment JSON loader: any bytes. Every row it reads is accounted for.
#![no_main]

use carefind::load::{LoadOptions, findtreatment};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for options in [LoadOptions::strict(), LoadOptions::lenient()] {
        if let Ok(loaded) = findtreatment::from_reader(data, "fuzz", &options) {
            let report = &loaded.report;
            assert_eq!(report.loaded + report.rejected.len() as u64, report.read);
            assert_eq!(loaded.facilities.len() as u64, report.loaded);
        }
    }
});
