//! The reader behind the label, code and geocoded CSV formats and the National Directory
//! workbooks: columns found by [`Columns`], rows turned into facilities, ids derived when
//! the file has none.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io;

use csv::ByteRecord;

use crate::error::{Error, Problem, RowError};
use crate::facility::Facility;
use crate::load::columns::{CodeMeaning, Columns, Field};
use crate::load::keys::{name_key, street_key};
use crate::load::labels::{Category, Labels};
use crate::load::records::{decode, guarded, read_record, reader_builder};
use crate::load::tally::{IdSource, Tally};
use crate::load::{LoadOptions, Loaded, Repair};
use crate::set::Set;
use crate::sphere::LatLon;

/// Which tabular format is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    /// Service labels name the levels of care; `LoadOptions::care` adds to them.
    Labels,
    /// `LoadOptions::care` is the levels of care of every row.
    Geocoded,
    /// 0/1 columns named by service codes say what each facility offers.
    Codes,
}

pub(crate) fn load(
    reader: impl io::Read,
    source: &str,
    options: &LoadOptions,
    format: Format,
) -> Result<Loaded, Error> {
    let mut csv = reader_builder().from_reader(guarded(reader));
    let mut record = ByteRecord::new();
    if !read_record(&mut csv, &mut record, source)? {
        return Err(Error::EmptyFile {
            file: source.to_string(),
        });
    }
    let names = record
        .iter()
        .map(|raw| decode(raw).0.trim().to_string())
        .collect();
    let mut table = Table::new(names, source, options, format)?;
    while read_record(&mut csv, &mut record, source)? {
        let line = record.position().map_or(0, |position| position.line());
        table.row(&record, line)?;
    }
    Ok(table.finish())
}

/// A table being loaded: its columns, found from its header, and the tally of its rows.
/// The CSV formats feed it records; the workbook reader feeds it rows of cells.
pub(crate) struct Table<'a> {
    columns: Columns,
    options: &'a LoadOptions,
    derive_ids: bool,
    tally: Tally<'a>,
    /// The meanings of the codes the `service_code_info` lists have named so far.
    codes: HashMap<String, Option<CodeMeaning>>,
}

impl<'a> Table<'a> {
    /// Finds the columns of a header (`names`, trimmed) for `format`.
    pub(crate) fn new(
        names: Vec<String>,
        source: &'a str,
        options: &'a LoadOptions,
        format: Format,
    ) -> Result<Self, Error> {
        // An empty file is named as such (by the caller) before anything is said of what
        // its rows lack.
        if format == Format::Geocoded && options.care.is_empty() {
            return Err(Error::CareNotGiven {
                file: source.to_string(),
            });
        }
        let mut columns = Columns::find(names, &options.columns, source)?;
        if format == Format::Codes {
            columns.find_codes();
            if columns.codes.is_empty() && columns.position(Field::ServiceCodes).is_none() {
                return Err(Error::UndetectedColumn {
                    file: source.to_string(),
                    field: "service codes",
                    looked_for: "0/1 columns named by SAMHSA service codes, such as oit, res, md"
                        .into(),
                    found: crate::error::shown_header(&columns.names),
                });
            }
        }
        if format == Format::Labels && columns.services.is_empty() {
            return Err(Error::UndetectedColumn {
                file: source.to_string(),
                field: Field::Services.name(),
                looked_for: "services, or any name ending in \"services\"".into(),
                found: crate::error::shown_header(&columns.names),
            });
        }
        let derive_ids = columns.position(Field::Id).is_none();
        let tally = Tally::new(source, options, columns.ignored());
        Ok(Table {
            columns,
            options,
            derive_ids,
            tally,
            codes: HashMap::new(),
        })
    }

