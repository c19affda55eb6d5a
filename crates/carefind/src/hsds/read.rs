//! HSDS documents and data packages read as facilities.

use std::path::Path;

use serde_json::Value;
use serde_json::value::RawValue;

use super::ID_SCHEME;
use super::taxonomy;
use crate::availability::Update;
use crate::care::CareLevel;
use crate::error::{Error, Problem, RowError};
use crate::facility::Facility;
use crate::load::labels::{Category, Labels};
use crate::load::tally::Tally;
use crate::load::{LoadOptions, Loaded};
use crate::precision::Precision;
use crate::sphere::LatLon;
use crate::status::Status;
use crate::vocabulary::Term;

/// What an HSDS input held: the facilities with their report, and the availability its
/// `service_capacity` objects in beds give.
#[derive(Debug)]
pub struct HsdsLoaded {
    /// The facilities and the tally (`read == loaded + rejected`, one row per
    /// `service_at_location`).
    pub loaded: Loaded,
    /// The bed counts of the loaded facilities' services, as availability updates.
    pub capacities: Vec<Update>,
}

/// Reads an HSDS JSON document, or a data package directory.
pub fn from_path(path: impl AsRef<Path>, options: &LoadOptions) -> Result<HsdsLoaded, Error> {
    let path = path.as_ref();
    let source = path.display().to_string();
    if path.is_dir() {
        return super::tabular::read_dir(path, options);
    }
    let bytes = std::fs::read(path).map_err(|error| Error::Io {
        file: source.clone(),
        source: error,
    })?;
    from_slice(&bytes, &source, options)
}

/// Reads a data package directory (`datapackage.json` and one CSV per object).
pub fn from_tabular(dir: impl AsRef<Path>, options: &LoadOptions) -> Result<HsdsLoaded, Error> {
    super::tabular::read_dir(dir.as_ref(), options)
}

/// Reads an HSDS JSON document: a `service_at_location`, a `service` with its
/// `service_at_locations`, an `organization` with its `services`, an array of any of them,
/// or a page of them (`contents`).
pub fn from_slice(bytes: &[u8], source: &str, options: &LoadOptions) -> Result<HsdsLoaded, Error> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.trim_ascii_start().starts_with(b"[") {
        return from_array(bytes, source, options);
    }
    let document: Value =
        serde_json::from_slice(bytes).map_err(|error| syntax_error(source, &error))?;
    let mut found = Vec::new();
    let mut notes = Vec::new();
    collect(&document, "", None, None, source, &mut found, &mut notes)?;
    let mut reader = Reader::new(source, options);
    for note in notes {
        reader.note(note);
    }
    for found in found {
        reader.take(found)?;
    }
    Ok(reader.finish())
}

/// JSON that does not parse, with the line and column serde_json found the fault at
/// (its message gives them apart).
fn syntax_error(source: &str, error: &serde_json::Error) -> Error {
    let message = error.to_string();
    Error::Syntax {
        file: source.to_string(),
        line: error.line() as u64,
        column: error.column() as u64,
        message: message
            .rsplit_once(" at line ")
            .map_or_else(|| message.clone(), |(m, _)| m.to_string()),
    }
}

/// A top-level array, its items parsed on every core, a chunk at a time, as the scan of
/// the array finds them (a whole document of 18,000 facilities as one `Value` took
/// gigabytes; finding every item before parsing any left one core idle for a tenth of an
/// import).
fn from_array(bytes: &[u8], source: &str, options: &LoadOptions) -> Result<HsdsLoaded, Error> {
    let syntax = |error: serde_json::Error| syntax_error(source, &error);
    let read = |first: usize, chunk: &[&RawValue]| -> Vec<Result<ItemRead, Error>> {
        chunk
            .iter()
            .enumerate()
            .map(|(i, raw)| {
                let value: Value = serde_json::from_str(raw.get()).map_err(syntax)?;
                let pointer = format!("/{}", first + i);
                let mut found = Vec::new();
                let mut notes = Vec::new();
                collect(&value, &pointer, None, None, source, &mut found, &mut notes)?;
                let converted = found.iter().map(|found| convert(found, options)).collect();
                Ok((notes, converted))
            })
            .collect()
    };
    let (send, receive) = std::sync::mpsc::channel();
    let scanned = rayon::in_place_scope(|scope| {
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        let chunks = InChunks {
            scope,
            send,
            read: &read,
        };
        serde::de::DeserializeSeed::deserialize(chunks, &mut deserializer)
            .and_then(|()| deserializer.end())
    });
    scanned.map_err(syntax)?;
    let mut chunks: Vec<(usize, Vec<Result<ItemRead, Error>>)> = receive.into_iter().collect();
    chunks.sort_unstable_by_key(|(first, _)| *first);
    // Accounted for in the document's order.
    let mut reader = Reader::new(source, options);
    for item in chunks.into_iter().flat_map(|(_, items)| items) {
        let (notes, converted) = item?;
        for note in notes {
            reader.note(note);
        }
        for converted in converted {
            reader.account(converted)?;
        }
    }
    Ok(reader.finish())
}

