//! Step-down options near a person: for each stage of the continuum after a starting
//! point, the nearest programs, and the IOP or PHP programs with a sober-living home
//! within reach, ranked by the whole trip.
//!
//! The step-down path runs detox → residential → PHP → IOP (living at home or in a
//! sober-living home) → outpatient; people often skip a stage (residential straight to
//! IOP), so every later stage is offered, in order. Hospital inpatient care is where a
//! person may start (or be sent when withdrawal is medically dangerous), not a step down:
//! it steps down to residential like detox does. Every step is substance-use treatment
//! unless the query's filter asks for other kinds.

use std::fmt;
use std::str::FromStr;

use crate::analysis::duplicates::nearest_places;
use crate::care::{CareLevel, CareSet};
use crate::distance::Distance;
use crate::error::{QueryError, UnknownTerm};
use crate::facility_ref::FacilityRef;
use crate::filter::Filter;
use crate::index::Index;
use crate::kind::FacilityKind;
use crate::query::Query;
use crate::search::Hit;
use crate::sphere::LatLon;

/// A stage of the continuum of care, from the most intensive.
///
/// ```
/// use carefind::CareLevel;
/// use carefind::analysis::pathway::Stage;
///
/// assert_eq!("php".parse::<Stage>().unwrap(), Stage::Php);
/// assert!(Stage::Residential.levels().contains(CareLevel::ResidentialLong));
/// assert!(Stage::Detox < Stage::Iop);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    /// Withdrawal management in a hospital, a residence or as an outpatient (ASAM x-WM).
    Detox,
    /// Medically managed hospital inpatient treatment (ASAM 4).
    Inpatient,
    /// Short- or long-term residential treatment (ASAM 3.5, 3.1).
    Residential,
    /// Partial hospitalization / day treatment (ASAM 2.5).
    Php,
    /// Intensive outpatient, 9-20 hours a week, living at home or in sober living (ASAM 2.1).
    Iop,
    /// Regular outpatient (ASAM 1).
    Outpatient,
}

impl Stage {
    /// Every stage, most intensive first.
    pub const ALL: [Stage; 6] = [
        Stage::Detox,
        Stage::Inpatient,
        Stage::Residential,
        Stage::Php,
        Stage::Iop,
        Stage::Outpatient,
    ];

