//! CSV exports of the FindTreatment locator, with its service labels as text (like
//! `findtreatment_ca_residential_2025.csv`).
//!
//! Columns are found by their header names (see [`Field`](crate::load::Field)): a name,
//! latitude and longitude are required, and every column whose name ends in "services"
//! holds `;`-separated labels, which name the levels of care, payment, ages, populations,
//! languages and medications; other labels are kept as services, and those no table
//! knows are counted in [`LoadReport::unknown_labels`](crate::load::LoadReport). Without
//! an id column, ids are derived from the name, address, phone and point, so a re-import
//! gives the same ids, and a row listing the same facility again is reported as a
//! duplicate and skipped. Text that
//! is not UTF-8 is read as Windows-1252 and noted in the report.

use std::io;
use std::path::Path;

use crate::error::Error;
use crate::load::records::open;
use crate::load::table::{self, Format};
use crate::load::{LoadOptions, Loaded};

/// Loads a label CSV file.
///
/// ```no_run
/// use carefind::load::{self, LoadOptions};
///
/// let loaded = load::label_csv::from_path("findtreatment_ca_residential_2025.csv", &LoadOptions::lenient())?;
/// println!("{}", loaded.report);
/// # Ok::<(), carefind::Error>(())
/// ```
pub fn from_path(path: impl AsRef<Path>, options: &LoadOptions) -> Result<Loaded, Error> {
    let (reader, source) = open(path.as_ref())?;
    from_reader(reader, &source, options)
}

/// Loads label CSV from any reader; `source` names it in errors and in the report.
///
/// ```
/// use carefind::{CareLevel, Payment};
/// use carefind::load::{self, LoadOptions};
///
/// let csv = "Name,Latitude,Longitude,All Services\n\
///            Hope House,34.05,-118.25,\"Residential/24-hour residential; Short-term residential; \
///            Medicaid; Cognitive behavioral therapy; Equine therapy\"\n";
/// let loaded = load::label_csv::from_reader(csv.as_bytes(), "ca.csv", &LoadOptions::strict())?;
/// let hope = &loaded.facilities[0];
/// assert_eq!(hope.care.iter().collect::<Vec<_>>(), [CareLevel::ResidentialShort]);
/// assert!(hope.payment.contains(Payment::Medicaid));
/// assert_eq!(hope.services, ["Cognitive behavioral therapy", "Equine therapy"]);
/// assert_eq!(loaded.report.unknown_labels, [("Equine therapy".to_string(), 1)]);
/// # Ok::<(), carefind::Error>(())
/// ```
pub fn from_reader(
    reader: impl io::Read,
    source: &str,
    options: &LoadOptions,
) -> Result<Loaded, Error> {
    table::load(reader, source, options, Format::Labels)
}
