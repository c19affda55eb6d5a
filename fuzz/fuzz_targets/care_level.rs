//! The vocabularies from any text: a set that prints and parses back to itself, or an
//! error that names the word.
#![no_main]

use carefind::{AgeSet, CareSet, LanguageSet, MedicationSet, PaymentSet, PopulationSet};
use libfuzzer_sys::fuzz_target;

macro_rules! round_trip {
    ($text:expr, $($set:ty),+) => {$(
        match $text.parse::<$set>() {
            Ok(set) => assert_eq!(set.to_string().parse::<$set>().unwrap(), set),
            Err(error) => assert!(!error.to_string().is_empty()),
        }
    )+};
}

fuzz_target!(|text: &str| {
    round_trip!(text, CareSet, PaymentSet, AgeSet, PopulationSet, LanguageSet, MedicationSet);
});
