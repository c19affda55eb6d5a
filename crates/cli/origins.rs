//! Origins from a CSV: an id column and either latitude and longitude or a place, and
//! optionally a weight (population). Columns are found by common names or named by flags.

use std::io::{self, Read};

use carefind::LatLon;

use crate::failure::Failure;
use carefind_places as place;

/// One origin to search from, with the weight column's value (1 when the file has none).
pub use carefind::analysis::coverage::Origin;

/// Columns named by the user; the others are detected.
#[derive(Default)]
pub struct Columns<'a> {
    pub id: Option<&'a str>,
    pub lat: Option<&'a str>,
    pub lon: Option<&'a str>,
    pub weight: Option<&'a str>,
    /// Whether the command has the --*-col flags, for the hint in messages.
    pub flags: bool,
}

const ID_NAMES: &[&str] = &["id", "geoid", "zcta", "zcta5", "zip", "zipcode", "name"];
const LAT_NAMES: &[&str] = &["lat", "latitude", "y", "intptlat"];
const LON_NAMES: &[&str] = &["lon", "lng", "long", "longitude", "x", "intptlong"];
const WEIGHT_NAMES: &[&str] = &["weight", "pop", "population"];

/// Every good origin, and how many rows were read and rejected. Bad rows are reported on
/// stderr with their line and skipped, or, when `strict`, stop the run.
pub struct Origins {
    pub origins: Vec<Origin>,
    pub read: usize,
    pub rejected: usize,
}

pub fn read(source: &str, strict: bool) -> Result<Origins, Failure> {
    read_columns(source, strict, &Columns::default())
}

/// The places a search goes from: every origin of `source` with its id, or `near` alone.
pub fn located(
    source: Option<&str>,
    near: Option<LatLon>,
    strict: bool,
) -> Result<Vec<(Option<String>, LatLon)>, Failure> {
    match (source, near) {
        (Some(source), _) => Ok(read(source, strict)?
            .origins
            .into_iter()
            .map(|o| (Some(o.id), o.location))
            .collect()),
        (None, Some(origin)) => Ok(vec![(None, origin)]),
        (None, None) => Err(Failure::usage("give --near PLACE or --origins FILE")),
    }
}

/// [`read`], with columns named by the user.
pub fn read_columns(source: &str, strict: bool, named: &Columns) -> Result<Origins, Failure> {
    let reader: Box<dyn Read> = if source == "-" {
        Box::new(io::stdin().lock())
    } else {
        Box::new(
            std::fs::File::open(source)
                .map_err(|error| Failure::usage(format!("{source}: {error}")))?,
        )
    };
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(carefind::load::guarded(reader));
    let header: Vec<String> = csv
        .byte_headers()
        .map_err(|error| Failure::usage(format!("{source}: {error}")))?
        .iter()
        .map(|name| String::from_utf8_lossy(name).trim().to_ascii_lowercase())
        .collect();
    let missing = |what: &str, flag: &str| {
        let hint = match named.flags {
            true => format!("; name the column with {flag}"),
            false => String::new(),
        };
        Failure::usage(format!(
            "{source}: origins need {what} (the header has: {}){hint}",
            carefind::load::excerpt(&header.join(","), 200).escape_debug()
        ))
    };
    let find = |given: Option<&str>, names: &[&str], flag: &str| match given {
        Some(name) => header
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name.trim()))
            .map(Some)
            .ok_or_else(|| Failure::usage(format!("{flag}: {source} has no column {name:?}"))),
        None => Ok(names
            .iter()
            .find_map(|name| header.iter().position(|h| h == name))),
    };
    let id =
        find(named.id, ID_NAMES, "--id-col")?.ok_or_else(|| missing("an id column", "--id-col"))?;
    let lat = find(named.lat, LAT_NAMES, "--lat-col")?;
    let lon = find(named.lon, LON_NAMES, "--lon-col")?;
    let weight = find(named.weight, WEIGHT_NAMES, "--weight-col")?;
    let shape = match (lat, lon, header.iter().position(|h| h == "place")) {
        (Some(lat), Some(lon), _) => Shape::Coordinates { id, lat, lon },
        (_, _, Some(place)) => Shape::Place { id, place },
        _ => {
            return Err(missing(
                "lat and lon columns (or place)",
                "--lat-col and --lon-col",
            ));
        }
    };
    let names = Names {
        id: header[id].clone(),
        weight: weight.map(|w| (w, header[w].clone())),
    };

    let mut origins = Origins {
        origins: Vec::new(),
        read: 0,
        rejected: 0,
    };
    for record in csv.byte_records() {
        let record = record.map_err(|error| Failure::usage(format!("{source}: {error}")))?;
        origins.read += 1;
        let line = record.position().map_or(0, |p| p.line());
        match shape.origin(&record, &names) {
            Ok(origin) => origins.origins.push(origin),
            Err(reason) if strict => {
                return Err(Failure::usage(format!("{source}: line {line}: {reason}")));
            }
            Err(reason) => {
                eprintln!("carefind: {source}: line {line}: {reason}; skipped");
                origins.rejected += 1;
            }
        }
    }
    Ok(origins)
}

/// The header's names of the id and weight columns, for messages.
struct Names {
    id: String,
    weight: Option<(usize, String)>,
}

enum Shape {
    Coordinates { id: usize, lat: usize, lon: usize },
    Place { id: usize, place: usize },
}

impl Shape {
    fn origin(&self, record: &csv::ByteRecord, names: &Names) -> Result<Origin, String> {
        let field = |i: usize, name: &str| -> Result<&str, String> {
            let raw = record
                .get(i)
                .ok_or_else(|| format!("the row has no {name} field"))?;
            std::str::from_utf8(raw).map_err(|_| format!("column {name} is not valid UTF-8"))
        };
        let (id, point) = match *self {
            Shape::Coordinates { id, lat, lon } => {
                let number = |i: usize, name: &str| -> Result<f64, String> {
                    let text = field(i, name)?;
                    text.parse()
                        .map_err(|_| format!("column {name}: {text:?} is not a number"))
                };
                let point = LatLon::new(number(lat, "lat")?, number(lon, "lon")?)
                    .map_err(|e| e.to_string())?;
                (field(id, "id")?, point)
            }
            Shape::Place { id, place } => {
                let point = place::resolve(field(place, "place")?).map_err(|e| e.to_string())?;
                (field(id, "id")?, point)
            }
        };
        if id.is_empty() {
            return Err(format!("column {} is empty", names.id));
        }
        let weight = match &names.weight {
            None => 1.0,
            Some((i, name)) => {
                let text = field(*i, name)?;
                match text.parse::<f64>() {
                    Ok(weight) if weight >= 0.0 && weight.is_finite() => weight,
                    _ => {
                        return Err(format!(
                            "column {name}: {text:?} is not a weight (a number of at least 0)"
                        ));
                    }
                }
            }
        };
        Ok(Origin::new(id, point, weight))
    }
}
