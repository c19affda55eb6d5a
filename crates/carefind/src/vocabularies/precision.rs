//! How exactly a facility's point places it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use crate::error::PrecisionError;

/// How exactly a facility's coordinates place it: at its own address, or only at its ZIP
/// code's centroid (a directory that lists addresses, placed where no geocode matched).
/// Distances to a ZIP-level point can be off by miles, so answers say how many rest on
/// them, and `--min-precision point` leaves them out.
///
/// The order is by exactness: `Zip < Point`.
///
/// ```
/// use carefind::Precision;
///
/// assert_eq!("zip".parse::<Precision>().unwrap(), Precision::Zip);
/// assert_eq!("".parse::<Precision>().unwrap(), Precision::Point);
/// assert!(Precision::Zip < Precision::Point);
/// assert_eq!(Precision::default().to_string(), "point");
/// ```
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Precision {
    /// Placed at its ZIP code's centroid only.
    Zip,
    /// Placed at its own address (or a point a source gave for it).
    #[default]
    Point,
}

impl Precision {
    /// The canonical name: `point` or `zip`.
    ///
    /// ```
    /// assert_eq!(carefind::Precision::Zip.name(), "zip");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Precision::Zip => "zip",
            Precision::Point => "point",
        }
    }
}

impl fmt::Display for Precision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Precision {
    type Err = PrecisionError;

    /// `point` (or empty), or `zip`: also SAMHSA's `zip5` and `zip-centroid`, in any case.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "" | "point" => Ok(Precision::Point),
            "zip" | "zip5" | "zip-centroid" => Ok(Precision::Zip),
            _ => Err(PrecisionError(text.trim().to_string())),
        }
    }
}
