//! Drive time on a road network: `carefind network ...`, `find --by drive-time` and
//! `coverage --network`.

use std::io::{self, BufWriter, Write};
use std::path::Path;

use carefind::analysis::coverage::{Origin, Target};
use carefind::network::drive::{Access, DriveHit, DriveIndex};
use carefind::network::profile::Profile;
use carefind::network::{Network, build};
use carefind::{Distance, Filter, Index, LatLon, Query, Unit};
use jiff::SignedDuration;
use rayon::prelude::*;
use serde_json::{Map, Value, json};

use crate::args::{CoverageArgs, DriveArgs, FindArgs, Format, NetworkCommand, ProfileArg};
use crate::failure::Failure;
use crate::find::Outcome;
use crate::origins;

pub fn run(command: &NetworkCommand) -> Result<Outcome, Failure> {
    match command {
        NetworkCommand::Build(args) => {
            let profile = match args.profile {
                ProfileArg::Car => Profile::Car,
                ProfileArg::Foot => Profile::Foot,
            };
            let (network, report) = build::with_profile(&args.osm, profile)
                .map_err(|e| Failure::usage(e.to_string()))?;
            network
                .save(&args.output)
                .map_err(|e| Failure::usage(e.to_string()))?;
            eprintln!("carefind: {}: {report}", args.osm.display());
            eprintln!(
                "carefind: wrote {} ({} nodes, {} edges)",
                args.output.display(),
                network.node_count(),
                network.edge_count()
            );
            Ok(Outcome::Found)
        }
        NetworkCommand::Amenities(args) => {
            let facilities =
                build::health_amenities(&args.osm).map_err(|e| Failure::usage(e.to_string()))?;
            carefind::save::to_path(&args.output, &facilities)?;
            eprintln!(
                "carefind: wrote {} health amenities of {} to {}",
                facilities.len(),
                args.osm.display(),
                args.output.display()
            );
            Ok(if facilities.is_empty() {
                Outcome::NothingFound
            } else {
                Outcome::Found
            })
        }
        NetworkCommand::Edges(args) => {
            let network = load(&args.network)?;
            let stdout = io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            network.write_edges(&mut out)?;
            out.flush()?;
            Ok(Outcome::Found)
        }
        NetworkCommand::Times(args) => {
            let network = load(&args.network)?;
            if args.from_node as usize >= network.node_count() {
                return Err(Failure::flag(
                    "--from-node",
                    format!(
                        "the network has nodes 0 to {}",
                        network.node_count().saturating_sub(1)
                    ),
                ));
            }
            let stdout = io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            writeln!(out, "node,seconds")?;
            for (node, seconds) in network.dijkstra(args.from_node).iter().enumerate() {
                if seconds.is_finite() {
                    writeln!(out, "{node},{seconds}")?;
                }
            }
            out.flush()?;
            Ok(Outcome::Found)
        }
    }
}

pub fn load(path: &Path) -> Result<Network, Failure> {
    Network::load(path).map_err(|e| Failure::flag("--network", e))
}

/// How points reach the roads, from the flags.
pub fn access(args: &DriveArgs) -> Result<Access, Failure> {
    let max_snap = Distance::parse(&args.max_snap, Some(Unit::Meters))
        .map_err(|e| Failure::flag("--max-snap", e))?;
    if !(args.access_speed > 0.0 && args.access_speed.is_finite()) {
        return Err(Failure::flag(
            "--access-speed",
            format!("{} is not a speed in km/h above 0", args.access_speed),
        ));
    }
    Ok(Access {
        max_snap_m: max_snap.as_meters(),
        speed_kmh: args.access_speed,
    })
}

/// A time such as `30min`, `1h` or `90s`; a bare number is minutes.
pub fn seconds(flag: &str, text: &str) -> Result<f64, Failure> {
    carefind::words::parse_age(text, Some(SignedDuration::from_mins(1)))
        .map(|age| age.as_secs_f64())
        .map_err(|e| {
            Failure::flag(
                flag,
                e.to_string()
                    .replace("an age such as 72h, 3d or 1w", "a time such as 30min or 1h"),
            )
        })
}

/// One result row: the columns every format shows, in order.
/// The straight-line legs of a trip: from the origin to its road, from the facility's
/// road to it, in metres.
struct Legs {
    origin_m: f64,
    facility_m: Option<f64>,
}