    /// Loads or rejects one data row, which starts on `line`.
    pub(crate) fn row(&mut self, record: &ByteRecord, line: u64) -> Result<(), Error> {
        let row = Row::decode(&self.columns, record, line, &mut self.tally);
        let parsed = row.facility(self.options, &mut self.codes);
        if let Ok((_, unknown)) = &parsed {
            self.tally.unknown_labels(unknown.clone());
        }
        let ids = match self.derive_ids {
            true => IdSource::Derived {
                content: content_hash(record),
            },
            false => IdSource::Given,
        };
        self.tally
            .take_from(line, parsed.map(|(facility, _)| facility), ids)
    }

    /// Rejects a row for a reason found before it was read (it could not be placed, say).
    pub(crate) fn reject(&mut self, error: RowError) -> Result<(), Error> {
        self.tally
            .take_from(error.line, Err(error), IdSource::Given)
    }

    /// Notes how `rows` rows were placed.
    pub(crate) fn placed(&mut self, how: &str, rows: u64) {
        self.tally.placed(how, rows);
    }

    pub(crate) fn finish(self) -> Loaded {
        self.tally.finish()
    }
}

/// One data row, its fields decoded.
struct Row<'a> {
    columns: &'a Columns,
    fields: Vec<Cow<'a, str>>,
    line: u64,
}

impl<'a> Row<'a> {
    /// Decodes every field, noting each that had to be read as Windows-1252.
    fn decode(
        columns: &'a Columns,
        record: &'a ByteRecord,
        line: u64,
        tally: &mut Tally<'_>,
    ) -> Row<'a> {
        let mut fields = Vec::with_capacity(record.len());
        for (i, raw) in record.iter().enumerate() {
            let (text, repaired) = decode(raw);
            if repaired {
                tally.repaired(Repair {
                    line,
                    column: columns.names.get(i).cloned().unwrap_or_default(),
                    value: text.trim().to_string(),
                    what: "not UTF-8; read as Windows-1252",
                });
            }
            fields.push(text);
        }
        Row {
            columns,
            fields,
            line,
        }
    }

    fn error(&self, column: Option<usize>, problem: Problem) -> RowError {
        RowError {
            line: self.line,
            column: column.and_then(|i| self.columns.names.get(i).cloned()),
            value: column.map(|i| self.at(i).to_string()).unwrap_or_default(),
            problem,
        }
    }

    fn at(&self, i: usize) -> &str {
        self.fields.get(i).map_or("", |text| text.trim())
    }

    /// The trimmed text of a field, empty when no column holds it.
    fn text(&self, field: Field) -> &str {
        self.columns.position(field).map_or("", |i| self.at(i))
    }

    fn required(&self, field: Field) -> Result<&str, RowError> {
        match self.text(field) {
            "" => Err(self.error(self.columns.position(field), Problem::Empty)),
            text => Ok(text),
        }
    }

    fn number(&self, field: Field) -> Result<f64, RowError> {
        self.required(field)?
            .parse()
            .map_err(|_| self.error(self.columns.position(field), Problem::NotANumber))
    }

    fn location(&self) -> Result<LatLon, RowError> {
        let (lat, lon) = (self.number(Field::Lat)?, self.number(Field::Lon)?);
        LatLon::new(lat, lon).map_err(|error| {
            let field = match error {
                crate::error::CoordinateError::Latitude(_) => Field::Lat,
                crate::error::CoordinateError::Longitude(_) => Field::Lon,
            };
            self.error(self.columns.position(field), Problem::Coordinate(error))
        })
    }

    /// The facility, and the labels no table knows.
    fn facility(
        &self,
        options: &LoadOptions,
        codes: &mut HashMap<String, Option<CodeMeaning>>,
    ) -> Result<(Facility, Vec<String>), RowError> {
        let fields = self.fields.iter().map(|field| field.as_bytes());
        if let Some((at, swallowed)) =
            super::guard::runaway_quote(fields, self.columns.names.len(), b',')
        {
            return Err(RowError {
                line: self.line,
                column: self.columns.names.get(at).cloned(),
                value: crate::error::excerpt(self.at(at), 60),
                problem: Problem::RunawayQuote {
                    last_line: self.line + swallowed,
                    swallowed,
                },
            });
        }
        if self.fields.len() != self.columns.names.len() {
            return Err(RowError {
                line: self.line,
                column: None,
                value: String::new(),
                problem: Problem::FieldCount {
                    expected: self.columns.names.len(),
                    found: self.fields.len(),
                },
            });
        }
        let name = self.required(Field::Name)?;
        let location = self.location()?;
        let mut facility = Facility::new(String::new(), name, location);
        facility.name2 = self.text(Field::Name2).to_string();
        facility.street = join_street(self.text(Field::Street), self.text(Field::Street2));
        facility.city = self.text(Field::City).to_string();
        facility.state = self.text(Field::State).to_string();
        facility.zip = zip(self.text(Field::Zip));
        facility.phone = self.text(Field::Phone).to_string();
        facility.intake_phone = self.text(Field::IntakePhone).to_string();
        facility.website = self.text(Field::Website).to_string();
        facility.kinds = Set::parse_list(self.text(Field::Kind)).map_err(|error| {
            self.error(
                self.columns.position(Field::Kind),
                Problem::Unknown(Box::new(error)),
            )
        })?;
        facility.kinds = facility.kinds | options.kinds;
        // SAMHSA's `coord_match` names how a point was matched; only `zip5` is a centroid.
        facility.precision = self.text(Field::Precision).parse().unwrap_or_default();
        facility.id = match self.columns.position(Field::Id) {
            Some(_) => self.required(Field::Id)?.to_string(),
            None => derived_id(&facility),
        };

        let mut labels = Labels::default();
        for &column in &self.columns.services {
            for label in self.at(column).split(';') {
                labels.add(label, Category::Mapped, &mut facility);
            }
        }
        // The list first, so that services come in its order whether or not 0/1 columns
        // repeat some of its codes.
        let listed = self.text(Field::ServiceCodes).split_whitespace();
        for code in listed.filter(|code| *code != "*") {
            // Each code is looked up once per table: a directory lists dozens a row.
            let meaning = match codes.get(code) {
                Some(meaning) => meaning,
                None => codes
                    .entry(code.to_string())
                    .or_insert_with(|| CodeMeaning::of_listed(code)),
            };
            if let Some(meaning) = meaning {
                meaning.apply(&mut labels, &mut facility);
            }
        }
        for code in &self.columns.codes {
            match self.at(code.at) {
                "" | "0" => {}
                "1" => code.meaning.apply(&mut labels, &mut facility),
                _ => return Err(self.error(Some(code.at), Problem::WrongType("0 or 1"))),
            }
        }
        let unknown = labels.apply(&mut facility);
        facility.care = facility.care | options.care;
        if facility.care.is_empty() {
            return Err(self.error(self.columns.services.first().copied(), Problem::NoCareLevel));
        }
        Ok((facility, unknown))
    }
}

