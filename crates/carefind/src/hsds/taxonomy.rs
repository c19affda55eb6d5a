//! carefind's vocabularies as HSDS taxonomies, with stable ids.

use serde_json::{Value, json};

use crate::age::AgeGroup;
use crate::asam::Asam;
use crate::care::CareLevel;
use crate::credential::Credential;
use crate::kind::FacilityKind;
use crate::language::Language;
use crate::medication::Medication;
use crate::mh_type::MhType;
use crate::payment::Payment;
use crate::population::Population;
use crate::precision::Precision;
use crate::vocabulary::Term;

use super::id_of;

/// One of carefind's taxonomies: its name (`carefind-care-level`), what it is, its terms.
#[derive(Clone, Debug)]
pub struct Taxonomy {
    /// The taxonomy's id.
    pub id: String,
    /// The taxonomy's name, which every term's `taxonomy` field repeats.
    pub name: &'static str,
    /// What it classifies.
    pub description: &'static str,
    /// Its terms.
    pub terms: Vec<TaxonomyTerm>,
}

/// A term of a carefind taxonomy.
#[derive(Clone, Debug)]
pub struct TaxonomyTerm {
    /// The term's id.
    pub id: String,
    /// The canonical name in carefind (`iop`), the term's `code`.
    pub code: &'static str,
    /// The human label (`Intensive outpatient`), the term's `name`.
    pub name: &'static str,
    /// The description (for levels of care, with the ASAM level).
    pub description: String,
}

/// Taxonomy names, in the order [`taxonomies`] gives them.
pub const CARE: &str = "carefind-care-level";
/// Ways to pay.
pub const PAYMENT: &str = "carefind-payment";
/// Age groups.
pub const AGE: &str = "carefind-age-group";
/// Client groups.
pub const POPULATION: &str = "carefind-population";
/// Languages.
pub const LANGUAGE: &str = "carefind-language";
/// Medications.
pub const MEDICATION: &str = "carefind-medication";
/// What a facility treats.
pub const KIND: &str = "carefind-facility-kind";
/// Mental-health facility types.
pub const MH_TYPE: &str = "carefind-mh-type";
/// Accreditations, licenses, certification, registration and designation.
pub const CREDENTIAL: &str = "carefind-credential";
/// ASAM Criteria 4th-edition levels, derived from the levels of care.
pub const ASAM: &str = "carefind-asam-4";
/// How exactly a location's point places it.
pub const PRECISION: &str = "carefind-location-precision";
/// Free-text services, one term each, as carefind wrote them before they became the
/// value of the listing's `services` attribute: still read, never written.
pub const SERVICE: &str = "carefind-service";
/// Facts about the listing itself (its source), carried in an attribute's `value`.
pub const LISTING: &str = "carefind-listing";

/// The terms of [`LISTING`]: code, name, description. Each attribute's value holds the
/// fact, as the native CSV's column of the same meaning writes it.
pub const LISTING_TERMS: [(&str, &str, &str); 8] = [
    (
        "source",
        "Source",
        "Where the listing comes from: a directory and its release.",
    ),
    (
        "walk-in",
        "Walk-in intake",
        "Walk-in intake: yes (while open), no, or its hours in the OpenStreetMap opening_hours syntax.",
    ),
    (
        "same-day-medication",
        "Medication on the first visit",
        "Whether medication for opioid use disorder can start at the first visit: yes or no.",
    ),
    (
        "counseling-required",
        "Counseling required for medication",
        "Whether counseling is required to receive medication: yes or no.",
    ),
    (
        "telehealth-intake",
        "Intake by phone or video",
        "Whether intake can be done by phone or video: yes or no.",
    ),
    (
        "level-hours",
        "Hours of levels of care",
        "Hours of single levels of care that differ from the service's schedules, as a JSON object from level to opening_hours expression.",
    ),
    (
        "timezone",
        "Time zone",
        "The IANA time zone the schedules' times are in (HSDS gives only a UTC offset).",
    ),
    (
        "services",
        "Other services",
        "Other services the facility offers, as its directory lists them: free text, separated by \"; \".",
    ),
];

/// What separates the free-text services in the value of the listing's `services`
/// attribute (carefind's lists never hold a `;` within an item).
pub const SERVICES_SEPARATOR: &str = "; ";

fn terms_of<T: Term>(describe: impl Fn(T) -> String) -> Vec<TaxonomyTerm> {
    T::ALL
        .iter()
        .map(|term| TaxonomyTerm {
            id: String::new(),
            code: term.name(),
            name: term.label(),
            description: describe(*term),
        })
        .collect()
}