/// The items of a top-level array a chunk takes to read: enough for a chunk to outweigh
/// handing it to a thread, few enough that the cores finish together.
const CHUNK_ITEMS: usize = 256;

/// Scans a JSON array, handing each [`CHUNK_ITEMS`] of its items, unparsed, to `read` on
/// the scope's threads, and sends what it made, with the position of the chunk's first
/// item.
struct InChunks<'a, 'scope, F> {
    scope: &'a rayon::Scope<'scope>,
    send: std::sync::mpsc::Sender<(usize, Vec<Result<ItemRead, Error>>)>,
    read: &'scope F,
}

impl<'de: 'scope, 'scope, F> serde::de::DeserializeSeed<'de> for InChunks<'_, 'scope, F>
where
    F: Fn(usize, &[&RawValue]) -> Vec<Result<ItemRead, Error>> + Sync,
{
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de: 'scope, 'scope, F> serde::de::Visitor<'de> for InChunks<'_, 'scope, F>
where
    F: Fn(usize, &[&RawValue]) -> Vec<Result<ItemRead, Error>> + Sync,
{
    type Value = ();

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("an array of HSDS objects")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut items: A) -> Result<(), A::Error> {
        let mut first = 0;
        loop {
            let mut chunk: Vec<&'de RawValue> = Vec::with_capacity(CHUNK_ITEMS);
            while chunk.len() < CHUNK_ITEMS {
                match items.next_element()? {
                    Some(item) => chunk.push(item),
                    None => break,
                }
            }
            let last = chunk.len() < CHUNK_ITEMS;
            if !chunk.is_empty() {
                let (send, read, at) = (self.send.clone(), self.read, first);
                first += chunk.len();
                self.scope.spawn(move |_| {
                    // The receiver outlives the scope: sending cannot fail.
                    let _ = send.send((at, read(at, &chunk)));
                });
            }
            if last {
                return Ok(());
            }
        }
    }
}

/// A `service_at_location` turned into a facility (with its capacities, notes and unknown
/// labels), or why not: work that needs no other row, so it runs on every core.
pub(crate) struct Converted {
    line: u64,
    #[allow(clippy::type_complexity)]
    parsed: Result<(Facility, Vec<Update>, Vec<String>, Vec<String>), RowError>,
}

/// One array item read: the notes on what it held besides, and its conversions.
type ItemRead = (Vec<String>, Vec<Converted>);

/// The longest text an HSDS object's field may hold: far beyond any name, address or
/// description a facility has.
pub const MAX_FIELD_BYTES: usize = 65_536;

/// The first text in `value` longer than [`MAX_FIELD_BYTES`], as its path below `at` and
/// its length. The path is made on the way back from a find, not for every field walked
/// (that was a fifth of an import).
fn too_long(value: &Value, at: &str) -> Option<(String, usize)> {
    fn find(value: &Value, path: &mut Vec<String>) -> Option<usize> {
        match value {
            Value::String(text) if text.len() > MAX_FIELD_BYTES => Some(text.len()),
            Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
                let bytes = find(item, path)?;
                path.push(i.to_string());
                Some(bytes)
            }),
            Value::Object(fields) => fields.iter().find_map(|(key, field)| {
                let bytes = find(field, path)?;
                path.push(key.clone());
                Some(bytes)
            }),
            _ => None,
        }
    }
    let mut path = Vec::new();
    let bytes = find(value, &mut path)?;
    if !at.is_empty() {
        path.push(at.to_string());
    }
    path.reverse();
    Some((path.join("/"), bytes))
}

