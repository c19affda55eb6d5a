//! The facility record.

use serde::{Deserialize, Serialize};

use crate::age::AgeSet;
use crate::care::CareSet;
use crate::credential::CredentialSet;
use crate::kind::KindSet;
use crate::language::LanguageSet;
use crate::medication::MedicationSet;
use crate::mh_type::MhTypeSet;
use crate::payment::PaymentSet;
use crate::population::PopulationSet;
use crate::precision::Precision;
use crate::sphere::LatLon;
use crate::status::Status;

/// A treatment facility: who it is, where it is, and what it offers.
///
/// Text fields are empty when unknown. The location is checked on construction (see
/// [`LatLon`]), so every facility has a valid position. Serialized, the location appears as
/// top-level `lat` and `lon` fields and the sets as arrays of canonical names.
///
/// ```
/// use carefind::{CareLevel, Facility, LatLon};
///
/// let mut facility = Facility::new("f1", "Harbor Recovery", LatLon::new(41.3, -72.9).unwrap());
/// facility.care = "iop;outpatient".parse().unwrap();
/// facility.city = "New Haven".into();
/// assert!(facility.care.contains(CareLevel::Iop));
///
/// let json = serde_json::to_value(&facility).unwrap();
/// assert_eq!(json["lat"], 41.3);
/// assert_eq!(json["care"][0], "iop");
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Facility {
    /// A stable identifier, unique within a dataset.
    pub id: String,
    /// The facility's name.
    pub name: String,
    /// A second name (a program or parent organisation), or empty.
    #[serde(default)]
    pub name2: String,
    /// Street address.
    #[serde(default)]
    pub street: String,
    /// City.
    #[serde(default)]
    pub city: String,
    /// State or territory, as a two-letter USPS code.
    #[serde(default)]
    pub state: String,
    /// ZIP code.
    #[serde(default)]
    pub zip: String,
    /// Main phone number.
    #[serde(default)]
    pub phone: String,
    /// Intake phone number.
    #[serde(default)]
    pub intake_phone: String,
    /// Website.
    #[serde(default)]
    pub website: String,
    /// Where the facility is.
    #[serde(flatten)]
    pub location: LatLon,
    /// Levels of care offered.
    #[serde(default)]
    pub care: CareSet,
    /// Ways of paying accepted.
    #[serde(default)]
    pub payment: PaymentSet,
    /// Age groups served.
    #[serde(default)]
    pub ages: AgeSet,
    /// Client groups with dedicated programs.
    #[serde(default)]
    pub populations: PopulationSet,
    /// Languages care is offered in.
    #[serde(default)]
    pub languages: LanguageSet,
    /// Medications used in treatment.
    #[serde(default)]
    pub medications: MedicationSet,
    /// Other services, free text (group counselling, 12-step, ...).
    #[serde(default)]
    pub services: Vec<String>,
    /// What the facility treats: substance use, mental health, or both (empty when the
    /// source does not say).
    #[serde(default)]
    pub kinds: KindSet,
    /// The mental-health facility types it is (psychiatric hospital, CMHC...).
    #[serde(default)]
    pub mh_types: MhTypeSet,
    /// Its accreditations, licenses, certification, registration and designation, as the
    /// directory lists them (empty when it does not say).
    #[serde(default)]
    pub credentials: CredentialSet,
    /// How exactly `location` places it: its own address, or only its ZIP centroid.
    #[serde(default)]
    pub precision: Precision,
    /// Whether the facility is open; searches hide closed ones unless asked.
    #[serde(default)]
    pub status: Status,
    /// When the listing was last confirmed (by the directory or its staff), if known.
    #[serde(default)]
    pub verified: Option<jiff::civil::Date>,
    /// Where the listing comes from (a directory and its release), free text.
    #[serde(default)]
    pub source: String,
    /// Opening hours in the OpenStreetMap `opening_hours` syntax, in local time (see
    /// [`Hours`](crate::hours::Hours)); empty when not listed. Loaders check them; hours a
    /// program sets that do not parse count as not listed.
    #[serde(default)]
    pub hours: String,
    /// Hours of single levels of care that differ from the facility's, as a JSON object
    /// from level to hours (`{"iop": "Mo,We,Th 18:00-21:00"}`); empty when none. A
    /// level's own hours override [`Facility::hours`] for searches asking for it.
    #[serde(default)]
    pub level_hours: String,
    /// The IANA time zone the hours are in (`America/Chicago`); loaders fill it from the
    /// coordinates when the source names none.
    #[serde(default)]
    pub timezone: String,
    /// Walk-in intake: `yes` (while open), `no`, or its hours (see
    /// [`WalkIn`](crate::hours::WalkIn)); empty when unknown.
    #[serde(default)]
    pub walk_in: String,
    /// Whether medication for opioid use disorder can start at the first visit; `None`
    /// when the listing does not say.
    #[serde(default)]
    pub same_day_medication: Option<bool>,
    /// Whether counseling is required to receive medication; `None` when unknown.
    #[serde(default)]
    pub counseling_required: Option<bool>,
    /// Whether intake can be done by phone or video; `None` when unknown.
    #[serde(default)]
    pub telehealth_intake: Option<bool>,
    /// What an Open Referral HSDS source said that carefind has no field for, kept so an
    /// export gives it back (see [`hsds`](crate::hsds)): a JSON object of HSDS objects
    /// (`{"service": {"contacts": [...]}, "organization": {"name": ...}}`); empty
    /// otherwise.
    #[serde(default)]
    pub hsds: String,
}

impl Facility {
    /// A facility with an id, a name and a location, and every other field empty.
    ///
    /// ```
    /// use carefind::{Facility, LatLon};
    ///
    /// let facility = Facility::new("a", "Alpha", LatLon::new(0.0, 0.0).unwrap());
    /// assert!(facility.care.is_empty() && facility.city.is_empty());
    /// ```
    pub fn new(id: impl Into<String>, name: impl Into<String>, location: LatLon) -> Self {
        Facility {
            id: id.into(),
            name: name.into(),
            name2: String::new(),
            street: String::new(),
            city: String::new(),
            state: String::new(),
            zip: String::new(),
            phone: String::new(),
            intake_phone: String::new(),
            website: String::new(),
            location,
            care: CareSet::default(),
            payment: PaymentSet::default(),
            ages: AgeSet::default(),
            populations: PopulationSet::default(),
            languages: LanguageSet::default(),
            medications: MedicationSet::default(),
            services: Vec::new(),
            kinds: KindSet::default(),
            mh_types: MhTypeSet::default(),
            credentials: CredentialSet::default(),
            precision: Precision::Point,
            status: Status::Active,
            verified: None,
            source: String::new(),
            hours: String::new(),
            level_hours: String::new(),
            timezone: String::new(),
            walk_in: String::new(),
            same_day_medication: None,
            counseling_required: None,
            telehealth_intake: None,
            hsds: String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trips_and_checks_coordinates() {
        let mut facility = Facility::new("x", "X", LatLon::new(-33.9, 151.2).unwrap());
        facility.payment = "medicaid;cash".parse().unwrap();
        facility.services = vec!["12-step".into()];
        let json = serde_json::to_string(&facility).unwrap();
        assert_eq!(serde_json::from_str::<Facility>(&json).unwrap(), facility);

        let bad = json.replace("-33.9", "-133.9");
        let error = serde_json::from_str::<Facility>(&bad)
            .unwrap_err()
            .to_string();
        assert!(error.contains("latitude -133.9"), "{error}");
    }
}
