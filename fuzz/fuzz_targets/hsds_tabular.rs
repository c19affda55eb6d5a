//! The HSDS data package reader: the input is split into a datapackage.json and the
//! package's CSV tables, written to a fresh directory, and read; nothing outside the
//! directory is opened, and every service_at_location row is loaded or reported.
#![no_main]

use carefind::hsds;
use carefind::load::LoadOptions;
use libfuzzer_sys::fuzz_target;

const FILES: [&str; 8] = [
    "datapackage.json",
    "service_at_location.csv",
    "services.csv",
    "locations.csv",
    "organizations.csv",
    "phones.csv",
    "attributes.csv",
    "taxonomy_terms.csv",
];

fuzz_target!(|data: &[u8]| {
    let Ok(dir) = tempfile::tempdir() else { return };
    // Parts separated by NUL bytes, one per file, in the order above.
    for (name, part) in FILES.iter().zip(data.split(|b| *b == 0)) {
        if std::fs::write(dir.path().join(name), part).is_err() {
            return;
        }
    }
    if let Ok(read) = hsds::from_tabular(dir.path(), &LoadOptions::lenient()) {
        let report = &read.loaded.report;
        assert_eq!(report.loaded + report.rejected.len() as u64, report.read);
    }
});
