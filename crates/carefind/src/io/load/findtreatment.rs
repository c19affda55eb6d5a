//! The JSON of the FindTreatment locator API (`/locator/listing`, like
//! `findtreatment_listing_2019.json`).
//!
//! The input is either a listing page, `{"page": 1, "totalPages": 765, "recordCount":
//! 22949, "rows": [...]}`, or a plain array of rows. Rows are read one at a time, never the
//! whole document at once. Each row's `frid` is its id; `name1`, `name2`, `street1`,
//! `street2`, `city`, `state`, `zip`, `phone`, `intake1` and `website` are read as text;
//! `latitude` and `longitude` may be strings or numbers. Each row's `services` is a list of
//! `{"f1": category label, "f2": category code, "f3": "; "-joined labels}`: the labels of
//! the service settings (`SET`), type of care (`TC`), payment (`PAY`, `PYAS`), ages
//! (`AGE`), special programs (`SG`), languages (`SL`, `OL`) and medications (`OT`, `PHR`,
//! `OM`) become levels of care and attributes; every other label is kept as a service,
//! and a label of those categories that no table knows is kept as a service and counted in
//! [`LoadReport::unknown_labels`](crate::load::LoadReport).
//!
//! A rejected row's line is the line on which its object starts.

use std::cell::Cell;
use std::fmt;
use std::io;
use std::path::Path;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::error::{Error, Problem, RowError};
use crate::facility::Facility;
use crate::load::labels::{Category, Labels};
use crate::load::records::open;
use crate::load::tally::Tally;
use crate::load::{LoadOptions, Loaded};
use crate::sphere::LatLon;

/// Loads a FindTreatment JSON file.
///
/// ```no_run
/// use carefind::load::{self, LoadOptions};
///
/// let loaded = load::findtreatment::from_path("listing.json", &LoadOptions::lenient())?;
/// println!("{}", loaded.report);
/// # Ok::<(), carefind::Error>(())
/// ```
pub fn from_path(path: impl AsRef<Path>, options: &LoadOptions) -> Result<Loaded, Error> {
    let (reader, source) = open(path.as_ref())?;
    from_reader(reader, &source, options)
}

/// Loads FindTreatment JSON from any reader; `source` names it in errors and the report.
///
/// ```
/// use carefind::{CareLevel, Payment};
/// use carefind::load::{self, LoadOptions};
///
/// let json = r#"{"page": 1, "rows": [{
///     "frid": "811a", "name1": "Mohr Center", "latitude": "38.03", "longitude": "-78.47",
///     "services": [
///         {"f1": "Service Settings", "f2": "SET", "f3": "Residential; Short-term residential"},
///         {"f1": "Payment", "f2": "PAY", "f3": "Medicaid; Cash or self-payment"},
///         {"f1": "Treatment Approaches", "f2": "TAP", "f3": "Relapse prevention"}
///     ]}]}"#;
/// let loaded = load::findtreatment::from_reader(json.as_bytes(), "page.json", &LoadOptions::strict())?;
/// let mohr = &loaded.facilities[0];
/// assert_eq!(mohr.id, "811a");
/// assert_eq!(mohr.care.iter().collect::<Vec<_>>(), [CareLevel::ResidentialShort]);
/// assert!(mohr.payment.contains(Payment::Medicaid));
/// assert_eq!(mohr.services, ["Relapse prevention"]);
/// # Ok::<(), carefind::Error>(())
/// ```
pub fn from_reader(
    reader: impl io::Read,
    source: &str,
    options: &LoadOptions,
) -> Result<Loaded, Error> {
    let lines = Cell::new(0);
    let counted = LineCounter {
        inner: reader,
        newlines: &lines,
    };
    let mut deserializer = serde_json::Deserializer::from_reader(counted);
    let mut state = State {
        tally: Tally::new(source, options, Vec::new()),
        options,
        lines: &lines,
        stopped: None,
        found_rows: false,
    };
    let parsed = DeserializeSeed::deserialize(Document(&mut state), &mut deserializer)
        .and_then(|()| deserializer.end());
    if let Some(error) = state.stopped {
        return Err(error);
    }
    if let Err(error) = parsed {
        return Err(json_error(error, source));
    }
    if !state.found_rows {
        return Err(Error::Syntax {
            file: source.to_string(),
            line: 1,
            column: 1,
            message: "the object has no \"rows\" list of facilities".into(),
        });
    }
    Ok(state.tally.finish())
}

fn json_error(error: serde_json::Error, source: &str) -> Error {
    if error.is_io() {
        return Error::Io {
            file: source.to_string(),
            source: error.into(),
        };
    }
    let message = error.to_string();
    // serde_json appends " at line L column C", which the message gives apart.
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(text, _)| text)
        .to_string();
    Error::Syntax {
        file: source.to_string(),
        line: error.line() as u64,
        column: error.column() as u64,
        message,
    }
}

