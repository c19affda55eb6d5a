//! A step-down pathway as JSON: `/v1/pathway` and `carefind pathway --format json`.

use serde::Serialize;

use super::{Record, Reported, Shown};
use crate::analysis::pathway::{Pathway, PathwayQuery, Stage};
use crate::{Distance, Hit, Unit};

/// A pathway as JSON: each later stage's options, then the program and sober-living pairs.
#[derive(Serialize)]
pub struct Document<'a> {
    from: Option<&'static str>,
    units: &'static str,
    steps: Vec<StepDocument<'a>>,
    pairs: Vec<PairDocument<'a>>,
}

#[derive(Serialize)]
struct StepDocument<'a> {
    stage: &'static str,
    levels: crate::CareSet,
    options: Vec<Record<'a>>,
}

#[derive(Serialize)]
struct PairDocument<'a> {
    rank: usize,
    trip_m: f64,
    trip: f64,
    program: Record<'a>,
    /// The home, its distance measured from the program.
    home: Record<'a>,
}

/// The document of `path`, the answer to `query`, with distances in `unit` and the
/// availability `shown`.
///
/// ```
/// use carefind::analysis::pathway::{pathway, PathwayQuery, Stage};
/// use carefind::{Index, LatLon, Unit};
///
/// let index = Index::sample();
/// let query = PathwayQuery::new(LatLon::new(40.75, -73.99)?).from(Stage::Detox);
/// let path = pathway(&index, &query)?;
/// let json = serde_json::to_value(carefind::record::pathway::document(&path, &query, Unit::Miles, None))?;
/// assert_eq!(json["from"], "detox");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn document<'a>(
    path: &'a Pathway,
    query: &PathwayQuery,
    unit: Unit,
    shown: Option<&'a Shown>,
) -> Document<'a> {
    let report = |hit: &Hit<'a>, care: crate::CareSet| {
        shown.map_or_else(Reported::default, |shown| {
            shown.reported_for(hit.facility, care)
        })
    };
    Document {
        from: query.from.map(Stage::name),
        units: unit.symbol(),
        steps: path
            .steps
            .iter()
            .map(|step| StepDocument {
                stage: step.stage.name(),
                levels: step.stage.levels(),
                options: step
                    .options
                    .iter()
                    .enumerate()
                    .map(|(i, hit)| {
                        Record::new(None, i + 1, hit, unit, report(hit, step.stage.levels()))
                    })
                    .collect(),
            })
            .collect(),
        pairs: path
            .pairs
            .iter()
            .enumerate()
            .map(|(i, pair)| {
                let home = Hit {
                    facility: pair.home,
                    distance_m: Some(pair.home_distance_m),
                    origin: Some(pair.program.facility.location()),
                };
                PairDocument {
                    rank: i + 1,
                    trip_m: (pair.trip_m * 1000.0).round() / 1000.0,
                    trip: (Distance::from_meters(pair.trip_m).in_unit(unit) * 1000.0).round()
                        / 1000.0,
                    program: Record::new(
                        None,
                        i + 1,
                        &pair.program,
                        unit,
                        report(&pair.program, crate::CareSet::EMPTY),
                    ),
                    home: Record::new(
                        None,
                        i + 1,
                        &home,
                        unit,
                        report(&home, crate::CareLevel::SoberLiving.into()),
                    ),
                }
            })
            .collect(),
    }
}