fn row(
    origin_id: Option<&str>,
    rank: usize,
    origin: LatLon,
    hit: &DriveHit,
    legs: Legs,
) -> Map<String, Value> {
    let f = hit.facility;
    let mut row = Map::new();
    if let Some(origin_id) = origin_id {
        row.insert("origin_id".into(), json!(origin_id));
    }
    row.insert("rank".into(), json!(rank));
    facility_columns(&mut row, f);
    row.insert(
        "drive_time_s".into(),
        json!((hit.seconds * 1000.0).round() / 1000.0),
    );
    row.insert(
        "drive_distance_m".into(),
        json!((hit.drive_m * 1000.0).round() / 1000.0),
    );
    row.insert(
        "distance_m".into(),
        json!((origin.distance_m(f.location()) * 1000.0).round() / 1000.0),
    );
    let round = |m: f64| (m * 10.0).round() / 10.0;
    row.insert("origin_snap_m".into(), json!(round(legs.origin_m)));
    row.insert("snap_m".into(), json!(legs.facility_m.map(round)));
    row
}

/// The facility's columns of a result row: id, name, address, phone, care, lat, lon.
pub fn facility_columns(row: &mut Map<String, Value>, f: carefind::FacilityRef<'_>) {
    row.insert("id".into(), json!(f.id()));
    row.insert("name".into(), json!(f.name()));
    row.insert("street".into(), json!(f.street()));
    row.insert("city".into(), json!(f.city()));
    row.insert("state".into(), json!(f.state()));
    row.insert("zip".into(), json!(f.zip()));
    row.insert("phone".into(), json!(f.phone()));
    row.insert("care".into(), json!(f.care().to_string()));
    row.insert("lat".into(), json!(f.location().lat()));
    row.insert("lon".into(), json!(f.location().lon()));
}

/// Refuses a search by travel time over an area: it needs a place to travel from.
pub fn from_a_place(template: &Query, by: &str) -> Result<(), Failure> {
    match template.area {
        carefind::Area::Everywhere => Ok(()),
        _ => Err(Failure::usage(format!(
            "--by {by} searches from a place: give --near or --origins, not --bbox or --polygon"
        ))),
    }
}

/// The columns of `rows`, or the ones `--fields` chose (checked against them).
pub fn chosen_fields(all: &[&str], fields: &[String]) -> Result<Vec<String>, Failure> {
    if fields.is_empty() {
        return Ok(all.iter().map(|s| s.to_string()).collect());
    }
    for field in fields {
        if !all.contains(&field.as_str()) {
            return Err(Failure::flag(
                "--fields",
                format!("{field:?} is not a column; use {}", all.join(",")),
            ));
        }
    }
    Ok(fields.to_vec())
}

/// A JSON object whose keys come out in the order given (serde_json's maps sort them).
pub struct InOrder(pub Vec<(String, Value)>);

