//! Writing facilities in the native carefind CSV format.
//!
//! The writer writes what the loader reads back: every column of
//! [`load::native::COLUMNS`](crate::load::native::COLUMNS), text trimmed as the loader trims
//! it, sets as canonical names, coordinates as the shortest decimals that parse back to the
//! same numbers. So load → save → load gives the same facilities.

use std::borrow::Cow;
use std::io;
use std::path::Path;

use crate::error::Error;
use crate::facility_ref::FacilityRef;
use crate::load::native::COLUMNS;
use crate::precision::Precision;
use crate::status::Status;

/// Writes facilities as native CSV to `writer`; `target` names it in errors.
///
/// Fails, before writing the row, on a facility whose service contains `;` (the list
/// separator), which could not be read back as written.
///
/// ```
/// use carefind::{Facility, LatLon, save};
///
/// let mut facility = Facility::new("f1", "Hope, Inc.", LatLon::new(40.7, -74.0).unwrap());
/// facility.care = "iop;otp".parse().unwrap();
/// let mut out = Vec::new();
/// save::to_writer(&mut out, "memory", [&facility]).unwrap();
/// let text = String::from_utf8(out).unwrap();
/// assert!(text.starts_with("id,name,name2,"));
/// assert!(text.contains("f1,\"Hope, Inc.\","));
/// assert!(text.contains(",40.7,-74,iop;otp,"));
/// ```
pub fn to_writer<'a, F: Into<FacilityRef<'a>>>(
    mut writer: impl io::Write,
    target: &str,
    facilities: impl IntoIterator<Item = F>,
) -> Result<(), Error> {
    let io_error = |source| io_error(target, source);
    let mut header = csv::Writer::from_writer(Vec::new());
    header
        .write_record(COLUMNS)
        .map_err(|error| io_error(error.into()))?;
    let header = header
        .into_inner()
        .map_err(|error| io_error(error.into_error()))?;
    writer.write_all(&header).map_err(io_error)?;
    let mut batch = Vec::with_capacity(PARALLEL_ROWS);
    let mut facilities = facilities.into_iter().map(Into::into);
    loop {
        batch.clear();
        batch.extend(facilities.by_ref().take(PARALLEL_ROWS));
        let parts = if batch.len() < PARALLEL_ROWS {
            vec![format_rows(target, &batch)]
        } else {
            use rayon::prelude::*;
            batch
                .par_chunks(1024)
                .map(|chunk| format_rows(target, chunk))
                .collect()
        };
        // In order, up to the first facility that cannot be written.
        for (rows, failure) in parts {
            writer.write_all(&rows).map_err(io_error)?;
            if let Some(failure) = failure {
                return Err(failure);
            }
        }
        if batch.len() < PARALLEL_ROWS {
            return writer.flush().map_err(io_error);
        }
    }
}

/// The rows a writer formats on every core at once: a large file's rows (a directory's
/// 18,000 made a seventh of an import's time on one core), never a search's few, which
/// would wait for threads to start.
const PARALLEL_ROWS: usize = 8192;

fn io_error(target: &str, source: io::Error) -> Error {
    Error::Io {
        file: target.to_string(),
        source,
    }
}

/// `facilities` formatted as CSV rows, up to the first that cannot be written and why.
fn format_rows(target: &str, facilities: &[FacilityRef<'_>]) -> (Vec<u8>, Option<Error>) {
    let mut csv = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::with_capacity(facilities.len() * 256));
    let mut failure = None;
    for &facility in facilities {
        if let Some(service) = facility.services().find(|s| s.contains(';')) {
            failure = Some(Error::InvalidFacility {
                id: facility.id().to_string(),
                reason: format!(
                    "service {service:?} contains ';', the list separator of the format"
                ),
            });
            break;
        }
        let fields = fields(facility);
        if let Err(error) = csv.write_record(fields.iter().map(|field| field.as_bytes())) {
            failure = Some(io_error(target, error.into()));
            break;
        }
    }
    match csv.into_inner() {
        Ok(rows) => (rows, failure),
        // Writing into memory does not fail; were it to, the rows are not lost silently.
        Err(error) => (Vec::new(), Some(io_error(target, error.into_error()))),
    }
}

