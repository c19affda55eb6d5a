//! Availability feeds: CSV, a JSON array (or one object) and NDJSON, every row checked.
//!
//! A feed has the columns (or keys) of [`COLUMNS`]: `id`, `care`, `accepting`,
//! `beds_available`, `beds_total`, `wait_days`, the ways in `walk_in`,
//! `same_day_medication`, `counseling_required` and `telehealth_intake`, and `updated_at`;
//! only `id` and `updated_at` are required, and other columns are ignored. `care` is one
//! level of care (empty: the whole facility), `accepting` and the last three ways in are
//! `yes`, `no` or empty (`true`/`false` in JSON), `walk_in` is `yes`, `no`, the walk-in
//! hours in the opening-hours syntax (`Mo-Fr 08:00-11:00`) or empty, the counts are
//! non-negative whole numbers, and `updated_at` is an RFC 3339 time with its offset
//! (`2026-06-01T08:00:00Z`), at most five minutes ahead of the clock. Empty always means
//! "not reported": the report says nothing about that field.
//!
//! [`read`] keeps the good rows and lists every problem of the bad ones with its line (or
//! item), field and value; whether a feed with problems is applied at all is the caller's
//! choice. A feed that cannot be read as a whole (a header without `id`, JSON that is not
//! an array or an object) is a [`FeedError`].
//!
//! ```
//! use carefind::availability::feed::{self, Check, FeedFormat};
//!
//! let csv = "id,care,accepting,beds_available,beds_total,updated_at\n\
//!            f1,residential-detox,yes,2,10,2026-06-01T08:00:00Z\n\
//!            f2,,maybe,-1,,2026-06-01T08:00:00Z\n";
//! let now = "2026-06-01T12:00:00Z".parse()?;
//! let feed = feed::read(csv.as_bytes(), FeedFormat::Csv, &Check::at(now))?;
//! assert_eq!((feed.read, feed.updates.len()), (2, 1));
//! let problems: Vec<String> = feed.problems.iter().map(|p| p.to_string()).collect();
//! assert_eq!(problems, [
//!     r#"line 3: accepting "maybe" is not yes, no or empty"#,
//!     r#"line 3: beds_available "-1" is negative"#,
//! ]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use jiff::Timestamp;
use serde_json::Value;

use super::{Update, UpdateError};
use crate::care::CareLevel;

/// The columns of a feed, in the order an export writes them.
///
/// ```
/// assert_eq!(carefind::availability::feed::COLUMNS[0], "id");
/// ```
pub const COLUMNS: [&str; 11] = [
    "id",
    "care",
    "accepting",
    "beds_available",
    "beds_total",
    "wait_days",
    "walk_in",
    "same_day_medication",
    "counseling_required",
    "telehealth_intake",
    "updated_at",
];

/// How a feed is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeedFormat {
    /// CSV with a header row.
    Csv,
    /// A JSON array of objects, or one object.
    Json,
    /// One JSON object per line.
    Ndjson,
}

impl FeedFormat {
    /// The format a file's extension names (`.csv`, `.json`, `.ndjson` or `.jsonl`).
    ///
    /// ```
    /// use carefind::availability::feed::FeedFormat;
    ///
    /// assert_eq!(FeedFormat::of_path("beds.ndjson".as_ref()), Some(FeedFormat::Ndjson));
    /// assert_eq!(FeedFormat::of_path("beds.txt".as_ref()), None);
    /// ```
    pub fn of_path(path: &std::path::Path) -> Option<FeedFormat> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "csv" => Some(FeedFormat::Csv),
            "json" => Some(FeedFormat::Json),
            "ndjson" | "jsonl" => Some(FeedFormat::Ndjson),
            _ => None,
        }
    }

    /// The format the content looks like: JSON when it starts with `[` or `{` (NDJSON
    /// when an object is followed by more lines), CSV otherwise.
    ///
    /// ```
    /// use carefind::availability::feed::FeedFormat;
    ///
    /// assert_eq!(FeedFormat::sniff(b" [{}]"), FeedFormat::Json);
    /// assert_eq!(FeedFormat::sniff(b"{\"id\":1}\n{\"id\":2}\n"), FeedFormat::Ndjson);
    /// assert_eq!(FeedFormat::sniff(b"id,updated_at\n"), FeedFormat::Csv);
    /// ```
    pub fn sniff(bytes: &[u8]) -> FeedFormat {
        let text = bytes.trim_ascii();
        match text.first() {
            Some(b'[') => FeedFormat::Json,
            Some(b'{') if text.contains(&b'\n') => FeedFormat::Ndjson,
            Some(b'{') => FeedFormat::Json,
            _ => FeedFormat::Csv,
        }
    }
}

