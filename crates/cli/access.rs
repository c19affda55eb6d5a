//! `coverage --measure 2sfca|e2sfca|3sfca|closest|cumulative|cumulative-interval`: supply
//! per person within reach, the cost to the closest facilities, and the facilities within
//! a cutoff, by great-circle distance, drive time on a network or transit time on a
//! timetable; and `coverage --gtfs` rings of transit time.

use std::collections::HashMap;
use std::io::{BufWriter, Write};

use carefind::analysis::access::{Cost, Decay, three_step, two_step};
use carefind::analysis::coverage::{Origin, Target};
use carefind::analysis::opportunities::{self, Summary};
use carefind::jiff::Timestamp;
use carefind::network::drive::DriveIndex;
use carefind::transit::{Day, TransitIndex, TransitOptions, TransitQuery, Window};
use carefind::{Distance, FacilityRef, Filter, Index, LatLon, Query, Unit};
use rayon::prelude::*;
use serde_json::{Map, json};

use crate::args::{CoverageArgs, Format, Measure, SummaryArg};
use crate::drive;
use crate::failure::Failure;
use crate::find::Outcome;
use crate::transit;

/// Where the costs come from: the straight line (metres), a road network (seconds) or a
/// timetable (seconds, leaving at one moment or every minute of a window).
enum Costs<'a> {
    Line,
    Drive(DriveIndex<'a>),
    Transit {
        index: TransitIndex<'a>,
        day: Day<'a>,
        at: Timestamp,
        window: Option<Window>,
        options: TransitOptions,
    },
}

impl<'a> Costs<'a> {
    /// Costs in time (seconds) rather than metres.
    fn by_time(&self) -> bool {
        !matches!(self, Costs::Line)
    }

    /// The facilities matching `filter` within `limit` of `origin` (every one, or for
    /// transit the journeys of the default 2 hours, without it), at most `k`, with
    /// their costs.
    fn reached(
        &self,
        index: &'a Index,
        origin: LatLon,
        filter: &Filter,
        limit: Option<f64>,
        k: usize,
    ) -> Vec<(FacilityRef<'a>, f64)> {
        match self {
            Costs::Line => {
                let mut query = Query::default().near(origin).filter(filter.clone());
                if let Some(limit) = limit {
                    query = query.max_distance(Distance::from_meters(limit));
                }
                if k != usize::MAX {
                    query = query.limit(k);
                }
                index
                    .search(&query)
                    .map(|hits| {
                        hits.iter()
                            .filter_map(|h| Some((h.facility, h.distance_m?)))
                            .collect()
                    })
                    .unwrap_or_default()
            }
            Costs::Drive(drive) => drive
                .nearest(origin, k, filter, limit)
                .map(|hits| hits.iter().map(|h| (h.facility, h.seconds)).collect())
                .unwrap_or_default(),
            Costs::Transit {
                index: transit,
                day,
                at,
                window,
                options,
            } => {
                let mut options = options.clone();
                if let Some(limit) = limit {
                    options.max_s = limit;
                }
                let query = TransitQuery {
                    origin,
                    limit: k,
                    filter,
                    options,
                };
                let hits = match window {
                    Some(window) => transit.window(day, &query, *at, *window),
                    None => transit.nearest(day, &query, *at),
                };
                // A window's median is infinite for a facility reached from fewer than
                // half its departures: not reached.
                hits.iter()
                    .filter(|h| h.seconds.is_finite())
                    .map(|h| (h.facility, h.seconds))
                    .collect()
            }
        }
    }
}

/// A distance (in `unit` when bare) in metres, or with costs in time, a time in seconds.
fn cost(flag: &str, text: &str, by_time: bool, unit: Unit) -> Result<f64, Failure> {
    if by_time {
        drive::seconds(flag, text)
    } else {
        Ok(Distance::parse(text, Some(unit))
            .map_err(|e| Failure::flag(flag, e))?
            .as_meters())
    }
}

/// How many metres (or seconds) one of the units shown is: a mile, a kilometre, a minute.
fn shown_unit(by_time: bool, unit: Unit) -> f64 {
    if by_time {
        60.0
    } else {
        Distance::from_meters(1.0).in_unit(unit).recip()
    }
}

