//! Places a person types: `LAT,LON`, a ZIP code, or `City, ST`, resolved offline from the
//! tables this crate's build script embeds.
//!
//! ```
//! use carefind_places::{PlaceError, resolve};
//!
//! let manhattan = resolve("10001")?;
//! assert!((manhattan.lat() - 40.75).abs() < 0.05);
//! match resolve("Springfield") {
//!     Err(PlaceError::Ambiguous { candidates, .. }) => {
//!         assert!(candidates.iter().any(|c| c == "Springfield, IL"))
//!     }
//!     other => panic!("{other:?}"),
//! }
//! # Ok::<(), PlaceError>(())
//! ```

#![deny(missing_docs)]
#![forbid(unsafe_code)]

use std::fmt;

use carefind::{CoordinateError, LatLon};

static ZIPS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/zips.bin"));
static CITIES: &str = include_str!(concat!(env!("OUT_DIR"), "/cities.tsv"));
static STATES: &str = include_str!(concat!(env!("OUT_DIR"), "/states.tsv"));
const ZIP_RECORD: usize = 12;

/// How many candidates the English message of an ambiguous place lists.
const LISTED: usize = 8;

/// Why a place could not be resolved: what was typed and what the tables offer instead,
/// as data, so that each front end can say it in its own words and language. `Display`
/// says it in one English sentence.
///
/// ```
/// use carefind_places::{PlaceError, resolve};
///
/// let Err(PlaceError::UnknownCity { suggestions, .. }) = resolve("Clumbus, OH") else {
///     panic!("a misspelt city is unknown");
/// };
/// assert_eq!(suggestions[0], "Columbus, OH");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum PlaceError {
    /// Neither two numbers, nor a ZIP code, nor a name (empty, or no letters at all).
    Unrecognized {
        /// The text, trimmed.
        text: String,
    },
    /// Two numbers that are not a point on the globe.
    Coordinates {
        /// The text, trimmed.
        text: String,
        /// What is wrong with them.
        error: CoordinateError,
    },
    /// A well-formed ZIP code that the embedded table does not have.
    UnknownZip {
        /// The 5-digit code.
        zip: String,
        /// The codes on either side of it in the table.
        nearest: Vec<String>,
        /// How many codes the table holds.
        table: usize,
    },
    /// A name that is no city of the table (in the state given, if one was).
    UnknownCity {
        /// The text, trimmed.
        text: String,
        /// The closest spellings, best first, as `City, ST` (at most three; maybe none).
        suggestions: Vec<String>,
    },
    /// `City, ST` where `ST` is not a state code of the table.
    UnknownState {
        /// The text, trimmed.
        text: String,
        /// What followed the last comma.
        state: String,
    },
    /// A bare city name found in more than one state.
    Ambiguous {
        /// The text, trimmed.
        text: String,
        /// Every matching `City, ST`, in the table's order.
        candidates: Vec<String>,
    },
    /// An entry of the embedded table is not a valid point (a fault of the build).
    Table {
        /// The ZIP code or `City, ST`.
        place: String,
        /// The value that did not read.
        value: String,
    },
}

impl fmt::Display for PlaceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlaceError::Unrecognized { text } => write!(
                f,
                "place {text:?} is not LAT,LON, a 5-digit ZIP code or City, ST"
            ),
            PlaceError::Coordinates { text, error } => {
                write!(f, "place {text:?}: {error} (write LAT,LON)")
            }
            PlaceError::UnknownZip {
                zip,
                nearest,
                table,
            } => write!(
                f,
                "ZIP code {zip} is not in the embedded table of {table} ZIP codes; the nearest codes are {}",
                nearest.join(", ")
            ),
            PlaceError::UnknownCity { text, suggestions } => {
                write!(f, "place {text:?} is not a known city")?;
                if suggestions.is_empty() {
                    f.write_str(" (write City, ST as in \"Columbus, OH\", a ZIP code or LAT,LON)")
                } else {
                    write!(f, "; did you mean {}?", suggestions.join(" or "))
                }
            }
            PlaceError::UnknownState { text, state } => write!(
                f,
                "place {text:?} is not a known city; {state:?} is not a state code (write City, ST as in \"Columbus, OH\")"
            ),
            PlaceError::Ambiguous { text, candidates } => {
                let listed = &candidates[..candidates.len().min(LISTED)];
                write!(
                    f,
                    "place {text:?} is ambiguous: add the state, as in {}",
                    listed.join("; ")
                )?;
                match candidates.len().saturating_sub(LISTED) {
                    0 => Ok(()),
                    more => write!(f, " and {more} more"),
                }
            }
            PlaceError::Table { place, value } => {
                write!(f, "{place} has bad coordinates: {value}")
            }
        }
    }
}

impl std::error::Error for PlaceError {}

