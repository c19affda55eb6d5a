//! "All of": values a facility must offer every one of, beside a filter's "any of" sets
//! ("a facility offering methadone, buprenorphine *and* naltrexone").

use crate::filter::Attributes;
use crate::{
    AgeSet, CareSet, CredentialSet, KindSet, LanguageSet, MedicationSet, PaymentSet, PopulationSet,
};

/// Sets a facility must offer the whole of, one per multi-valued filter. In words, a list
/// that starts with `all:` (`medication=all:methadone,buprenorphine,naltrexone`).
///
/// ```
/// use carefind::{AllOf, Facility, Filter, LatLon, Medication};
///
/// let mut facility = Facility::new("f", "F", LatLon::new(40.7, -74.0).unwrap());
/// facility.medications = [Medication::Methadone, Medication::Buprenorphine].into();
/// let both = AllOf { medications: [Medication::Methadone, Medication::Buprenorphine].into(), ..AllOf::default() };
/// assert!(Filter::new().all_of(both).matches(&facility));
/// let three = AllOf { medications: both.medications | Medication::Naltrexone.into(), ..AllOf::default() };
/// assert!(!Filter::new().all_of(three).matches(&facility));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct AllOf {
    /// Levels of care, all of which must be offered.
    pub care: CareSet,
    /// Ways to pay, all of which must be taken.
    pub payment: PaymentSet,
    /// Age groups, all of which must be served.
    pub ages: AgeSet,
    /// Populations, all of which must be served.
    pub populations: PopulationSet,
    /// Languages, all of which must be spoken.
    pub languages: LanguageSet,
    /// Medications, all of which must be offered.
    pub medications: MedicationSet,
    /// Facility kinds, all of which must be (substance use and mental health).
    pub kinds: KindSet,
    /// Credentials (accreditations and licenses), all of which must be held.
    pub credentials: CredentialSet,
}

impl AllOf {
    /// Whether it asks nothing.
    pub fn is_empty(&self) -> bool {
        *self == AllOf::default()
    }

    /// The part of the test on the index's compact copy of the sets.
    pub(crate) fn matches_attributes(&self, offered: &Attributes) -> bool {
        offered.care.contains_all(self.care)
            && offered.payment.contains_all(self.payment)
            && offered.ages.contains_all(self.ages)
            && offered.populations.contains_all(self.populations)
            && offered.languages.contains_all(self.languages)
            && offered.medications.contains_all(self.medications)
            && offered.kinds.contains_all(self.kinds)
    }

    /// The sets' bits, as a key for counts.
    pub(crate) fn masks(&self) -> [u64; 8] {
        [
            self.care.bits(),
            self.payment.bits(),
            self.ages.bits(),
            self.populations.bits(),
            self.languages.bits(),
            self.medications.bits(),
            self.kinds.bits(),
            self.credentials.bits(),
        ]
    }
}

/// Both sets' needs: every value of either.
impl std::ops::BitOr for AllOf {
    type Output = AllOf;

    fn bitor(self, other: AllOf) -> AllOf {
        AllOf {
            care: self.care | other.care,
            payment: self.payment | other.payment,
            ages: self.ages | other.ages,
            populations: self.populations | other.populations,
            languages: self.languages | other.languages,
            medications: self.medications | other.medications,
            kinds: self.kinds | other.kinds,
            credentials: self.credentials | other.credentials,
        }
    }
}