/// Converts one found `service_at_location`.
pub(crate) fn convert(found: &Found, options: &LoadOptions) -> Converted {
    let mut labels = Labels::default();
    let parsed = facility(found, options, &mut labels).map(|(mut facility, capacities, notes)| {
        let unknown = labels.apply(&mut facility);
        (facility, capacities, notes, unknown)
    });
    Converted {
        line: found.place.line(),
        parsed,
    }
}

/// A `service_at_location` found in a document, with what it inherits from the objects
/// around it.
pub(crate) struct Found<'a> {
    pub(crate) object: std::borrow::Cow<'a, Value>,
    /// Where it is: a JSON pointer, or a CSV line.
    pub(crate) place: Place,
    pub(crate) service: Option<&'a Value>,
    pub(crate) organization: Option<&'a Value>,
}

/// Where an object is.
#[derive(Clone, Debug)]
pub(crate) enum Place {
    /// A JSON pointer.
    Pointer(String),
    /// A line of `service_at_location.csv`.
    Line(u64),
}

impl Place {
    fn error(&self, field: &str, value: String, problem: Problem) -> RowError {
        match self {
            Place::Pointer(pointer) => RowError {
                line: 0,
                column: Some(format!("{pointer}/{field}")),
                value,
                problem,
            },
            Place::Line(line) => RowError {
                line: *line,
                column: Some(field.to_string()),
                value,
                problem,
            },
        }
    }

    fn line(&self) -> u64 {
        match self {
            Place::Pointer(_) => 0,
            Place::Line(line) => *line,
        }
    }
}

fn wrong_shape(source: &str, pointer: &str, what: &str) -> Error {
    let at = if pointer.is_empty() {
        "the document"
    } else {
        pointer
    };
    Error::Hsds {
        file: source.to_string(),
        message: format!(
            "{at} {what}; HSDS input is a service_at_location, a service, an organization, an array of them or a page of them (contents)"
        ),
    }
}

/// Finds every `service_at_location` in `value`.
fn collect<'a>(
    value: &'a Value,
    pointer: &str,
    service: Option<&'a Value>,
    organization: Option<&'a Value>,
    source: &str,
    found: &mut Vec<Found<'a>>,
    notes: &mut Vec<String>,
) -> Result<(), Error> {
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect(
                    item,
                    &format!("{pointer}/{i}"),
                    service,
                    organization,
                    source,
                    found,
                    notes,
                )?;
            }
            Ok(())
        }
        Value::Object(object) => {
            if let Some(contents) = object.get("contents") {
                if !contents.is_array() {
                    return Err(wrong_shape(
                        source,
                        pointer,
                        "has contents that is not an array",
                    ));
                }
                return collect(
                    contents,
                    &format!("{pointer}/contents"),
                    service,
                    organization,
                    source,
                    found,
                    notes,
                );
            }
            if object.contains_key("location")
                || object.contains_key("location_id")
                || object.contains_key("service")
            {
                found.push(Found {
                    object: std::borrow::Cow::Borrowed(value),
                    place: Place::Pointer(pointer.to_string()),
                    service,
                    organization,
                });
                return Ok(());
            }
            if let Some(places) = object.get("service_at_locations") {
                let organization = object.get("organization").or(organization);
                if !places.is_array() {
                    return Err(wrong_shape(
                        source,
                        pointer,
                        "has service_at_locations that is not an array",
                    ));
                }
                return collect(
                    places,
                    &format!("{pointer}/service_at_locations"),
                    Some(value),
                    organization,
                    source,
                    found,
                    notes,
                );
            }
            if let Some(services) = object.get("services") {
                if !services.is_array() {
                    return Err(wrong_shape(
                        source,
                        pointer,
                        "has services that is not an array",
                    ));
                }
                return collect(
                    services,
                    &format!("{pointer}/services"),
                    None,
                    Some(value),
                    source,
                    found,
                    notes,
                );
            }
            if object.contains_key("name") && object.contains_key("status") {
                // A service delivered nowhere in particular: it has no coordinates.
                found.push(Found {
                    object: std::borrow::Cow::Borrowed(value),
                    place: Place::Pointer(pointer.to_string()),
                    service: Some(value),
                    organization,
                });
                return Ok(());
            }
            if object.contains_key("name") && object.contains_key("description") {
                // An organization listed without its services: nothing to place.
                let at = if pointer.is_empty() {
                    "the document"
                } else {
                    pointer
                };
                notes.push(format!(
                    "{at}: an organization without services; nothing to load"
                ));
                return Ok(());
            }
            Err(wrong_shape(
                source,
                pointer,
                "is an object that is none of these",
            ))
        }
        other => Err(wrong_shape(
            source,
            pointer,
            &format!("is {}", crate::availability::feed::json_kind(other)),
        )),
    }
}