/// The catchment in the costs' unit (metres, or seconds), and the decay in the same unit.
fn catchment_and_decay(
    args: &CoverageArgs,
    unit: Unit,
    by_time: bool,
) -> Result<(f64, Decay), Failure> {
    let text = args.catchment.as_deref().ok_or_else(|| {
        Failure::usage(format!(
            "--measure {} needs --catchment (25mi, or 30min with --network or --gtfs)",
            args.measure.name()
        ))
    })?;
    let catchment = cost("--catchment", text, by_time, unit)?;
    let decay = match (args.measure, args.decay.as_deref()) {
        (Measure::EnhancedTwoStep | Measure::ThreeStep, None) => {
            return Err(Failure::usage(format!(
                "--measure {} needs --decay (gaussian:SIGMA or step:10=1,20=0.68,30=0.22)",
                args.measure.name()
            )));
        }
        (Measure::TwoStep, Some(_)) => {
            return Err(Failure::usage(
                "--decay is for --measure e2sfca and 3sfca; 2sfca weighs every pair in the catchment alike",
            ));
        }
        (_, None) => Decay::None,
        (_, Some(text)) => text
            .parse::<Decay>()
            .map_err(|e| Failure::flag("--decay", e))?,
    };
    Ok((catchment, decay.scaled(shown_unit(by_time, unit))))
}

/// `--interval FROM,TO[,STEP]` in the costs' unit; the step 1 of the unit shown.
fn interval(args: &CoverageArgs, unit: Unit, by_time: bool) -> Result<(f64, f64, f64), Failure> {
    let text = args.interval.as_deref().ok_or_else(|| {
        Failure::usage(
            "--measure cumulative-interval needs --interval FROM,TO (20min,40min with --network or --gtfs; 5mi,15mi)",
        )
    })?;
    let parts: Vec<&str> = text.split(',').collect();
    let (from, to, step) = match parts[..] {
        [from, to] => (from, to, None),
        [from, to, step] => (from, to, Some(step)),
        _ => {
            return Err(Failure::flag(
                "--interval",
                format!("{text:?} is not FROM,TO or FROM,TO,STEP"),
            ));
        }
    };
    let from = cost("--interval", from, by_time, unit)?;
    let to = cost("--interval", to, by_time, unit)?;
    let step = match step {
        Some(step) => cost("--interval", step, by_time, unit)?,
        None => shown_unit(by_time, unit),
    };
    if !(to > from && step > 0.0) {
        return Err(Failure::flag(
            "--interval",
            format!("{text:?}: TO must be beyond FROM, and the step above 0"),
        ));
    }
    Ok((from, to, step))
}

/// Each facility's supply: the `--capacity-col` of the data file by id, or 1.
fn supplies(args: &CoverageArgs, index: &Index) -> Result<Vec<f64>, Failure> {
    let Some(column) = &args.capacity_col else {
        return Ok(vec![1.0; index.len()]);
    };
    let Some(data) = args.data.as_deref().filter(|d| *d != "-") else {
        return Err(Failure::usage(
            "--capacity-col reads the --data CSV: give --data FILE",
        ));
    };
    let mut reader = csv::Reader::from_path(data).map_err(|e| Failure::flag("--data", e))?;
    let header = reader
        .headers()
        .map_err(|e| Failure::flag("--data", e))?
        .clone();
    let position = |name: &str| header.iter().position(|h| h.trim() == name);
    let (id_at, value_at) = match (position("id"), position(column)) {
        (Some(id), Some(value)) => (id, value),
        (_, None) => {
            return Err(Failure::flag(
                "--capacity-col",
                format!(
                    "{data} has no column {column:?} (the header has: {})",
                    header.iter().collect::<Vec<_>>().join(",")
                ),
            ));
        }
        (None, _) => {
            return Err(Failure::flag(
                "--capacity-col",
                format!("{data} has no id column"),
            ));
        }
    };
    let mut by_id: HashMap<String, f64> = HashMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| Failure::flag("--data", e))?;
        let line = record.position().map_or(0, |p| p.line());
        let text = record.get(value_at).unwrap_or_default().trim();
        let value = if text.is_empty() {
            0.0
        } else {
            text.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0).ok_or_else(|| {
                Failure::flag("--capacity-col", format!("{data}: line {line}, column {column:?}: {text:?} is not a supply of 0 or more"))
            })?
        };
        by_id.insert(record.get(id_at).unwrap_or_default().to_string(), value);
    }
    Ok(index
        .facilities()
        .map(|f| by_id.get(f.id()).copied().unwrap_or(0.0))
        .collect())
}

