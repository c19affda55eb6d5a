//! Whether a listed facility is open.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use crate::error::StatusError;

/// Whether a listed facility is open: directories keep listings of programs that closed,
/// for a while or for good, and a search hides those unless asked to show them.
///
/// ```
/// use carefind::Status;
///
/// assert_eq!("".parse::<Status>().unwrap(), Status::Active);
/// assert_eq!("temporarily closed".parse::<Status>().unwrap(), Status::TemporarilyClosed);
/// assert_eq!(Status::TemporarilyClosed.to_string(), "temporarily-closed");
/// assert!(Status::Closed.is_closed() && !Status::Active.is_closed());
/// ```
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Open (also what a listing without a status is taken to be).
    #[default]
    Active,
    /// Closed for now, expected to reopen.
    TemporarilyClosed,
    /// Closed for good.
    Closed,
}

impl Status {
    /// Every status, in order.
    ///
    /// ```
    /// assert_eq!(carefind::Status::ALL.len(), 3);
    /// ```
    pub const ALL: [Status; 3] = [Status::Active, Status::TemporarilyClosed, Status::Closed];

    /// The canonical name: `active`, `temporarily-closed` or `closed`.
    ///
    /// ```
    /// assert_eq!(carefind::Status::Closed.name(), "closed");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::TemporarilyClosed => "temporarily-closed",
            Status::Closed => "closed",
        }
    }

    /// Whether the facility is closed, for now or for good: searches hide it by default.
    ///
    /// ```
    /// assert!(carefind::Status::TemporarilyClosed.is_closed());
    /// ```
    pub fn is_closed(self) -> bool {
        self != Status::Active
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Status {
    type Err = StatusError;

    /// The canonical names in any case, with a space or `_` for the `-`, and empty for
    /// active.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let canonical = text.trim().to_ascii_lowercase().replace([' ', '_'], "-");
        match canonical.as_str() {
            "" | "active" => Ok(Status::Active),
            "temporarily-closed" => Ok(Status::TemporarilyClosed),
            "closed" => Ok(Status::Closed),
            _ => Err(StatusError(text.trim().to_string())),
        }
    }
}

/// A calendar date written `YYYY-MM-DD`, or `None`.
pub(crate) fn parse_date(text: &str) -> Option<jiff::civil::Date> {
    let text = text.trim();
    // jiff also reads ISO 8601's other forms (`20240501`, with a time); a directory's
    // dates are written one way, and anything else is more likely a mistake.
    let well_formed = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    well_formed.then(|| text.parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_calendar_days_written_one_way() {
        assert_eq!(
            parse_date(" 2024-02-29 ").map(|d| d.to_string()),
            Some("2024-02-29".to_string())
        );
        for bad in [
            "2023-02-29",
            "20240501",
            "2024-5-1",
            "2024-05-01T00:00",
            "",
            "yesterday",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }
}
