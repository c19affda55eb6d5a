//! Loading facilities: one module per input format, one report for all.
//!
//! Every loader streams its input and accounts for every row: it is either loaded or
//! rejected with its line, column and reason, so `read == loaded + rejected` always. In
//! strict mode (the default) the first bad row stops the load with an
//! [`Error::Row`](crate::Error::Row); in lenient mode the load goes on and the report lists
//! every rejection.

use std::fmt;

use crate::error::RowError;
use crate::facility::Facility;

pub mod native;

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
        LoadOptions { mode: Mode::Strict }
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
        }
    }
}

/// The tally of a load: rows read, loaded and rejected (with reasons).
///
/// ```
/// use carefind::load::{self, LoadOptions};
///
/// let csv = "id,name,lat,lon,care,notes\na,A,1,2,iop,x\nb,B,1,2,,y\n";
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
        )
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