/// The longest value a feed's field may have. Every field is short (an id, a level, a
/// count, a time): a longer value is a problem named before anything else is done with
/// it.
pub const MAX_FIELD_BYTES: usize = 256;

/// What rows are checked against beyond themselves.
pub struct Check<'a> {
    /// The clock: `updated_at` may be at most five minutes after it.
    pub now: Timestamp,
    /// Whether a facility id is in the directory (`None`: every id is taken).
    pub known: Option<&'a (dyn Fn(&str) -> bool + Sync)>,
    /// Whether the sender may update a facility (`None`: any); the first row outside
    /// this stops the read (see [`FeedError::NotAllowed`]).
    pub allowed: Option<&'a (dyn Fn(&str) -> bool + Sync)>,
}

impl<'a> Check<'a> {
    /// Checks against the clock `now` only.
    pub fn at(now: Timestamp) -> Self {
        Check {
            now,
            known: None,
            allowed: None,
        }
    }

    /// Also stops at the first row whose id `allowed` refuses: a sender's scope, checked
    /// row by row as the feed is read, so that a token for one facility cannot make the
    /// server read a whole feed about others.
    ///
    /// ```
    /// use carefind::availability::feed::{self, Check, FeedError, FeedFormat, Place};
    ///
    /// let mine = |id: &str| id == "f1";
    /// let check = Check::at(jiff::Timestamp::now()).allowed_ids(&mine);
    /// let text = b"id,updated_at\nf1,2020-01-01T00:00:00Z\nf2,2020-01-01T00:00:00Z\n";
    /// match feed::read(text, FeedFormat::Csv, &check) {
    ///     Err(FeedError::NotAllowed { place, id }) => assert_eq!((place, id.as_str()), (Place::Line(3), "f2")),
    ///     other => panic!("{other:?}"),
    /// }
    /// ```
    pub fn allowed_ids(mut self, allowed: &'a (dyn Fn(&str) -> bool + Sync)) -> Self {
        self.allowed = Some(allowed);
        self
    }

    /// Also checks that every id is one `known` accepts.
    ///
    /// ```
    /// use carefind::availability::feed::{self, Check, FeedFormat};
    ///
    /// let known = |id: &str| id == "f1";
    /// let check = Check::at(jiff::Timestamp::now()).known_ids(&known);
    /// let feed = feed::read(b"id,updated_at\nf9,2020-01-01T00:00:00Z\n", FeedFormat::Csv, &check).unwrap();
    /// assert_eq!(feed.problems[0].to_string(), r#"line 2: id "f9" is not a facility in the directory"#);
    /// ```
    pub fn known_ids(mut self, known: &'a (dyn Fn(&str) -> bool + Sync)) -> Self {
        self.known = Some(known);
        self
    }
}

/// Where in a feed a row is: a line (CSV, NDJSON) or an item of a JSON array.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// A line, counting from 1.
    Line(u64),
    /// An item of a JSON array, counting from 1.
    Item(u64),
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Line(line) => write!(f, "line {line}"),
            Place::Item(item) => write!(f, "item {item}"),
        }
    }
}

