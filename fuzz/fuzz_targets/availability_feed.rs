//! The availability feed reader, in each format and with a sender's scope: any bytes are
//! read or refused with an error; every row read is an update or has problems; no update
//! is outside the scope or out of bounds.
#![no_main]

use carefind::availability::feed::{self, Check, FeedFormat};
use carefind::availability::{MAX_BEDS, MAX_WAIT_DAYS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let now = jiff::Timestamp::from_second(1_780_000_000).unwrap();
    let allowed = |id: &str| id.starts_with('f');
    for format in [FeedFormat::Csv, FeedFormat::Json, FeedFormat::Ndjson] {
        let check = Check::at(now).allowed_ids(&allowed);
        if let Ok(read) = feed::read(data, format, &check) {
            assert_eq!(read.updates.len() as u64 + read.rejected(), read.read);
            for update in &read.updates {
                assert!(update.id.starts_with('f'));
                assert!(update.updated_at <= now);
                assert!(update.beds_available.is_none_or(|beds| beds <= MAX_BEDS));
                assert!(update.wait_days.is_none_or(|days| days <= MAX_WAIT_DAYS));
            }
        }
    }
});