pub(crate) fn join_street(street: &str, street2: &str) -> String {
    match (street, street2) {
        (street, "") => street.to_string(),
        ("", street2) => street2.to_string(),
        (street, street2) => format!("{street}, {street2}"),
    }
}

/// A ZIP code with the leading zeros a spreadsheet dropped put back (`2134` → `02134`).
pub(crate) fn zip(text: &str) -> String {
    if (3..5).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit()) {
        format!("{text:0>5}")
    } else {
        text.to_string()
    }
}

/// An id from what identifies a listing, so that a re-import of the same list, or another
/// source's listing of the same facility, gives the same id: `g-` and 16 hex digits of a
/// 64-bit FNV-1a hash.
///
/// With a street address, the hash is of the name as [`name_key`] reads it (case,
/// punctuation, "Inc", "Ctr" and the like aside), the street as [`street_key`] reads it
/// (street types abbreviated, the suite or floor left out), the city, state and five-digit
/// ZIP: what two directories agree on when they list one facility. Without one (exports
/// leave addresses out, and one organisation's programs in one city then differ only by
/// them), it is of every word of the name, second name, city, state, ZIP and phone and
/// the point to 5 decimals (about a meter). Listings of one file that still share an id
/// are told apart by their content (see `Tally::disambiguate`).
pub(crate) fn derived_id(facility: &Facility) -> String {
    let mut hash = Fnv::default();
    let mut eat = |byte: u8| hash.eat(byte);
    let street = street_key(&facility.street);
    let zip5: String = facility.zip.chars().take(5).collect();
    let parts: Vec<String> = if street.is_empty() {
        [
            &facility.name,
            &facility.name2,
            &facility.street,
            &facility.city,
            &facility.state,
            &facility.zip,
            &facility.phone,
            &point(facility),
        ]
        .iter()
        .map(|part| words(part).collect::<Vec<_>>().join(" "))
        .collect()
    } else {
        vec![
            name_key(&facility.name),
            street,
            words(&facility.city).collect::<Vec<_>>().join(" "),
            words(&facility.state).collect::<Vec<_>>().join(" "),
            zip5,
        ]
    };
    for part in &parts {
        for word in part.split(' ').filter(|word| !word.is_empty()) {
            word.bytes().for_each(&mut eat);
            eat(b' ');
        }
        eat(0x1f);
    }
    format!("g-{:016x}", hash.0)
}

