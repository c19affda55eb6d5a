//! Combining facilities from several sources into one dataset, with the same facility
//! listed by two sources kept once.
//!
//! Directories overlap: the SAMHSA substance-use directory and the opioid treatment program
//! directory list many of the same clinics, under slightly different names. [`merge`]
//! finds a facility of a later source in the earlier ones when it has the same name and
//! address (compared word by word, ignoring case, punctuation and common street
//! abbreviations), or lies within [`MergeOptions::within`] (50 m) of one with a similar
//! name (at least half of the words of the shorter name, leaving out words like "inc" or
//! "center", are in the other). The facility keeps its first id and gains the levels of
//! care, attributes and services of both, and every merge is reported. Facilities of one
//! source are never merged with each other: a directory that lists two programs at one
//! address means two.

use std::collections::HashMap;

use crate::distance::Distance;
use crate::facility::Facility;
use crate::load::Loaded;
use crate::sphere::EARTH_RADIUS_M;

/// How to merge.
///
/// ```
/// use carefind::merge::MergeOptions;
///
/// assert_eq!(MergeOptions::default().within.as_meters(), 50.0);
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct MergeOptions {
    /// How close two listings with similar names must be to be one facility.
    pub within: Distance,
}

impl Default for MergeOptions {
    fn default() -> Self {
        MergeOptions {
            within: Distance::from_meters(50.0),
        }
    }
}

/// Why two listings were taken for one facility.
#[derive(Clone, Debug, PartialEq)]
pub enum MergeReason {
    /// The same name and address.
    SameNameAndAddress,
    /// Close together with similar names.
    Nearby {
        /// The distance between the two points, in meters.
        distance_m: f64,
    },
}

/// One listing merged into a facility of an earlier source.
///
/// ```
/// use carefind::merge::{Merge, MergeReason};
///
/// let merge = Merge {
///     kept: "g-1".into(),
///     kept_name: "Eastside Recovery Center".into(),
///     kept_source: "sa.csv".into(),
///     merged: "g-2".into(),
///     merged_name: "Eastside Recovery, Inc.".into(),
///     source: "otp.csv".into(),
///     reason: MergeReason::Nearby { distance_m: 12.5 },
/// };
/// assert_eq!(
///     merge.to_string(),
///     r#"otp.csv g-2 "Eastside Recovery, Inc." into sa.csv g-1 "Eastside Recovery Center": 12.5 m apart, similar names"#
/// );
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Merge {
    /// The id kept.
    pub kept: String,
    /// The name of the facility kept.
    pub kept_name: String,
    /// The source of the facility kept.
    pub kept_source: String,
    /// The id of the listing merged into it.
    pub merged: String,
    /// The name of that listing.
    pub merged_name: String,
    /// The source of that listing.
    pub source: String,
    /// Why.
    pub reason: MergeReason,
}

impl std::fmt::Display for Merge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} {:?} into {} {} {:?}: ",
            self.source, self.merged, self.merged_name, self.kept_source, self.kept, self.kept_name
        )?;
        match self.reason {
            MergeReason::SameNameAndAddress => f.write_str("same name and address"),
            MergeReason::Nearby { distance_m } => {
                write!(f, "{distance_m:.1} m apart, similar names")
            }
        }
    }
}

/// A listing whose id an earlier source had already given to another facility, and the id
/// it got instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Renamed {
    /// The listing's source.
    pub source: String,
    /// Its id in the source.
    pub id: String,
    /// Its id in the merged dataset: the old one and `~2` (or `~3`...).
    pub new_id: String,
}

/// The merged dataset and what was done to get it.
#[derive(Clone, Debug, Default)]
pub struct Merged {
    /// Every facility once, the first source's first, in input order.
    pub facilities: Vec<Facility>,
    /// Every merge, in input order.
    pub merges: Vec<Merge>,
    /// Listings whose id was taken, with their new ids.
    pub renamed: Vec<Renamed>,
}

