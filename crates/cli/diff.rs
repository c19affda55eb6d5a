//! `carefind diff`: what changed between two releases of a directory.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{self, Write};

use carefind::analysis::same_facility;
use carefind::{Distance, Facility, FacilityRef, save};
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
    let match_within = Distance::parse(&args.match_within, None)
        .map_err(|e| Failure::flag("--match-within", e))?
        .as_meters();
    let old = dataset::facilities(&args.old)?;
    let new = dataset::facilities(&args.new)?;
    let changes = changes(&old, &new, moved_over, match_within);

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

/// Every change from `old` to `new`, by id, then in column order; a removed listing and an
/// added one that are the same facility (within `match_within` metres) are one `new-id`
/// change and what changed, under the new id.
fn changes<'a>(
    old: &'a [Facility],
    new: &'a [Facility],
    moved_over: f64,
    match_within: f64,
) -> Vec<Change<'a>> {
    let before: HashMap<&str, &Facility> = old.iter().map(|f| (f.id.as_str(), f)).collect();
    let after: HashMap<&str, &Facility> = new.iter().map(|f| (f.id.as_str(), f)).collect();
    let mut ids: Vec<&str> = before.keys().chain(after.keys()).copied().collect();
    ids.sort_unstable();
    ids.dedup();
    // The facilities the ids do not match, paired where they are one facility.
    let removed: Vec<&Facility> = ids
        .iter()
        .filter(|id| !after.contains_key(*id))
        .filter_map(|id| before.get(id).copied())
        .collect();
    let added: Vec<&Facility> = ids
        .iter()
        .filter(|id| !before.contains_key(*id))
        .filter_map(|id| after.get(id).copied())
        .collect();
    let refs = |list: &[&'a Facility]| -> Vec<FacilityRef<'a>> {
        list.iter().map(|f| FacilityRef::from(*f)).collect()
    };
    let pairs = if match_within > 0.0 {
        same_facility::pairs(&refs(&removed), &refs(&added), match_within)
    } else {
        Vec::new()
    };
    let paired_old: HashMap<&str, &Facility> = pairs
        .iter()
        .map(|p| (removed[p.old].id.as_str(), added[p.new]))
        .collect();
    let paired_new: HashSet<&str> = pairs.iter().map(|p| added[p.new].id.as_str()).collect();
    let mut changes = Vec::new();
    for id in ids {
        match (before.get(id), after.get(id)) {
            (Some(a), None) if paired_old.contains_key(id) => {
                let b = paired_old[id];
                changes.push(Change {
                    change: "new-id",
                    id: &b.id,
                    field: "id",
                    old: a.id.clone(),
                    new: b.id.clone(),
                    distance_m: Some((a.location.distance_m(b.location) * 10.0).round() / 10.0),
                    state: &b.state,
                });
                compare(&b.id, a, b, moved_over, &mut changes);
            }
            (None, Some(_)) if paired_new.contains(id) => {}
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
            (Some(a), Some(b)) => compare(id, a, b, moved_over, &mut changes),
            (None, None) => {}
        }
    }
    changes
}

/// How `b` differs from `a`, the same facility under `id`: moved, and each field changed.
fn compare<'a>(
    id: &'a str,
    a: &'a Facility,
    b: &'a Facility,
    moved_over: f64,
    changes: &mut Vec<Change<'a>>,
) {
    let point = |f: &Facility| format!("{},{}", f.location.lat(), f.location.lon());
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
    let (row_a, row_b) = (save::row(a), save::row(b));
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
    for change in ["added", "removed", "new-id", "moved", "changed"] {
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
        let found: Vec<(&str, &str, &str)> = changes(&old, &new, 100.0, 300.0)
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

    #[test]
    fn a_facility_under_a_new_id_is_one_change_and_what_changed() {
        let at = |id: &str, name: &str, lat: f64| {
            Facility::new(id, name, LatLon::new(lat, -71.0).unwrap())
        };
        let old = vec![
            at("2022-1", "Hope House, Inc.", 42.0),
            at("2022-2", "Gone", 42.2),
        ];
        let mut renumbered = at("ma-1", "HOPE HOUSE", 42.0003);
        renumbered.phone = "617-555-0100".into();
        let new = vec![renumbered, at("ma-2", "Hope House", 42.1)];
        let found: Vec<(&str, &str, &str, String)> = changes(&old, &new, 100.0, 300.0)
            .into_iter()
            .map(|c| (c.change, c.id, c.field, c.old))
            .collect();
        assert_eq!(
            found,
            [
                ("new-id", "ma-1", "id", "2022-1".to_string()),
                ("changed", "ma-1", "name", "Hope House, Inc.".to_string()),
                ("changed", "ma-1", "phone", String::new()),
                ("removed", "2022-2", "", "Gone".to_string()),
                ("added", "ma-2", "", String::new()),
            ]
        );
        // Turned off, the ids alone decide.
        let by_id = changes(&old, &new, 100.0, 0.0);
        assert!(
            by_id
                .iter()
                .all(|c| c.change == "added" || c.change == "removed")
        );
    }
}