/// A hash of every field of a record, as read.
fn content_hash(record: &ByteRecord) -> u64 {
    let mut hash = Fnv::default();
    for field in record {
        field.iter().for_each(|&byte| hash.eat(byte));
        hash.eat(0x1f);
    }
    hash.0
}

/// 64-bit FNV-1a: tiny, and fixed forever, unlike the standard library's hasher.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn eat(&mut self, byte: u8) {
        self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
    }
}

fn point(facility: &Facility) -> String {
    let (lat, lon) = (facility.location.lat(), facility.location.lon());
    format!("{:.5} {:.5}", lat + 0.0, lon + 0.0)
}

/// The lower-case alphanumeric words of a text.
pub(crate) fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_ids_ignore_case_and_punctuation_but_not_words() {
        let point = LatLon::new(1.0, 2.0).unwrap();
        let mut a = Facility::new("", "Hope House, Inc.", point);
        a.street = "12 Main St".into();
        let mut b = Facility::new("", "HOPE HOUSE INC", point);
        b.street = "12  main street, Suite 4".into();
        assert_eq!(derived_id(&a), derived_id(&b));
        assert!(derived_id(&a).starts_with("g-") && derived_id(&a).len() == 18);
        b.street = "14 Main St".into();
        assert_ne!(derived_id(&a), derived_id(&b));
        let mut c = a.clone();
        c.name = "Hope Haven".into();
        assert_ne!(derived_id(&a), derived_id(&c), "another name");
        // Another source's listing of the same facility: another phone, second name and
        // point a few metres off.
        let mut d = a.clone();
        d.location = LatLon::new(1.0001, 2.0).unwrap();
        d.phone = "617-555-0100".into();
        d.name2 = "Outpatient".into();
        assert_eq!(derived_id(&a), derived_id(&d), "the same facility");
    }

    #[test]
    fn without_a_street_the_point_and_phone_tell_programs_apart() {
        let point = LatLon::new(1.0, 2.0).unwrap();
        let mut a = Facility::new("", "Hope House", point);
        a.city = "Boston".into();
        let mut c = a.clone();
        c.name2 = "Hope".into();
        c.name = String::new();
        assert_ne!(derived_id(&a), derived_id(&c), "fields do not run together");
        let mut d = a.clone();
        d.location = LatLon::new(1.0001, 2.0).unwrap();
        assert_ne!(
            derived_id(&a),
            derived_id(&d),
            "another site of the same name"
        );
    }

    #[test]
    fn zips_get_their_leading_zeros_back() {
        assert_eq!(zip("2134"), "02134");
        assert_eq!(zip("501"), "00501");
        assert_eq!(zip("10001"), "10001");
        assert_eq!(zip("10001-1234"), "10001-1234");
        assert_eq!(zip("K1A"), "K1A");
    }
}
