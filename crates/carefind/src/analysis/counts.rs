//! How many facilities offer each level of care, take each payment, lie in each state...:
//! `/v1/stats` and `carefind stats`.
//!
//! ```
//! use carefind::Index;
//! use carefind::analysis::counts::{By, count};
//!
//! let index = Index::sample();
//! let counts = count(index.facilities(), By::Status);
//! assert_eq!(counts.iter().map(|c| c.count).sum::<usize>(), index.len());
//! ```

use std::collections::BTreeMap;

use serde::Serialize;

use crate::{FacilityRef, Set, Term};

/// What facilities are counted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum By {
    /// Level of care.
    Care,
    /// State (upper case; "(none)" where empty).
    State,
    /// Way to pay.
    Payment,
    /// Language spoken.
    Language,
    /// Age group served.
    Age,
    /// Population served.
    Population,
    /// Medication offered.
    Medication,
    /// Kind of facility.
    Kind,
    /// Mental-health facility type.
    MhType,
    /// Accreditation, license, certification, registration or designation.
    Credential,
    /// How precisely the facility is placed.
    Precision,
    /// Listing status.
    Status,
}

impl By {
    /// Every grouping, in the order `--by` lists them.
    pub const ALL: [By; 12] = [
        By::Care,
        By::State,
        By::Payment,
        By::Language,
        By::Age,
        By::Population,
        By::Medication,
        By::Kind,
        By::MhType,
        By::Credential,
        By::Precision,
        By::Status,
    ];

    /// The name counts carry and `by=` takes.
    pub fn name(self) -> &'static str {
        match self {
            By::Care => "care",
            By::State => "state",
            By::Payment => "payment",
            By::Language => "language",
            By::Age => "age",
            By::Population => "population",
            By::Medication => "medication",
            By::Kind => "kind",
            By::MhType => "mh-type",
            By::Credential => "credential",
            By::Precision => "precision",
            By::Status => "status",
        }
    }
}

impl std::str::FromStr for By {
    type Err = String;

    /// A grouping by name, in any case (`mh_type` for `mh-type` too).
    fn from_str(text: &str) -> Result<By, String> {
        let wanted = text.trim().to_ascii_lowercase().replace('_', "-");
        By::ALL
            .into_iter()
            .find(|by| by.name() == wanted)
            .ok_or_else(|| {
                let names: Vec<&str> = By::ALL.iter().map(|by| by.name()).collect();
                format!("{text:?}: use {}", names.join(", "))
            })
    }
}

/// One line of the counts.
#[derive(Debug, PartialEq, Serialize)]
pub struct Count {
    /// What was counted by ([`By::name`]).
    pub by: &'static str,
    /// The term, state or value.
    pub key: String,
    /// Facilities with it.
    pub count: usize,
    /// The share of all facilities.
    pub share: f64,
}

/// The facilities per key of `by`: terms in their vocabulary's order then "(none)",
/// states in alphabetical order.
pub fn count<'a>(
    facilities: impl IntoIterator<Item = FacilityRef<'a>> + Clone,
    by: By,
) -> Vec<Count> {
    let total = facilities.clone().into_iter().count();
    let (name, counts): (&'static str, Vec<(String, usize)>) = match by {
        By::Care => ("care", terms(facilities, |f| f.care())),
        By::Payment => ("payment", terms(facilities, |f| f.payment())),
        By::Language => ("language", terms(facilities, |f| f.languages())),
        By::Age => ("age", terms(facilities, |f| f.ages())),
        By::Population => ("population", terms(facilities, |f| f.populations())),
        By::Medication => ("medication", terms(facilities, |f| f.medications())),
        By::Kind => ("kind", terms(facilities, |f| f.kinds())),
        By::MhType => ("mh-type", terms(facilities, |f| f.mh_types())),
        By::Credential => ("credential", terms(facilities, |f| f.credentials())),
        By::Precision => {
            let zip = facilities
                .into_iter()
                .filter(|f| f.precision() == crate::Precision::Zip)
                .count();
            (
                "precision",
                vec![("point".into(), total - zip), ("zip".into(), zip)],
            )
        }
        By::Status => (
            "status",
            crate::Status::ALL
                .iter()
                .map(|status| {
                    let count = facilities
                        .clone()
                        .into_iter()
                        .filter(|f| f.status() == *status)
                        .count();
                    (status.to_string(), count)
                })
                .collect(),
        ),
        By::State => {
            let mut states: BTreeMap<String, usize> = BTreeMap::new();
            for facility in facilities {
                let state = match facility.state().trim() {
                    "" => "(none)".to_string(),
                    state => state.to_ascii_uppercase(),
                };
                *states.entry(state).or_default() += 1;
            }
            ("state", states.into_iter().collect())
        }
    };
    counts
        .into_iter()
        .map(|(key, count)| Count {
            by: name,
            key,
            count,
            share: if total == 0 {
                0.0
            } else {
                count as f64 / total as f64
            },
        })
        .collect()
}

/// Facilities per term, in the vocabulary's order, then those with none.
fn terms<'a, T: Term>(
    facilities: impl IntoIterator<Item = FacilityRef<'a>>,
    set: impl Fn(FacilityRef<'_>) -> Set<T>,
) -> Vec<(String, usize)> {
    let mut per_term = vec![0; T::ALL.len()];
    let mut none = 0;
    for facility in facilities {
        let terms = set(facility);
        none += usize::from(terms.is_empty());
        for term in terms.iter() {
            per_term[term.index()] += 1;
        }
    }
    let mut counts: Vec<(String, usize)> = T::ALL
        .iter()
        .zip(per_term)
        .map(|(term, count)| (term.name().to_string(), count))
        .collect();
    if none > 0 {
        counts.push(("(none)".into(), none));
    }
    counts
}
