//! The native carefind CSV format (see datasets/README.md).
//!
//! UTF-8 (a byte-order mark is skipped), a header row, columns in any order. Required:
//! `id,name,lat,lon,care`; optional: the rest of [`COLUMNS`]; others are ignored and named
//! in the report. Fields are trimmed. List fields are separated by `;` and take canonical
//! names, FindTreatment codes, labels, aliases or groups.

use std::collections::HashMap;
use std::io;
use std::path::Path;

use csv::{ByteRecord, StringRecord};

use crate::error::{Error, Problem, RowError};
use crate::facility::Facility;
use crate::load::{LoadOptions, LoadReport, Loaded, Mode};
use crate::set::Set;
use crate::sphere::LatLon;
use crate::vocabulary::Term;

/// Every column of the format, in the order the writer uses.
pub const COLUMNS: [&str; 19] = [
    "id",
    "name",
    "name2",
    "street",
    "city",
    "state",
    "zip",
    "phone",
    "intake_phone",
    "website",
    "lat",
    "lon",
    "care",
    "payment",
    "ages",
    "populations",
    "languages",
    "medications",
    "services",
];

/// The columns a file must have.
pub const REQUIRED: [&str; 5] = ["id", "name", "lat", "lon", "care"];

// Positions in COLUMNS.
const ID: usize = 0;
const NAME: usize = 1;
const NAME2: usize = 2;
const STREET: usize = 3;
const CITY: usize = 4;
const STATE: usize = 5;
const ZIP: usize = 6;
const PHONE: usize = 7;
const INTAKE_PHONE: usize = 8;
const WEBSITE: usize = 9;
const LAT: usize = 10;
const LON: usize = 11;
const CARE: usize = 12;
const PAYMENT: usize = 13;
const AGES: usize = 14;
const POPULATIONS: usize = 15;
const LANGUAGES: usize = 16;
const MEDICATIONS: usize = 17;
const SERVICES: usize = 18;

/// Loads a native CSV file.
///
/// ```no_run
/// use carefind::load::{self, LoadOptions};
///
/// let loaded = load::native::from_path("facilities.csv", &LoadOptions::strict())?;
/// println!("{}", loaded.report);
/// # Ok::<(), carefind::Error>(())
/// ```
pub fn from_path(path: impl AsRef<Path>, options: &LoadOptions) -> Result<Loaded, Error> {
    let path = path.as_ref();
    let source = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|error| Error::Io {
        file: source.clone(),
        source: error,
    })?;
    from_reader(io::BufReader::new(file), &source, options)
}

/// Loads native CSV from any reader; `source` names it in errors and in the report.
///
/// ```
/// use carefind::load::{self, LoadOptions};
///
/// let csv = "\u{feff}id,lat,lon,name,care\r\nf1,40.7,-74.0,\"Hope, Inc.\",iop;otp\r\n";
/// let loaded = load::native::from_reader(csv.as_bytes(), "upload", &LoadOptions::strict()).unwrap();
/// assert_eq!(loaded.facilities[0].name, "Hope, Inc.");
/// assert_eq!(loaded.facilities[0].care.len(), 2);
/// ```
pub fn from_reader(
    reader: impl io::Read,
    source: &str,
    options: &LoadOptions,
) -> Result<Loaded, Error> {
    // Records end at `\n`: with csv's default CRLF terminator a record's position points at
    // the `\n` of the previous `\r\n`, before its line is counted, so every line number in a
    // CRLF file came out one too low. The `\r` left at the end of the last field is trimmed
    // with the rest of the field's white space.
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(reader);
    let mut record = ByteRecord::new();
    if !read_record(&mut csv, &mut record, source)? {
        return Err(Error::EmptyFile {
            file: source.to_string(),
        });
    }
    let header = Header::parse(&record, source)?;
    let mut report = LoadReport {
        source: source.to_string(),
        ignored_columns: header.ignored.clone(),
        ..LoadReport::default()
    };
    let mut facilities = Vec::new();
    let mut first_line_of_id: HashMap<String, u64> = HashMap::new();
    while read_record(&mut csv, &mut record, source)? {
        report.read += 1;
        let line = record.position().map_or(0, |position| position.line());
        let parsed = header.read(&mut record, line).and_then(|facility| {
            match first_line_of_id.get(&facility.id) {
                Some(&first_line) => Err(RowError {
                    line,
                    column: Some("id".into()),
                    value: facility.id,
                    problem: Problem::DuplicateId { first_line },
                }),
                None => {
                    first_line_of_id.insert(facility.id.clone(), line);
                    Ok(facility)
                }
            }
        });
        match parsed {
            Ok(facility) => {
                facilities.push(facility);
                report.loaded += 1;
            }
            Err(row) if options.mode == Mode::Lenient => report.rejected.push(row),
            Err(row) => {
                return Err(Error::Row {
                    file: source.to_string(),
                    row,
                });
            }
        }
    }
    Ok(Loaded { facilities, report })
}