/// Turns found objects into facilities, with the tally.
pub(crate) struct Reader<'s> {
    tally: Tally<'s>,
    options: &'s LoadOptions,
    capacities: Vec<Update>,
    notes: Vec<String>,
}

impl<'s> Reader<'s> {
    pub(crate) fn new(source: &'s str, options: &'s LoadOptions) -> Self {
        Reader {
            tally: Tally::new(source, options, Vec::new()),
            options,
            capacities: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub(crate) fn note(&mut self, note: String) {
        self.notes.push(note);
    }

    /// Accounts for a row that cannot be read at all.
    pub(crate) fn reject(&mut self, line: u64, row: RowError) -> Result<(), Error> {
        self.tally.take(line, Err(row))
    }

    pub(crate) fn take(&mut self, found: Found) -> Result<(), Error> {
        let converted = convert(&found, self.options);
        self.account(converted)
    }

    /// Accounts for one converted `service_at_location`, in input order.
    pub(crate) fn account(&mut self, converted: Converted) -> Result<(), Error> {
        let Converted { line, parsed } = converted;
        let (parsed, capacities) = match parsed {
            Ok((facility, capacities, notes, unknown)) => {
                self.tally.unknown_labels(unknown);
                self.notes.extend(notes);
                (Ok(facility), capacities)
            }
            Err(error) => (Err(error), Vec::new()),
        };
        let id = parsed.as_ref().map(|f| f.id.clone()).ok();
        let before = self.tally_loaded();
        self.tally.take(line, parsed)?;
        if self.tally_loaded() > before
            && let Some(id) = id
        {
            self.capacities
                .extend(capacities.into_iter().map(|mut update| {
                    update.id.clone_from(&id);
                    update
                }));
        }
        Ok(())
    }

    fn tally_loaded(&self) -> u64 {
        self.tally.loaded()
    }

    pub(crate) fn finish(self) -> HsdsLoaded {
        let mut loaded = self.tally.finish();
        loaded.report.notes = self.notes;
        HsdsLoaded {
            loaded,
            capacities: self.capacities,
        }
    }
}

fn text<'v>(object: Option<&'v Value>, key: &str) -> &'v str {
    object
        .and_then(|o| o.get(key))
        .and_then(Value::as_str)
        .map_or("", str::trim)
}

fn array<'v>(object: Option<&'v Value>, key: &str) -> &'v [Value] {
    object
        .and_then(|o| o.get(key))
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn shown(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    }
}

