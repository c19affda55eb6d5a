//! The native carefind CSV format (see datasets/README.md).
//!
//! UTF-8 (a byte-order mark is skipped), a header row, columns in any order. Required:
//! `id,name,lat,lon,care`; optional: the rest of [`COLUMNS`]; others are ignored and named
//! in the report. Fields are trimmed. List fields are separated by `;` and take canonical
//! names, FindTreatment codes, labels, aliases or groups.

use std::io;
use std::path::Path;

use csv::{ByteRecord, StringRecord};

use crate::error::{Error, Problem, RowError};
use crate::facility::Facility;
use crate::load::records::{open, read_record, reader_builder};
use crate::load::tally::Tally;
use crate::load::{LoadOptions, Loaded};
use crate::set::Set;
use crate::sphere::LatLon;
use crate::vocabulary::Term;

/// Every column of the format, in the order the writer uses.
///
/// ```
/// use carefind::load::native::{COLUMNS, REQUIRED};
///
/// assert!(REQUIRED.iter().all(|column| COLUMNS.contains(column)));
/// ```
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
///
/// ```
/// use carefind::load::native::REQUIRED;
///
/// assert_eq!(REQUIRED.join(","), "id,name,lat,lon,care");
/// ```
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
    let (reader, source) = open(path.as_ref())?;
    from_reader(reader, &source, options)
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
    let mut csv = reader_builder().from_reader(reader);
    let mut record = ByteRecord::new();
    let header = read_header(&mut csv, &mut record, source)?;
    let mut tally = Tally::new(source, options, header.ignored.clone());
    while read_record(&mut csv, &mut record, source)? {
        let line = record.position().map_or(0, |position| position.line());
        let parsed = header.read(&mut record, line);
        tally.take(line, parsed)?;
    }
    Ok(tally.finish())
}

/// Loads native CSV held in memory, parsing on every core when it is large; the result is
/// the same as [`from_reader`]'s, rejections, lines and first error included.
///
/// The input is cut at record boundaries (found by a scan that tracks quotes, far cheaper
/// than parsing), each part is parsed on its own thread, and the rows are then accounted
/// for in input order, where duplicate ids are found.
///
/// ```
/// use carefind::load::{self, LoadOptions};
///
/// let csv = "id,name,lat,lon,care\na,A,1,2,iop\nb,B,3,4,\"detox;otp\"\n";
/// let loaded = load::native::from_slice(csv.as_bytes(), "memory", &LoadOptions::strict()).unwrap();
/// assert_eq!(loaded.facilities.len(), 2);
/// ```
pub fn from_slice(bytes: &[u8], source: &str, options: &LoadOptions) -> Result<Loaded, Error> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    load_slice(
        bytes,
        source,
        options,
        threads.min(bytes.len() / PARALLEL_CHUNK + 1),
    )
}

/// [`from_slice`] in at most `parts` parts.
fn load_slice(
    bytes: &[u8],
    source: &str,
    options: &LoadOptions,
    parts: usize,
) -> Result<Loaded, Error> {
    let mut csv = reader_builder().from_reader(bytes);
    let mut record = ByteRecord::new();
    let header = read_header(&mut csv, &mut record, source)?;
    let data_start = usize::try_from(csv.position().byte())
        .unwrap_or(bytes.len())
        .min(bytes.len());
    let parts = record_boundaries(bytes, data_start, parts);

    let parse = |range: std::ops::Range<usize>| -> Result<Vec<ParsedRow>, Error> {
        // Lines in a part count from 1; add the newlines before it.
        let lines_before = bytes[..range.start].iter().filter(|&&b| b == b'\n').count() as u64;
        let mut csv = reader_builder().from_reader(&bytes[range]);
        let mut record = ByteRecord::new();
        let mut rows = Vec::new();
        while read_record(&mut csv, &mut record, source)? {
            let line = lines_before + record.position().map_or(0, |position| position.line());
            rows.push((line, header.read(&mut record, line)));
        }
        Ok(rows)
    };
    let parsed: Vec<Result<Vec<_>, Error>> = if parts.len() > 1 {
        std::thread::scope(|scope| {
            // A part whose thread cannot be started (the system refused one) is parsed on
            // this thread instead of panicking as `scope.spawn` would.
            let workers: Vec<_> = parts
                .iter()
                .map(|part| {
                    let range = part.clone();
                    std::thread::Builder::new()
                        .spawn_scoped(scope, || parse(range))
                        .map_err(|_| part.clone())
                })
                .collect();
            workers
                .into_iter()
                .map(|worker| match worker {
                    Ok(thread) => thread
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                    Err(part) => parse(part),
                })
                .collect()
        })
    } else {
        parts.into_iter().map(parse).collect()
    };

    let mut tally = Tally::new(source, options, header.ignored.clone());
    for rows in parsed {
        for (line, row) in rows? {
            tally.take(line, row)?;
        }
    }
    Ok(tally.finish())
}