/// Merges sources, earlier ones first; no listing is lost: each is in
/// [`Merged::facilities`] or in [`Merged::merges`].
///
/// ```
/// use carefind::{CareLevel, Facility, LatLon};
/// use carefind::load::{LoadReport, Loaded};
/// use carefind::merge::{merge, MergeOptions};
///
/// let source = |name: &str, facilities: Vec<Facility>| Loaded {
///     facilities,
///     report: LoadReport { source: name.into(), ..LoadReport::default() },
/// };
/// let mut sa = Facility::new("g-1", "Eastside Recovery Center", LatLon::new(41.7600, -72.6700)?);
/// sa.care = CareLevel::Outpatient.into();
/// let mut otp = Facility::new("g-2", "Eastside Recovery, Inc.", LatLon::new(41.7601, -72.6701)?);
/// otp.care = CareLevel::Otp.into();
///
/// let merged = merge(vec![source("sa.csv", vec![sa]), source("otp.csv", vec![otp])], &MergeOptions::default());
/// assert_eq!(merged.facilities.len(), 1);
/// assert_eq!(merged.facilities[0].id, "g-1");
/// assert_eq!(merged.facilities[0].care.len(), 2);
/// assert_eq!(merged.merges.len(), 1);
/// # Ok::<(), carefind::error::CoordinateError>(())
/// ```
pub fn merge(sources: Vec<Loaded>, options: &MergeOptions) -> Merged {
    let cell = (options.within.as_meters() / EARTH_RADIUS_M).max(1e-9);
    let mut merged = Merged::default();
    let mut origin: Vec<usize> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut grid: HashMap<[i64; 3], Vec<usize>> = HashMap::new();
    let mut ids: HashMap<String, usize> = HashMap::new();

    let count = sources.len();
    for (source_index, loaded) in sources.into_iter().enumerate() {
        let source = loaded.report.source;
        names.push(source.clone());
        let first_of_source = merged.facilities.len();
        for mut facility in loaded.facilities {
            // The first source has nothing to merge into (a single file's import spent a
            // tenth of its time on keys no one looked up).
            let found = if by_key.is_empty() {
                None
            } else {
                by_key
                    .get(&identity_key(&facility))
                    .map(|&at| (at, MergeReason::SameNameAndAddress))
                    .or_else(|| nearby(&merged.facilities, &grid, cell, &facility, options))
            };
            if let Some((at, reason)) = found {
                let kept = &mut merged.facilities[at];
                merged.merges.push(Merge {
                    kept: kept.id.clone(),
                    kept_name: kept.name.clone(),
                    kept_source: names[origin[at]].clone(),
                    merged: facility.id.clone(),
                    merged_name: facility.name.clone(),
                    source: source.clone(),
                    reason,
                });
                let moved = absorb(kept, facility);
                // A better point moves it: later sources look for it in its new cell too
                // (an entry left in the old cell is only a candidate, tested by distance).
                if moved && at < first_of_source {
                    grid.entry(cell_of(kept, cell)).or_default().push(at);
                }
                continue;
            }
            if ids.contains_key(&facility.id) {
                let new_id = (2..)
                    .map(|n| format!("{}~{n}", facility.id))
                    .find(|id| !ids.contains_key(id))
                    .unwrap_or_default();
                merged.renamed.push(Renamed {
                    source: source.clone(),
                    id: std::mem::replace(&mut facility.id, new_id.clone()),
                    new_id,
                });
            }
            ids.insert(facility.id.clone(), merged.facilities.len());
            origin.push(source_index);
            merged.facilities.push(facility);
        }
        // Only now can later sources find this one's facilities, if there are any.
        if source_index + 1 == count {
            break;
        }
        for at in first_of_source..merged.facilities.len() {
            let facility = &merged.facilities[at];
            by_key.entry(identity_key(facility)).or_insert(at);
            grid.entry(cell_of(facility, cell)).or_default().push(at);
        }
    }
    merged
}

/// The closest facility of an earlier source with a similar name, within the distance.
fn nearby(
    facilities: &[Facility],
    grid: &HashMap<[i64; 3], Vec<usize>>,
    cell: f64,
    facility: &Facility,
    options: &MergeOptions,
) -> Option<(usize, MergeReason)> {
    let [x, y, z] = cell_of(facility, cell);
    let words = name_words(facility);
    let mut best: Option<(usize, f64)> = None;
    for dx in -1..=1 {
        for dy in -1..=1 {
            for dz in -1..=1 {
                for &at in grid.get(&[x + dx, y + dy, z + dz]).into_iter().flatten() {
                    let other = &facilities[at];
                    let distance_m = facility.location.distance_m(other.location);
                    if distance_m > options.within.as_meters()
                        || !similar(&words, &name_words(other))
                    {
                        continue;
                    }
                    let better = best.is_none_or(|(best_at, best_m)| {
                        (distance_m, &other.id) < (best_m, &facilities[best_at].id)
                    });
                    if better {
                        best = Some((at, distance_m));
                    }
                }
            }
        }
    }
    best.map(|(at, distance_m)| (at, MergeReason::Nearby { distance_m }))
}

