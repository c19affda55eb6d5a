//! Errors: each names what was wrong, where, and what would be right.

use std::fmt;

/// A word that is not in a closed vocabulary, with the closest valid name.
///
/// ```
/// use carefind::CareLevel;
///
/// let error = CareLevel::parse("intensive").unwrap_err();
/// assert_eq!(error.suggestion, Some("iop"));
/// assert!(error.to_string().starts_with(r#"unknown care level "intensive"; did you mean "iop"?"#));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownTerm {
    /// What the vocabulary is called, such as `"care level"`.
    pub kind: &'static str,
    /// The word as given.
    pub value: String,
    /// The canonical name most likely meant, if any is close.
    pub suggestion: Option<&'static str>,
    /// Every canonical name (and group name) the vocabulary accepts.
    pub valid: Vec<&'static str>,
}

impl fmt::Display for UnknownTerm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} {:?}", self.kind, self.value)?;
        if let Some(suggestion) = self.suggestion {
            write!(f, "; did you mean {suggestion:?}?")?;
        }
        write!(f, " (valid: {})", self.valid.join(", "))
    }
}

impl std::error::Error for UnknownTerm {}

/// A latitude or longitude outside its range, or not a finite number.
///
/// ```
/// use carefind::LatLon;
///
/// let error = LatLon::new(91.0, 0.0).unwrap_err();
/// assert_eq!(error.to_string(), "latitude 91 is outside [-90, 90]");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, thiserror::Error)]
pub enum CoordinateError {
    /// The latitude is not within [-90, 90].
    #[error("latitude {0} is outside [-90, 90]")]
    Latitude(f64),
    /// The longitude is not within [-180, 180].
    #[error("longitude {0} is outside [-180, 180]")]
    Longitude(f64),
}

/// A distance that does not parse, such as `5parsecs` or `-3mi`.
///
/// ```
/// use carefind::Distance;
///
/// let error = "5parsecs".parse::<Distance>().unwrap_err();
/// assert!(error.to_string().contains("unknown unit \"parsecs\""));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DistanceError {
    /// Nothing was given.
    #[error("a distance is empty; write a number and a unit, such as 25mi")]
    Empty,
    /// The number part is not a number.
    #[error("distance {0:?} does not start with a number; write it like 25mi or 40km")]
    Number(String),
    /// The unit is not one of m, km, mi, ft.
    #[error("distance {value:?} has unknown unit {unit:?}; use m, km, mi or ft")]
    Unit {
        /// The distance as given.
        value: String,
        /// The unit part.
        unit: String,
    },
    /// The number is negative or not finite.
    #[error("distance {0:?} must be a finite number of at least zero")]
    Negative(String),
}

