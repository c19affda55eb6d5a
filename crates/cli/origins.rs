//! The origins of a batch: a CSV with a column `id` and either `lat`,`lon` or `place`.

use std::io::{self, Read};

use carefind::LatLon;

use crate::failure::Failure;
use crate::place;

/// One origin to search from.
pub struct Origin {
    pub id: String,
    pub point: LatLon,
}

/// Every good origin, and how many rows were read and rejected. Bad rows are reported on
/// stderr with their line and skipped, or, when `strict`, stop the run.
pub struct Origins {
    pub origins: Vec<Origin>,
    pub read: usize,
    pub rejected: usize,
}

pub fn read(source: &str, strict: bool) -> Result<Origins, Failure> {
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
        .from_reader(reader);
    let header: Vec<String> = csv
        .byte_headers()
        .map_err(|error| Failure::usage(format!("{source}: {error}")))?
        .iter()
        .map(|name| String::from_utf8_lossy(name).trim().to_ascii_lowercase())
        .collect();
    let column = |name: &str| header.iter().position(|h| h == name);
    let shape = match (column("id"), column("lat"), column("lon"), column("place")) {
        (Some(id), Some(lat), Some(lon), _) => Shape::Coordinates { id, lat, lon },
        (Some(id), _, _, Some(place)) => Shape::Place { id, place },
        _ => {
            return Err(Failure::usage(format!(
                "{source}: origins need a column id and either lat,lon or place (the header has: {})",
                header.join(",")
            )));
        }
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
        match shape.origin(&record) {
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

enum Shape {
    Coordinates { id: usize, lat: usize, lon: usize },
    Place { id: usize, place: usize },
}

impl Shape {
    fn origin(&self, record: &csv::ByteRecord) -> Result<Origin, String> {
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
            return Err("column id is empty".into());
        }
        Ok(Origin {
            id: id.to_string(),
            point,
        })
    }
}