impl serde::Serialize for InOrder {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// Writes rows to stdout as `format` asks (tab-separated for a terminal's table).
pub fn print_rows(
    format: Format,
    fields: &[String],
    rows: &[Map<String, Value>],
) -> io::Result<()> {
    let format = if format == Format::Table {
        Format::Tsv
    } else {
        format
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    write_rows(&mut out, format, fields, rows)?;
    out.flush()
}

/// Writes rows as the format asks, with only `fields`, in their order.
pub fn write_rows(
    out: &mut impl Write,
    format: Format,
    fields: &[String],
    rows: &[Map<String, Value>],
) -> io::Result<()> {
    let cell = |value: Option<&Value>| match value {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    match format {
        Format::Csv | Format::Tsv | Format::Table => {
            let mut writer = csv::WriterBuilder::new()
                .delimiter(if format == Format::Csv { b',' } else { b'\t' })
                .from_writer(&mut *out);
            writer.write_record(fields)?;
            for row in rows {
                writer.write_record(fields.iter().map(|f| cell(row.get(f))))?;
            }
            writer.flush()?;
        }
        Format::Json | Format::Ndjson | Format::Geojson => {
            let picked: Vec<InOrder> = rows
                .iter()
                .map(|row| {
                    InOrder(
                        fields
                            .iter()
                            .map(|f| (f.clone(), row.get(f).cloned().unwrap_or(Value::Null)))
                            .collect(),
                    )
                })
                .collect();
            match format {
                Format::Ndjson => {
                    for value in &picked {
                        serde_json::to_writer(&mut *out, value)?;
                        writeln!(out)?;
                    }
                }
                Format::Geojson => {
                    write!(out, "{{\"type\":\"FeatureCollection\",\"features\":[")?;
                    for (i, (properties, row)) in picked.iter().zip(rows).enumerate() {
                        let geometry = json!({"type": "Point", "coordinates": [row.get("lon"), row.get("lat")]});
                        let feature = InOrder(vec![
                            ("type".into(), json!("Feature")),
                            ("geometry".into(), geometry),
                            ("properties".into(), serde_json::to_value(properties)?),
                        ]);
                        if i > 0 {
                            write!(out, ",")?;
                        }
                        serde_json::to_writer(&mut *out, &feature)?;
                    }
                    writeln!(out, "]}}")?;
                }
                _ => {
                    serde_json::to_writer_pretty(&mut *out, &picked)?;
                    writeln!(out)?;
                }
            }
        }
    }
    Ok(())
}

/// `find --by drive-time`: the facilities with the least drive time from each origin.
pub fn find(
    args: &FindArgs,
    template: &Query,
    origin: Option<LatLon>,
    origins_source: Option<&str>,
    index: &Index,
    format: Format,
) -> Result<Outcome, Failure> {
    let Some(path) = &args.drive.network else {
        return Err(Failure::usage(
            "--by drive-time needs --network FILE.net (build one with carefind network build)",
        ));
    };
    from_a_place(template, "drive-time")?;
    let bound = args
        .within
        .as_deref()
        .map(|w| seconds("--within", w))
        .transpose()?;
    let access = access(&args.drive)?;
    let network = load(path)?;
    let drive = DriveIndex::new(&network, index, access);
    let unplaced = drive.unplaced().count();
    if unplaced > 0 {
        eprintln!(
            "carefind: {unplaced} facilities are farther than {} m from every road of {} and are left out",
            access.max_snap_m,
            path.display()
        );
    }
    let origins = origins::located(origins_source, origin, args.strict)?;
    let k = if args.all || args.count {
        usize::MAX
    } else {
        args.limit.saturating_add(args.offset)
    };
    let filter: &Filter = &template.filter;
    let answers: Vec<Result<Vec<DriveHit>, String>> = origins
        .par_iter()
        .map(|(_, origin)| {
            drive
                .nearest(*origin, k, filter, bound)
                .map_err(|e| e.to_string())
        })
        .collect();
    let mut found = false;
    if args.count {
        let fields = chosen_fields(&["origin_id", "count"], &args.fields)?;
        let mut rows = Vec::new();
        for ((id, _), answer) in origins.iter().zip(&answers) {
            match answer {
                Ok(hits) => {
                    found |= !hits.is_empty();
                    rows.push(Map::from_iter([
                        (
                            "origin_id".to_string(),
                            json!(id.clone().unwrap_or_default()),
                        ),
                        ("count".to_string(), json!(hits.len())),
                    ]));
                }
                Err(problem) => eprintln!(
                    "carefind: origin {}: {problem}",
                    id.as_deref().unwrap_or("--near")
                ),
            }
        }
        print_rows(format, &fields, &rows)?;
    } else {
        let mut all = vec![
            "rank",
            "id",
            "name",
            "street",
            "city",
            "state",
            "zip",
            "phone",
            "care",
            "lat",
            "lon",
            "drive_time_s",
            "drive_distance_m",
            "distance_m",
            "origin_snap_m",
            "snap_m",
        ];
        if origins_source.is_some() {
            all.insert(0, "origin_id");
        }
        let fields = chosen_fields(&all, &args.fields)?;
        let mut rows = Vec::new();
        for ((id, origin), answer) in origins.iter().zip(&answers) {
            match answer {
                Ok(hits) => {
                    // The search snapped the origin already; its leg is the same for every row.
                    let origin_m = network
                        .snap(*origin, access.max_snap_m)
                        .map_or(f64::NAN, |snap| snap.snap_m);
                    for (i, hit) in hits.iter().enumerate().skip(args.offset) {
                        found = true;
                        let legs = Legs {
                            origin_m,
                            facility_m: index
                                .position_of(hit.facility)
                                .and_then(|p| drive.snap_of(p))
                                .map(|snap| snap.snap_m),
                        };
                        rows.push(row(id.as_deref(), i + 1, *origin, hit, legs));
                    }
                }
                Err(problem) => {
                    let who = id.as_deref().unwrap_or("--near");
                    if origins_source.is_none() {
                        return Err(Failure::usage(format!("{who}: {problem}")));
                    }
                    eprintln!("carefind: origin {who}: {problem}");
                }
            }
        }
        print_rows(format, &fields, &rows)?;
    }
    Ok(if found {
        Outcome::Found
    } else {
        Outcome::NothingFound
    })
}

/// `coverage --network`: every level's drive time from each origin, by one pass per
/// level, and the weighted shares within each ring of time.
pub fn coverage(
    args: &CoverageArgs,
    origins: &[Origin],
    targets: &[Target],
    filter: &Filter,
    index: &Index,
    format: Format,
) -> Result<Outcome, Failure> {
    let Some(path) = &args.drive.network else {
        return Err(Failure::usage("coverage by drive time needs --network"));
    };
    let rings: Vec<f64> = args
        .rings()
        .split(',')
        .map(|ring| seconds("--rings", ring))
        .collect::<Result<_, _>>()?;
    let access = access(&args.drive)?;
    let network = load(path)?;
    let drive = DriveIndex::new(&network, index, access);
    let placed: Vec<Option<carefind::network::snap::Snap>> = origins
        .par_iter()
        .map(|o| network.snap(o.location, access.max_snap_m).ok())
        .collect();
    let off_network = placed.iter().filter(|p| p.is_none()).count();
    if off_network > 0 {
        eprintln!(
            "carefind: {off_network} of {} origins are farther than {} m from every road: counted as not reached",
            origins.len(),
            access.max_snap_m
        );
    }
    let mut summary = Vec::new();
    let mut per_origin: Vec<Vec<Option<(f64, f64)>>> = Vec::new();
    for target in targets {
        let times = drive.times_to_nearest(&filter.clone().care(target.care));
        let answers: Vec<Option<(f64, f64)>> = origins
            .par_iter()
            .zip(&placed)
            .map(|(o, placed)| {
                placed.and_then(|_| drive.time_from(&times, o.location).ok().flatten())
            })
            .collect();
        let seconds: Vec<Option<f64>> = answers.iter().map(|a| a.map(|(s, _)| s)).collect();
        summary.push(time_rings(&target.name, origins, &seconds, &rings));
        per_origin.push(answers);
    }
    if let Some(path) = &args.per_origin {
        let file = std::fs::File::create(path).map_err(|e| Failure::flag("--per-origin", e))?;
        let mut out = BufWriter::new(file);
        writeln!(out, "origin_id,level,drive_time_s,drive_distance_m")?;
        for (target, answers) in targets.iter().zip(&per_origin) {
            for (origin, answer) in origins.iter().zip(answers) {
                match answer {
                    Some((s, m)) => writeln!(out, "{},{},{s:.3},{m:.3}", origin.id, target.name)?,
                    None => writeln!(out, "{},{},,", origin.id, target.name)?,
                }
            }
        }
        out.flush()?;
    }
    print_rows(format, &time_ring_fields(&rings), &summary)?;
    Ok(if origins.is_empty() {
        Outcome::NothingFound
    } else {
        Outcome::Found
    })
}

/// A target's row of rings of time: the weighted share of the origins whose time to the
/// nearest facility (`seconds`, `None` when not reached) is within each ring, the weighted
/// median and 90th percentile, and how many are not reached.
pub fn time_rings(
    target: &str,
    origins: &[Origin],
    seconds: &[Option<f64>],
    rings: &[f64],
) -> Map<String, Value> {
    let total: f64 = origins.iter().map(|o| o.weight).sum();
    let mut row = Map::new();
    row.insert("level".into(), json!(target));
    row.insert("origins".into(), json!(origins.len()));
    row.insert("weight".into(), json!(total));
    for ring in rings {
        let within: f64 = origins
            .iter()
            .zip(seconds)
            .filter(|(_, s)| s.is_some_and(|s| s <= *ring))
            .map(|(o, _)| o.weight)
            .sum::<f64>()
            + 0.0;
        let share = if total > 0.0 { within / total } else { 0.0 };
        row.insert(
            format!("share_within_{}min", ring / 60.0),
            json!((share * 1e6).round() / 1e6),
        );
    }
    let mut reached: Vec<(f64, f64)> = origins
        .iter()
        .zip(seconds)
        .filter_map(|(o, s)| Some(((*s)?, o.weight)))
        .collect();
    reached.sort_by(|a, b| a.0.total_cmp(&b.0));
    let quantile = |q: f64| {
        let mut acc = 0.0;
        reached
            .iter()
            .find(|(_, w)| {
                acc += w;
                acc >= q * total
            })
            .map(|(s, _)| (s * 10.0).round() / 10.0)
    };
    row.insert("median_s".into(), json!(quantile(0.5)));
    row.insert("p90_s".into(), json!(quantile(0.9)));
    row.insert(
        "not_reached".into(),
        json!(seconds.iter().filter(|s| s.is_none()).count()),
    );
    row
}

/// The fields of [`time_rings`]' rows.
pub fn time_ring_fields(rings: &[f64]) -> Vec<String> {
    let mut fields: Vec<String> = ["level", "origins", "weight"].map(String::from).to_vec();
    fields.extend(
        rings
            .iter()
            .map(|ring| format!("share_within_{}min", ring / 60.0)),
    );
    fields.extend(["median_s", "p90_s", "not_reached"].map(String::from));
    fields
}

/// `pathway --network`: each later stage's options, and the program and sober-living
/// pairs, ranked by drive time (homes within `--pair-within` of their program, as the
/// crow flies). Written as JSON.
pub fn pathway(
    args: &DriveArgs,
    origin: LatLon,
    query: &carefind::analysis::pathway::PathwayQuery,
    index: &Index,
) -> Result<Outcome, Failure> {
    use carefind::CareLevel;
    use carefind::analysis::duplicates::nearest_places;
    use carefind::analysis::pathway::Stage;

    let Some(path) = &args.network else {
        return Err(Failure::usage("pathway by drive time needs --network"));
    };
    let access = access(args)?;
    let network = load(path)?;
    let drive = DriveIndex::new(&network, index, access);
    let stages = match query.from {
        Some(stage) => stage.after(),
        None => Stage::ALL.to_vec(),
    };
    let option = |rank: usize, hit: &DriveHit| {
        json!({
            "rank": rank,
            "id": hit.facility.id(),
            "name": hit.facility.name(),
            "city": hit.facility.city(),
            "state": hit.facility.state(),
            "phone": hit.facility.phone(),
            "care": hit.facility.care().to_string(),
            "drive_time_s": (hit.seconds * 1000.0).round() / 1000.0,
            "drive_distance_m": (hit.drive_m * 1000.0).round() / 1000.0,
        })
    };
    let unreachable = |e: carefind::network::snap::SnapError| Failure::flag("--near", e);
    let mut steps = Vec::new();
    let mut found = false;
    for stage in stages {
        let filter = query.step_filter(stage.levels());
        // Each place once, as the library's pathway has it.
        let hits = nearest_places(
            query.per_step,
            |k| drive.nearest(origin, k, &filter, None),
            |hit: &DriveHit| hit.facility,
        )
        .map_err(unreachable)?;
        found |= !hits.is_empty();
        let options: Vec<Value> = hits
            .iter()
            .enumerate()
            .map(|(i, hit)| option(i + 1, hit))
            .collect();
        steps.push(json!({"stage": stage.name(), "levels": stage.levels().to_string(), "options": options}));
    }
    // Programs in order of drive time; a trip is never shorter than its first leg, so the
    // search stops once a program is farther than the worst pair kept.
    let programs = query.step_filter(Stage::Php.levels() | Stage::Iop.levels());
    let homes = query.filter.clone().care(CareLevel::SoberLiving);
    let mut pairs: Vec<(f64, DriveHit, DriveHit)> = Vec::new();
    if query.pairs > 0 {
        for program in drive
            .nearest(origin, usize::MAX, &programs, None)
            .map_err(unreachable)?
        {
            if pairs.len() >= query.pairs
                && pairs
                    .last()
                    .is_some_and(|(trip, _, _)| program.seconds > *trip)
            {
                break;
            }
            let home = if program.facility.care().contains(CareLevel::SoberLiving) {
                Some(DriveHit {
                    facility: program.facility,
                    seconds: 0.0,
                    drive_m: 0.0,
                })
            } else {
                // Every home by drive time from the program: the first within the pair
                // distance is the one.
                let Ok(near) = drive.nearest(program.facility.location(), usize::MAX, &homes, None)
                else {
                    continue;
                };
                near.into_iter().find(|home| {
                    program
                        .facility
                        .location()
                        .distance_m(home.facility.location())
                        <= query.pair_within.as_meters()
                })
            };
            if let Some(home) = home {
                pairs.push((program.seconds + home.seconds, program, home));
                pairs.sort_by(|a, b| {
                    a.0.total_cmp(&b.0)
                        .then_with(|| a.1.facility.id().cmp(b.1.facility.id()))
                });
                pairs.truncate(query.pairs);
            }
        }
    }
    found |= !pairs.is_empty();
    let pairs: Vec<Value> = pairs
        .iter()
        .enumerate()
        .map(|(i, (trip, program, home))| {
            json!({"rank": i + 1, "trip_s": (trip * 1000.0).round() / 1000.0, "program": option(i + 1, program), "home": option(i + 1, home)})
        })
        .collect();
    let document = json!({
        "from": query.from.map(Stage::name),
        "by": "drive-time",
        "steps": steps,
        "pairs": pairs,
    });
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    serde_json::to_writer_pretty(&mut out, &document).map_err(io::Error::from)?;
    writeln!(out)?;
    out.flush()?;
    Ok(if found {
        Outcome::Found
    } else {
        Outcome::NothingFound
    })
}
