//! The native CSV loader: any bytes after a valid header. Every row is accounted for, and
//! the parallel in-memory loader agrees with the streaming one.
#![no_main]

use carefind::load::{LoadOptions, native};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for options in [LoadOptions::strict(), LoadOptions::lenient()] {
        let streamed = native::from_reader(data, "fuzz", &options);
        let in_memory = native::from_slice(data, "fuzz", &options);
        match (&streamed, &in_memory) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a.facilities, b.facilities);
                assert_eq!(a.report, b.report);
                let report = &a.report;
                assert_eq!(report.loaded + report.rejected.len() as u64, report.read);
            }
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
            _ => panic!("the loaders disagree: {streamed:?} / {in_memory:?}"),
        }
    }
});