/// The weighted quantile `q` of the scores present.
fn quantile(scored: &[(f64, f64)], total: f64, q: f64) -> Option<f64> {
    let mut acc = 0.0;
    scored
        .iter()
        .find(|(_, weight)| {
            acc += weight;
            acc >= q * total
        })
        .map(|(score, _)| *score)
}

/// A measure's parameters, read from the flags once, in the costs' unit.
enum Parsed {
    Closest {
        catchment: Option<f64>,
    },
    Cumulative {
        cutoff: f64,
    },
    Interval {
        interval: (f64, f64, f64),
        summary: Summary,
    },
    Catchment {
        catchment: f64,
        decay: Decay,
        three: bool,
    },
}

impl Parsed {
    /// The parameters of `--measure` (any but nearest), checked.
    fn of(args: &CoverageArgs, unit: Unit, by_time: bool) -> Result<Parsed, Failure> {
        Ok(match args.measure {
            Measure::Closest => {
                if !(args.n > 0.0 && args.n.is_finite()) {
                    return Err(Failure::flag("--n", format!("{} is not above 0", args.n)));
                }
                let catchment = args
                    .catchment
                    .as_deref()
                    .map(|text| cost("--catchment", text, by_time, unit))
                    .transpose()?;
                Parsed::Closest { catchment }
            }
            Measure::Cumulative => {
                let text = args.cutoff.as_deref().ok_or_else(|| {
                    Failure::usage(
                        "--measure cumulative needs --cutoff (10mi, or 45min with --network or --gtfs)",
                    )
                })?;
                Parsed::Cumulative {
                    cutoff: cost("--cutoff", text, by_time, unit)?,
                }
            }
            Measure::CumulativeInterval => Parsed::Interval {
                interval: interval(args, unit, by_time)?,
                summary: match args.summary {
                    SummaryArg::Median => Summary::Median,
                    SummaryArg::Mean => Summary::Mean,
                },
            },
            _ => {
                let (catchment, decay) = catchment_and_decay(args, unit, by_time)?;
                Parsed::Catchment {
                    catchment,
                    decay,
                    three: args.measure == Measure::ThreeStep,
                }
            }
        })
    }

    /// How far each origin's search goes, and how many facilities it keeps.
    fn reach(&self, args: &CoverageArgs) -> (Option<f64>, usize) {
        match self {
            // Each facility supplies 1 without --capacity-col: the n nearest will do.
            Parsed::Closest { catchment } => match args.capacity_col {
                None => (*catchment, args.n.ceil() as usize),
                Some(_) => (*catchment, usize::MAX),
            },
            Parsed::Cumulative { cutoff } => (Some(*cutoff), usize::MAX),
            Parsed::Interval { interval, .. } => (Some(interval.1), usize::MAX),
            Parsed::Catchment { catchment, .. } => (Some(*catchment), usize::MAX),
        }
    }
}

/// The weight of the origins whose value is missing (or, where `zero_is_none`, 0).
fn weight_without(values: &[Option<f64>], demand: &[f64], zero_is_none: bool) -> f64 {
    // (+ 0.0: an empty f64 sum is -0.0.)
    values
        .iter()
        .zip(demand)
        .filter(|(v, _)| v.is_none_or(|v| zero_is_none && v == 0.0))
        .map(|(_, w)| w)
        .sum::<f64>()
        + 0.0
}