/// The grid cell of a point's unit vector; cells are as wide as the merge distance, so
/// two points within it are in the same or neighbouring cells, anywhere on the sphere.
fn cell_of(facility: &Facility, cell: f64) -> [i64; 3] {
    facility
        .location
        .unit_vector()
        .map(|coordinate| (coordinate / cell).floor() as i64)
}

/// Name and address, word by word, with common abbreviations written one way.
fn identity_key(facility: &Facility) -> String {
    let mut key = String::new();
    for part in [
        &facility.name,
        &facility.street,
        &facility.city,
        &facility.state,
    ] {
        for word in crate::load::words(part) {
            key.push_str(abbreviated(&word));
            key.push(' ');
        }
        key.push('|');
    }
    key
}

fn abbreviated(word: &str) -> &str {
    match word {
        "street" => "st",
        "avenue" => "ave",
        "road" => "rd",
        "boulevard" => "blvd",
        "drive" => "dr",
        "lane" => "ln",
        "court" => "ct",
        "place" => "pl",
        "highway" => "hwy",
        "parkway" => "pkwy",
        "suite" => "ste",
        "building" => "bldg",
        "north" => "n",
        "south" => "s",
        "east" => "e",
        "west" => "w",
        other => other,
    }
}

/// Words of both names that tell one facility from another.
fn name_words(facility: &Facility) -> Vec<String> {
    const COMMON: &[&str] = &[
        "a",
        "an",
        "and",
        "at",
        "center",
        "centers",
        "clinic",
        "corp",
        "corporation",
        "for",
        "inc",
        "llc",
        "ltd",
        "of",
        "pc",
        "program",
        "services",
        "the",
        "treatment",
    ];
    let mut words: Vec<String> = crate::load::words(&facility.name)
        .chain(crate::load::words(&facility.name2))
        .filter(|word| !COMMON.contains(&word.as_str()))
        .collect();
    words.sort_unstable();
    words.dedup();
    words
}

/// Whether at least half the words of the shorter name are in the other.
fn similar(a: &[String], b: &[String]) -> bool {
    let shorter = a.len().min(b.len());
    if shorter == 0 {
        return false;
    }
    let shared = a
        .iter()
        .filter(|word| b.binary_search(word).is_ok())
        .count();
    2 * shared >= shorter
}

