//! The HSDS JSON reader (any document shape): any bytes are read or refused with an
//! error, and every service_at_location it finds is loaded or reported.
#![no_main]

use carefind::hsds;
use carefind::load::LoadOptions;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for options in [LoadOptions::strict(), LoadOptions::lenient()] {
        if let Ok(read) = hsds::from_slice(data, "fuzz", &options) {
            let report = &read.loaded.report;
            assert_eq!(report.loaded + report.rejected.len() as u64, report.read);
            assert_eq!(read.loaded.facilities.len() as u64, report.loaded);
        }
    }
});