/// One `service_at_location` as a facility, with its capacities and notes on what was
/// not used; or why it is rejected.
#[allow(clippy::type_complexity)]
fn facility(
    found: &Found,
    options: &LoadOptions,
    labels: &mut Labels,
) -> Result<(Facility, Vec<Update>, Vec<String>), RowError> {
    let sal = &*found.object;
    let place = &found.place;
    let service = sal
        .get("service")
        .filter(|s| s.is_object())
        .or(found.service);
    let organization = service
        .and_then(|s| s.get("organization"))
        .filter(|o| o.is_object())
        .or(found.organization);
    // A text longer than any field could be is refused before it is looked at further
    // (a 20 MB description would otherwise be read, trimmed and kept).
    for (name, value) in [
        ("", Some(sal)),
        ("service", service),
        ("service/organization", organization),
    ] {
        if let Some((path, bytes)) = value.and_then(|value| too_long(value, name)) {
            return Err(place.error(
                &path,
                String::new(),
                Problem::TooLong {
                    bytes,
                    max: MAX_FIELD_BYTES,
                },
            ));
        }
    }
    let location = sal.get("location").filter(|l| l.is_object());
    let Some(location) = location else {
        return Err(place.error(
            "location",
            String::new(),
            Problem::NotPlaced("it has no location with coordinates"),
        ));
    };
    let coordinate = |key: &str| -> Result<f64, RowError> {
        match location.get(key) {
            None | Some(Value::Null) => Err(place.error(
                &format!("location/{key}"),
                String::new(),
                Problem::NotPlaced("its location has no coordinates"),
            )),
            Some(Value::Number(n)) => n.as_f64().ok_or_else(|| {
                place.error(
                    &format!("location/{key}"),
                    n.to_string(),
                    Problem::NotANumber,
                )
            }),
            Some(Value::String(s)) => s.trim().parse().map_err(|_| {
                place.error(&format!("location/{key}"), s.clone(), Problem::NotANumber)
            }),
            Some(other) => Err(place.error(
                &format!("location/{key}"),
                other.to_string(),
                Problem::WrongType("a number"),
            )),
        }
    };
    let (lat, lon) = (coordinate("latitude")?, coordinate("longitude")?);
    let point = LatLon::new(lat, lon).map_err(|error| {
        let (field, value) = match error {
            crate::error::CoordinateError::Latitude(_) => ("location/latitude", lat),
            crate::error::CoordinateError::Longitude(_) => ("location/longitude", lon),
        };
        place.error(field, value.to_string(), Problem::Coordinate(error))
    })?;

    let id = if text(Some(location), "external_identifier_type") == ID_SCHEME
        && !text(Some(location), "external_identifier").is_empty()
    {
        text(Some(location), "external_identifier").to_string()
    } else {
        let own = text(Some(sal), "id");
        if own.is_empty() {
            return Err(place.error("id", String::new(), Problem::Empty));
        }
        own.to_string()
    };
    let name = [
        text(service, "name"),
        text(organization, "name"),
        text(Some(location), "name"),
    ]
    .into_iter()
    .find(|n| !n.is_empty())
    .ok_or_else(|| place.error("service/name", String::new(), Problem::Empty))?;
    let mut facility = Facility::new(id, name, point);
    facility.name2 = match text(service, "alternate_name") {
        "" => match text(organization, "name") {
            org if org != name => org.to_string(),
            _ => String::new(),
        },
        alternate => alternate.to_string(),
    };
    facility.website = match text(service, "url") {
        "" => text(organization, "website").to_string(),
        url => url.to_string(),
    };
    let phones = array(service, "phones")
        .iter()
        .chain(array(Some(sal), "phones"))
        .chain(array(Some(location), "phones"));
    for phone in phones {
        let number = text(Some(phone), "number");
        let intake = text(Some(phone), "description")
            .to_ascii_lowercase()
            .contains("intake");
        let slot = if intake {
            &mut facility.intake_phone
        } else {
            &mut facility.phone
        };
        if slot.is_empty() {
            *slot = number.to_string();
        }
    }
    let addresses = array(Some(location), "addresses");
    let address = addresses
        .iter()
        .find(|a| text(Some(a), "address_type") == "physical")
        .or(addresses.first());
    if let Some(address) = address {
        let (first, second) = (
            text(Some(address), "address_1"),
            text(Some(address), "address_2"),
        );
        facility.street = if second.is_empty() {
            first.to_string()
        } else {
            format!("{first}, {second}")
        };
        facility.city = text(Some(address), "city").to_string();
        facility.state = text(Some(address), "state_province").to_string();
        facility.zip = text(Some(address), "postal_code").to_string();
    }
    facility.status = match text(service, "status") {
        "" | "active" => Status::Active,
        "temporarily closed" => Status::TemporarilyClosed,
        "inactive" | "defunct" => Status::Closed,
        other => {
            return Err(place.error(
                "service/status",
                other.to_string(),
                Problem::Status(crate::status::StatusError(other.to_string())),
            ));
        }
    };
    facility.verified = match text(service, "assured_date") {
        "" => None,
        date => Some(
            crate::status::parse_date(date.get(..10).unwrap_or(date)).ok_or_else(|| {
                place.error("service/assured_date", date.to_string(), Problem::Date)
            })?,
        ),
    };

    let mut notes = Vec::new();
    let at = |field: &str| match place {
        Place::Pointer(pointer) => format!("{pointer}/{field}"),
        Place::Line(line) => format!("line {line}, {field}"),
    };
    let attributes = array(service, "attributes")
        .iter()
        .chain(array(Some(sal), "attributes"))
        .chain(array(Some(location), "attributes"));
    let mut own_terms = false;
    for attribute in attributes {
        let Some(term) = term_of(attribute) else {
            notes.push(format!(
                "{}: an attribute whose term is neither nested nor carefind's ({:?}) was not used",
                at("attributes"),
                text(Some(attribute), "taxonomy_term_id")
            ));
            continue;
        };
        let taxonomy = match text(Some(term), "taxonomy") {
            "" => text(term.get("taxonomy_detail"), "name"),
            name => name,
        };
        let (code, term_name) = (text(Some(term), "code"), text(Some(term), "name"));
        if taxonomy.starts_with("carefind-") {
            own_terms = true;
            if !own_term(&mut facility, taxonomy, code, term_name, attribute) {
                labels.add(term_name, Category::Mapped, &mut facility);
            }
        } else {
            labels.add(term_name, Category::Mapped, &mut facility);
        }
    }
    if !own_terms {
        // A directory that is not carefind's: its native fields say what they can.
        // A language carefind has no term for is kept as the source's language (in
        // `hsds`), never turned into a service.
        for language in array(service, "languages") {
            let known = [text(Some(language), "code"), text(Some(language), "name")]
                .into_iter()
                .filter(|word| !word.is_empty())
                .find_map(|word| <crate::Language as Term>::parse_one(word).ok());
            if let Some(known) = known {
                facility.languages.insert(known);
            }
        }
        for cost in array(service, "cost_options") {
            labels.add(text(Some(cost), "option"), Category::Mapped, &mut facility);
        }
        let age = |key: &str| service.and_then(|s| s.get(key)).and_then(Value::as_f64);
        facility.ages = facility.ages | ages_between(age("minimum_age"), age("maximum_age"));
    }
    facility.care = facility.care | options.care;
    facility.kinds = facility.kinds | options.kinds;
    // The hours: the service at this location's own schedules, else the service's, else
    // the location's.
    let read = [Some(sal), service, Some(location)]
        .into_iter()
        .map(|object| array(object, "schedules"))
        .find(|schedules| !schedules.is_empty())
        .map(super::schedule::read);
    if let Some(read) = read {
        if read.not_carried > 0 {
            notes.push(format!(
                "{}: {} schedule(s) with dates, monthly or other recurrences, or no times are not in the hours searched (weekly hours only); kept for HSDS export",
                at("schedules"),
                read.not_carried
            ));
        }
        if let Some(hours) = read.hours {
            facility.hours = hours;
        }
    }
    crate::hours::check(&mut facility)
        .map_err(|(field, problem)| place.error(field, String::new(), problem))?;
    let capacities = capacities(service, &at, &mut notes);
    facility.hsds = super::kept::keep(sal, service, organization, location, &facility);
    Ok((facility, capacities, notes))
}