/// Gives `kept` what `other` knows and it does not, and `other`'s point when that point is
/// more exact (an address beside a ZIP centroid); true when it moved. Of the two listings'
/// verification dates the later counts, with its status (the more recent word on whether
/// the facility is open); both sources are named.
fn absorb(kept: &mut Facility, other: Facility) -> bool {
    if other.verified > kept.verified {
        kept.verified = other.verified;
        kept.status = other.status;
    }
    if !other.source.is_empty() && !kept.source.split("; ").any(|s| s == other.source) {
        kept.source = if kept.source.is_empty() {
            other.source.clone()
        } else {
            format!("{}; {}", kept.source, other.source)
        };
    }
    let moved = other.precision > kept.precision;
    if moved {
        kept.location = other.location;
        kept.precision = other.precision;
    }
    kept.kinds = kept.kinds | other.kinds;
    kept.mh_types = kept.mh_types | other.mh_types;
    kept.credentials = kept.credentials | other.credentials;
    kept.care = kept.care | other.care;
    kept.payment = kept.payment | other.payment;
    kept.ages = kept.ages | other.ages;
    kept.populations = kept.populations | other.populations;
    kept.languages = kept.languages | other.languages;
    kept.medications = kept.medications | other.medications;
    for (field, value) in [
        (&mut kept.name2, other.name2),
        (&mut kept.street, other.street),
        (&mut kept.city, other.city),
        (&mut kept.state, other.state),
        (&mut kept.zip, other.zip),
        (&mut kept.phone, other.phone),
        (&mut kept.intake_phone, other.intake_phone),
        (&mut kept.website, other.website),
    ] {
        if field.is_empty() {
            *field = value;
        }
    }
    for service in other.services {
        if !kept.services.contains(&service) {
            kept.services.push(service);
        }
    }
    moved
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::LoadReport;
    use crate::sphere::LatLon;

    #[test]
    fn a_facility_in_both_directories_has_both_kinds_and_the_better_point() {
        use crate::kind::FacilityKind;
        use crate::precision::Precision;
        let mut su = Facility::new("su", "Hope Center", LatLon::new(40.0, -75.0).unwrap());
        su.street = "1 Main St".into();
        su.kinds = FacilityKind::SubstanceUse.into();
        su.precision = Precision::Zip;
        let mut mh = su.clone();
        mh.id = "mh".into();
        mh.kinds = FacilityKind::MentalHealth.into();
        mh.precision = Precision::Point;
        mh.location = LatLon::new(40.0001, -75.0001).unwrap();
        let merged = merge(
            vec![
                source("su.csv", vec![su]),
                source("mh.csv", vec![mh.clone()]),
            ],
            &MergeOptions::default(),
        );
        assert_eq!(merged.facilities.len(), 1);
        let kept = &merged.facilities[0];
        assert_eq!(kept.kinds.len(), 2);
        assert_eq!(
            (kept.location, kept.precision),
            (mh.location, Precision::Point)
        );
    }

    fn source(name: &str, facilities: Vec<Facility>) -> Loaded {
        Loaded {
            facilities,
            report: LoadReport {
                source: name.into(),
                ..LoadReport::default()
            },
        }
    }

    fn at(id: &str, name: &str, lat: f64, lon: f64) -> Facility {
        let mut facility = Facility::new(id, name, LatLon::new(lat, lon).unwrap());
        facility.care = crate::CareLevel::Outpatient.into();
        facility
    }

    #[test]
    fn same_name_and_address_merge_at_any_distance() {
        let mut a = at("a", "Hope House", 40.0, -75.0);
        a.street = "12 North Main Street".into();
        let mut b = at("b", "HOPE HOUSE", 40.01, -75.0);
        b.street = "12 N. Main St".into();
        b.phone = "555-0100".into();
        let merged = merge(
            vec![source("1", vec![a]), source("2", vec![b])],
            &MergeOptions::default(),
        );
        assert_eq!(merged.facilities.len(), 1);
        assert_eq!(merged.facilities[0].phone, "555-0100");
        assert_eq!(merged.merges[0].reason, MergeReason::SameNameAndAddress);
    }

    #[test]
    fn nearby_needs_a_similar_name_and_picks_the_closest() {
        let sources = vec![
            source(
                "1",
                vec![
                    at("far", "Eastside Recovery", 40.0004, -75.0),
                    at("near", "Eastside Recovery", 40.0001, -75.0),
                    at("other", "Westside Clinic", 40.0, -75.0),
                ],
            ),
            source(
                "2",
                vec![
                    at("x", "Eastside Recovery LLC", 40.0, -75.0),
                    at("y", "Unrelated Name", 40.0, -75.0),
                    at("far", "Somewhere Else", 45.0, -75.0),
                ],
            ),
        ];
        let merged = merge(sources, &MergeOptions::default());
        assert_eq!(merged.merges.len(), 1);
        assert_eq!(merged.merges[0].kept, "near");
        assert_eq!(merged.facilities.len(), 5);
        assert_eq!(
            merged.renamed,
            [Renamed {
                source: "2".into(),
                id: "far".into(),
                new_id: "far~2".into()
            }]
        );
    }

    #[test]
    fn one_source_never_merges_with_itself_and_the_antimeridian_is_no_edge() {
        let sources = vec![
            source(
                "1",
                vec![
                    at("a", "Twin", 0.0, 179.99999),
                    at("b", "Twin", 0.0, 179.99999),
                ],
            ),
            source("2", vec![at("c", "Twin", 0.0, -179.99999)]),
        ];
        let merged = merge(sources, &MergeOptions::default());
        assert_eq!(merged.facilities.len(), 2);
        assert_eq!(merged.merges.len(), 1);
    }

    #[test]
    fn the_later_verified_listing_decides_the_status_and_both_sources_are_named() {
        let mut kept = Facility::new("a", "A", LatLon::new(1.0, 1.0).unwrap());
        kept.source = "su 2022".into();
        kept.verified = Some(jiff::civil::date(2022, 3, 1));
        let mut other = kept.clone();
        other.source = "mh 2022".into();
        other.verified = Some(jiff::civil::date(2022, 9, 1));
        other.status = crate::Status::Closed;
        absorb(&mut kept, other.clone());
        assert_eq!(kept.source, "su 2022; mh 2022");
        assert_eq!(kept.status, crate::Status::Closed);
        absorb(&mut kept, other);
        assert_eq!(kept.source, "su 2022; mh 2022");
    }
}