/// Resolves a place to a point: `LAT,LON` (or `LAT LON`), a ZIP code (`12345` or
/// `12345-6789`, at its centroid), or `City, ST` (a bare city name found in one state will
/// do).
///
/// ```
/// use carefind_places::resolve;
/// assert_eq!(resolve("40.75,-73.99")?, resolve(" 40.75  -73.99 ")?);
/// assert!(resolve("Clumbus, OH").unwrap_err().to_string().contains("did you mean Columbus, OH"));
/// # Ok::<(), carefind_places::PlaceError>(())
/// ```
pub fn resolve(text: &str) -> Result<LatLon, PlaceError> {
    let text = text.trim();
    if let Some(point) = coordinates(text)? {
        return Ok(point);
    }
    if let Some(zip) = zip_code(text) {
        return zip_centroid(zip);
    }
    if text.is_empty() || !text.chars().any(char::is_alphabetic) {
        return Err(PlaceError::Unrecognized { text: text.into() });
    }
    city(text)
}

/// `LAT,LON` or `LAT LON`; `None` when the text is not two numbers.
fn coordinates(text: &str) -> Result<Option<LatLon>, PlaceError> {
    let parts: Vec<&str> = text.split([',', ' ']).filter(|p| !p.is_empty()).collect();
    let [lat, lon] = parts[..] else {
        return Ok(None);
    };
    let (Ok(lat), Ok(lon)) = (lat.parse::<f64>(), lon.parse::<f64>()) else {
        return Ok(None);
    };
    LatLon::new(lat, lon)
        .map(Some)
        .map_err(|error| PlaceError::Coordinates {
            text: text.into(),
            error,
        })
}

/// The centroid of a ZIP code (`12345` or `12345-6789`) from the offline table.
///
/// ```
/// assert!(carefind_places::zip_point("10001").is_some());
/// assert!(carefind_places::zip_point("Columbus, OH").is_none());
/// ```
pub fn zip_point(zip: &str) -> Option<LatLon> {
    zip_centroid(zip_code(zip.trim())?).ok()
}

/// The 5-digit code of `12345` or `12345-6789`.
fn zip_code(text: &str) -> Option<u32> {
    let digits = text.split_once('-').map_or(text, |(five, four)| {
        if four.len() == 4 && four.bytes().all(|b| b.is_ascii_digit()) {
            five
        } else {
            ""
        }
    });
    (digits.len() == 5 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())?
}

fn zip_at(i: usize) -> (u32, i32, i32) {
    let record = &ZIPS[i * ZIP_RECORD..(i + 1) * ZIP_RECORD];
    let word = |at: usize| <[u8; 4]>::try_from(&record[at..at + 4]).expect("4 bytes");
    (
        u32::from_le_bytes(word(0)),
        i32::from_le_bytes(word(4)),
        i32::from_le_bytes(word(8)),
    )
}

fn zip_centroid(zip: u32) -> Result<LatLon, PlaceError> {
    let count = ZIPS.len() / ZIP_RECORD;
    let position = partition_point(count, |i| zip_at(i).0 < zip);
    if position < count && zip_at(position).0 == zip {
        let (_, lat, lon) = zip_at(position);
        return LatLon::new(f64::from(lat) / 1e6, f64::from(lon) / 1e6).map_err(|error| {
            PlaceError::Table {
                place: format!("ZIP {zip:05}"),
                value: error.to_string(),
            }
        });
    }
    let near: Vec<String> = (position.saturating_sub(2)..(position + 2).min(count))
        .map(|i| format!("{:05}", zip_at(i).0))
        .collect();
    Err(PlaceError::UnknownZip {
        zip: format!("{zip:05}"),
        nearest: near,
        table: count,
    })
}

fn partition_point(count: usize, below: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, count);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if below(mid) { lo = mid + 1 } else { hi = mid }
    }
    lo
}

struct City<'a> {
    state: &'a str,
    name: &'a str,
    // Kept as text: a lookup scans every city, and only a match needs numbers.
    lat: &'a str,
    lon: &'a str,
}

impl City<'_> {
    fn point(&self) -> Result<LatLon, PlaceError> {
        let bad = |value: String| PlaceError::Table {
            place: self.label(),
            value,
        };
        let lat = self.lat.parse().map_err(|_| bad(self.lat.into()))?;
        let lon = self.lon.parse().map_err(|_| bad(self.lon.into()))?;
        LatLon::new(lat, lon).map_err(|error| bad(error.to_string()))
    }

    /// `City, ST`.
    fn label(&self) -> String {
        format!("{}, {}", self.name, self.state)
    }
}

/// The cities of `state` (every city when `None`; none for an unknown state).
fn cities(state: Option<&str>) -> impl Iterator<Item = City<'static>> {
    let text = match state {
        None => CITIES,
        Some(state) => state_range(state).map_or("", |(start, end)| &CITIES[start..end]),
    };
    text.lines().filter_map(|line| {
        let mut fields = line.split('\t');
        Some(City {
            state: fields.next()?,
            name: fields.next()?,
            lat: fields.next()?,
            lon: fields.next()?,
        })
    })
}

/// The byte range of a state's cities in CITIES.
fn state_range(state: &str) -> Option<(usize, usize)> {
    STATES.lines().find_map(|line| {
        let mut fields = line.split('\t');
        let code = fields.next()?;
        if !code.eq_ignore_ascii_case(state) {
            return None;
        }
        Some((fields.next()?.parse().ok()?, fields.next()?.parse().ok()?))
    })
}

