//! SAMHSA's National Directories as published: Excel workbooks (`.xlsx`) of names,
//! addresses and `service_code_info`, and no coordinates.
//!
//! The first sheet is read like a code export (see
//! [`findtreatment_export`](crate::load::findtreatment_export)): columns by their header
//! names, and every code of `service_code_info` mapped to levels of care, payment, ages,
//! populations, languages, medications, facility kinds and mental-health types, or kept as
//! a service. As the rows have no coordinates, each is placed as a [`Placement`] says: at
//! its ZIP code's centroid (precision `zip`), or at the point of the same facility in
//! another dataset (matched by name, street and ZIP, then by street and ZIP). A row that
//! cannot be placed is rejected with its line and reason, and the report counts how the
//! others were placed, so `read == loaded + rejected` as for every loader.

use std::collections::HashMap;
use std::path::Path;

use calamine::{Data, Reader};
use csv::ByteRecord;

use crate::error::{Error, Problem, RowError};
use crate::facility::Facility;
use crate::load::table::{Format, Table, join_street, words, zip};
use crate::load::{LoadOptions, Loaded};
use crate::precision::Precision;
use crate::sphere::LatLon;

/// Where the rows of a workbook, which has no coordinates, are placed.
pub enum Placement<'a> {
    /// At the centroid of each row's ZIP code, as the lookup gives it (the CLI passes the
    /// offline ZIP table `--near` uses); precision `zip`.
    ZipCentroid(&'a dyn Fn(&str) -> Option<LatLon>),
    /// At the point of the same facility in another dataset, with that facility's
    /// precision.
    Matched(&'a Points),
}

/// The points of a dataset, by the keys a workbook row is matched on: name, street and
/// ZIP, then street and ZIP alone. Case, punctuation and the order of the street's parts
/// do not matter; where two facilities share a key, the first keeps it.
///
/// ```
/// use carefind::load::national_directory::Points;
/// use carefind::{Facility, LatLon};
///
/// let mut hope = Facility::new("h", "Hope House, Inc.", LatLon::new(40.7, -74.0).unwrap());
/// hope.street = "1 Main St".into();
/// hope.zip = "10001".into();
/// let points = Points::new(&[hope]);
/// assert!(points.find("HOPE HOUSE INC", "1 Main St.", "10001").is_some());
/// assert!(points.find("Another Name", "1 main st", "10001").is_some());
/// assert!(points.find("Hope House", "2 Main St", "10001").is_none());
/// ```
#[derive(Debug, Default)]
pub struct Points {
    by_name: HashMap<String, (LatLon, Precision)>,
    by_street: HashMap<String, (LatLon, Precision)>,
}

/// How a row was placed.
const BY_NAME: &str = "matched by name, street and ZIP";
const BY_STREET: &str = "matched by street and ZIP";
const AT_ZIP: &str = "at the ZIP centroid";

impl Points {
    /// Indexes the points of `facilities`.
    pub fn new(facilities: &[Facility]) -> Points {
        let mut points = Points::default();
        for facility in facilities {
            let point = (facility.location, facility.precision);
            let street = street_key(&facility.street, &facility.zip);
            let name = format!("{}|{street}", joined(&facility.name));
            points.by_name.entry(name).or_insert(point);
            points.by_street.entry(street).or_insert(point);
        }
        points
    }

    /// The point of the facility with this name, street and ZIP, or else with this street
    /// and ZIP; with how it matched.
    pub fn find(&self, name: &str, street: &str, zip: &str) -> Option<(LatLon, Precision)> {
        self.locate(name, street, zip).map(|(point, _)| point)
    }

    fn locate(
        &self,
        name: &str,
        street: &str,
        zip: &str,
    ) -> Option<((LatLon, Precision), &'static str)> {
        let street = street_key(street, zip);
        let name = format!("{}|{street}", joined(name));
        self.by_name
            .get(&name)
            .map(|point| (*point, BY_NAME))
            .or_else(|| self.by_street.get(&street).map(|point| (*point, BY_STREET)))
    }
}

fn joined(text: &str) -> String {
    words(text).collect::<Vec<_>>().join(" ")
}

/// A street and ZIP as a key: lower-case words, and the five digits of the ZIP.
fn street_key(street: &str, zip_code: &str) -> String {
    let digits: String = zip(zip_code.trim()).chars().take(5).collect();
    format!("{}|{digits}", joined(street))
}

/// Loads the first sheet of a National Directory workbook, placing its rows as
/// `placement` says.
///
/// ```no_run
/// use carefind::load::national_directory::{self, Placement};
/// use carefind::load::LoadOptions;
/// use carefind::LatLon;
///
/// let centroid = |zip: &str| (zip == "10001").then(|| LatLon::new(40.75, -73.99).unwrap());
/// let loaded = national_directory::from_path(
///     "samhsa_national_directory_su_2022.xlsx",
///     &LoadOptions::lenient(),
///     &Placement::ZipCentroid(&centroid),
/// )?;
/// println!("{} ({:?})", loaded.report, loaded.report.placed);
/// # Ok::<(), carefind::Error>(())
/// ```
pub fn from_path(
    path: impl AsRef<Path>,
    options: &LoadOptions,
    placement: &Placement,
) -> Result<Loaded, Error> {
    let path = path.as_ref();
    let source = path.display().to_string();
    let workbook = guarded(&source, || calamine::open_workbook_auto(path))?;
    read(workbook, source, options, placement)
}

/// Loads a National Directory workbook held in memory (`.xlsx`, `.xls`, `.xlsb` or `.ods`,
/// told apart by its bytes), as [`from_path`] does a file; `source` names it in messages.
///
/// ```
/// use carefind::load::national_directory::{self, Placement};
/// use carefind::load::LoadOptions;
///
/// let nowhere = |_: &str| None;
/// let error = national_directory::from_slice(b"not a workbook", "upload.xlsx", &LoadOptions::lenient(), &Placement::ZipCentroid(&nowhere)).unwrap_err();
/// assert!(error.to_string().starts_with("upload.xlsx"));
/// ```
pub fn from_slice(
    bytes: &[u8],
    source: &str,
    options: &LoadOptions,
    placement: &Placement,
) -> Result<Loaded, Error> {
    let workbook = guarded(source, || {
        calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
    })?;
    read(workbook, source.to_string(), options, placement)
}

/// Runs a step of the workbook reader, its error or its panic named as the workbook's
/// fault. The reader is a dependency, and some malformed workbooks panic in it (a cell
/// reference of many letters overflows its column count, found by fuzzing): the panic
/// is caught here so that a bad upload is an error, never a crash.
fn guarded<T, E: std::fmt::Display>(
    source: &str,
    step: impl FnOnce() -> Result<T, E>,
) -> Result<T, Error> {
    let failed = |message: String| Error::Workbook {
        file: source.to_string(),
        message,
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(step)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(failed(error.to_string())),
        Err(_) => Err(failed(
            "the workbook is malformed: its reader failed on it".into(),
        )),
    }
}

/// The first sheet of an open workbook, every row loaded or reported.
fn read<RS: std::io::Read + std::io::Seek>(
    mut workbook: calamine::Sheets<RS>,
    source: String,
    options: &LoadOptions,
    placement: &Placement,
) -> Result<Loaded, Error> {
    let sheet = guarded(&source, || {
        workbook
            .worksheet_range_at(0)
            .unwrap_or(Err(calamine::Error::Msg("it has no sheet")))
    })?;
    let mut rows = sheet.rows();
    let Some(header) = rows.next() else {
        return Err(Error::EmptyFile { file: source });
    };
    let mut names: Vec<String> = header
        .iter()
        .map(|cell| text(cell).trim().to_string())
        .collect();
    let column = |wanted: &str| {
        names
            .iter()
            .position(|name| name.eq_ignore_ascii_case(wanted))
    };
    let (name1, street1, street2, zip_column) = (
        column("name1"),
        column("street1"),
        column("street2"),
        column("zip"),
    );
    let Some(zip_column) = zip_column else {
        return Err(Error::UndetectedColumn {
            file: source,
            field: "zip",
            looked_for: "zip".into(),
            found: crate::error::shown_header(&names),
        });
    };
    let width = names.len();
    names.extend(["latitude", "longitude", "precision"].map(String::from));
    let mut table = Table::new(names, &source, options, Format::Codes)?;
    let mut fields: Vec<String> = Vec::with_capacity(width + 3);
    for (at, row) in rows.enumerate() {
        // The header is line 1, as a spreadsheet numbers rows.
        let line = at as u64 + 2;
        fields.clear();
        fields.extend(row.iter().take(width).map(text));
        fields.resize(width, String::new());
        if fields.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        let cell = |column: Option<usize>| column.map_or("", |i| fields[i].trim());
        let street = join_street(cell(street1), cell(street2));
        let zip_code = cell(Some(zip_column)).to_string();
        let placed = match placement {
            Placement::ZipCentroid(centroid) => centroid(&zip(&zip_code))
                .map(|point| ((point, Precision::Zip), AT_ZIP))
                .ok_or("its ZIP code is not in the ZIP table"),
            Placement::Matched(points) => points
                .locate(cell(name1), &street, &zip_code)
                .ok_or("no facility of the coordinates file has its name, street and ZIP, or its street and ZIP"),
        };
        match placed {
            Ok(((point, precision), how)) => {
                table.placed(how, 1);
                fields.extend([
                    point.lat().to_string(),
                    point.lon().to_string(),
                    precision.to_string(),
                ]);
                let record = ByteRecord::from(fields.clone());
                table.row(&record, line)?;
            }
            Err(reason) => table.reject(RowError {
                line,
                column: Some("zip".into()),
                value: zip_code,
                problem: Problem::NotPlaced(reason),
            })?,
        }
    }
    Ok(table.finish())
}

/// A cell as text: whole numbers without a decimal point (ZIP codes and phone numbers
/// typed as numbers), everything else as the reader shows it.
fn text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::Float(number) if number.fract() == 0.0 && number.abs() < 1e15 => {
            format!("{}", *number as i64)
        }
        other => other.to_string(),
    }
}
