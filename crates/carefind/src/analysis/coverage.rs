//! Distance from many origins to the nearest facility of each level, and what share of a
//! population lives within each ring of it.
//!
//! The origins are typically ZIP population centroids weighted by population; the answer
//! says, per level of care (or group), what weighted share lies within 10, 25 and 50 miles,
//! the weighted median and 90th-percentile distances, and the deserts: origins beyond the
//! largest ring, heaviest first. The nearest facilities are found on every core.

use rayon::prelude::*;

use crate::care::{CareLevel, CareSet};
use crate::distance::Distance;
use crate::error::{QueryError, UnknownTerm};
use crate::facility_ref::FacilityRef;
use crate::filter::Filter;
use crate::index::Index;
use crate::query::Query;
use crate::sphere::LatLon;

/// A place people live, and how many (or how much it counts).
///
/// ```
/// use carefind::LatLon;
/// use carefind::analysis::coverage::Origin;
///
/// let origin = Origin::new("43001", LatLon::new(40.08, -82.79)?, 4_800.0);
/// assert_eq!(origin.weight, 4_800.0);
/// # Ok::<(), carefind::error::CoordinateError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Origin {
    /// An id for the output, such as a ZIP code.
    pub id: String,
    /// Where.
    pub location: LatLon,
    /// How much the origin counts (its population); finite and at least zero.
    pub weight: f64,
}

impl Origin {
    /// An origin.
    pub fn new(id: impl Into<String>, location: LatLon, weight: f64) -> Self {
        Origin {
            id: id.into(),
            location,
            weight,
        }
    }
}

/// A level of care, or a group of them, to measure coverage of.
///
/// ```
/// use carefind::CareLevel;
/// use carefind::analysis::coverage::Target;
///
/// let detox: Target = "detox".parse().unwrap();
/// assert_eq!(detox.care.len(), 3);
/// assert_eq!(Target::level(CareLevel::Otp).name, "otp");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The level's or group's name.
    pub name: String,
    /// Any of these levels will do.
    pub care: CareSet,
}

impl Target {
    /// One level.
    pub fn level(level: CareLevel) -> Self {
        Target {
            name: level.name().to_string(),
            care: level.into(),
        }
    }

    /// Several levels or groups measured as one: a facility offering any of them counts,
    /// so "within 10 miles of detox or residential care" is one share, not two.
    ///
    /// ```
    /// use carefind::analysis::coverage::Target;
    ///
    /// let parts: Vec<Target> = ["detox", "residential"].iter().map(|w| w.parse().unwrap()).collect();
    /// let one = Target::as_one(&parts);
    /// assert_eq!(one.name, "detox+residential");
    /// assert_eq!(one.care.len(), parts[0].care.len() + parts[1].care.len());
    /// ```
    pub fn as_one(targets: &[Target]) -> Target {
        Target {
            name: targets
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join("+"),
            care: targets.iter().fold(CareSet::EMPTY, |all, t| all | t.care),
        }
    }

    /// Every level but telehealth, which distance does not describe.
    ///
    /// ```
    /// use carefind::analysis::coverage::Target;
    ///
    /// assert_eq!(Target::every_level().len(), 11);
    /// ```
    pub fn every_level() -> Vec<Target> {
        CareLevel::ALL
            .iter()
            .filter(|level| **level != CareLevel::Telehealth)
            .map(|level| Target::level(*level))
            .collect()
    }
}

impl std::str::FromStr for Target {
    type Err = UnknownTerm;

    /// A level or group name or code, such as `otp`, `detox` or `OIT`; or several joined
    /// by `+` (`detox+residential`), measured as one: a facility offering any of them.
    ///
    /// ```
    /// use carefind::CareLevel;
    /// use carefind::analysis::coverage::Target;
    ///
    /// let either: Target = "otp+OIT".parse().unwrap();
    /// assert_eq!(either.name, "otp+iop");
    /// assert!(either.care.contains(CareLevel::Otp) && either.care.contains(CareLevel::Iop));
    /// assert!("otp+".parse::<Target>().is_err());
    /// ```
    fn from_str(word: &str) -> Result<Self, Self::Err> {
        if word.contains('+') {
            let parts = word
                .split('+')
                .map(|part| {
                    if part.trim().is_empty() {
                        // An empty part is no level: the level parser says so, with the
                        // words it takes.
                        part.trim().parse::<CareLevel>()?;
                    }
                    part.parse()
                })
                .collect::<Result<Vec<Target>, _>>()?;
            return Ok(Target::as_one(&parts));
        }
        let care: CareSet = word.parse()?;
        let name = match care.iter().collect::<Vec<_>>()[..] {
            [level] => level.name().to_string(),
            _ => word.trim().to_ascii_lowercase(),
        };
        Ok(Target { name, care })
    }
}