/// The facilities, sources of costs, the measure's parameters: `coverage` with any
/// measure but nearest by distance or drive time.
pub fn run(
    args: &CoverageArgs,
    origins: &[Origin],
    targets: &[Target],
    filter: &Filter,
    index: &Index,
    unit: Unit,
    format: Format,
) -> Result<Outcome, Failure> {
    // With --gtfs, a --network is the streets walked to and from the stations.
    let network = match args.transit.gtfs {
        Some(_) => None,
        None => args.drive.network.as_deref().map(drive::load).transpose()?,
    };
    let timetable = args
        .transit
        .gtfs
        .as_deref()
        .map(transit::load)
        .transpose()?;
    let costs = match (&network, &timetable) {
        (Some(network), _) => {
            Costs::Drive(DriveIndex::new(network, index, drive::access(&args.drive)?))
        }
        (None, Some(timetable)) => {
            let (flag, at, window) = transit::moment(&args.transit, timetable, "coverage --gtfs")?;
            if flag == "--arrive-by" {
                return Err(Failure::flag(
                    "--arrive-by",
                    "coverage measures journeys leaving at --depart (and over --window)",
                ));
            }
            let options =
                transit::options(&args.transit, None, args.attributes.open_for.as_deref())?;
            Costs::Transit {
                index: transit::transit_index(timetable, index, options.walking, &args.drive)?,
                day: transit::day(timetable, at, flag)?,
                at,
                window: window.map(|minutes| Window {
                    minutes,
                    percentile: args.transit.percentile,
                }),
                options,
            }
        }
        (None, None) => Costs::Line,
    };
    let by_time = costs.by_time();
    let per_unit = shown_unit(by_time, unit);
    let units = if by_time { "min" } else { unit.symbol() };
    if args.measure == Measure::Nearest {
        return transit_rings(args, origins, targets, filter, index, &costs, format);
    }
    let supply = supplies(args, index)?;
    let demand: Vec<f64> = origins.iter().map(|o| o.weight).collect();
    let total: f64 = demand.iter().sum();
    // How far each origin's search goes, and how many facilities it keeps.
    let parsed = Parsed::of(args, unit, by_time)?;
    let (limit, k) = parsed.reach(args);
    let measure = args.measure.name();
    let mut summary = Vec::new();
    let mut values_by_target = Vec::new();
    for target in targets {
        let filter = filter.clone().care(target.care);
        // Every pair within reach: one bounded search per origin.
        let pairs: Vec<Vec<Cost>> = origins
            .par_iter()
            .enumerate()
            .map(|(i, origin)| {
                costs
                    .reached(index, origin.location, &filter, limit, k)
                    .into_iter()
                    .filter_map(|(facility, cost)| {
                        Some(Cost {
                            origin: i as u32,
                            facility: index.position_of(facility)? as u32,
                            cost,
                        })
                    })
                    .collect()
            })
            .collect();
        let pairs: Vec<Cost> = pairs.into_iter().flatten().collect();
        let n = origins.len();
        // Each origin's value; whether 0 means "no access"; whether a missing value
        // counts as 0 (a score) or as beyond reach (a cost) in the quantiles.
        // Each origin's value. A cost (closest) missing is beyond reach; a score or a
        // count missing is 0, and 0 means no access.
        let (values, is_cost): (Vec<Option<f64>>, bool) = match &parsed {
            Parsed::Closest { .. } => (
                opportunities::closest(&pairs, n, &supply, args.n)
                    .into_iter()
                    .map(|c| c.map(|c| c / per_unit))
                    .collect(),
                true,
            ),
            Parsed::Cumulative { cutoff } => (
                opportunities::cumulative(&pairs, n, &supply, *cutoff)
                    .into_iter()
                    .map(Some)
                    .collect(),
                false,
            ),
            Parsed::Interval { interval, summary } => {
                let values =
                    opportunities::cumulative_interval(&pairs, n, &supply, *interval, *summary)
                        .map_err(|e| Failure::flag("--interval", e))?;
                (values.into_iter().map(Some).collect(), false)
            }
            Parsed::Catchment {
                catchment,
                decay,
                three,
            } => {
                let answer = match three {
                    true => three_step(&pairs, &demand, &supply, *catchment, decay),
                    false => two_step(&pairs, &demand, &supply, *catchment, decay),
                };
                (answer.score, false)
            }
        };
        let mut present: Vec<(f64, f64)> = values
            .iter()
            .zip(&demand)
            .filter_map(|(value, weight)| match value {
                Some(v) => Some((*v, *weight)),
                None => (!is_cost).then_some((0.0, *weight)),
            })
            .collect();
        present.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut row = Map::new();
        row.insert("measure".into(), json!(measure));
        row.insert("level".into(), json!(target.name));
        row.insert("origins".into(), json!(origins.len()));
        row.insert("weight".into(), json!(total));
        for (name, q) in [("p10", 0.1), ("median", 0.5), ("p90", 0.9)] {
            row.insert(name.into(), json!(quantile(&present, total, q)));
        }
        if args.measure == Measure::Closest {
            row.insert("units".into(), json!(units));
        }
        let without = weight_without(&values, &demand, !is_cost);
        row.insert(
            "share_without_access".into(),
            json!(if total > 0.0 { without / total } else { 0.0 }),
        );
        if let Some(below) = args.below {
            let under: f64 = present
                .iter()
                .filter(|(s, _)| *s < below)
                .map(|(_, w)| w)
                .sum::<f64>()
                + 0.0;
            row.insert(
                format!("share_below_{below}"),
                json!(if total > 0.0 { under / total } else { 0.0 }),
            );
        }
        if args.inequality {
            crate::coverage::Measured::of(&present).insert(&mut row);
        }
        summary.push(row);
        values_by_target.push(values);
    }
    if let Some(path) = &args.per_origin {
        write_per_origin(path, measure, origins, targets, &values_by_target)?;
    }
    let mut fields: Vec<String> = [
        "measure", "level", "origins", "weight", "p10", "median", "p90",
    ]
    .map(String::from)
    .to_vec();
    if args.measure == Measure::Closest {
        fields.push("units".into());
    }
    fields.push("share_without_access".into());
    if let Some(below) = args.below {
        fields.push(format!("share_below_{below}"));
    }
    print_summary(format, fields, &summary, args.inequality, origins)
}