/// Reads the next record that is not a blank line (one holding only white space, such as
/// the `\r` of an empty CRLF line).
fn read_record<R: io::Read>(
    csv: &mut csv::Reader<R>,
    record: &mut ByteRecord,
    source: &str,
) -> Result<bool, Error> {
    loop {
        let more = csv.read_byte_record(record).map_err(|error| {
            let line = error.position().map_or(0, |p| p.line());
            match error.into_kind() {
                csv::ErrorKind::Io(io) => Error::Io {
                    file: source.to_string(),
                    source: io,
                },
                other => Error::Io {
                    file: source.to_string(),
                    source: io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("line {line}: {other:?}"),
                    ),
                },
            }
        })?;
        let blank = record.len() == 1 && record[0].trim_ascii().is_empty();
        if !more || !blank {
            return Ok(more);
        }
    }
}

/// Where each known column sits in the file.
struct Header {
    positions: [Option<usize>; COLUMNS.len()],
    names: Vec<String>,
    ignored: Vec<String>,
}

impl Header {
    fn parse(record: &ByteRecord, source: &str) -> Result<Header, Error> {
        let mut names = Vec::with_capacity(record.len());
        // csv-core has already skipped a UTF-8 byte-order mark.
        for raw in record.iter() {
            let name = std::str::from_utf8(raw).map_err(|_| Error::Row {
                file: source.to_string(),
                row: RowError {
                    line: 1,
                    column: None,
                    value: String::from_utf8_lossy(raw).into_owned(),
                    problem: Problem::InvalidUtf8,
                },
            })?;
            names.push(name.trim().to_ascii_lowercase());
        }
        let mut positions = [None; COLUMNS.len()];
        let mut ignored = Vec::new();
        for (i, name) in names.iter().enumerate() {
            if names[..i].contains(name) {
                return Err(Error::DuplicateColumn {
                    file: source.to_string(),
                    column: name.clone(),
                });
            }
            match COLUMNS.iter().position(|column| column == name) {
                Some(column) => positions[column] = Some(i),
                None => ignored.push(name.clone()),
            }
        }
        if let Some(missing) = REQUIRED.iter().find(|r| !names.iter().any(|n| n == *r)) {
            return Err(Error::MissingColumn {
                file: source.to_string(),
                column: missing,
                found: names.join(","),
            });
        }
        Ok(Header {
            positions,
            names,
            ignored,
        })
    }

    /// Parses a data row, checking its UTF-8 once for the whole record (per field, a tenth
    /// of the load went into the checks); `record` gets its buffer back for the next row.
    fn read(&self, record: &mut ByteRecord, line: u64) -> Result<Facility, RowError> {
        match StringRecord::from_byte_record(std::mem::take(record)) {
            Ok(text) => {
                let parsed = self.facility(&text, line);
                *record = text.into_byte_record();
                parsed
            }
            Err(error) => {
                *record = error.into_byte_record();
                Err(self.invalid_utf8(record, line))
            }
        }
    }

