//! Walk-in intake: whether a person can come without an appointment, and when.

use std::fmt;
use std::str::FromStr;

use super::expression::{Hours, HoursError};

/// Walk-in intake as a listing states it: yes (during opening hours), no, or the hours
/// walk-ins are taken, in the opening-hours syntax. A listing that does not say has none
/// (`Option<WalkIn>` is `None`): unknown, never "no".
///
/// ```
/// use carefind::hours::WalkIn;
///
/// assert_eq!("yes".parse::<WalkIn>()?, WalkIn::Yes);
/// assert_eq!("No".parse::<WalkIn>()?, WalkIn::No);
/// let hours = "Mo-Fr 08:00-11:00".parse::<WalkIn>()?;
/// assert!(matches!(hours, WalkIn::Hours(_)));
/// assert_eq!(hours.to_string(), "Mo-Fr 08:00-11:00");
/// assert!("whenever".parse::<WalkIn>().is_err());
/// # Ok::<(), carefind::hours::HoursError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WalkIn {
    /// Walk-ins are taken whenever the facility is open.
    Yes,
    /// Intake is by appointment only.
    No,
    /// Walk-ins are taken during these hours.
    Hours(Hours),
}

impl FromStr for WalkIn {
    type Err = HoursError;

    fn from_str(text: &str) -> Result<WalkIn, HoursError> {
        match yes_no(text) {
            Some(true) => Ok(WalkIn::Yes),
            Some(false) => Ok(WalkIn::No),
            None => text.parse().map(WalkIn::Hours),
        }
    }
}

impl fmt::Display for WalkIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WalkIn::Yes => f.write_str("yes"),
            WalkIn::No => f.write_str("no"),
            WalkIn::Hours(hours) => write!(f, "{hours}"),
        }
    }
}

/// Written as its text ("yes", "no" or the hours), as feeds and records carry it.
impl serde::Serialize for WalkIn {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Read from its text; `true` and `false` are taken as yes and no.
///
/// ```
/// use carefind::hours::WalkIn;
///
/// let walk_in: WalkIn = serde_json::from_str("\"Mo-Fr 08:00-11:00\"").unwrap();
/// assert_eq!(serde_json::to_string(&walk_in).unwrap(), "\"Mo-Fr 08:00-11:00\"");
/// assert_eq!(serde_json::from_str::<WalkIn>("true").unwrap(), WalkIn::Yes);
/// assert!(serde_json::from_str::<WalkIn>("\"soon\"").is_err());
/// ```
impl<'de> serde::Deserialize<'de> for WalkIn {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<WalkIn, D::Error> {
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = WalkIn;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("yes, no or walk-in hours")
            }
            fn visit_bool<E: serde::de::Error>(self, yes: bool) -> Result<WalkIn, E> {
                Ok(if yes { WalkIn::Yes } else { WalkIn::No })
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<WalkIn, E> {
                text.parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_any(Text)
    }
}

/// `yes`/`true`/`y`/`1` and `no`/`false`/`n`/`0`, in any case; anything else is `None`.
///
/// ```
/// use carefind::hours::yes_no;
/// assert_eq!(yes_no(" Yes "), Some(true));
/// assert_eq!(yes_no("0"), Some(false));
/// assert_eq!(yes_no(""), None);
/// ```
pub fn yes_no(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" => Some(true),
        "no" | "n" | "false" | "0" => Some(false),
        _ => None,
    }
}
