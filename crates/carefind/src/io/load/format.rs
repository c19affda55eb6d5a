//! Which of the library's formats an input is, from its name and first bytes: the one
//! detection the command line and the Python package both use.

use std::fmt;
use std::io::Read;
use std::path::Path;
use std::str::FromStr;

use crate::error::Error;

/// An input format the library reads.
///
/// ```
/// use carefind::load::Format;
///
/// let csv = b"id,name,lat,lon,care\nf1,Hope,40,-74,iop\n";
/// assert_eq!(Format::detect("facilities.csv", csv, false), Format::Native);
/// assert_eq!("findtreatment-export".parse::<Format>()?, Format::FindtreatmentExport);
/// assert_eq!(Format::Hsds.to_string(), "hsds");
/// # Ok::<(), carefind::load::UnknownFormat>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// carefind's own CSV (`load::native`).
    Native,
    /// A carefind snapshot file (`snapshot`).
    Snapshot,
    /// The FindTreatment locator API's JSON (`load::findtreatment`).
    FindtreatmentJson,
    /// CSV with FindTreatment service labels as text (`load::label_csv`).
    FindtreatmentLabels,
    /// CSV with a 0/1 column per service code: the locator's download, or SAMHSA's
    /// National Directories as CSV (`load::findtreatment_export`).
    FindtreatmentExport,
    /// SAMHSA's National Directories as published, `.xlsx` (`load::national_directory`).
    NationalDirectory,
    /// CSV of names, addresses and coordinates (`load::geocoded`).
    Geocoded,
    /// Open Referral HSDS 3.1: a JSON document or a data package directory (`hsds`).
    Hsds,
}

/// Columns of level-of-care codes; a header with two of them is a code export.
const LEVEL_CODES: [&str; 8] = ["hi", "res", "op", "oit", "ort", "odt", "rs", "hid"];

/// Keys only HSDS documents have; a FindTreatment page has `rows` and `frid`.
const HSDS_KEYS: [&str; 6] = [
    "\"service_at_locations\"",
    "\"location_type\"",
    "\"taxonomy_term\"",
    "\"assured_date\"",
    "\"service_id\"",
    "\"location_id\"",
];

/// How much of a file [`Format::detect_path`] reads.
const HEAD_BYTES: u64 = 64 << 10;

impl Format {
    /// Every format, in the order the names list them.
    pub const ALL: [Format; 8] = [
        Format::Native,
        Format::Snapshot,
        Format::FindtreatmentJson,
        Format::FindtreatmentLabels,
        Format::FindtreatmentExport,
        Format::NationalDirectory,
        Format::Geocoded,
        Format::Hsds,
    ];

