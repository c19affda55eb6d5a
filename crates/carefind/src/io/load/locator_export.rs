//! The FindTreatment locator's download, and SAMHSA's National Directories as CSV: one 0/1
//! column per service code (like `findtreatment_export_ma_2025.csv` and
//! `samhsa_su_directory_2022_geo.csv`).
//!
//! Columns are found by their header names as for the other CSV formats (a name, latitude
//! and longitude are required; leading spaces in the header are ignored). Every other
//! column named by one of SAMHSA's service codes is a 0/1 column: `1` means the facility
//! offers the service, `0` or empty that it does not, and anything else rejects the row.
//! Each code names the locator's label for its service, which maps as the label importer
//! maps it: level codes (hid, hit, rd, rs, rl, od, odt, oit, ort, omb, otp, hh...) to their
//! levels of care, a setting code (hi, res, op) with none of its levels to that setting's
//! treatment levels, and payment, ages, populations, languages and medications to theirs;
//! the rest are kept as services. The detox code `dt` names no setting and is kept as a
//! service, so that each detox level counts its own column. A `service_code_info` column
//! (the directories' list of codes, separated by spaces and `*`) is read the same way, so
//! services no 0/1 column names are kept too. Columns that are no field and no code are
//! listed in the report as not read.
//!
//! ```
//! use carefind::CareLevel;
//! use carefind::load::{self, LoadOptions};
//!
//! let csv = " name1, latitude, longitude, oit, hh, md, cbt\nHope,40.7,-74.0,1,,1,1\n";
//! let loaded = load::findtreatment_export::from_reader(csv.as_bytes(), "ma.csv", &LoadOptions::strict())?;
//! let hope = &loaded.facilities[0];
//! assert_eq!(hope.care.iter().collect::<Vec<_>>(), [CareLevel::Iop]);
//! assert!(hope.payment.contains(carefind::Payment::Medicaid));
//! assert_eq!(hope.services, ["Cognitive behavioral therapy"]);
//! # Ok::<(), carefind::Error>(())
//! ```

use std::io;
use std::path::Path;

use crate::error::Error;
use crate::load::records::open;
use crate::load::table::{self, Format};
use crate::load::{LoadOptions, Loaded};

/// Loads a file of 0/1 service-code columns.
///
/// ```no_run
/// use carefind::load::{self, LoadOptions};
///
/// let loaded = load::findtreatment_export::from_path("samhsa_su_directory_2022_geo.csv", &LoadOptions::lenient())?;
/// println!("{}", loaded.report);
/// # Ok::<(), carefind::Error>(())
/// ```
pub fn from_path(path: impl AsRef<Path>, options: &LoadOptions) -> Result<Loaded, Error> {
    let (reader, source) = open(path.as_ref())?;
    from_reader(reader, &source, options)
}

/// Loads 0/1 service-code columns from any reader; `source` names it in errors and in the
/// report.
///
/// ```
/// use carefind::load::{self, LoadOptions};
///
/// let csv = "name1,latitude,longitude,oit\nHope,40.7,-74.0,yes\n";
/// let error = load::findtreatment_export::from_reader(csv.as_bytes(), "x.csv", &LoadOptions::strict())
///     .unwrap_err();
/// assert_eq!(error.to_string(), r#"x.csv: line 2, column "oit", value "yes": is not 0 or 1"#);
/// ```
pub fn from_reader(
    reader: impl io::Read,
    source: &str,
    options: &LoadOptions,
) -> Result<Loaded, Error> {
    table::load(reader, source, options, Format::Codes)
}
