//! Loading facilities: one module per input format, one report for all.
//!
//! - [`native`]: the carefind CSV format;
//! - [`findtreatment`]: the FindTreatment locator API's JSON;
//! - [`label_csv`]: CSV exports with the locator's service labels as text;
//! - [`geocoded`]: plain lists of names, addresses and coordinates.
//!
//! Every loader streams its input and accounts for every row: it is either loaded or
//! rejected with its line, column and reason, so `read == loaded + rejected` always. In
//! strict mode (the default) the first bad row stops the load with an
//! [`Error::Row`](crate::Error::Row); in lenient mode the load goes on and the report lists
//! every rejection. Labels that map to nothing and fields repaired on the way (text that
//! was not UTF-8) are in the report too. To combine sources, see [`merge`](crate::merge).

use std::fmt;

use crate::care::CareSet;
use crate::error::RowError;
use crate::facility::Facility;
use crate::kind::KindSet;

mod columns;
mod cuts;
pub mod findtreatment;
mod format;
// The file is named for what it reads, so that no source file carries a dataset's name.
#[path = "locator_export.rs"]
pub mod findtreatment_export;
pub mod geocoded;
pub(crate) mod guard;
pub mod keys;
pub mod label_csv;
pub(crate) mod labels;
pub mod national_directory;
pub mod native;
mod records;
mod service_codes;
mod table;
pub(crate) mod tally;

pub use columns::Field;
pub use format::{Format, UnknownFormat};
pub use guard::{Guarded, InputProblem, MAX_COLUMNS, MAX_HEADER_BYTES, MAX_RECORD_BYTES, excerpt};
pub use records::guarded;
pub(crate) use table::words;

/// What to do with a bad row.
///
/// ```
/// use carefind::load::Mode;
///
/// assert_eq!(Mode::default(), Mode::Strict);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// Stop at the first bad row with an error naming its line, column and value.
    #[default]
    Strict,
    /// Reject the row, note it in the report, and go on.
    Lenient,
}

/// How to load.
///
/// ```
/// use carefind::load::{LoadOptions, Mode};
///
/// assert_eq!(LoadOptions::lenient().mode, Mode::Lenient);
/// ```
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct LoadOptions {
    /// What to do with a bad row.
    pub mode: Mode,
    /// Levels of care every facility of the input offers: required for a [`geocoded`]
    /// list, which names none, and added to what the other importers read. The native
    /// format ignores it.
    pub care: CareSet,
    /// Columns named by the user, `(field, header name)`, over the detected ones
    /// ([`label_csv`] and [`geocoded`] only).
    pub columns: Vec<(Field, String)>,
    /// Kinds every facility of the input has, added to what it says (a National
    /// Directory workbook does not say which directory it is). The native format ignores
    /// it.
    pub kinds: KindSet,
}

impl LoadOptions {
    /// Stop at the first bad row.
    ///
    /// ```
    /// use carefind::load::{LoadOptions, Mode};
    ///
    /// assert_eq!(LoadOptions::strict().mode, Mode::Strict);
    /// ```
    pub fn strict() -> Self {
        LoadOptions::default()
    }

    /// Reject bad rows and go on.
    ///
    /// ```
    /// use carefind::load::{LoadOptions, Mode};
    ///
    /// assert_eq!(LoadOptions::lenient().mode, Mode::Lenient);
    /// ```
    pub fn lenient() -> Self {
        LoadOptions {
            mode: Mode::Lenient,
            ..LoadOptions::default()
        }
    }

    /// These options, with `care` for every facility.
    ///
    /// ```
    /// use carefind::CareLevel;
    /// use carefind::load::LoadOptions;
    ///
    /// let options = LoadOptions::strict().with_care(CareLevel::Otp.into());
    /// assert!(options.care.contains(CareLevel::Otp));
    /// ```
    pub fn with_care(mut self, care: CareSet) -> Self {
        self.care = care;
        self
    }

    /// These options, with `kinds` for every facility.
    ///
    /// ```
    /// use carefind::FacilityKind;
    /// use carefind::load::LoadOptions;
    ///
    /// let options = LoadOptions::strict().with_kinds(FacilityKind::MentalHealth.into());
    /// assert!(options.kinds.contains(FacilityKind::MentalHealth));
    /// ```
    pub fn with_kinds(mut self, kinds: KindSet) -> Self {
        self.kinds = kinds;
        self
    }