    /// The stage's name: `detox`, `inpatient`, `residential`, `php`, `iop` or `outpatient`.
    ///
    /// ```
    /// use carefind::analysis::pathway::Stage;
    ///
    /// assert_eq!(Stage::Inpatient.name(), "inpatient");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Stage::Detox => "detox",
            Stage::Inpatient => "inpatient",
            Stage::Residential => "residential",
            Stage::Php => "php",
            Stage::Iop => "iop",
            Stage::Outpatient => "outpatient",
        }
    }

    /// The levels of care that make up the stage.
    ///
    /// ```
    /// use carefind::CareLevel;
    /// use carefind::analysis::pathway::Stage;
    ///
    /// assert_eq!(Stage::Detox.levels().len(), 3);
    /// assert!(Stage::Inpatient.levels().contains(CareLevel::HospitalInpatient));
    /// ```
    pub fn levels(self) -> CareSet {
        use CareLevel::*;
        match self {
            Stage::Detox => CareSet::from([HospitalDetox, ResidentialDetox, OutpatientDetox]),
            Stage::Inpatient => CareSet::from(HospitalInpatient),
            Stage::Residential => CareSet::from([ResidentialShort, ResidentialLong]),
            Stage::Php => CareSet::from(Php),
            Stage::Iop => CareSet::from(Iop),
            Stage::Outpatient => CareSet::from(Outpatient),
        }
    }

    /// The stages a person steps down to from this one, in order: from detox or hospital
    /// inpatient care, residential, PHP, IOP and outpatient; from residential, PHP, IOP and
    /// outpatient; and so on.
    ///
    /// ```
    /// use carefind::analysis::pathway::Stage;
    ///
    /// assert_eq!(Stage::Php.after(), [Stage::Iop, Stage::Outpatient]);
    /// assert_eq!(Stage::Detox.after()[0], Stage::Residential);
    /// assert_eq!(Stage::Inpatient.after(), Stage::Detox.after());
    /// ```
    pub fn after(self) -> Vec<Stage> {
        Stage::ALL
            .into_iter()
            .filter(|stage| *stage > self && *stage > Stage::Inpatient)
            .collect()
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Stage {
    type Err = UnknownTerm;

    fn from_str(word: &str) -> Result<Self, Self::Err> {
        let word = word.trim();
        Stage::ALL
            .into_iter()
            .find(|stage| stage.name().eq_ignore_ascii_case(word))
            .ok_or_else(|| UnknownTerm {
                kind: "stage",
                value: word.to_string(),
                suggestion: None,
                valid: Stage::ALL.iter().map(|stage| stage.name()).collect(),
            })
    }
}

/// What to ask: where the person is, where they start, and what every option must offer.
///
/// ```
/// use carefind::{Distance, Filter, LatLon, Payment};
/// use carefind::analysis::pathway::{PathwayQuery, Stage};
///
/// let origin = LatLon::new(39.96, -83.0)?;
/// let query = PathwayQuery::new(origin)
///     .from(Stage::Detox)
///     .filter(Filter::new().payment(Payment::Medicaid))
///     .pair_within(Distance::from_miles(5.0));
/// assert_eq!(query.per_step, 3);
/// # Ok::<(), carefind::error::CoordinateError>(())
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct PathwayQuery {
    /// Where the person is.
    pub origin: LatLon,
    /// The stage they are in or finishing; the steps are the stages after it (every stage
    /// when `None`).
    pub from: Option<Stage>,
    /// What every option must offer (payment, ages, languages...); its levels of care are
    /// replaced by each step's, and its kinds, when it names none, are substance use for
    /// the steps (sober-living homes are taken of any kind).
    pub filter: Filter,
    /// Options per step (3).
    pub per_step: usize,
    /// Only options within this distance of the origin (no bound by default).
    pub within: Option<Distance>,
    /// How far a sober-living home may be from its program (10 mi).
    pub pair_within: Distance,
    /// How many program and home pairs to return (5).
    pub pairs: usize,
}

impl PathwayQuery {
    /// A query from `origin` with the defaults.
    pub fn new(origin: LatLon) -> Self {
        PathwayQuery {
            origin,
            from: None,
            filter: Filter::new(),
            per_step: 3,
            within: None,
            pair_within: Distance::from_miles(10.0),
            pairs: 5,
        }
    }

    /// Starts after `stage`.
    pub fn from(mut self, stage: Stage) -> Self {
        self.from = Some(stage);
        self
    }

    /// What every option must offer.
    pub fn filter(mut self, filter: Filter) -> Self {
        self.filter = filter;
        self
    }

    /// Options per step.
    pub fn per_step(mut self, per_step: usize) -> Self {
        self.per_step = per_step;
        self
    }

    /// Only options within `distance` of the origin.
    pub fn within(mut self, distance: Distance) -> Self {
        self.within = Some(distance);
        self
    }

    /// How far a sober-living home may be from its program.
    pub fn pair_within(mut self, distance: Distance) -> Self {
        self.pair_within = distance;
        self
    }

    /// How many program and home pairs to return.
    pub fn pairs(mut self, pairs: usize) -> Self {
        self.pairs = pairs;
        self
    }

    fn filter_for(&self, care: CareSet) -> Filter {
        let mut filter = self.filter.clone();
        filter.care = care;
        filter
    }

    /// The filter of a step of `care`: the query's, with those levels of care, of
    /// substance-use treatment unless the query's filter names kinds. Any other ranking of
    /// the path (by drive time, say) asks this, so that its steps are the same steps.
    ///
    /// ```
    /// use carefind::{FacilityKind, LatLon};
    /// use carefind::analysis::pathway::{PathwayQuery, Stage};
    ///
    /// let query = PathwayQuery::new(LatLon::new(39.96, -83.0)?);
    /// let residential = query.step_filter(Stage::Residential.levels());
    /// assert_eq!(residential.care, Stage::Residential.levels());
    /// assert!(residential.kinds.contains(FacilityKind::SubstanceUse));
    /// # Ok::<(), carefind::error::CoordinateError>(())
    /// ```
    pub fn step_filter(&self, care: CareSet) -> Filter {
        let mut filter = self.filter_for(care);
        if filter.kinds.is_empty() {
            filter.kinds = FacilityKind::SubstanceUse.into();
        }
        filter
    }
}

/// One step of the path: the nearest options of a stage.
#[derive(Clone, Debug, PartialEq)]
pub struct Step<'a> {
    /// The stage.
    pub stage: Stage,
    /// The nearest options, by distance from the origin (ties by id), each place once:
    /// of several listings at one address with one phone number
    /// ([`place_key`](crate::analysis::duplicates::place_key)), the nearest.
    pub options: Vec<Hit<'a>>,
}

/// An IOP or PHP program and a sober-living home near it.
#[derive(Clone, Debug, PartialEq)]
pub struct Pair<'a> {
    /// The program, with its distance from the origin.
    pub program: Hit<'a>,
    /// The sober-living home (the program itself when it offers both).
    pub home: FacilityRef<'a>,
    /// From the program to the home, in meters.
    pub home_distance_m: f64,
    /// Origin to program plus program to home, in meters: what the pairs are ranked by.
    pub trip_m: f64,
}

/// The answer: a step per stage, and the best program and home pairs.
#[derive(Clone, Debug, PartialEq)]
pub struct Pathway<'a> {
    /// The stages after the starting point, most intensive first.
    pub steps: Vec<Step<'a>>,
    /// IOP or PHP programs with a sober-living home within reach, by `trip_m`, then by
    /// program id and home id.
    pub pairs: Vec<Pair<'a>>,
}