/// Why a row was rejected.
///
/// ```
/// use carefind::error::Problem;
///
/// assert_eq!(Problem::Empty.to_string(), "is empty");
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Problem {
    /// A required field is empty.
    #[error("is empty")]
    Empty,
    /// A number field does not hold a number.
    #[error("is not a number")]
    NotANumber,
    /// A coordinate is out of range or not finite.
    #[error("{0}")]
    Coordinate(CoordinateError),
    /// The id was already used by an earlier row.
    #[error("repeats the id of line {first_line}")]
    DuplicateId {
        /// The line of the row that first used the id.
        first_line: u64,
    },
    /// The row repeats an earlier row field for field (in a file without ids); it is
    /// reported and skipped, as nothing in it is lost.
    #[error("repeats line {first_line} field for field")]
    DuplicateRow {
        /// The line of the row that listed it first.
        first_line: u64,
    },
    /// A JSON value has the wrong type, such as a number where a list belongs.
    #[error("is not {0}")]
    WrongType(&'static str),
    /// A treatment directory's listing (FindTreatment, SAMHSA's National Directories, a
    /// label or geocoded file) names no level of care: those list treatment facilities by
    /// their levels, so a row without one is a defect of the row. (carefind's own CSV and
    /// HSDS may carry facilities with no level, which level filters never match.)
    #[error("names no level of care (a treatment directory's listing names at least one)")]
    NoCareLevel,
    /// A word is not in the column's vocabulary.
    #[error("{0}")]
    Unknown(Box<UnknownTerm>),
    /// The field is not valid UTF-8.
    #[error("is not valid UTF-8")]
    InvalidUtf8,
    /// A row without coordinates could not be placed.
    #[error("could not be placed: {0}")]
    NotPlaced(&'static str),
    /// The precision is not `point` or `zip`.
    #[error("{0}")]
    Precision(PrecisionError),
    /// A reference to another object (an HSDS foreign key) points to none.
    #[error("points to no {0}")]
    NoSuchObject(&'static str),
    /// The status is not one of carefind's.
    #[error("{0}")]
    Status(StatusError),
    /// A date is not a calendar date written `YYYY-MM-DD`.
    #[error("is not a date written YYYY-MM-DD")]
    Date,
    /// A text longer than any field of a facility could be.
    #[error("is {bytes} bytes long; a field holds at most {max}")]
    TooLong {
        /// Its length.
        bytes: usize,
        /// The most a field may hold.
        max: usize,
    },
    /// A quoted field runs over line ends and holds what look like rows: a quote opened
    /// on this row's line was probably never closed, and the rows it swallowed would
    /// otherwise load as one facility's text.
    #[error(
        "has a quoted field that runs over {swallowed} line end(s) to line {last_line}, swallowing what look like rows: is a closing quote missing?"
    )]
    RunawayQuote {
        /// The line on which the row (and the field) ends.
        last_line: u64,
        /// The line ends inside the field.
        swallowed: u64,
    },
    /// Opening hours (or walk-in hours) that do not parse: the position in the
    /// expression and what was expected there.
    #[error("{0}")]
    Hours(crate::hours::HoursError),
    /// A time zone the IANA database does not hold.
    #[error("{0}")]
    TimeZone(crate::hours::TimeZoneError),
    /// Hours of levels of care that are not a JSON object from levels to hours.
    #[error(
        "is not a JSON object from levels of care to hours, such as {{\"iop\": \"Mo-Fr 18:00-21:00\"}}: {0}"
    )]
    LevelHours(String),
    /// What an HSDS source said beyond carefind's fields, not kept as carefind keeps it.
    #[error(
        "is not a JSON object of HSDS objects (service_at_location, service, organization, location): {0}"
    )]
    Hsds(String),
    /// A yes/no field holds something else.
    #[error("is not yes or no (leave it empty when unknown)")]
    YesNo,
    /// The row has a different number of fields than the header.
    #[error("has {found} fields where the header has {expected}")]
    FieldCount {
        /// Fields in the header.
        expected: usize,
        /// Fields in the row.
        found: usize,
    },
}

/// The most bytes of a value an error message quotes.
pub(crate) const QUOTED_BYTES: usize = 200;

/// A header as an error message shows it: comma-separated, at most [`QUOTED_BYTES`] long,
/// with control characters escaped so that none reaches a terminal.
pub(crate) fn shown_header(names: &[String]) -> String {
    let joined = excerpt(&names.join(","), QUOTED_BYTES);
    joined.escape_debug().to_string()
}

/// A rejected row: its line, the column and value at fault, and the problem.
///
/// ```
/// use carefind::error::{Problem, RowError};
///
/// let error = RowError {
///     line: 12,
///     column: Some("name".into()),
///     value: String::new(),
///     problem: Problem::Empty,
/// };
/// assert_eq!(error.to_string(), r#"line 12, column "name": is empty"#);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct RowError {
    /// The line on which the row starts (the header is line 1).
    pub line: u64,
    /// The column at fault, when one is.
    pub column: Option<String>,
    /// The value at fault, as read (empty when the problem is about the whole row).
    pub value: String,
    /// What is wrong.
    pub problem: Problem,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A row of a JSON document may be named by a JSON pointer alone (line 0).
        let mut separator = "";
        if self.line > 0 {
            write!(f, "line {}", self.line)?;
            separator = ", ";
        }
        match &self.column {
            Some(pointer) if pointer.starts_with('/') => write!(f, "{separator}at {pointer}")?,
            Some(column) => write!(f, "{separator}column {column:?}")?,
            None => {}
        }
        if !self.value.is_empty() {
            write!(f, ", value {:?}", excerpt(&self.value, QUOTED_BYTES))?;
        }
        write!(f, ": {}", self.problem)
    }
}

impl std::error::Error for RowError {}