/// What to measure.
///
/// ```
/// use carefind::Distance;
/// use carefind::analysis::coverage::CoverageQuery;
///
/// let query = CoverageQuery::default();
/// assert_eq!(query.rings, [Distance::from_miles(10.0), Distance::from_miles(25.0), Distance::from_miles(50.0)]);
/// assert_eq!(query.targets.len(), 11);
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CoverageQuery {
    /// The levels or groups (every level but telehealth by default).
    pub targets: Vec<Target>,
    /// The rings, nearest first (10, 25 and 50 miles by default).
    pub rings: Vec<Distance>,
    /// What a facility must also offer (payment, languages...); its levels are replaced by
    /// each target's.
    pub filter: Filter,
}

impl Default for CoverageQuery {
    fn default() -> Self {
        CoverageQuery {
            targets: Target::every_level(),
            rings: [10.0, 25.0, 50.0].map(Distance::from_miles).to_vec(),
            filter: Filter::new(),
        }
    }
}

impl CoverageQuery {
    /// Measures these targets.
    pub fn targets(mut self, targets: Vec<Target>) -> Self {
        self.targets = targets;
        self
    }

    /// With these rings.
    pub fn rings(mut self, rings: Vec<Distance>) -> Self {
        self.rings = rings;
        self
    }

    /// Counting only facilities that pass `filter`.
    pub fn filter(mut self, filter: Filter) -> Self {
        self.filter = filter;
        self
    }
}

/// The nearest facility of a target from an origin.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Nearest<'a> {
    /// The facility (the lowest id among equally near ones).
    pub facility: FacilityRef<'a>,
    /// How far, in meters.
    pub distance_m: f64,
}

/// The weighted share of origins within one ring.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RingShare {
    /// The ring.
    pub ring: Distance,
    /// The weight within it.
    pub weight: f64,
    /// `weight` over the total weight (0 when the total is 0).
    pub share: f64,
}

/// An origin beyond the largest ring.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Desert {
    /// The origin's position in the input.
    pub origin: usize,
    /// Its weight.
    pub weight: f64,
    /// How far its nearest facility is, or `None` when there is none.
    pub distance_m: Option<f64>,
}

/// The coverage of one target.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// The target.
    pub target: Target,
    /// The total weight of the origins.
    pub weight: f64,
    /// The weighted share within each ring, in the rings' order.
    pub rings: Vec<RingShare>,
    /// The weighted median distance: the least distance within which at least half the
    /// weight lies; `None` when that is beyond every facility (or nothing weighs).
    pub median_m: Option<f64>,
    /// The weighted 90th-percentile distance, likewise.
    pub p90_m: Option<f64>,
    /// Origins beyond the largest ring, heaviest first (ties by input order).
    pub deserts: Vec<Desert>,
}

/// The answer: per origin and target the nearest facility, and a summary per target.
#[derive(Clone, Debug, PartialEq)]
pub struct Coverage<'a> {
    /// `nearest[origin][target]`, in the input orders; `None` where no facility qualifies.
    pub nearest: Vec<Vec<Option<Nearest<'a>>>>,
    /// One per target, in the query's order.
    pub summaries: Vec<Summary>,
}

impl Coverage<'_> {
    /// For target `target`, how many of `origins` (and how much of their weight) have a
    /// nearest facility placed only at its ZIP centroid, so that their distance is
    /// approximate.
    ///
    /// ```
    /// use carefind::{CareLevel, Index, LatLon};
    /// use carefind::analysis::coverage::{self, CoverageQuery, Origin, Target};
    ///
    /// let index = Index::sample();
    /// let origins = vec![Origin::new("a", LatLon::new(40.7, -74.0)?, 10.0)];
    /// let query = CoverageQuery::default().targets(vec![Target::level(CareLevel::Otp)]);
    /// let answer = coverage::coverage(&index, &origins, &query)?;
    /// assert_eq!(answer.at_zip_centroids(&origins, 0), (0, 0.0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn at_zip_centroids(&self, origins: &[Origin], target: usize) -> (usize, f64) {
        self.nearest
            .iter()
            .zip(origins)
            .filter(|(nearest, _)| {
                nearest
                    .get(target)
                    .copied()
                    .flatten()
                    .is_some_and(|nearest| nearest.facility.precision() == crate::Precision::Zip)
            })
            .fold((0, 0.0), |(count, weight), (_, origin)| {
                (count + 1, weight + origin.weight)
            })
    }
}

/// Coverage of `origins` by the facilities of `index`.
///
/// ```
/// use carefind::{CareLevel, Index, LatLon};
/// use carefind::analysis::coverage::{self, CoverageQuery, Origin, Target};
///
/// let index = Index::sample();
/// let origins = vec![
///     Origin::new("10001", LatLon::new(40.75, -73.99)?, 21_000.0),
///     Origin::new("59001", LatLon::new(45.5, -109.5)?, 1_200.0),
/// ];
/// let query = CoverageQuery::default().targets(vec![Target::level(CareLevel::Otp)]);
/// let answer = coverage::coverage(&index, &origins, &query)?;
/// let otp = &answer.summaries[0];
/// assert!(otp.rings[2].share >= otp.rings[0].share);
/// assert!(answer.nearest[0][0].is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn coverage<'a>(
    index: &'a Index,
    origins: &[Origin],
    query: &CoverageQuery,
) -> Result<Coverage<'a>, QueryError> {
    coverage_with_progress(index, origins, query, &|_| {})
}