/// Counts the newlines read through it. serde_json reads a byte at a time and looks one
/// byte ahead, so when a row's value starts, the count is the number of lines before the
/// line of its `{`.
struct LineCounter<'a, R> {
    inner: R,
    newlines: &'a Cell<u64>,
}

impl<R: io::Read> io::Read for LineCounter<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let newlines = super::guard::newlines(&buf[..n]);
        self.newlines.set(self.newlines.get() + newlines);
        Ok(n)
    }
}

struct State<'a, 's> {
    tally: Tally<'s>,
    options: &'a LoadOptions,
    lines: &'a Cell<u64>,
    /// The error that stopped a strict load inside the parser.
    stopped: Option<Error>,
    found_rows: bool,
}

/// The whole input: a listing page or an array of rows.
struct Document<'a, 'b, 's>(&'a mut State<'b, 's>);

impl<'de> DeserializeSeed<'de> for Document<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Document<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a listing object with \"rows\", or an array of rows")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == "rows" {
                map.next_value_seed(Rows(&mut *self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        Rows(self.0).visit_seq(seq)
    }
}

/// The array of rows.
struct Rows<'a, 'b, 's>(&'a mut State<'b, 's>);

impl<'de> DeserializeSeed<'de> for Rows<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Rows<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of facility rows")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let state = self.0;
        state.found_rows = true;
        while let Some(row) = seq.next_element_seed(RowStart(state.lines))? {
            let (line, value) = row;
            let parsed = facility(&value, line, state.options);
            if let Ok((_, unknown)) = &parsed {
                state.tally.unknown_labels(unknown.clone());
            }
            if let Err(error) = state.tally.take(line, parsed.map(|(facility, _)| facility)) {
                state.stopped = Some(error);
                return Err(de::Error::custom("stopped at a bad row"));
            }
        }
        Ok(())
    }
}

/// One row as a JSON value, with the line on which it starts.
struct RowStart<'a>(&'a Cell<u64>);

impl<'de> DeserializeSeed<'de> for RowStart<'_> {
    type Value = (u64, Value);

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        let line = self.0.get() + 1;
        let value = serde::Deserialize::deserialize(deserializer)?;
        Ok((line, value))
    }
}

/// Categories whose labels map to attributes; the labels of all others are services.
const MAPPED_CATEGORIES: [&str; 11] = [
    "SET", "TC", "PAY", "PYAS", "AGE", "SG", "SL", "OL", "OT", "PHR", "OM",
];

/// The facility of one row, and the labels no table knows.
fn facility(
    value: &Value,
    line: u64,
    options: &LoadOptions,
) -> Result<(Facility, Vec<String>), RowError> {
    let error = |key: &str, value: &Value, problem| RowError {
        line,
        column: Some(key.to_string()),
        value: match value {
            Value::String(text) => text.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        },
        problem,
    };
    let Value::Object(row) = value else {
        return Err(RowError {
            line,
            column: None,
            value: value.to_string(),
            problem: Problem::WrongType("an object"),
        });
    };
    let text = |key: &str| -> Result<String, RowError> {
        match row.get(key) {
            None | Some(Value::Null) => Ok(String::new()),
            Some(Value::String(text)) => Ok(text.trim().to_string()),
            Some(Value::Number(number)) => Ok(number.to_string()),
            Some(other) => Err(error(key, other, Problem::WrongType("text"))),
        }
    };
    let required = |key: &str| -> Result<String, RowError> {
        match text(key)? {
            empty if empty.is_empty() => Err(error(key, &Value::Null, Problem::Empty)),
            text => Ok(text),
        }
    };
    let number = |key: &str| -> Result<f64, RowError> {
        let text = required(key)?;
        text.parse()
            .map_err(|_| error(key, &Value::String(text.clone()), Problem::NotANumber))
    };
    let id = required("frid")?;
    let name = required("name1")?;
    let (lat, lon) = (number("latitude")?, number("longitude")?);
    let location = LatLon::new(lat, lon).map_err(|problem| {
        let (key, degrees) = match problem {
            crate::error::CoordinateError::Latitude(_) => ("latitude", lat),
            crate::error::CoordinateError::Longitude(_) => ("longitude", lon),
        };
        error(
            key,
            &Value::String(degrees.to_string()),
            Problem::Coordinate(problem),
        )
    })?;
    let mut facility = Facility::new(id, name, location);
    facility.name2 = text("name2")?;
    let (street1, street2) = (text("street1")?, text("street2")?);
    facility.street = match (street1.is_empty(), street2.is_empty()) {
        (_, true) => street1,
        (true, false) => street2,
        (false, false) => format!("{street1}, {street2}"),
    };
    facility.city = text("city")?;
    facility.state = text("state")?;
    facility.zip = text("zip")?;
    facility.phone = text("phone")?;
    facility.intake_phone = text("intake1")?;
    facility.website = text("website")?;

    let mut labels = Labels::default();
    add_services(row, &mut labels, &mut facility)
        .map_err(|(key, value, problem)| error(key, value, problem))?;
    let unknown = labels.apply(&mut facility);
    facility.care = facility.care | options.care;
    if facility.care.is_empty() {
        return Err(error(
            "services",
            &Value::String(String::new()),
            Problem::NoCareLevel,
        ));
    }
    Ok((facility, unknown))
}