/// A query that cannot be answered as asked.
///
/// ```
/// use carefind::{Distance, Index, LatLon, Query, QueryError};
///
/// let index = Index::new(vec![]).unwrap();
/// let origin = LatLon::new(40.0, -75.0).unwrap();
/// let error = index.search(&Query::within(origin, Distance::from_miles(-3.0))).unwrap_err();
/// assert!(matches!(error, QueryError::InvalidDistance(_)));
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum QueryError {
    /// A maximum distance was given without an origin to measure it from.
    #[error("a maximum distance needs an origin to measure from")]
    MissingOrigin,
    /// A distance is negative or not finite.
    #[error("distance {0} m must be a finite number of at least zero")]
    InvalidDistance(f64),
    /// A bounding box is malformed.
    #[error("bounding box: {0}")]
    InvalidBox(String),
    /// A polygon is malformed.
    #[error("polygon: {0}")]
    InvalidPolygon(String),
    /// An origin's weight is negative or not finite.
    #[error("origin {origin:?}: weight {weight} must be a finite number of at least zero")]
    InvalidWeight {
        /// The origin's id.
        origin: String,
        /// The weight given.
        weight: f64,
    },
    /// A cursor from a query ordered by distance was used without an origin, or the reverse.
    #[error("the cursor does not fit this query: {0}")]
    InvalidCursor(String),
    /// The query would do more work than its [`Budget`](crate::Budget) allows.
    #[error("the query needs more than {limit} units of work; narrow the area or the filter")]
    TooMuchWork {
        /// The budget's bound.
        limit: u64,
    },
    /// The query's [`Budget`](crate::Budget) deadline passed before it was answered.
    #[error("the query ran past its deadline")]
    DeadlinePassed,
    /// The index reads a mapped or embedded snapshot a block at a time, and a block the
    /// query read does not match its checksum: the file is damaged there (write it again).
    #[error("the snapshot is damaged: {0}")]
    Damaged(SnapshotError),
}

