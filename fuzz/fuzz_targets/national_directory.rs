//! The National Directory reader: any bytes as a workbook (xlsx, xls, xlsb, ods, told
//! apart by their bytes) are read or refused with an error, and every row is accounted for.
#![no_main]

use carefind::LatLon;
use carefind::load::LoadOptions;
use carefind::load::national_directory::{self, Placement};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let centroid = |zip: &str| zip.starts_with('1').then(|| LatLon::new(40.75, -73.99).unwrap());
    let placement = Placement::ZipCentroid(&centroid);
    for options in [LoadOptions::strict(), LoadOptions::lenient()] {
        if let Ok(loaded) = national_directory::from_slice(data, "fuzz.xlsx", &options, &placement) {
            let report = &loaded.report;
            assert_eq!(report.loaded + report.rejected.len() as u64, report.read);
            assert_eq!(loaded.facilities.len() as u64, report.loaded);
        }
    }
});
