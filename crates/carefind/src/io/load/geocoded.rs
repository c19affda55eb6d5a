//! Plain geocoded lists: names, addresses and coordinates, and nothing of the care offered
//! (like `samhsa_sa_facilities_2021.csv` and `samhsa_otp_directory.csv`).
//!
//! The levels of care of the whole file come from [`LoadOptions::care`], which is
//! required. Columns are found by their header names (`name`/`name1`/`ID`,
//! `latitude`/`lat`/`Y`, `longitude`/`lon`/`X`, `street1`/`ADDRESS`, `city`, `state`,
//! `zip`/`POSTAL`...; see [`Field`](crate::load::Field)) or named with
//! [`LoadOptions::map_column`]. A column called `ID` holds the names when no other column
//! does, as in the OTP directory. Without an id column, ids are derived from the name, address,
//! phone and point (`g-` and 16 hex digits), so a re-import gives the same ids, and a row
//! that lists the same facility again is reported as a duplicate and skipped. ZIP codes that
//! lost their leading zeros get them back; text that is not UTF-8 is read as
//! Windows-1252 and noted in the report.

use std::io;
use std::path::Path;

use crate::error::Error;
use crate::load::records::open;
use crate::load::table::{self, Format};
use crate::load::{LoadOptions, Loaded};

/// Loads a geocoded CSV file.
///
/// ```no_run
/// use carefind::CareLevel;
/// use carefind::load::{self, LoadOptions};
///
/// let options = LoadOptions::lenient().with_care(CareLevel::Otp.into());
/// let loaded = load::geocoded::from_path("samhsa_otp_directory.csv", &options)?;
/// println!("{}", loaded.report);
/// # Ok::<(), carefind::Error>(())
/// ```
pub fn from_path(path: impl AsRef<Path>, options: &LoadOptions) -> Result<Loaded, Error> {
    let (reader, source) = open(path.as_ref())?;
    from_reader(reader, &source, options)
}

/// Loads geocoded CSV from any reader; `source` names it in errors and in the report.
///
/// ```
/// use carefind::CareLevel;
/// use carefind::error::Problem;
/// use carefind::load::{self, LoadOptions};
///
/// let csv = "ID,ADDRESS,CITY,STATE,POSTAL,Latitude,Longitude\n\
///            Eastside OTP,12 Main St,Hartford,CT,6103,41.76,-72.67\n\
///            Eastside OTP,12 Main St,Hartford,CT,6103,41.76,-72.67\n";
/// let options = LoadOptions::strict().with_care(CareLevel::Otp.into());
/// let loaded = load::geocoded::from_reader(csv.as_bytes(), "otp.csv", &options)?;
/// let otp = &loaded.facilities[0];
/// assert_eq!((otp.name.as_str(), otp.zip.as_str()), ("Eastside OTP", "06103"));
/// assert!(otp.id.starts_with("g-"));
/// assert_eq!(loaded.report.rejected[0].problem, Problem::DuplicateRow { first_line: 2 });
/// # Ok::<(), carefind::Error>(())
/// ```
pub fn from_reader(
    reader: impl io::Read,
    source: &str,
    options: &LoadOptions,
) -> Result<Loaded, Error> {
    table::load(reader, source, options, Format::Geocoded)
}