    /// Names the first field that is not UTF-8.
    fn invalid_utf8(&self, record: &ByteRecord, line: u64) -> RowError {
        let bad = record
            .iter()
            .enumerate()
            .find(|(_, raw)| std::str::from_utf8(raw).is_err());
        RowError {
            line,
            column: bad.and_then(|(i, _)| self.names.get(i).cloned()),
            value: bad
                .map(|(_, raw)| String::from_utf8_lossy(raw).trim().to_string())
                .unwrap_or_default(),
            problem: Problem::InvalidUtf8,
        }
    }

    fn facility(&self, record: &StringRecord, line: u64) -> Result<Facility, RowError> {
        if record.len() != self.names.len() {
            return Err(RowError {
                line,
                column: None,
                value: String::new(),
                problem: Problem::FieldCount {
                    expected: self.names.len(),
                    found: record.len(),
                },
            });
        }
        let row = Row {
            header: self,
            record,
            line,
        };
        let location = row.location()?;
        let mut facility = Facility::new(row.required(ID)?, row.required(NAME)?, location);
        for (column, field) in [
            (NAME2, &mut facility.name2),
            (STREET, &mut facility.street),
            (CITY, &mut facility.city),
            (STATE, &mut facility.state),
            (ZIP, &mut facility.zip),
            (PHONE, &mut facility.phone),
            (INTAKE_PHONE, &mut facility.intake_phone),
            (WEBSITE, &mut facility.website),
        ] {
            *field = row.text(column).to_string();
        }
        facility.care = row.list(CARE)?;
        if facility.care.is_empty() {
            return Err(row.error(CARE, Problem::NoCareLevel));
        }
        facility.payment = row.list(PAYMENT)?;
        facility.ages = row.list(AGES)?;
        facility.populations = row.list(POPULATIONS)?;
        facility.languages = row.list(LANGUAGES)?;
        facility.medications = row.list(MEDICATIONS)?;
        facility.services = row
            .text(SERVICES)
            .split(';')
            .map(str::trim)
            .filter(|service| !service.is_empty())
            .map(String::from)
            .collect();
        Ok(facility)
    }
}

/// One data row, read through the header.
struct Row<'a> {
    header: &'a Header,
    record: &'a StringRecord,
    line: u64,
}

impl Row<'_> {
    fn error(&self, column: usize, problem: Problem) -> RowError {
        RowError {
            line: self.line,
            column: Some(COLUMNS[column].to_string()),
            value: self.text(column).to_string(),
            problem,
        }
    }

    /// The trimmed text of a column, empty when the file lacks it.
    fn text(&self, column: usize) -> &str {
        self.header.positions[column]
            .and_then(|position| self.record.get(position))
            .unwrap_or_default()
            .trim()
    }

    fn required(&self, column: usize) -> Result<&str, RowError> {
        match self.text(column) {
            "" => Err(self.error(column, Problem::Empty)),
            text => Ok(text),
        }
    }

    fn number(&self, column: usize) -> Result<f64, RowError> {
        self.required(column)?
            .parse()
            .map_err(|_| self.error(column, Problem::NotANumber))
    }

    fn location(&self) -> Result<LatLon, RowError> {
        let (lat, lon) = (self.number(LAT)?, self.number(LON)?);
        LatLon::new(lat, lon).map_err(|error| {
            let column = match error {
                crate::error::CoordinateError::Latitude(_) => LAT,
                crate::error::CoordinateError::Longitude(_) => LON,
            };
            self.error(column, Problem::Coordinate(error))
        })
    }

    fn list<T: Term>(&self, column: usize) -> Result<Set<T>, RowError> {
        Set::parse_list(self.text(column))
            .map_err(|error| self.error(column, Problem::Unknown(Box::new(error))))
    }
}
