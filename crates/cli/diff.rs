//! `carefind diff`: what changed between two releases of a directory.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use carefind::{Distance, Facility, save};
use serde::Serialize;

use crate::args::{DiffArgs, DiffFormat};
use crate::dataset;
use crate::failure::Failure;
use crate::find::Outcome;

/// Fields a release changes without the facility changing: when it was verified and which
/// release it came from.
const NOT_COMPARED: [&str; 5] = ["id", "lat", "lon", "verified", "source"];

/// One change.
#[derive(Debug, PartialEq, Serialize)]
struct Change<'a> {
    change: &'static str,
    id: &'a str,
    field: &'static str,
    old: String,
    new: String,
    /// How far a moved facility moved, in metres.
    distance_m: Option<f64>,
    #[serde(skip)]
    state: &'a str,
}

pub fn run(args: &DiffArgs) -> Result<Outcome, Failure> {
    let moved_over = Distance::parse(&args.moved_over, None)
        .map_err(|e| Failure::flag("--moved-over", e))?
        .as_meters();
    let old = dataset::facilities(&args.old)?;
    let new = dataset::facilities(&args.new)?;
    let changes = changes(&old, &new, moved_over);

    let mut out = io::BufWriter::new(io::stdout().lock());
    match args.format {
        DiffFormat::Csv => {
            let mut writer = csv::Writer::from_writer(&mut out);
            writer
                .write_record(["change", "id", "field", "old", "new", "distance_m"])
                .map_err(io::Error::from)?;
            for change in &changes {
                let distance = change.distance_m.map(|d| d.to_string()).unwrap_or_default();
                writer
                    .write_record([
                        change.change,
                        change.id,
                        change.field,
                        &change.old,
                        &change.new,
                        &distance,
                    ])
                    .map_err(io::Error::from)?;
            }
            writer.flush()?;
        }
        DiffFormat::Json => {
            serde_json::to_writer(&mut out, &changes).map_err(io::Error::from)?;
            writeln!(out)?;
        }
        DiffFormat::Ndjson => {
            for change in &changes {
                serde_json::to_writer(&mut out, change).map_err(io::Error::from)?;
                writeln!(out)?;
            }
        }
    }
    out.flush()?;
    summarize(&changes, old.len(), new.len());
    Ok(if changes.is_empty() {
        Outcome::Found
    } else {
        Outcome::NothingFound
    })
}

/// Every change from `old` to `new`, by id, then in column order.
fn changes<'a>(old: &'a [Facility], new: &'a [Facility], moved_over: f64) -> Vec<Change<'a>> {
    let before: HashMap<&str, &Facility> = old.iter().map(|f| (f.id.as_str(), f)).collect();
    let after: HashMap<&str, &Facility> = new.iter().map(|f| (f.id.as_str(), f)).collect();
    let mut ids: Vec<&str> = before.keys().chain(after.keys()).copied().collect();
    ids.sort_unstable();
    ids.dedup();
    let point = |f: &Facility| format!("{},{}", f.location.lat(), f.location.lon());
    let mut changes = Vec::new();
    for id in ids {
        match (before.get(id), after.get(id)) {
            (None, Some(f)) => changes.push(Change {
                change: "added",
                id,
                field: "",
                old: String::new(),
                new: f.name.clone(),
                distance_m: None,
                state: &f.state,
            }),
            (Some(f), None) => changes.push(Change {
                change: "removed",
                id,
                field: "",
                old: f.name.clone(),
                new: String::new(),
                distance_m: None,
                state: &f.state,
            }),
            (Some(a), Some(b)) => {
                let distance = a.location.distance_m(b.location);
                if distance > moved_over {
                    changes.push(Change {
                        change: "moved",
                        id,
                        field: "location",
                        old: point(a),
                        new: point(b),
                        distance_m: Some((distance * 10.0).round() / 10.0),
                        state: &b.state,
                    });
                }
                let (row_a, row_b) = (save::row(*a), save::row(*b));
                for (column, (x, y)) in carefind::load::native::COLUMNS
                    .iter()
                    .zip(row_a.into_iter().zip(row_b))
                {
                    if x != y && !NOT_COMPARED.contains(column) {
                        changes.push(Change {
                            change: "changed",
                            id,
                            field: column,
                            old: x,
                            new: y,
                            distance_m: None,
                            state: &b.state,
                        });
                    }
                }
            }
            (None, None) => {}
        }
    }
    changes
}

/// The summary on stderr: facilities by change, and changed facilities by state.
fn summarize(changes: &[Change], old: usize, new: usize) {
    let mut by_change: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut by_state: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for change in changes {
        by_change.entry(change.change).or_default().push(change.id);
        let state = if change.state.is_empty() {
            "(none)"
        } else {
            change.state
        };
        by_state.entry(state).or_default().push(change.id);
    }
    let facilities = |ids: &mut Vec<&str>| {
        ids.dedup();
        ids.len()
    };
    let mut line = format!("carefind: {old} facilities before, {new} after");
    for change in ["added", "removed", "moved", "changed"] {
        let count = by_change.get_mut(change).map_or(0, facilities);
        line.push_str(&format!("; {count} {change}"));
    }
    eprintln!("{line}");
    if !by_state.is_empty() {
        let mut states: Vec<(usize, &str)> = by_state
            .iter_mut()
            .map(|(state, ids)| (facilities(ids), *state))
            .collect();
        states.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        let shown: Vec<String> = states
            .iter()
            .map(|(count, state)| format!("{state} {count}"))
            .collect();
        eprintln!(
            "carefind: facilities with changes, by state: {}",
            shown.join(", ")
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use carefind::LatLon;

    #[test]
    fn each_kind_of_change_is_found_once() {
        let at = |id: &str, lat: f64| {
            Facility::new(id, id.to_uppercase(), LatLon::new(lat, -75.0).unwrap())
        };
        let old = vec![at("a", 40.0), at("b", 40.0), at("c", 40.0)];
        let mut moved = at("b", 40.01);
        moved.phone = "555".into();
        moved.status = carefind::Status::Closed;
        let new = vec![at("a", 40.0000001), moved, at("d", 41.0)];
        let found: Vec<(&str, &str, &str)> = changes(&old, &new, 100.0)
            .iter()
            .map(|c| (c.change, c.id, c.field))
            .collect();
        assert_eq!(
            found,
            [
                ("moved", "b", "location"),
                ("changed", "b", "phone"),
                ("changed", "b", "status"),
                ("removed", "c", ""),
                ("added", "d", ""),
            ]
        );
    }
}