/// One problem of one row: where, which field, the value given and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedProblem {
    /// The row.
    pub place: Place,
    /// The field (column or key).
    pub field: &'static str,
    /// The value as given (at most 200 bytes of it).
    pub value: String,
    /// What is wrong, as a phrase ("is negative").
    pub problem: String,
}

impl fmt::Display for FeedProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} {:?} {}",
            self.place, self.field, self.value, self.problem
        )
    }
}

/// A feed read: the good rows as updates (with where each was), the problems of the bad.
#[derive(Clone, Debug, Default)]
pub struct Feed {
    /// Rows read (the header not counted).
    pub read: u64,
    /// The rows without problems, in feed order.
    pub updates: Vec<Update>,
    /// Where each update was in the feed.
    pub places: Vec<Place>,
    /// Every problem of the other rows; a row can have several.
    pub problems: Vec<FeedProblem>,
    /// Rows with at least one problem (counted as read: two rows can share a place, as
    /// CSV rows split by a carriage return alone share a line).
    pub rows_rejected: u64,
}

impl Feed {
    /// The number of rows with at least one problem.
    ///
    /// ```
    /// use carefind::availability::feed::Feed;
    ///
    /// assert_eq!(Feed::default().rejected(), 0);
    /// ```
    pub fn rejected(&self) -> u64 {
        self.rows_rejected
    }
}

/// A feed that cannot be read as a whole.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FeedError {
    /// The CSV header lacks a required column.
    #[error("the header has no {0:?} column (a feed needs id and updated_at)")]
    MissingColumn(&'static str),
    /// The CSV is malformed (it says where).
    #[error(transparent)]
    Csv(#[from] csv::Error),
    /// The JSON does not parse (it says where).
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// The JSON is valid but not an array of objects or an object.
    #[error("{0}: a feed is a JSON array of objects, or one object")]
    NotAFeed(String),
    /// A row about a facility the sender may not update (see [`Check::allowed_ids`]):
    /// the read stopped there.
    #[error("{place}: the sender may not update facility {id:?}; the feed was read no further")]
    NotAllowed {
        /// The row.
        place: Place,
        /// Its id (at most [`MAX_FIELD_BYTES`] of it).
        id: String,
    },
}

/// Reads a whole feed from `bytes`, checking every row.
pub fn read(bytes: &[u8], format: FeedFormat, check: &Check) -> Result<Feed, FeedError> {
    let mut feed = Feed::default();
    match format {
        FeedFormat::Csv => read_csv(bytes, check, &mut feed)?,
        FeedFormat::Json => read_json(bytes, check, &mut feed)?,
        FeedFormat::Ndjson => {
            for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
                if line.trim_ascii().is_empty() {
                    continue;
                }
                let place = Place::Line(i as u64 + 1);
                let value: Value = serde_json::from_slice(line).map_err(|error| {
                    FeedError::NotAFeed(format!("{place} is not JSON ({error})"))
                })?;
                let object = value.as_object().ok_or_else(|| {
                    FeedError::NotAFeed(format!("{place} is {}", json_kind(&value)))
                })?;
                take(&mut feed, place, fields_of_object(object), check)?;
            }
        }
    }
    Ok(feed)
}