impl Pathway<'_> {
    /// How many of the facilities in the answer (options, programs and homes, each once)
    /// are placed only at their ZIP centroid, so that their distances are approximate.
    ///
    /// ```
    /// use carefind::{Index, LatLon};
    /// use carefind::analysis::pathway::{self, PathwayQuery};
    ///
    /// let index = Index::sample();
    /// let path = pathway::pathway(&index, &PathwayQuery::new(LatLon::new(39.96, -83.0)?))?;
    /// assert_eq!(path.at_zip_centroids(), 0); // the sample's points are all exact
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn at_zip_centroids(&self) -> usize {
        let options = self
            .steps
            .iter()
            .flat_map(|step| &step.options)
            .map(|hit| hit.facility);
        let paired = self
            .pairs
            .iter()
            .flat_map(|pair| [pair.program.facility, pair.home]);
        let mut ids: Vec<&str> = options
            .chain(paired)
            .filter(|facility| facility.precision() == crate::Precision::Zip)
            .map(|facility| facility.id())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    }
}

/// The step-down options near `query.origin`.
///
/// ```
/// use carefind::{Filter, Index, LatLon, Payment};
/// use carefind::analysis::pathway::{self, PathwayQuery, Stage};
///
/// let index = Index::sample();
/// let near_columbus = LatLon::new(39.96, -83.0)?;
/// let query = PathwayQuery::new(near_columbus)
///     .from(Stage::Detox)
///     .filter(Filter::new().payment(Payment::Medicaid));
/// let path = pathway::pathway(&index, &query)?;
/// assert_eq!(path.steps[0].stage, Stage::Residential);
/// for step in &path.steps {
///     for option in &step.options {
///         assert!(option.facility.care().intersects(step.stage.levels()));
///         assert!(option.facility.payment().contains(Payment::Medicaid));
///     }
/// }
/// for pair in &path.pairs {
///     assert!(pair.trip_m >= pair.program.distance_m.unwrap());
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn pathway<'a>(index: &'a Index, query: &PathwayQuery) -> Result<Pathway<'a>, QueryError> {
    for distance in query.within.iter().chain([&query.pair_within]) {
        if !(distance.as_meters() >= 0.0 && distance.as_meters().is_finite()) {
            return Err(QueryError::InvalidDistance(distance.as_meters()));
        }
    }
    let stages = match query.from {
        Some(stage) => stage.after(),
        None => Stage::ALL.to_vec(),
    };
    let mut steps = Vec::with_capacity(stages.len());
    for stage in stages {
        let options = once_per_place(index, query, stage)?;
        steps.push(Step { stage, options });
    }
    let pairs = pairs(index, query)?;
    Ok(Pathway { steps, pairs })
}

/// The `per_step` nearest places of `stage`: more listings are asked for until enough
/// distinct places are found or there are no more.
fn once_per_place<'a>(
    index: &'a Index,
    query: &PathwayQuery,
    stage: Stage,
) -> Result<Vec<Hit<'a>>, QueryError> {
    let filter = query.step_filter(stage.levels());
    nearest_places(
        query.per_step,
        |k| index.search(&nearest(query, filter.clone(), k)),
        |hit| hit.facility,
    )
}

fn nearest(query: &PathwayQuery, filter: Filter, k: usize) -> Query {
    let mut nearest = Query::nearest(query.origin, k).filter(filter);
    nearest.max_distance = query.within;
    nearest
}

/// The best pairs, exactly: programs are taken in order of distance from the origin, and
/// the search stops once a program is farther than the worst pair kept, as every trip
/// through it is at least that long.
fn pairs<'a>(index: &'a Index, query: &PathwayQuery) -> Result<Vec<Pair<'a>>, QueryError> {
    if query.pairs == 0 {
        return Ok(Vec::new());
    }
    let programs_care = Stage::Php.levels() | Stage::Iop.levels();
    let homes = query.filter_for(CareLevel::SoberLiving.into());
    let mut best: Vec<Pair<'a>> = Vec::new();
    let mut seen = 0;
    let mut k = 16;
    loop {
        let programs = index.search(&nearest(query, query.step_filter(programs_care), k))?;
        for program in &programs[seen..] {
            let to_program = program.distance_m.unwrap_or(0.0);
            if best.len() == query.pairs && to_program > best[best.len() - 1].trip_m {
                return Ok(best);
            }
            let around =
                Query::within(program.facility.location(), query.pair_within).filter(homes.clone());
            for home in index.search(&around)? {
                let home_distance_m = home.distance_m.unwrap_or(0.0);
                best.push(Pair {
                    program: *program,
                    home: home.facility,
                    home_distance_m,
                    trip_m: to_program + home_distance_m,
                });
            }
            best.sort_by(|a, b| {
                a.trip_m
                    .total_cmp(&b.trip_m)
                    .then_with(|| a.program.facility.id().cmp(b.program.facility.id()))
                    .then_with(|| a.home.id().cmp(b.home.id()))
            });
            best.truncate(query.pairs);
        }
        if programs.len() < k {
            return Ok(best);
        }
        seen = programs.len();
        k = k.saturating_mul(4);
    }
}