/// `City, ST`, or a bare city name found in exactly one state.
fn city(text: &str) -> Result<LatLon, PlaceError> {
    let (name, state) = match text.rsplit_once(',') {
        Some((name, state)) => (name.trim(), Some(state.trim())),
        None => (text, None),
    };
    if let Some(state) = state.filter(|state| state_range(state).is_none()) {
        return Err(PlaceError::UnknownState {
            text: text.into(),
            state: state.into(),
        });
    }
    let matches: Vec<City> = cities(state).filter(|c| same_city(c.name, name)).collect();
    match &matches[..] {
        [one] => one.point(),
        [] => Err(PlaceError::UnknownCity {
            text: text.into(),
            suggestions: suggest_cities(name, state),
        }),
        many => Err(PlaceError::Ambiguous {
            text: text.into(),
            candidates: many.iter().map(City::label).collect(),
        }),
    }
}

/// Whether two city names are the same, word by word, ignoring case and spacing, with
/// the abbreviations people write spelled out as the table spells them ("St. Louis" is
/// "Saint Louis"). Allocation-free: it runs against every city of the table.
fn same_city(a: &str, b: &str) -> bool {
    let mut a = a.split_whitespace().map(spelled_out);
    let mut b = b.split_whitespace().map(spelled_out);
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if x.eq_ignore_ascii_case(y) => {}
            _ => return false,
        }
    }
}

fn spelled_out(word: &str) -> &str {
    let bare = word.trim_end_matches('.');
    [
        ("st", "saint"),
        ("ste", "sainte"),
        ("ft", "fort"),
        ("mt", "mount"),
    ]
    .iter()
    .find(|(short, _)| bare.eq_ignore_ascii_case(short))
    .map_or(bare, |(_, long)| long)
}

/// The closest city names to `name` (in `state`, when one was given), best first: at
/// most three, within a third of the name's length in edits.
fn suggest_cities(name: &str, state: Option<&str>) -> Vec<String> {
    let name = name.to_ascii_lowercase();
    let limit = (name.len() / 3).max(1);
    let mut scored: Vec<(usize, String)> = cities(state)
        // Names whose lengths differ by more than the limit cannot be within it.
        .filter(|c| c.name.len().abs_diff(name.len()) <= limit)
        .map(|c| {
            let distance = strsim::levenshtein(&name, &c.name.to_ascii_lowercase());
            (distance, c.label())
        })
        .filter(|(distance, _)| *distance <= limit)
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, city)| city).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        // Each unknown name scans the whole city table for suggestions: 128 cases keep
        // the debug-build test near ten seconds.
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// Whatever is typed, the answer is a place or an error, never a panic.
        #[test]
        fn any_text_resolves_or_errs(text in "\\PC{0,30}|[0-9 ,.+-]{0,16}|[A-Za-z .]{1,12}, ?[A-Z]{2}") {
            let _ = resolve(&text);
        }
    }

    #[test]
    fn coordinates_in_both_spellings() {
        let a = resolve("40.75,-73.99").unwrap();
        let b = resolve(" 40.75  -73.99 ").unwrap();
        assert_eq!(a, b);
        assert!(resolve("91,0").is_err());
    }

    #[test]
    fn zip_codes_resolve_offline() {
        let manhattan = resolve("10001").unwrap();
        assert!((manhattan.lat() - 40.75).abs() < 0.05 && (manhattan.lon() + 73.99).abs() < 0.05);
        assert_eq!(resolve("10001-1234").unwrap(), manhattan);
        let error = resolve("00000").unwrap_err().to_string();
        assert!(error.contains("not in the embedded table"), "{error}");
        assert!(resolve("1000").is_err());
    }

    #[test]
    fn cities_resolve_and_ambiguity_is_an_error() {
        let columbus = resolve("Columbus, OH").unwrap();
        assert!((columbus.lat() - 39.96).abs() < 0.3, "{columbus}");
        assert_eq!(resolve("columbus,oh").unwrap(), columbus);
        let error = resolve("Springfield").unwrap_err().to_string();
        assert!(
            error.contains("ambiguous") && error.contains("Springfield, IL"),
            "{error}"
        );
        let error = resolve("Clumbus, OH").unwrap_err().to_string();
        assert!(error.contains("did you mean Columbus, OH"), "{error}");
        assert!(matches!(
            resolve("Columbus, XX"),
            Err(PlaceError::UnknownState { state, .. }) if state == "XX"
        ));
        let error = resolve("Springfield").unwrap_err().to_string();
        assert!(
            error.contains(" more"),
            "more than eight Springfields: {error}"
        );
        assert!(resolve("abc").is_err());
        assert_eq!(
            resolve("St. Louis, MO").unwrap(),
            resolve("Saint Louis, MO").unwrap()
        );
        assert_eq!(
            resolve("ft worth, tx").unwrap(),
            resolve("Fort Worth, TX").unwrap()
        );
    }
}