/// A data row's line and what it parsed to, before duplicate ids are checked.
type ParsedRow = (u64, Result<Facility, RowError>);

/// Below this many bytes a part is not worth a thread.
const PARALLEL_CHUNK: usize = 256 * 1024;

/// Cuts `bytes[start..]` into up to `parts` ranges that each begin at a record boundary: a
/// line start outside any quoted field.
fn record_boundaries(bytes: &[u8], start: usize, parts: usize) -> Vec<std::ops::Range<usize>> {
    let parts = parts.max(1);
    let mut cuts = vec![start];
    let mut in_quotes = false;
    let mut next_target = start + (bytes.len() - start) / parts;
    for (i, &byte) in bytes.iter().enumerate().skip(start) {
        if cuts.len() == parts {
            break;
        }
        match byte {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes && i + 1 >= next_target && i + 1 < bytes.len() => {
                cuts.push(i + 1);
                next_target = i + 1 + (bytes.len() - start) / parts;
            }
            _ => {}
        }
    }
    cuts.push(bytes.len());
    cuts.windows(2).map(|pair| pair[0]..pair[1]).collect()
}

fn read_header<R: io::Read>(
    csv: &mut csv::Reader<R>,
    record: &mut ByteRecord,
    source: &str,
) -> Result<Header, Error> {
    if !read_record(csv, record, source)? {
        return Err(Error::EmptyFile {
            file: source.to_string(),
        });
    }
    Header::parse(record, source)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::LoadReport;
    use proptest::prelude::*;

    /// Rows good and bad: quoted fields with commas, quotes and line breaks, CRLF, repeated
    /// ids, bad coordinates, unknown levels, short rows.
    fn row() -> impl Strategy<Value = String> {
        prop_oneof![
            (0..30u32, -90.0..90.0f64, -180.0..180.0f64)
                .prop_map(|(id, lat, lon)| format!("f{id},Name {id},{lat},{lon},iop")),
            (0..30u32).prop_map(|id| format!(
                "q{id},\"Hope, \"\"Inc\"\"\nUnit {id}\",1,2,\"otp;\r\nHH\""
            )),
            (0..30u32).prop_map(|id| format!("b{id},Bad,95,0,iop")),
            (0..30u32).prop_map(|id| format!("u{id},Unknown,1,1,spa")),
            Just("short,row".to_string()),
        ]
    }

    fn outcome(result: Result<Loaded, Error>) -> Result<(Vec<Facility>, LoadReport), String> {
        result
            .map(|loaded| (loaded.facilities, loaded.report))
            .map_err(|error| error.to_string())
    }

    proptest! {
        #[test]
        fn parts_parse_like_one_stream(
            rows in prop::collection::vec(row(), 0..60), crlf: bool, parts in 1..6usize
        ) {
            let end = if crlf { "\r\n" } else { "\n" };
            let csv = format!("id,name,lat,lon,care{end}{}", rows.join(end));
            for options in [LoadOptions::strict(), LoadOptions::lenient()] {
                let streamed = outcome(from_reader(csv.as_bytes(), "in", &options));
                let split = outcome(load_slice(csv.as_bytes(), "in", &options, parts));
                prop_assert_eq!(split, streamed);
            }
        }
    }

    #[test]
    fn boundaries_start_records_outside_quotes() {
        let bytes = b"h\na\n\"x\ny\"\nb\nc\n";
        let parts = record_boundaries(bytes, 2, 4);
        assert!(parts.len() > 1);
        for part in &parts {
            assert!(part.start == 2 || bytes[part.start - 1] == b'\n');
            assert_ne!(part.start, 7, "inside the quoted field");
        }
        assert_eq!(parts.last().unwrap().end, bytes.len());
    }
}