/// Writes the summary rows, with the inequality's fields when asked.
fn print_summary(
    format: Format,
    mut fields: Vec<String>,
    summary: &[Map<String, serde_json::Value>],
    inequality: bool,
    origins: &[Origin],
) -> Result<Outcome, Failure> {
    if inequality {
        fields.extend(["gini", "palma", "theil_t"].map(String::from));
    }
    drive::print_rows(format, &fields, summary)?;
    Ok(if origins.is_empty() {
        Outcome::NothingFound
    } else {
        Outcome::Found
    })
}

/// `origin_id,level,<column>` with each origin's value for each target (empty when none).
fn write_per_origin(
    path: &std::path::Path,
    column: &str,
    origins: &[Origin],
    targets: &[Target],
    values: &[Vec<Option<f64>>],
) -> Result<(), Failure> {
    let file = std::fs::File::create(path).map_err(|e| Failure::flag("--per-origin", e))?;
    let mut out = BufWriter::new(file);
    writeln!(out, "origin_id,level,{column}")?;
    for (target, values) in targets.iter().zip(values) {
        for (origin, value) in origins.iter().zip(values) {
            match value {
                Some(value) => writeln!(out, "{},{},{value}", origin.id, target.name)?,
                None => writeln!(out, "{},{},", origin.id, target.name)?,
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// `coverage --gtfs`: each origin's transit time to the nearest facility of each target
/// and the weighted shares within each ring of time, as `--network` gives drive times.
fn transit_rings(
    args: &CoverageArgs,
    origins: &[Origin],
    targets: &[Target],
    filter: &Filter,
    index: &Index,
    costs: &Costs<'_>,
    format: Format,
) -> Result<Outcome, Failure> {
    let rings: Vec<f64> = args
        .rings()
        .split(',')
        .map(|ring| drive::seconds("--rings", ring))
        .collect::<Result<_, _>>()?;
    let farthest = rings.iter().copied().fold(0.0, f64::max);
    let mut summary = Vec::new();
    let mut per_target = Vec::new();
    for target in targets {
        let filter = filter.clone().care(target.care);
        let times: Vec<Option<f64>> = origins
            .par_iter()
            .map(|origin| {
                let reached = costs.reached(index, origin.location, &filter, Some(farthest), 1);
                reached.first().map(|(_, seconds)| *seconds)
            })
            .collect();
        let mut row = drive::time_rings(&target.name, origins, &times, &rings);
        if args.inequality {
            let values: Vec<(f64, f64)> = times
                .iter()
                .zip(origins)
                .filter_map(|(t, o)| Some(((*t)?, o.weight)))
                .collect();
            crate::coverage::Measured::of(&values).insert(&mut row);
        }
        summary.push(row);
        per_target.push(times);
    }
    if let Some(path) = &args.per_origin {
        write_per_origin(path, "transit_time_s", origins, targets, &per_target)?;
    }
    let fields = drive::time_ring_fields(&rings);
    print_summary(format, fields, &summary, args.inequality, origins)
}