/// A JSON feed: an array read item by item (each checked, the sender's scope too, before
/// the next is parsed), or one object.
fn read_json(bytes: &[u8], check: &Check, feed: &mut Feed) -> Result<(), FeedError> {
    use serde::Deserializer as _;
    use serde::de::{self, SeqAccess, Visitor};

    struct Rows<'f, 'c> {
        feed: &'f mut Feed,
        check: &'f Check<'c>,
        /// Why the read stopped, when a row stopped it (serde's error cannot carry it).
        stopped: &'f mut Option<FeedError>,
    }

    impl Rows<'_, '_> {
        /// Files one item, or keeps why the read stops there and says so to serde.
        fn row<E: de::Error>(&mut self, place: Place, item: &Value) -> Result<(), E> {
            let outcome = match item.as_object() {
                Some(object) => take(self.feed, place, fields_of_object(object), self.check),
                None => Err(FeedError::NotAFeed(format!(
                    "{place} is {}",
                    json_kind(item)
                ))),
            };
            outcome.map_err(|error| {
                *self.stopped = Some(error);
                E::custom("stopped")
            })
        }
    }

    impl<'de> Visitor<'de> for Rows<'_, '_> {
        type Value = ();

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an array of objects, or one object")
        }

        fn visit_seq<A: SeqAccess<'de>>(mut self, mut items: A) -> Result<(), A::Error> {
            let mut count = 0u64;
            while let Some(item) = items.next_element::<Value>()? {
                count += 1;
                self.row(Place::Item(count), &item)?;
            }
            Ok(())
        }

        fn visit_map<A: de::MapAccess<'de>>(mut self, map: A) -> Result<(), A::Error> {
            let object: Value =
                serde::Deserialize::deserialize(de::value::MapAccessDeserializer::new(map))?;
            self.row(Place::Item(1), &object)
        }
    }

    let mut stopped = None;
    let mut reader = serde_json::Deserializer::from_slice(bytes);
    let outcome = reader.deserialize_any(Rows {
        feed,
        check,
        stopped: &mut stopped,
    });
    if let Some(error) = stopped {
        return Err(error);
    }
    match outcome {
        Ok(()) => Ok(reader.end()?),
        Err(error) if error.is_data() => {
            // Valid JSON of another kind: say which, as a feed error.
            let value: Value = serde_json::from_slice(bytes)?;
            Err(FeedError::NotAFeed(format!(
                "the document is {}",
                json_kind(&value)
            )))
        }
        Err(error) => Err(FeedError::Json(error)),
    }
}

/// What kind of JSON value `value` is, for messages ("a number", "an array").
pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A row's fields as text, in the order of [`COLUMNS`].
type Fields = [String; COLUMNS.len()];

fn read_csv(bytes: &[u8], check: &Check, feed: &mut Feed) -> Result<(), FeedError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let header = reader.headers()?.clone();
    let positions: Vec<Option<usize>> = COLUMNS
        .iter()
        .map(|column| header.iter().position(|name| name.trim() == *column))
        .collect();
    for required in ["id", "updated_at"] {
        let at = COLUMNS
            .iter()
            .position(|c| *c == required)
            .expect("a column");
        if positions[at].is_none() {
            return Err(FeedError::MissingColumn(COLUMNS[at]));
        }
    }
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record)? {
        let place = Place::Line(record.position().map_or(0, |p| p.line()));
        if record.len() != header.len() {
            feed.read += 1;
            feed.rows_rejected += 1;
            feed.problems.push(FeedProblem {
                place,
                field: "id",
                value: record.get(0).unwrap_or_default().to_string(),
                problem: format!(
                    "has {} fields where the header has {} (a cut-off or malformed row)",
                    record.len(),
                    header.len()
                ),
            });
            continue;
        }
        let fields: Fields = std::array::from_fn(|i| {
            positions[i]
                .and_then(|at| record.get(at))
                .unwrap_or_default()
                .trim()
                .to_string()
        });
        take(feed, place, fields, check)?;
    }
    Ok(())
}

fn fields_of_object(object: &serde_json::Map<String, Value>) -> Fields {
    std::array::from_fn(|i| match object.get(COLUMNS[i]) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.trim().to_string(),
        Some(Value::Bool(true)) => "yes".into(),
        Some(Value::Bool(false)) => "no".into(),
        Some(other) => other.to_string(),
    })
}