    /// These options, reading `field` from the column named `column`.
    ///
    /// ```
    /// use carefind::load::{Field, LoadOptions};
    ///
    /// let options = LoadOptions::strict().map_column(Field::Name, "ID");
    /// assert_eq!(options.columns, [(Field::Name, "ID".to_string())]);
    /// ```
    pub fn map_column(mut self, field: Field, column: impl Into<String>) -> Self {
        self.columns.push((field, column.into()));
        self
    }
}

/// A field that was repaired rather than rejected, such as text that was not UTF-8 and was
/// read as Windows-1252.
///
/// ```
/// use carefind::load::Repair;
///
/// let repair = Repair {
///     line: 423,
///     column: "ID".into(),
///     value: "Peña Clinic".into(),
///     what: "not UTF-8; read as Windows-1252",
/// };
/// assert_eq!(
///     repair.to_string(),
///     r#"line 423, column "ID", value "Peña Clinic": not UTF-8; read as Windows-1252"#
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repair {
    /// The line on which the row starts.
    pub line: u64,
    /// The column repaired.
    pub column: String,
    /// The value as repaired.
    pub value: String,
    /// What was done.
    pub what: &'static str,
}

impl fmt::Display for Repair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {:?}, value {:?}: {}",
            self.line, self.column, self.value, self.what
        )
    }
}

/// The tally of a load: rows read, loaded and rejected (with reasons).
///
/// ```
/// use carefind::load::{self, LoadOptions};
///
/// let csv = "id,name,lat,lon,care,notes\na,A,1,2,iop,x\nb,B,1,200,iop,y\n";
/// let loaded = load::native::from_reader(csv.as_bytes(), "in.csv", &LoadOptions::lenient()).unwrap();
/// let report = &loaded.report;
/// assert_eq!((report.read, report.loaded, report.rejected.len()), (2, 1, 1));
/// assert_eq!(report.ignored_columns, ["notes"]);
/// assert_eq!(report.to_string(), "in.csv: 2 rows read, 1 loaded, 1 rejected");
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoadReport {
    /// The file or stream read.
    pub source: String,
    /// Data rows read (the header is not counted).
    pub read: u64,
    /// Rows loaded.
    pub loaded: u64,
    /// Rows rejected, in input order.
    pub rejected: Vec<RowError>,
    /// Header columns that the format does not know and that were not read.
    pub ignored_columns: Vec<String>,
    /// Labels that map to no attribute and are no known service, with how many rows had
    /// each, most frequent first. They are kept in the facilities' services.
    pub unknown_labels: Vec<(String, u64)>,
    /// Fields repaired rather than rejected, in input order.
    pub repairs: Vec<Repair>,
    /// For an input without coordinates (a National Directory workbook), how its rows were
    /// placed and how many each way, such as `("zip centroid", 12176)`.
    pub placed: Vec<(String, u64)>,
    /// What the input held besides its rows and was not used, each with where and why
    /// (an HSDS package's row whose foreign key points nowhere, a capacity not in beds).
    pub notes: Vec<String>,
}

impl LoadReport {
    /// Whether every row was loaded.
    ///
    /// ```
    /// use carefind::load::LoadReport;
    ///
    /// assert!(LoadReport::default().is_clean());
    /// ```
    pub fn is_clean(&self) -> bool {
        self.rejected.is_empty()
    }
}

impl fmt::Display for LoadReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} rows read, {} loaded, {} rejected",
            self.source,
            self.read,
            self.loaded,
            self.rejected.len()
        )?;
        if !self.unknown_labels.is_empty() {
            write!(f, ", {} unknown labels", self.unknown_labels.len())?;
        }
        if !self.repairs.is_empty() {
            write!(f, ", {} fields repaired", self.repairs.len())?;
        }
        Ok(())
    }
}

/// Facilities read from one source, with the report.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The facilities, in input order.
    pub facilities: Vec<Facility>,
    /// What happened to every row.
    pub report: LoadReport,
}

/// Facilities read from one source straight into a [`FacilityStore`](crate::FacilityStore)
/// (sorted by id), with the report: what [`native::store_from_path`] gives, for programs
/// that go on to index them ([`Index::from_store`](crate::Index::from_store)) and need no
/// owned records.
#[derive(Clone, Debug)]
pub struct StoreLoaded {
    /// The facilities, sorted by id.
    pub store: crate::FacilityStore,
    /// What happened to every row.
    pub report: LoadReport,
}
