//! Public transit: `find --by transit --gtfs FEED --depart TIME`.

use std::path::Path;

use carefind::availability::Judgement;
use carefind::jiff::{SignedDuration, Timestamp};
use carefind::transit::{
    Streets, Timetable, TransitHit, TransitIndex, TransitOptions, TransitQuery, Walking, Window,
};
use carefind::{Index, LatLon, Query};
use rayon::prelude::*;
use serde_json::{Map, Value, json};

use crate::args::{AttributeArgs, DriveArgs, FindArgs, Format, TimetableArgs, TransitArgs};
use crate::drive::{chosen_fields, facility_columns, from_a_place, print_rows, seconds};
use crate::failure::Failure;
use crate::find::Outcome;
use crate::origins;

/// The attribute flags with the hours left to the arrivals: `--open-for` is read there,
/// and the flags that fix a moment of their own are refused, naming `by`, the flag that
/// asked for transit.
pub fn without_hours(attributes: &AttributeArgs, by: &str) -> Result<AttributeArgs, Failure> {
    // The coming week's days and evenings (--open-on, --evening, --weekend) still mean
    // what they say; a single moment of its own would contradict the arrival.
    let fixed = [
        ("--open-now", attributes.open_now),
        ("--open-at", attributes.open_at.is_some()),
        ("--walk-in-now", attributes.walk_in_now),
    ];
    if let Some((flag, _)) = fixed.iter().find(|(_, given)| *given) {
        return Err(Failure::flag(
            flag,
            format!(
                "cannot be used with {by}: whether a facility is open is judged at each arrival (give --depart or --arrive-by, and --open-for)"
            ),
        ));
    }
    let mut attributes = attributes.clone();
    attributes.open_for = None;
    Ok(attributes)
}

/// The search's options, from the flags: the longest journey `within` (2 hours when
/// not given) and `--open-for` from the attribute flags.
pub fn options(
    transit: &TransitArgs,
    within: Option<&str>,
    open_for: Option<&str>,
) -> Result<TransitOptions, Failure> {
    for (flag, value) in [
        ("--walk-speed", transit.walk_speed),
        ("--detour", transit.detour),
    ] {
        if !(value > 0.0 && value.is_finite()) {
            return Err(Failure::flag(
                flag,
                format!("{value} is not a number above 0"),
            ));
        }
    }
    if !(0.0..=100.0).contains(&transit.percentile) {
        return Err(Failure::flag(
            "--percentile",
            format!("{} is not between 0 and 100", transit.percentile),
        ));
    }
    let open_for = match open_for {
        Some(text) => SignedDuration::from_secs(seconds("--open-for", text)? as i64),
        None => SignedDuration::ZERO,
    };
    Ok(TransitOptions {
        walking: Walking {
            speed_kmh: transit.walk_speed,
            detour: transit.detour,
            max_s: seconds("--max-walk", &transit.max_walk)?,
        },
        max_rides: transit.max_transfers.saturating_add(1),
        max_s: match within {
            Some(within) => seconds("--within", within)?,
            None => 2.0 * 3600.0,
        },
        open_for: Some(open_for),
    })
}

/// `carefind timetable`: reads and checks a feed, and keeps its timetable in a file.
pub fn keep(args: &TimetableArgs) -> Result<Outcome, Failure> {
    let timetable = load(&args.gtfs)?;
    timetable
        .save(&args.output)
        .map_err(|e| Failure::flag("--output", e))?;
    let span = timetable
        .service_span()
        .map_or("no service".to_string(), |(first, last)| {
            format!("service from {first} to {last}")
        });
    eprintln!(
        "carefind: kept {} ({} stations, {} trips, {span}, {}) in {}",
        args.gtfs.display(),
        timetable.stations().len(),
        timetable.trip_count(),
        timetable.time_zone_name(),
        args.output.display()
    );
    Ok(Outcome::Found)
}

/// The feed of `--gtfs`, refused when not given: `by` says what needs it.
pub fn feed<'a>(transit: &'a TransitArgs, by: &str) -> Result<&'a Path, Failure> {
    transit.gtfs.as_deref().ok_or_else(|| {
        Failure::usage(format!(
            "{by} needs --gtfs FEED (a GTFS timetable, zip or folder)"
        ))
    })
}

/// A feed read and checked.
pub fn load(path: &Path) -> Result<Timetable, Failure> {
    Timetable::load(path).map_err(|e| Failure::flag("--gtfs", e))
}

/// The moment of `--depart` (or `--arrive-by`) in the feed's zone, with the flag that
/// gave it, and the minutes of `--window`.
pub fn moment(
    transit: &TransitArgs,
    timetable: &Timetable,
    by: &str,
) -> Result<(&'static str, Timestamp, Option<u32>), Failure> {
    let (flag, text) = match (&transit.depart, &transit.arrive_by) {
        (Some(depart), _) => ("--depart", depart),
        (None, Some(by)) => ("--arrive-by", by),
        (None, None) => {
            return Err(Failure::usage(format!(
                "{by} needs --depart TIME (or --arrive-by TIME), such as 2026-09-15T07:30"
            )));
        }
    };
    let at = timetable.moment(text).map_err(|e| Failure::flag(flag, e))?;
    let window = transit
        .window
        .as_deref()
        .map(|w| seconds("--window", w))
        .transpose()?
        .map(|s| (s / 60.0).round().max(1.0) as u32);
    Ok((flag, at, window))
}