/// An attribute's term: nested, or named by id alone when it is carefind's (a carefind
/// document nests each term only where it is first used).
fn term_of(attribute: &Value) -> Option<&Value> {
    match attribute.get("taxonomy_term").filter(|t| t.is_object()) {
        Some(term) => Some(term),
        None => super::term(text(Some(attribute), "taxonomy_term_id")),
    }
}

/// Applies a term of one of carefind's taxonomies; false when its code is not carefind's.
fn own_term(
    facility: &mut Facility,
    taxonomy: &str,
    code: &str,
    name: &str,
    attribute: &Value,
) -> bool {
    fn into<T: Term>(set: &mut crate::set::Set<T>, code: &str) -> bool {
        match T::parse_one(code) {
            Ok(term) => {
                set.insert(term);
                true
            }
            Err(_) => false,
        }
    }
    match taxonomy {
        taxonomy::CARE => into(&mut facility.care, code),
        taxonomy::PAYMENT => into(&mut facility.payment, code),
        taxonomy::AGE => into(&mut facility.ages, code),
        taxonomy::POPULATION => into(&mut facility.populations, code),
        taxonomy::LANGUAGE => into(&mut facility.languages, code),
        taxonomy::MEDICATION => into(&mut facility.medications, code),
        taxonomy::KIND => into(&mut facility.kinds, code),
        taxonomy::MH_TYPE => into(&mut facility.mh_types, code),
        taxonomy::CREDENTIAL => into(&mut facility.credentials, code),
        // Derived from the levels of care on the way out: nothing to keep on the way in.
        taxonomy::ASAM => code.parse::<crate::Asam>().is_ok(),
        taxonomy::PRECISION => match code.parse::<Precision>() {
            Ok(precision) => {
                facility.precision = precision;
                true
            }
            Err(_) => false,
        },
        taxonomy::SERVICE => {
            if !name.is_empty() && !facility.services.iter().any(|s| s == name) {
                facility.services.push(name.replace(';', ","));
            }
            true
        }
        taxonomy::LISTING => {
            let value = text(Some(attribute), "value").trim();
            let flag = crate::hours::yes_no(value);
            match code {
                "source" => facility.source = value.to_string(),
                "walk-in" => facility.walk_in = value.to_string(),
                "same-day-medication" => facility.same_day_medication = flag,
                "counseling-required" => facility.counseling_required = flag,
                "telehealth-intake" => facility.telehealth_intake = flag,
                "level-hours" => facility.level_hours = value.to_string(),
                "timezone" => facility.timezone = value.to_string(),
                "services" => {
                    for service in value.split(';').map(str::trim) {
                        if !service.is_empty() && !facility.services.iter().any(|s| s == service) {
                            facility.services.push(service.to_string());
                        }
                    }
                }
                _ => return false,
            }
            true
        }
        _ => false,
    }
}