/// Checks one row and files it as an update or as problems; stops the read at a row
/// about a facility the sender may not update.
fn take(feed: &mut Feed, place: Place, fields: Fields, check: &Check) -> Result<(), FeedError> {
    let id = &fields[0];
    if let Some(allowed) = check.allowed
        && (id.len() > MAX_FIELD_BYTES || !allowed(id))
    {
        return Err(FeedError::NotAllowed {
            place,
            id: crate::load::excerpt(id, MAX_FIELD_BYTES).to_string(),
        });
    }
    feed.read += 1;
    match parse(place, &fields, check) {
        Ok(update) => {
            feed.updates.push(update);
            feed.places.push(place);
        }
        Err(problems) => {
            feed.rows_rejected += 1;
            feed.problems.extend(problems);
        }
    }
    Ok(())
}

/// One row as an update, or every problem it has.
pub(crate) fn parse(
    place: Place,
    fields: &Fields,
    check: &Check,
) -> Result<Update, Vec<FeedProblem>> {
    let mut problems = Vec::new();
    let mut problem = |field: &'static str, value: &str, what: String| {
        problems.push(FeedProblem {
            place,
            field,
            value: crate::load::excerpt(value, crate::error::QUOTED_BYTES).to_string(),
            problem: what,
        });
    };
    // A value longer than any field can be is named before anything else looks at it.
    let mut too_long = false;
    for (field, value) in COLUMNS.iter().zip(fields) {
        if value.len() > MAX_FIELD_BYTES {
            problem(
                field,
                value,
                format!("is longer than {MAX_FIELD_BYTES} bytes"),
            );
            too_long = true;
        }
    }
    if too_long {
        return Err(problems);
    }
    let [
        id,
        care,
        accepting,
        beds_available,
        beds_total,
        wait_days,
        walk_in,
        same_day_medication,
        counseling_required,
        telehealth_intake,
        updated_at,
    ] = fields;

    if id.is_empty() {
        problem("id", id, "is empty".into());
    } else if check.known.is_some_and(|known| !known(id)) {
        problem("id", id, "is not a facility in the directory".into());
    }
    let care = match care.as_str() {
        "" => None,
        text => match text.parse::<CareLevel>() {
            Ok(level) => Some(level),
            Err(error) => {
                let what = match crate::set::Set::<CareLevel>::parse_list(text) {
                    Ok(levels) if levels.len() > 1 => format!(
                        "names several levels ({levels}); an update is about one level, or the whole facility"
                    ),
                    _ => format!("is not one level of care: {error}"),
                };
                problem("care", text, what);
                None
            }
        },
    };
    let mut flag = |field: &'static str, text: &str| match text.to_ascii_lowercase().as_str() {
        "" => None,
        "yes" | "true" => Some(true),
        "no" | "false" => Some(false),
        _ => {
            problem(field, text, "is not yes, no or empty".into());
            None
        }
    };
    let accepting = flag("accepting", accepting);
    let same_day_medication = flag("same_day_medication", same_day_medication);
    let counseling_required = flag("counseling_required", counseling_required);
    let telehealth_intake = flag("telehealth_intake", telehealth_intake);
    let walk_in = match walk_in.as_str() {
        "" => None,
        text => match text.parse::<crate::hours::WalkIn>() {
            Ok(walk_in) => Some(walk_in),
            Err(error) => {
                problem(
                    "walk_in",
                    text,
                    format!("is not yes, no or walk-in hours: it {error}"),
                );
                None
            }
        },
    };
    let mut count = |field: &'static str, text: &str| -> Option<u32> {
        if text.is_empty() {
            return None;
        }
        match text.parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => {
                let what = if text.parse::<i64>().is_ok_and(|n| n < 0) {
                    "is negative"
                } else {
                    "is not a whole number of at most 4294967295"
                };
                problem(field, text, what.into());
                None
            }
        }
    };
    let beds_available = count("beds_available", beds_available);
    let beds_total = count("beds_total", beds_total);
    let wait_days = count("wait_days", wait_days);
    let updated = match updated_at.as_str() {
        "" => {
            problem(
                "updated_at",
                updated_at,
                "is missing (every update says when it was true)".into(),
            );
            None
        }
        text => match text.parse::<Timestamp>() {
            Ok(at) => Some(at),
            // A well-formed time beyond what a timestamp holds (the year 9999) is said
            // to be the future it is, not a malformed time.
            Err(_) if beyond_timestamps(text) => {
                problem(
                    "updated_at",
                    text,
                    "is more than 5 minutes in the future".into(),
                );
                None
            }
            Err(_) => {
                problem(
                    "updated_at",
                    text,
                    "is not an RFC 3339 time with an offset (2026-06-01T08:00:00Z)".into(),
                );
                None
            }
        },
    };
    let mut update = Update::new(id.as_str(), updated.unwrap_or(Timestamp::UNIX_EPOCH));
    update.care = care;
    update.accepting = accepting;
    update.beds_available = beds_available;
    update.beds_total = beds_total;
    update.wait_days = wait_days;
    update.walk_in = walk_in;
    update.same_day_medication = same_day_medication;
    update.counseling_required = counseling_required;
    update.telehealth_intake = telehealth_intake;
    let update = match updated.map(|_| update.clone().received(check.now)) {
        Some(Ok(received)) => received,
        Some(Err(error)) => {
            report(&mut problem, error, updated_at);
            update
        }
        None => update,
    };
    if problems.is_empty() {
        Ok(update)
    } else {
        Err(problems)
    }
}