/// The transit index of `index` on `timetable`: walks on the streets of `--network`
/// (built with `--profile foot`, reached within `--max-snap` at `--access-speed`) when
/// given, else straight lines with `--detour`.
pub fn transit_index<'a>(
    timetable: &'a Timetable,
    index: &'a Index,
    walking: Walking,
    drive: &DriveArgs,
) -> Result<TransitIndex<'a>, Failure> {
    let Some(path) = &drive.network else {
        return Ok(TransitIndex::new(timetable, index, walking));
    };
    let access = crate::drive::access(drive)?;
    let network = std::sync::Arc::new(crate::drive::load(path)?);
    let streets = Streets::new(network, access.max_snap_m, access.speed_kmh);
    Ok(TransitIndex::on_streets(timetable, index, walking, streets))
}

/// The service day of a moment, refused (naming `flag`) when the feed has none.
pub fn day<'t>(
    timetable: &'t Timetable,
    at: Timestamp,
    flag: &str,
) -> Result<carefind::transit::Day<'t>, Failure> {
    let date = timetable.time_zone().to_datetime(at).date();
    timetable.day(date).map_err(|e| Failure::flag(flag, e))
}

/// `find --by transit`: the facilities reached soonest by transit from each origin.
pub fn find(
    args: &FindArgs,
    template: &Query,
    origin: Option<LatLon>,
    origins_source: Option<&str>,
    index: &Index,
    format: Format,
) -> Result<Outcome, Failure> {
    let path = feed(&args.transit, "--by transit")?;
    from_a_place(template, "transit")?;
    if args.count {
        return Err(Failure::usage("--count cannot be used with --by transit"));
    }
    let options = options(
        &args.transit,
        args.within.as_deref(),
        args.attributes.open_for.as_deref(),
    )?;
    let timetable = load(path)?;
    let (flag, at, window) = moment(&args.transit, &timetable, "--by transit")?;
    let day = day(&timetable, at, flag)?;
    let transit = transit_index(&timetable, index, options.walking, &args.drive)?;
    let origins = origins::located(origins_source, origin, args.strict)?;
    let k = if args.all {
        usize::MAX
    } else {
        args.limit.saturating_add(args.offset)
    };
    let answers: Vec<Vec<TransitHit<'_>>> = origins
        .par_iter()
        .map(|(_, origin)| {
            let query = TransitQuery {
                origin: *origin,
                limit: k,
                filter: &template.filter,
                options: options.clone(),
            };
            match (&args.transit.arrive_by, window) {
                (Some(_), _) => transit.arrive_by(&day, &query, at),
                (None, Some(minutes)) => transit.window(
                    &day,
                    &query,
                    at,
                    Window {
                        minutes,
                        percentile: args.transit.percentile,
                    },
                ),
                (None, None) => transit.nearest(&day, &query, at),
            }
        })
        .collect();
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
        "travel_min",
        "rides",
        "transfers",
        "walk_min",
        "depart",
        "arrive",
        "open_at_arrival",
        "distance_m",
    ];
    if window.is_some() {
        all.extend(["percentile_min", "reached_share"]);
    }
    if origins_source.is_some() {
        all.insert(0, "origin_id");
    }
    let fields = chosen_fields(&all, &args.fields)?;
    let zone = timetable.time_zone();
    let minutes = |s: f64| (s / 6.0).round() / 10.0;
    let mut rows = Vec::new();
    for ((id, origin), hits) in origins.iter().zip(&answers) {
        for (rank, hit) in hits.iter().enumerate().skip(args.offset) {
            let f = hit.facility;
            let mut row = Map::new();
            if let Some(id) = id {
                row.insert("origin_id".into(), json!(id));
            }
            row.insert("rank".into(), json!(rank + 1));
            facility_columns(&mut row, f);
            row.insert("travel_min".into(), json!(minutes(hit.seconds)));
            row.insert("rides".into(), json!(hit.rides));
            row.insert("transfers".into(), json!(hit.rides.saturating_sub(1)));
            row.insert("walk_min".into(), json!(minutes(hit.walk_s)));
            let wall = |at: Timestamp| zone.to_datetime(at).to_string();
            row.insert("depart".into(), json!(wall(hit.departure)));
            row.insert("arrive".into(), json!(wall(hit.arrival)));
            row.insert(
                "open_at_arrival".into(),
                match hit.open {
                    Some(Judgement::Meets) => json!("yes"),
                    Some(Judgement::Unknown) => json!("unknown"),
                    Some(Judgement::Fails) => json!("no"),
                    None => Value::Null,
                },
            );
            row.insert(
                "distance_m".into(),
                json!((origin.distance_m(f.location()) * 10.0).round() / 10.0),
            );
            if let (Some(p), Some(share)) = (hit.percentile_s, hit.reached_share) {
                row.insert(
                    "percentile_min".into(),
                    match p.is_finite() {
                        true => json!(minutes(p)),
                        false => Value::Null,
                    },
                );
                row.insert(
                    "reached_share".into(),
                    json!((share * 1000.0).round() / 1000.0),
                );
            }
            rows.push(row);
        }
    }
    print_rows(format, &fields, &rows)?;
    let unknown = rows
        .iter()
        .filter(|row| row.get("open_at_arrival") == Some(&json!("unknown")))
        .count();
    if unknown > 0 {
        eprintln!(
            "carefind: {unknown} of the facilities shown list no hours: open_at_arrival is unknown (call first)"
        );
    }
    Ok(if rows.is_empty() {
        Outcome::NothingFound
    } else {
        Outcome::Found
    })
}