/// The age groups a range of ages overlaps (`None`: unbounded on that side).
fn ages_between(minimum: Option<f64>, maximum: Option<f64>) -> crate::age::AgeSet {
    use crate::age::AgeGroup::*;
    if minimum.is_none() && maximum.is_none() {
        return crate::age::AgeSet::EMPTY;
    }
    let (low, high) = (minimum.unwrap_or(0.0), maximum.unwrap_or(f64::INFINITY));
    [
        (Children, 0.0, 17.0),
        (YoungAdults, 18.0, 25.0),
        (Adults, 26.0, 64.0),
        (Seniors, 65.0, f64::INFINITY),
    ]
    .into_iter()
    .filter(|(_, from, to)| low <= *to && high >= *from)
    .map(|(group, _, _)| group)
    .collect()
}

/// The bed counts of a service's capacities; others noted and left.
fn capacities(
    service: Option<&Value>,
    at: &dyn Fn(&str) -> String,
    notes: &mut Vec<String>,
) -> Vec<Update> {
    let mut updates = Vec::new();
    for (i, capacity) in array(service, "capacities").iter().enumerate() {
        let here = at(&format!("service/capacities/{i}"));
        let unit = capacity.get("unit");
        if !super::kept::in_beds(capacity) {
            notes.push(format!(
                "{here}: a capacity in {:?}, not beds, is not availability; kept for HSDS export",
                text(unit, "name")
            ));
            continue;
        }
        let count = |key: &str| {
            capacity
                .get(key)
                .and_then(Value::as_f64)
                .filter(|n| *n >= 0.0 && n.fract() == 0.0 && *n <= f64::from(u32::MAX))
                .map(|n| n as u32)
        };
        let (Some(available), Ok(updated)) = (
            count("available"),
            text(Some(capacity), "updated").parse::<jiff::Timestamp>(),
        ) else {
            notes.push(format!("{here}: a capacity without a whole available count and an updated time ({} / {:?}) was not used", shown(capacity.get("available")), text(Some(capacity), "updated")));
            continue;
        };
        let mut update = Update::new("", updated);
        update.beds_available = Some(available);
        update.beds_total = count("maximum");
        update.care = array(Some(capacity), "attributes")
            .iter()
            .find_map(|attribute| {
                let term = term_of(attribute)?;
                (text(Some(term), "taxonomy") == taxonomy::CARE)
                    .then(|| text(Some(term), "code").parse::<CareLevel>().ok())
                    .flatten()
            });
        if let Err(error) = update.check(jiff::Timestamp::now()) {
            notes.push(format!(
                "{here}: a capacity was not used: {} {error}",
                error.field()
            ));
            continue;
        }
        updates.push(update);
    }
    updates
}
