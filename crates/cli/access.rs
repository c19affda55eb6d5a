//! `coverage --measure 2sfca|e2sfca`: supply per person within reach, by great-circle
//! distance or by drive time on a network.

use std::collections::HashMap;
use std::io::{BufWriter, Write};

use carefind::analysis::access::{Cost, Decay, two_step};
use carefind::analysis::coverage::{Origin, Target};
use carefind::network::drive::DriveIndex;
use carefind::{Distance, Filter, Index, Query, Unit};
use rayon::prelude::*;
use serde_json::{Map, json};

use crate::args::{CoverageArgs, Format, Measure};
use crate::drive;
use crate::failure::Failure;
use crate::find::Outcome;

/// The catchment in the costs' unit (metres, or seconds on a network), and the decay in
/// the same unit.
fn catchment_and_decay(args: &CoverageArgs, unit: Unit) -> Result<(f64, Decay), Failure> {
    let text = args.catchment.as_deref().ok_or_else(|| {
        Failure::usage(
            "--measure 2sfca and e2sfca need --catchment (25mi, or 30min with --network)",
        )
    })?;
    let by_time = args.drive.network.is_some();
    let catchment = if by_time {
        drive::seconds("--catchment", text)?
    } else {
        Distance::parse(text, Some(unit))
            .map_err(|e| Failure::flag("--catchment", e))?
            .as_meters()
    };
    let decay = match (args.measure, args.decay.as_deref()) {
        (Measure::EnhancedTwoStep, None) => {
            return Err(Failure::usage(
                "--measure e2sfca needs --decay (gaussian:SIGMA or step:10=1,20=0.68,30=0.22)",
            ));
        }
        (Measure::TwoStep, Some(_)) => {
            return Err(Failure::usage(
                "--decay is for --measure e2sfca; 2sfca weighs every pair in the catchment alike",
            ));
        }
        (_, None) => Decay::None,
        (_, Some(text)) => text
            .parse::<Decay>()
            .map_err(|e| Failure::flag("--decay", e))?,
    };
    let factor = if by_time {
        60.0
    } else {
        Distance::from_meters(1.0).in_unit(unit).recip()
    };
    Ok((catchment, decay.scaled(factor)))
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

pub fn run(
    args: &CoverageArgs,
    origins: &[Origin],
    targets: &[Target],
    filter: &Filter,
    index: &Index,
    unit: Unit,
    format: Format,
) -> Result<Outcome, Failure> {
    let (catchment, decay) = catchment_and_decay(args, unit)?;
    let supply = supplies(args, index)?;
    let demand: Vec<f64> = origins.iter().map(|o| o.weight).collect();
    let network = args.drive.network.as_deref().map(drive::load).transpose()?;
    let access = drive::access(&args.drive)?;
    let drive_index = network.as_ref().map(|n| DriveIndex::new(n, index, access));
    let total: f64 = demand.iter().sum();
    let measure = match args.measure {
        Measure::EnhancedTwoStep => "e2sfca",
        _ => "2sfca",
    };
    let mut summary = Vec::new();
    let mut scores_by_target = Vec::new();
    for target in targets {
        let filter = filter.clone().care(target.care);
        // Every pair within the catchment: one bounded search per origin.
        let pairs: Vec<Vec<Cost>> = origins
            .par_iter()
            .enumerate()
            .map(|(i, origin)| {
                // (facility, cost) of every facility within the catchment.
                let reached: Vec<(carefind::FacilityRef<'_>, f64)> = match &drive_index {
                    Some(drive) => drive
                        .nearest(origin.location, usize::MAX, &filter, Some(catchment))
                        .map(|hits| hits.iter().map(|h| (h.facility, h.seconds)).collect())
                        .unwrap_or_default(),
                    None => {
                        let query = Query::default()
                            .near(origin.location)
                            .max_distance(Distance::from_meters(catchment))
                            .filter(filter.clone());
                        index
                            .search(&query)
                            .map(|hits| {
                                hits.iter()
                                    .filter_map(|h| Some((h.facility, h.distance_m?)))
                                    .collect()
                            })
                            .unwrap_or_default()
                    }
                };
                reached
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
        let costs: Vec<Cost> = pairs.into_iter().flatten().collect();
        let answer = two_step(&costs, &demand, &supply, catchment, &decay);
        let mut scored: Vec<(f64, f64)> = answer
            .score
            .iter()
            .zip(&demand)
            .map(|(score, weight)| (score.unwrap_or(0.0), *weight))
            .collect();
        scored.sort_by(|a, b| a.0.total_cmp(&b.0));
        // (+ 0.0: an empty f64 sum is -0.0.)
        let none: f64 = answer
            .score
            .iter()
            .zip(&demand)
            .filter(|(s, _)| s.is_none())
            .map(|(_, w)| w)
            .sum::<f64>()
            + 0.0;
        let mut row = Map::new();
        row.insert("measure".into(), json!(measure));
        row.insert("level".into(), json!(target.name));
        row.insert("origins".into(), json!(origins.len()));
        row.insert("weight".into(), json!(total));
        for (name, q) in [("p10", 0.1), ("median", 0.5), ("p90", 0.9)] {
            row.insert(name.into(), json!(quantile(&scored, total, q)));
        }
        row.insert(
            "share_without_access".into(),
            json!(if total > 0.0 { none / total } else { 0.0 }),
        );
        if let Some(below) = args.below {
            let under: f64 = scored
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
            crate::coverage::Measured::of(&scored).insert(&mut row);
        }
        summary.push(row);
        scores_by_target.push(answer.score);
    }
    if let Some(path) = &args.per_origin {
        let file = std::fs::File::create(path).map_err(|e| Failure::flag("--per-origin", e))?;
        let mut out = BufWriter::new(file);
        writeln!(out, "origin_id,level,{measure}")?;
        for (target, scores) in targets.iter().zip(&scores_by_target) {
            for (origin, score) in origins.iter().zip(scores) {
                match score {
                    Some(score) => writeln!(out, "{},{},{score}", origin.id, target.name)?,
                    None => writeln!(out, "{},{},", origin.id, target.name)?,
                }
            }
        }
        out.flush()?;
    }
    let mut fields: Vec<String> = [
        "measure",
        "level",
        "origins",
        "weight",
        "p10",
        "median",
        "p90",
        "share_without_access",
    ]
    .map(String::from)
    .to_vec();
    if let Some(below) = args.below {
        fields.push(format!("share_below_{below}"));
    }
    if args.inequality {
        fields.extend(["gini", "palma", "theil_t"].map(String::from));
    }
    drive::print_rows(format, &fields, &summary)?;
    Ok(if origins.is_empty() {
        Outcome::NothingFound
    } else {
        Outcome::Found
    })
}