/// Feeds the labels of `row["services"]` to `labels`.
fn add_services<'v>(
    row: &'v Map<String, Value>,
    labels: &mut Labels,
    facility: &mut Facility,
) -> Result<(), (&'static str, &'v Value, Problem)> {
    let services = match row.get("services") {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Array(services)) => services,
        Some(other) => return Err(("services", other, Problem::WrongType("a list"))),
    };
    for service in services {
        let Value::Object(service) = service else {
            return Err(("services", service, Problem::WrongType("a list of objects")));
        };
        let field = |key: &'static str| match service.get(key) {
            None | Some(Value::Null) => Ok(""),
            Some(Value::String(text)) => Ok(text.as_str()),
            Some(other) => Err(("services", other, Problem::WrongType("text"))),
        };
        let code = field("f2")?.trim();
        let category = if code.is_empty()
            || MAPPED_CATEGORIES
                .iter()
                .any(|c| c.eq_ignore_ascii_case(code))
        {
            Category::Mapped
        } else {
            Category::Services
        };
        for label in field("f3")?.split(';') {
            labels.add(label, category, facility);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::LoadOptions;

    fn load(json: &str) -> Result<Loaded, Error> {
        from_reader(json.as_bytes(), "t.json", &LoadOptions::lenient())
    }

    #[test]
    fn rejected_rows_name_the_line_their_object_starts_on() {
        let json = "[\n  {\"frid\": \"a\", \"name1\": \"A\", \"latitude\": \"1\", \"longitude\": \"2\",\n   \"services\": [{\"f2\": \"SET\", \"f3\": \"Outpatient\"}]},\n  {\"frid\": \"b\", \"name1\": \"B\",\n   \"latitude\": \"95\", \"longitude\": 2}\n]";
        let loaded = load(json).unwrap();
        assert_eq!((loaded.report.read, loaded.report.loaded), (2, 1));
        let rejected = &loaded.report.rejected[0];
        assert_eq!(rejected.line, 4);
        assert_eq!(rejected.column.as_deref(), Some("latitude"));
        assert!(matches!(rejected.problem, Problem::Coordinate(_)));
    }

    #[test]
    fn wrong_types_are_rejections_and_broken_json_an_error() {
        let json = r#"{"rows": [7, {"frid": "x", "name1": ["A"], "latitude": 1, "longitude": 2},
            {"frid": "y", "name1": "Y", "latitude": 1, "longitude": 2, "services": {"f3": "x"}}]}"#;
        let loaded = load(json).unwrap();
        assert_eq!(loaded.report.read, 3);
        let problems: Vec<_> = loaded
            .report
            .rejected
            .iter()
            .map(|r| r.problem.clone())
            .collect();
        assert_eq!(
            problems,
            [
                Problem::WrongType("an object"),
                Problem::WrongType("text"),
                Problem::WrongType("a list")
            ]
        );

        let error = load("{\"rows\": [{\"frid\": \"a\",\n \"name1\": }]}").unwrap_err();
        assert!(matches!(error, Error::Syntax { line: 2, .. }), "{error}");
        assert!(matches!(
            load("{\"page\": 1}").unwrap_err(),
            Error::Syntax { .. }
        ));
        assert!(matches!(load("42").unwrap_err(), Error::Syntax { .. }));
    }

    #[test]
    fn strict_loads_stop_at_the_first_bad_row() {
        let json = r#"[{"frid": "a", "name1": "A", "latitude": 1, "longitude": 2,
            "services": [{"f2": "SET", "f3": "Intensive outpatient treatment"}]},
            {"frid": "a", "name1": "A again", "latitude": 1, "longitude": 2}]"#;
        let error = from_reader(json.as_bytes(), "t.json", &LoadOptions::strict()).unwrap_err();
        assert_eq!(
            error.to_string(),
            r#"t.json: line 3, column "services": names no level of care (a treatment directory's listing names at least one)"#
        );
    }
}