/// A facility as the writer writes it: one field per column of
/// [`COLUMNS`], text trimmed, sets as canonical names joined
/// by `;`, services joined by `;`. (A service containing `;` would not read back as one;
/// [`to_writer`] refuses such a facility.) [`fields`] gives the same without copying
/// the text.
///
/// ```
/// use carefind::{Facility, LatLon, save};
///
/// let mut facility = Facility::new("f1", "Hope", LatLon::new(40.7, -74.0).unwrap());
/// facility.care = "otp;iop".parse().unwrap();
/// let row = save::row(&facility);
/// assert_eq!((row[0].as_str(), row[10].as_str(), row[12].as_str()), ("f1", "40.7", "iop;otp"));
/// ```
pub fn row<'a>(facility: impl Into<FacilityRef<'a>>) -> [String; COLUMNS.len()] {
    fields(facility).map(Cow::into_owned)
}

/// [`row`], with the text fields borrowed from where the facility keeps them: what a
/// writer of many rows wants, since a row then allocates only for its numbers and sets.
///
/// ```
/// use std::borrow::Cow;
/// use carefind::{Index, save};
///
/// let index = Index::sample();
/// let facility = index.facility(0).unwrap();
/// let fields = save::fields(facility);
/// assert!(matches!(fields[1], Cow::Borrowed(_)));
/// assert_eq!(fields.map(Cow::into_owned), save::row(facility));
/// ```
pub fn fields<'a>(facility: impl Into<FacilityRef<'a>>) -> [Cow<'a, str>; COLUMNS.len()] {
    let facility = facility.into();
    let text = |field: &'a str| Cow::Borrowed(field.trim());
    let services: Vec<&str> = facility
        .services()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    [
        text(facility.id()),
        text(facility.name()),
        text(facility.name2()),
        text(facility.street()),
        text(facility.city()),
        text(facility.state()),
        text(facility.zip()),
        text(facility.phone()),
        text(facility.intake_phone()),
        text(facility.website()),
        facility.location().lat().to_string().into(),
        facility.location().lon().to_string().into(),
        facility.care().to_string().into(),
        facility.payment().to_string().into(),
        facility.ages().to_string().into(),
        facility.populations().to_string().into(),
        facility.languages().to_string().into(),
        facility.medications().to_string().into(),
        match services.as_slice() {
            [] => Cow::Borrowed(""),
            [one] => Cow::Borrowed(one),
            more => more.join(";").into(),
        },
        facility.kinds().to_string().into(),
        facility.mh_types().to_string().into(),
        facility.credentials().to_string().into(),
        match facility.precision() {
            Precision::Point => Cow::Borrowed(""),
            zip => zip.to_string().into(),
        },
        match facility.status() {
            Status::Active => Cow::Borrowed(""),
            closed => closed.to_string().into(),
        },
        facility
            .verified()
            .map_or(Cow::Borrowed(""), |date| date.to_string().into()),
        text(facility.source()),
        text(facility.hours()),
        text(facility.level_hours()),
        text(facility.timezone()),
        text(facility.walk_in()),
        yes_no(facility.same_day_medication()),
        yes_no(facility.counseling_required()),
        yes_no(facility.telehealth_intake()),
        text(facility.hsds()),
    ]
}

/// A stated-or-unknown flag as every CSV writes it: `yes`, `no`, or empty for unknown.
pub(crate) fn yes_no(flag: Option<bool>) -> Cow<'static, str> {
    Cow::Borrowed(match flag {
        None => "",
        Some(true) => "yes",
        Some(false) => "no",
    })
}

/// Writes facilities as native CSV to a file, replacing it.
///
/// ```no_run
/// use carefind::{Index, save};
///
/// let index = Index::sample();
/// save::to_path("copy.csv", index.facilities())?;
/// # Ok::<(), carefind::Error>(())
/// ```
pub fn to_path<'a, F: Into<FacilityRef<'a>>>(
    path: impl AsRef<Path>,
    facilities: impl IntoIterator<Item = F>,
) -> Result<(), Error> {
    let path = path.as_ref();
    let target = path.display().to_string();
    let mut staged = crate::staged::StagedFile::new(path)?;
    to_writer(io::BufWriter::new(staged.file()), &target, facilities)?;
    staged.commit()
}