/// Any error of the library: loading, building an index, writing, or querying.
///
/// ```
/// use carefind::load::{self, LoadOptions};
///
/// let csv = "id,name,lat,lon,care\nf1,Hope House,91.5,-73.9,iop\n";
/// let error = load::native::from_reader(csv.as_bytes(), "facilities.csv", &LoadOptions::strict())
///     .unwrap_err();
/// assert_eq!(
///     error.to_string(),
///     r#"facilities.csv: line 2, column "lat", value "91.5": latitude 91.5 is outside [-90, 90]"#
/// );
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing failed; the I/O error is the [source](std::error::Error::source)
    /// (printed once, by whoever prints the chain).
    #[error("{file}: I/O error")]
    Io {
        /// The file (or stream) being read or written.
        file: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The input has no header row.
    #[error("{file}: the file is empty; it needs a header row and at least one row of data")]
    EmptyFile {
        /// The file.
        file: String,
    },
    /// A required column is missing from the header.
    #[error("{file}: missing required column {column:?} (the header has: {found})")]
    MissingColumn {
        /// The file.
        file: String,
        /// The missing column.
        column: &'static str,
        /// The header as found, comma-separated.
        found: String,
    },
    /// A column appears twice in the header.
    #[error("{file}: column {column:?} appears twice in the header")]
    DuplicateColumn {
        /// The file.
        file: String,
        /// The repeated column.
        column: String,
    },
    /// No column of the header holds a field the format needs.
    #[error(
        "{file}: no column for {field} (looked for {looked_for}; the header has: {found}); name the column that holds it"
    )]
    UndetectedColumn {
        /// The file.
        file: String,
        /// The field, such as `"lat"`.
        field: &'static str,
        /// The header names that would have been taken for it, comma-separated.
        looked_for: String,
        /// The header as found, comma-separated.
        found: String,
    },
    /// A column named in the options is not in the header.
    #[error("{file}: there is no column {column:?} (the header has: {found})")]
    NoSuchColumn {
        /// The file.
        file: String,
        /// The column as named.
        column: String,
        /// The header as found, comma-separated.
        found: String,
    },
    /// The format says nothing of levels of care and none were given for the file.
    #[error(
        "{file}: the file names no levels of care; say which levels all its facilities offer (such as otp)"
    )]
    CareNotGiven {
        /// The file.
        file: String,
    },
    /// The input is not well-formed (JSON that does not parse), so no row past the fault
    /// can be read.
    #[error("{file}: line {line}, column {column}: {message}")]
    Syntax {
        /// The file.
        file: String,
        /// The line of the fault.
        line: u64,
        /// The column of the fault.
        column: u64,
        /// What is wrong.
        message: String,
    },
    /// A spreadsheet cannot be read as a workbook.
    #[error("{file}: not a workbook carefind can read: {message}")]
    Workbook {
        /// The file.
        file: String,
        /// What the spreadsheet reader said.
        message: String,
    },
    /// An HSDS input is not of a shape carefind reads, or a data package is incomplete.
    #[error("{file}: {message}")]
    Hsds {
        /// The file or directory.
        file: String,
        /// What is wrong, and where.
        message: String,
    },
    /// A snapshot file cannot be read.
    #[error("{file}: {error}")]
    Snapshot {
        /// The file.
        file: String,
        /// What is wrong with it.
        error: SnapshotError,
    },
    /// A row is bad (in strict mode, the first bad row stops the load).
    #[error("{file}: {row}")]
    Row {
        /// The file.
        file: String,
        /// Where and what.
        row: RowError,
    },
    /// A facility cannot go into an index or a file as it is.
    #[error("facility {id:?}: {reason}")]
    InvalidFacility {
        /// The facility's id.
        id: String,
        /// What is wrong.
        reason: String,
    },
    /// A query cannot be answered.
    #[error(transparent)]
    Query(#[from] QueryError),
    /// A latitude or longitude is out of range.
    #[error(transparent)]
    Coordinate(CoordinateError),
    /// The input cannot be read as text, or breaks a size limit (see
    /// [`load::MAX_RECORD_BYTES`](crate::load::MAX_RECORD_BYTES)).
    #[error("{file}: line {line}: {problem}")]
    Input {
        /// The file.
        file: String,
        /// The line where the problem was found.
        line: u64,
        /// What is wrong.
        problem: InputProblem,
    },
    /// A distance that cannot be read.
    #[error(transparent)]
    Distance(#[from] DistanceError),
    /// A word that is not in a vocabulary.
    #[error(transparent)]
    Term(#[from] Box<UnknownTerm>),
    /// A precision that is not one of carefind's.
    #[error(transparent)]
    Precision(#[from] PrecisionError),
    /// A status that is not one of carefind's.
    #[error(transparent)]
    Status(#[from] StatusError),
    /// An availability feed that cannot be read as a whole.
    #[error(transparent)]
    Feed(#[from] crate::availability::feed::FeedError),
    /// An availability update that is wrong taken by itself.
    #[error(transparent)]
    Update(#[from] crate::availability::UpdateError),
    /// The availability store cannot be used.
    #[cfg(feature = "store")]
    #[error(transparent)]
    Store(#[from] crate::availability::store::StoreError),
    /// A road network or an extract cannot be read or written.
    #[error(transparent)]
    Network(#[from] crate::network::NetworkError),
    /// A point too far from every road.
    #[error(transparent)]
    Snap(#[from] crate::network::snap::SnapError),
    /// An age (`72h`, `365d`) that cannot be read.
    #[error(transparent)]
    Age(#[from] crate::words::AgeError),
    /// A value that is not what its word takes (a time, days of the week).
    #[error("{value:?} is not {expected}")]
    Value {
        /// The value as typed.
        value: String,
        /// What the word takes, with an example.
        expected: &'static str,
    },
    /// A distance decay that cannot be read.
    #[error(transparent)]
    Decay(#[from] crate::analysis::access::DecayError),
    /// A search area that is not one GeoJSON polygon.
    #[error(transparent)]
    Polygon(#[from] crate::polygon::PolygonError),
}

impl From<UnknownTerm> for Error {
    fn from(error: UnknownTerm) -> Self {
        Error::Term(Box::new(error))
    }
}

/// An error and each of its causes in one line, `: ` between them: every error of the
/// library says what failed and leaves why to its [source](std::error::Error::source),
/// so this says each once.
///
/// ```
/// let error = carefind::load::native::from_path("/nonexistent.csv", &Default::default()).unwrap_err();
/// assert_eq!(error.to_string(), "/nonexistent.csv: I/O error");
/// assert!(carefind::error::chain(&error).starts_with("/nonexistent.csv: I/O error: No such file"));
/// ```
pub fn chain(error: &dyn std::error::Error) -> String {
    let mut line = error.to_string();
    let mut cause = error.source();
    while let Some(error) = cause {
        line.push_str(": ");
        line.push_str(&error.to_string());
        cause = error.source();
    }
    line
}

/// A `Result` whose error is carefind's [`Error`].
///
/// ```
/// fn nearest_name(index: &carefind::Index) -> carefind::Result<String> {
///     let origin = carefind::LatLon::new(40.75, -73.99)?;
///     let hits = index.search(&carefind::Query::nearest(origin, 1))?;
///     Ok(hits[0].facility.name().to_string())
/// }
/// assert!(nearest_name(&carefind::Index::sample()).is_ok());
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<CoordinateError> for Error {
    fn from(error: CoordinateError) -> Self {
        Error::Coordinate(error)
    }
}

impl Error {
    /// The file (or stream) the error is about, if it is about one.
    ///
    /// ```
    /// use carefind::load::{self, LoadOptions};
    ///
    /// let csv = "id,name,lat,lon,care\nf1,Hope,91,-74,iop\n";
    /// let error = load::native::from_reader(csv.as_bytes(), "f.csv", &LoadOptions::strict()).unwrap_err();
    /// assert_eq!((error.file(), error.line(), error.column()), (Some("f.csv"), Some(2), Some("lat")));
    /// ```
    pub fn file(&self) -> Option<&str> {
        match self {
            Error::Io { file, .. }
            | Error::EmptyFile { file }
            | Error::MissingColumn { file, .. }
            | Error::DuplicateColumn { file, .. }
            | Error::UndetectedColumn { file, .. }
            | Error::NoSuchColumn { file, .. }
            | Error::CareNotGiven { file }
            | Error::Syntax { file, .. }
            | Error::Workbook { file, .. }
            | Error::Hsds { file, .. }
            | Error::Snapshot { file, .. }
            | Error::Row { file, .. }
            | Error::Input { file, .. } => Some(file),
            Error::Network(error) => error.file(),
            #[cfg(feature = "store")]
            Error::Store(error) => Some(error.path()),
            _ => None,
        }
    }

    /// The line the error is about (the header is line 1), if it is about one.
    ///
    /// ```
    /// let error = carefind::load::native::from_reader(&b"id,name\n"[..], "f.csv", &Default::default()).unwrap_err();
    /// assert_eq!(error.line(), None); // a missing column is about the whole file
    /// ```
    pub fn line(&self) -> Option<u64> {
        match self {
            Error::Syntax { line, .. } | Error::Input { line, .. } => Some(*line),
            Error::Row { row, .. } => Some(row.line),
            _ => None,
        }
    }

    /// The column the error is about, by its header name, if it is about one.
    ///
    /// ```
    /// let csv = "id,name,lat,lon,care,care\n";
    /// let error = carefind::load::native::from_reader(csv.as_bytes(), "f.csv", &Default::default()).unwrap_err();
    /// assert_eq!(error.column(), Some("care"));
    /// ```
    pub fn column(&self) -> Option<&str> {
        match self {
            Error::MissingColumn { column, .. } => Some(column),
            Error::DuplicateColumn { column, .. } | Error::NoSuchColumn { column, .. } => {
                Some(column)
            }
            Error::UndetectedColumn { field, .. } => Some(field),
            Error::Row { row, .. } => row.column.as_deref(),
            _ => None,
        }
    }
}

/// Why an input cannot be read as CSV text.
///
/// ```
/// use carefind::load::InputProblem;
///
/// assert_eq!(
///     InputProblem::Utf16.to_string(),
///     "this file is UTF-16; save it as UTF-8 (in Excel: CSV UTF-8)"
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum InputProblem {
    /// A data row is longer than [`MAX_RECORD_BYTES`](crate::load::MAX_RECORD_BYTES).
    RowTooLong,
    /// The header is longer than [`MAX_HEADER_BYTES`](crate::load::MAX_HEADER_BYTES).
    HeaderTooLong,
    /// A row has more than [`MAX_COLUMNS`](crate::load::MAX_COLUMNS) fields.
    TooManyColumns,
    /// The input is UTF-16 (it starts with a UTF-16 byte-order mark, or every other byte is
    /// NUL).
    Utf16,
    /// The input holds a NUL byte, which no text field has: it is binary, or damaged.
    NulByte,
    /// Lines end with a carriage return alone (as on classic Mac OS), so the whole file
    /// would read as one line.
    CarriageReturns,
}

impl fmt::Display for InputProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputProblem::RowTooLong => f.write_str(
                "the row is longer than 1 MiB, the most carefind reads in one row",
            ),
            InputProblem::HeaderTooLong => f.write_str(
                "the header row is longer than 64 KiB, the most carefind reads in a header",
            ),
            InputProblem::TooManyColumns => {
                f.write_str("the row has more than 4096 fields, the most carefind reads")
            }
            InputProblem::Utf16 => {
                f.write_str("this file is UTF-16; save it as UTF-8 (in Excel: CSV UTF-8)")
            }
            InputProblem::NulByte => f.write_str(
                "the input holds a NUL byte: it is not a text file (or it is damaged)",
            ),
            InputProblem::CarriageReturns => f.write_str(
                "the lines end with a carriage return alone (classic Mac OS); save the file with LF or CRLF line ends",
            ),
        }
    }
}

/// At most `limit` bytes of `text`, cut at a character boundary, with how much was left out:
/// error messages quote values this way, so that a huge field cannot flood a terminal.
///
/// ```
/// use carefind::load::excerpt;
///
/// assert_eq!(excerpt("short", 200), "short");
/// let long = "é".repeat(300);
/// let cut = excerpt(&long, 200);
/// assert!(cut.starts_with(&"é".repeat(100)));
/// assert!(cut.ends_with("… (600 bytes in all)"));
/// ```
pub fn excerpt(text: &str, limit: usize) -> String {
    if text.len() <= limit {
        return text.to_string();
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes in all)", &text[..end], text.len())
}

/// Why a snapshot cannot be read.
///
/// ```
/// use carefind::snapshot::{self, SnapshotError};
///
/// let error = snapshot::from_slice(b"id,name,lat,lon,care\n").unwrap_err();
/// assert_eq!(error, SnapshotError::NotASnapshot);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SnapshotError {
    /// The file does not start with the magic bytes.
    #[error("not a carefind snapshot (it does not start with CFSNAP)")]
    NotASnapshot,
    /// Another version of the format.
    #[error(
        "snapshot format version {found}; this carefind reads version {}: write it again with `carefind snapshot`",
        crate::snapshot::VERSION
    )]
    Version {
        /// The version in the file.
        found: u32,
    },
    /// The file ends early.
    #[error("the snapshot is truncated: {expected} bytes expected, {found} found")]
    Truncated {
        /// Bytes the header promises.
        expected: u64,
        /// Bytes there are.
        found: u64,
    },
    /// The payload does not match its checksum.
    #[error("the snapshot is corrupted: its checksum does not match")]
    Checksum,
    /// The payload passed the checksum but does not hold a valid store (written by
    /// something else).
    #[error("the snapshot is corrupted at byte {offset}: {reason}")]
    Corrupt {
        /// Where in the file.
        offset: usize,
        /// What is wrong.
        reason: &'static str,
    },
}

/// A precision that does not parse; the valid ones are `point` and `zip`.
///
/// ```
/// let error = "street".parse::<carefind::Precision>().unwrap_err();
/// assert_eq!(error.to_string(), r#"unknown precision "street" (valid: point, zip)"#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrecisionError(pub String);

impl fmt::Display for PrecisionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown precision {:?} (valid: point, zip)", self.0)
    }
}

impl std::error::Error for PrecisionError {}

/// A status that does not parse; the valid ones are `active`, `temporarily-closed` and
/// `closed`.
///
/// ```
/// let error = "gone".parse::<carefind::Status>().unwrap_err();
/// assert_eq!(
///     error.to_string(),
///     r#"unknown status "gone" (valid: active, temporarily-closed, closed)"#
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusError(pub String);

impl fmt::Display for StatusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown status {:?} (valid: active, temporarily-closed, closed)",
            self.0
        )
    }
}

impl std::error::Error for StatusError {}