/// Says what [`Update::received`] found, in a feed's words.
fn report(
    problem: &mut impl FnMut(&'static str, &str, String),
    error: UpdateError,
    updated_at: &str,
) {
    let (value, what) = match error {
        UpdateError::MoreBedsThanTotal { available, total } => (
            available.to_string(),
            format!("is more than beds_total ({total})"),
        ),
        UpdateError::InTheFuture { .. } => (
            updated_at.to_string(),
            "is more than 5 minutes in the future".to_string(),
        ),
        UpdateError::Implausible { value, max, .. } => (
            value.to_string(),
            format!("is more than {max}, more than any facility reports"),
        ),
    };
    problem(error.field(), &value, what);
}

/// Whether `text` is a well-formed date and time that lies beyond the last instant a
/// timestamp holds (late in the year 9999).
fn beyond_timestamps(text: &str) -> bool {
    text.get(..10)
        .and_then(|date| date.parse::<jiff::civil::Date>().ok())
        .is_some_and(|date| date.year() >= 9999)
}

/// An update as a feed row, in the order of [`COLUMNS`] (what an export writes).
///
/// ```
/// use carefind::availability::{feed, Update};
///
/// let mut update = Update::new("f1", "2026-06-01T08:00:00Z".parse().unwrap());
/// update.accepting = Some(false);
/// update.walk_in = Some("Mo-Fr 08:00-11:00".parse().unwrap());
/// assert_eq!(feed::row(&update).join(","), "f1,,no,,,,Mo-Fr 08:00-11:00,,,,2026-06-01T08:00:00Z");
/// ```
pub fn row(update: &Update) -> [String; COLUMNS.len()] {
    let count = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
    let flag = |flag: Option<bool>| crate::save::yes_no(flag).into_owned();
    [
        update.id.clone(),
        update
            .care
            .map(|c| c.name().to_string())
            .unwrap_or_default(),
        flag(update.accepting),
        count(update.beds_available),
        count(update.beds_total),
        count(update.wait_days),
        update
            .walk_in
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        flag(update.same_day_medication),
        flag(update.counseling_required),
        flag(update.telehealth_intake),
        update.updated_at.to_string(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_csv(rows: &str) -> Feed {
        let now: Timestamp = "2026-06-01T12:00:00Z".parse().unwrap();
        let text = format!("id,beds_available,beds_total,wait_days,updated_at\n{rows}");
        read(text.as_bytes(), FeedFormat::Csv, &Check::at(now)).unwrap()
    }

    /// Two bad rows split by a carriage return alone share a line: both are counted.
    #[test]
    fn every_bad_row_is_counted_even_where_two_share_a_place() {
        let feed = read_csv("f1,x,,,2026-06-01T11:00:00Z\rf2,y,,,2026-06-01T11:00:00Z\n");
        assert_eq!(feed.read, 2);
        assert_eq!(feed.problems[0].place, feed.problems[1].place);
        assert_eq!(feed.rejected(), 2);
    }

    #[test]
    fn counts_no_facility_could_report_are_refused_with_the_reason() {
        let feed = read_csv(
            "f1,4294967295,,,2026-06-01T11:00:00Z\nf2,,,5000,2026-06-01T11:00:00Z\nf3,20,10000,,2026-06-01T11:00:00Z\n",
        );
        assert_eq!(feed.updates.len(), 1, "{:?}", feed.problems);
        let said: Vec<(&str, &str)> = feed
            .problems
            .iter()
            .map(|p| (p.field, p.problem.as_str()))
            .collect();
        assert_eq!(
            said,
            [
                (
                    "beds_available",
                    "is more than 10000, more than any facility reports"
                ),
                (
                    "wait_days",
                    "is more than 1000, more than any facility reports"
                ),
            ]
        );
    }

    #[test]
    fn ways_in_are_read_and_bad_ones_named_with_the_position_in_the_hours() {
        let now: Timestamp = "2026-06-01T12:00:00Z".parse().unwrap();
        let text = "id,walk_in,same_day_medication,counseling_required,telehealth_intake,updated_at\n\
                    f1,Mo-Fr 08:00-11:00,yes,no,,2026-06-01T11:00:00Z\n\
                    f2,Mo-Fr 8-11,maybe,,,2026-06-01T11:00:00Z\n";
        let feed = read(text.as_bytes(), FeedFormat::Csv, &Check::at(now)).unwrap();
        let update = &feed.updates[0];
        assert_eq!(
            update.walk_in.as_ref().map(ToString::to_string).as_deref(),
            Some("Mo-Fr 08:00-11:00")
        );
        assert_eq!(
            (
                update.same_day_medication,
                update.counseling_required,
                update.telehealth_intake
            ),
            (Some(true), Some(false), None)
        );
        let fields: Vec<&str> = feed.problems.iter().map(|p| p.field).collect();
        assert_eq!(fields, ["same_day_medication", "walk_in"]);
        assert!(
            feed.problems[1].problem.contains("at character"),
            "{}",
            feed.problems[1]
        );
        // What a row writes, a feed reads back.
        let mut written = csv::Writer::from_writer(Vec::new());
        written.write_record(COLUMNS).unwrap();
        written.write_record(row(update)).unwrap();
        let again = read(
            &written.into_inner().unwrap(),
            FeedFormat::Csv,
            &Check::at(now),
        )
        .unwrap();
        assert_eq!(again.updates, std::slice::from_ref(update));
    }

    #[test]
    fn a_time_ahead_of_the_clock_is_taken_as_received_and_the_far_future_is_named() {
        let feed = read_csv("f1,1,2,,2026-06-01T12:04:00Z\n");
        assert_eq!(
            feed.updates[0].updated_at,
            "2026-06-01T12:00:00Z".parse::<Timestamp>().unwrap(),
            "a report is no newer than its receipt"
        );
        let feed = read_csv("f1,1,2,,9999-12-31T23:59:59Z\nf2,1,2,,2026-06-01T12:06:00Z\n");
        assert!(feed.updates.is_empty());
        for problem in &feed.problems {
            assert_eq!(problem.problem, "is more than 5 minutes in the future");
        }
        assert_eq!(feed.problems.len(), 2);
    }
}