    /// The format's name: what Python's `format=` takes, and what `carefind.detect` says.
    ///
    /// ```
    /// assert_eq!(carefind::load::Format::FindtreatmentJson.name(), "findtreatment");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Format::Native => "native",
            Format::Snapshot => "snapshot",
            Format::FindtreatmentJson => "findtreatment",
            Format::FindtreatmentLabels => "labels",
            Format::FindtreatmentExport => "findtreatment-export",
            Format::NationalDirectory => "national-directory",
            Format::Geocoded => "geocoded",
            Format::Hsds => "hsds",
        }
    }

    /// Who publishes data in this format, for the source a listing names when the import
    /// is not told one: SAMHSA for its locator's and its directories' formats; `None`
    /// for formats anyone writes (whose rows may name their own source).
    ///
    /// ```
    /// use carefind::load::Format;
    ///
    /// assert_eq!(Format::NationalDirectory.publisher(), Some("SAMHSA National Directory"));
    /// assert_eq!(Format::Geocoded.publisher(), None);
    /// ```
    pub fn publisher(self) -> Option<&'static str> {
        match self {
            Format::NationalDirectory => Some("SAMHSA National Directory"),
            Format::FindtreatmentJson | Format::FindtreatmentLabels => {
                Some("SAMHSA FindTreatment.gov")
            }
            // The locator's download and the directories as CSV share this layout.
            Format::FindtreatmentExport => Some("SAMHSA"),
            Format::Native | Format::Snapshot | Format::Geocoded | Format::Hsds => None,
        }
    }

    /// The format of an input named `name` (a path or a label; only its extension counts)
    /// whose first bytes are `start` (a few kilobytes are plenty), or a directory, which
    /// is an HSDS data package. A CSV that is none of the others is taken as geocoded.
    ///
    /// ```
    /// use carefind::load::Format;
    ///
    /// let export = b"name1,street1,city,state,zip,latitude,longitude,hi,res,op\n";
    /// assert_eq!(Format::detect("ma.csv", export, false), Format::FindtreatmentExport);
    /// let labels = b"name,latitude,longitude,type_of_care_services\n";
    /// assert_eq!(Format::detect("ca.csv", labels, false), Format::FindtreatmentLabels);
    /// assert_eq!(Format::detect("directory.XLSX", b"PK\x03\x04", false), Format::NationalDirectory);
    /// assert_eq!(Format::detect("package", b"", true), Format::Hsds);
    /// ```
    pub fn detect(name: &str, start: &[u8], is_dir: bool) -> Format {
        if is_dir {
            return Format::Hsds;
        }
        let lower = name.to_ascii_lowercase();
        if crate::snapshot::is_snapshot(start) {
            return Format::Snapshot;
        }
        if lower.ends_with(".xlsx") || start.starts_with(b"PK\x03\x04") {
            return Format::NationalDirectory;
        }
        let text = String::from_utf8_lossy(start);
        let text = text.trim_start_matches('\u{feff}').trim_start();
        if lower.ends_with(".json") || text.starts_with('{') || text.starts_with('[') {
            let findtreatment = text.contains("\"frid\"") || text.contains("\"rows\"");
            let hsds = HSDS_KEYS.iter().any(|key| text.contains(key));
            return if hsds && !findtreatment {
                Format::Hsds
            } else {
                Format::FindtreatmentJson
            };
        }
        let header: Vec<String> = text
            .lines()
            .next()
            .unwrap_or_default()
            .split(',')
            .map(|column| column.trim().trim_matches('"').to_ascii_lowercase())
            .collect();
        let has = |column: &str| header.iter().any(|c| c == column);
        if super::native::REQUIRED.iter().all(|column| has(column)) {
            Format::Native
        } else if header.iter().any(|column| column.ends_with("services")) {
            Format::FindtreatmentLabels
        } else if LEVEL_CODES.iter().filter(|code| has(code)).count() >= 2 {
            Format::FindtreatmentExport
        } else {
            Format::Geocoded
        }
    }

    /// The format of the file or directory at `path`, from its name and first 64 KiB.
    ///
    /// ```
    /// use carefind::load::Format;
    ///
    /// let dir = std::env::temp_dir().join(format!("carefind-format-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("a.json");
    /// std::fs::write(&path, r#"{"rows": [], "page": 1}"#)?;
    /// assert_eq!(Format::detect_path(&path)?, Format::FindtreatmentJson);
    /// assert!(Format::detect_path(dir.join("missing.csv")).is_err());
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn detect_path(path: impl AsRef<Path>) -> Result<Format, Error> {
        let path = path.as_ref();
        let name = path.to_string_lossy();
        let io = |source| Error::Io {
            file: name.to_string(),
            source,
        };
        if path.is_dir() {
            return Ok(Format::Hsds);
        }
        let mut start = Vec::new();
        std::fs::File::open(path)
            .and_then(|file| file.take(HEAD_BYTES).read_to_end(&mut start))
            .map_err(io)?;
        Ok(Format::detect(&name, &start, false))
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A format name that is not one of [`Format::name`]'s.
///
/// ```
/// let error = "csv".parse::<carefind::load::Format>().unwrap_err();
/// assert!(error.to_string().starts_with("format \"csv\": use native, snapshot"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownFormat(pub String);

impl fmt::Display for UnknownFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = Format::ALL.iter().map(|format| format.name()).collect();
        write!(f, "format {:?}: use {}", self.0, names.join(", "))
    }
}

impl std::error::Error for UnknownFormat {}

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(name: &str) -> Result<Format, UnknownFormat> {
        Format::ALL
            .into_iter()
            .find(|format| format.name() == name.trim())
            .ok_or_else(|| UnknownFormat(name.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::Format;

    #[test]
    fn every_name_parses_back() {
        for format in Format::ALL {
            assert_eq!(format.name().parse::<Format>(), Ok(format));
        }
    }

    #[test]
    fn a_byte_order_mark_and_quotes_do_not_hide_the_header() {
        let csv = "\u{feff}\"id\",\"name\",\"lat\",\"lon\",\"care\"\n";
        assert_eq!(
            Format::detect("x.csv", csv.as_bytes(), false),
            Format::Native
        );
        assert_eq!(
            Format::detect("x", b"latitude,longitude,name\n", false),
            Format::Geocoded
        );
    }
}