/// Every carefind taxonomy, each with its closed set of terms.
pub fn taxonomies() -> Vec<Taxonomy> {
    let plain = |label: &str| label.to_string();
    let mut all = vec![
        Taxonomy {
            id: String::new(),
            name: CARE,
            description: "Levels of care for substance use treatment, with the ASAM Criteria level where one applies.",
            terms: terms_of::<CareLevel>(|level| match level.asam() {
                Some(asam) => format!("{} (ASAM level {asam}).", level.label()),
                None => format!("{}.", level.label()),
            }),
        },
        Taxonomy {
            id: String::new(),
            name: PAYMENT,
            description: "Ways of paying a facility accepts.",
            terms: terms_of::<Payment>(|t| plain(t.label())),
        },
        Taxonomy {
            id: String::new(),
            name: AGE,
            description: "Age groups a facility serves.",
            terms: terms_of::<AgeGroup>(|t| plain(t.label())),
        },
        Taxonomy {
            id: String::new(),
            name: POPULATION,
            description: "Client groups with dedicated programs.",
            terms: terms_of::<Population>(|t| plain(t.label())),
        },
        Taxonomy {
            id: String::new(),
            name: LANGUAGE,
            description: "Languages care is offered in (ISO 639 codes).",
            terms: terms_of::<Language>(|t| plain(t.label())),
        },
        Taxonomy {
            id: String::new(),
            name: MEDICATION,
            description: "Medications used in treatment.",
            terms: terms_of::<Medication>(|t| plain(t.label())),
        },
        Taxonomy {
            id: String::new(),
            name: KIND,
            description: "What a facility treats: substance use, mental health.",
            terms: terms_of::<FacilityKind>(|t| plain(t.label())),
        },
        Taxonomy {
            id: String::new(),
            name: MH_TYPE,
            description: "Mental-health facility types, as SAMHSA's directory names them.",
            terms: terms_of::<MhType>(|t| plain(t.label())),
        },
        Taxonomy {
            id: String::new(),
            name: CREDENTIAL,
            description: "Accreditations, licenses, OTP certification, DEA registration and FQHC designation, as SAMHSA's directories list them.",
            terms: terms_of::<Credential>(|t| plain(t.label())),
        },
        Taxonomy {
            id: String::new(),
            name: ASAM,
            description: "ASAM Criteria 4th-edition levels (2023), derived by carefind from the levels of care (a crosswalk), never stated by the source.",
            terms: terms_of::<Asam>(|t| plain(t.label())),
        },
        Taxonomy {
            id: String::new(),
            name: PRECISION,
            description: "How exactly a location's coordinates place it.",
            terms: vec![
                TaxonomyTerm {
                    id: String::new(),
                    code: Precision::Point.name(),
                    name: "Own address",
                    description: "The coordinates are the facility's own.".into(),
                },
                TaxonomyTerm {
                    id: String::new(),
                    code: Precision::Zip.name(),
                    name: "ZIP code centroid",
                    description: "The coordinates are only the centroid of the facility's ZIP code; distances to it can be off by miles.".into(),
                },
            ],
        },
        Taxonomy {
            id: String::new(),
            name: LISTING,
            description: "Facts about a listing, each in the attribute's value.",
            terms: LISTING_TERMS
                .iter()
                .map(|(code, name, description)| TaxonomyTerm {
                    id: String::new(),
                    code,
                    name,
                    description: (*description).into(),
                })
                .collect(),
        },
    ];
    for taxonomy in &mut all {
        taxonomy.id = taxonomy_id(taxonomy.name);
        for term in &mut taxonomy.terms {
            term.id = term_id(taxonomy.name, term.code);
        }
    }
    all
}

/// [`taxonomies`], made once: their ids are hashes, and every export and answer needs them.
///
/// ```
/// assert_eq!(carefind::hsds::taxonomy::all()[0].name, "carefind-care-level");
/// ```
pub fn all() -> &'static [Taxonomy] {
    static ALL: std::sync::OnceLock<Vec<Taxonomy>> = std::sync::OnceLock::new();
    ALL.get_or_init(taxonomies)
}

/// The id of taxonomy `name`.
pub fn taxonomy_id(name: &str) -> String {
    id_of("taxonomy", name)
}

/// The id of the term `code` of taxonomy `taxonomy`.
pub fn term_id(taxonomy: &str, code: &str) -> String {
    id_of("taxonomy_term", &format!("{taxonomy}/{code}"))
}

/// A taxonomy as the HSDS `taxonomy` object.
pub fn taxonomy_json(taxonomy: &Taxonomy) -> Value {
    json!({
        "id": taxonomy.id,
        "name": taxonomy.name,
        "description": taxonomy.description,
        "version": env!("CARGO_PKG_VERSION"),
    })
}

/// A term as the HSDS `taxonomy_term` object, naming its taxonomy (whose details
/// `/taxonomies` and the data package's `taxonomies.csv` give once).
pub fn term_json(taxonomy: &Taxonomy, code: &str, name: &str, description: &str) -> Value {
    let id = taxonomy
        .terms
        .iter()
        .find(|term| term.code == code)
        .map_or_else(|| term_id(taxonomy.name, code), |term| term.id.clone());
    json!({
        "id": id,
        "code": code,
        "name": name,
        "description": description,
        "taxonomy": taxonomy.name,
    })
}