/// [`coverage`], calling `progress` with the number of origins done now and then (from
/// any thread), for a progress bar.
pub fn coverage_with_progress<'a>(
    index: &'a Index,
    origins: &[Origin],
    query: &CoverageQuery,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Coverage<'a>, QueryError> {
    for ring in &query.rings {
        if !(ring.as_meters() >= 0.0 && ring.as_meters().is_finite()) {
            return Err(QueryError::InvalidDistance(ring.as_meters()));
        }
    }
    if let Some(origin) = origins
        .iter()
        .find(|origin| !(origin.weight >= 0.0 && origin.weight.is_finite()))
    {
        return Err(QueryError::InvalidWeight {
            origin: origin.id.clone(),
            weight: origin.weight,
        });
    }
    let filters: Vec<Filter> = query
        .targets
        .iter()
        .map(|target| {
            let mut filter = query.filter.clone();
            filter.care = target.care;
            filter
        })
        .collect();
    const CHUNK: usize = 256;
    let nearest: Vec<Vec<Option<Nearest<'a>>>> = origins
        .par_chunks(CHUNK)
        .flat_map_iter(|chunk| {
            let rows: Vec<_> = chunk
                .iter()
                .map(|origin| {
                    filters
                        .iter()
                        .map(|filter| nearest_of(index, origin.location, filter))
                        .collect()
                })
                .collect();
            progress(chunk.len());
            rows
        })
        .collect();
    let summaries = query
        .targets
        .iter()
        .enumerate()
        .map(|(t, target)| {
            let distances: Vec<Option<f64>> = nearest
                .iter()
                .map(|row| row[t].map(|n: Nearest<'_>| n.distance_m))
                .collect();
            summarize(target.clone(), origins, &distances, &query.rings)
        })
        .collect();
    Ok(Coverage { nearest, summaries })
}

fn nearest_of<'a>(index: &'a Index, origin: LatLon, filter: &Filter) -> Option<Nearest<'a>> {
    let query = Query::nearest(origin, 1).filter(filter.clone());
    let hit = index.search(&query).ok()?.into_iter().next()?;
    Some(Nearest {
        facility: hit.facility,
        distance_m: hit.distance_m.unwrap_or(0.0),
    })
}

/// The summary of one target from each origin's nearest distance.
fn summarize(
    target: Target,
    origins: &[Origin],
    distances: &[Option<f64>],
    rings: &[Distance],
) -> Summary {
    let total: f64 = origins.iter().map(|origin| origin.weight).sum();
    let share = |weight: f64| if total > 0.0 { weight / total } else { 0.0 };
    let rings_out = rings
        .iter()
        .map(|ring| {
            let weight = origins
                .iter()
                .zip(distances)
                .filter(|(_, d)| d.is_some_and(|d| d <= ring.as_meters()))
                .map(|(origin, _)| origin.weight)
                .sum();
            RingShare {
                ring: *ring,
                weight,
                share: share(weight),
            }
        })
        .collect();

    let mut by_distance: Vec<(f64, f64)> = origins
        .iter()
        .zip(distances)
        .map(|(origin, d)| (d.unwrap_or(f64::INFINITY), origin.weight))
        .collect();
    by_distance.sort_by(|a, b| a.0.total_cmp(&b.0));
    let percentile = |q: f64| -> Option<f64> {
        if total <= 0.0 {
            return None;
        }
        let mut cumulative = 0.0;
        for &(distance, weight) in &by_distance {
            cumulative += weight;
            if weight > 0.0 && cumulative >= q * total {
                return distance.is_finite().then_some(distance);
            }
        }
        None
    };

    let largest = rings
        .iter()
        .map(|ring| ring.as_meters())
        .fold(f64::NEG_INFINITY, f64::max);
    let mut deserts: Vec<Desert> = origins
        .iter()
        .zip(distances)
        .enumerate()
        .filter(|(_, (_, d))| d.is_none_or(|d| d > largest))
        .map(|(i, (origin, d))| Desert {
            origin: i,
            weight: origin.weight,
            distance_m: *d,
        })
        .collect();
    deserts.sort_by(|a, b| b.weight.total_cmp(&a.weight).then(a.origin.cmp(&b.origin)));

    Summary {
        target,
        weight: total,
        rings: rings_out,
        median_m: percentile(0.5),
        p90_m: percentile(0.9),
        deserts,
    }
}
