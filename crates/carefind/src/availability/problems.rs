//! Problem reports: what a person searching says is wrong with a listing (a phone that
//! does not work, a program that has closed), kept for the operator and the facility's
//! staff to act on.
//!
//! A report holds the facility, a [`Reason`] and up to [`MAX_DETAILS_CHARS`] characters
//! of the person's own words, and nothing about who sent it: no name, no contact, no
//! address of any kind. The store keeps them (with the `store` feature); a server takes
//! them from its facility pages.
//!
//! ```
//! use carefind::availability::problems::{Reason, check_details};
//!
//! let reason: Reason = "phone-does-not-work".parse()?;
//! assert_eq!(reason, Reason::PhoneDoesNotWork);
//! assert_eq!(check_details("  rang out twice  ")?, "rang out twice");
//! assert!(check_details(&"x".repeat(501)).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use jiff::Timestamp;

/// The most characters of details a report may hold.
pub const MAX_DETAILS_CHARS: usize = 500;

/// What is wrong with a listing, as the person reporting it chose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Reason {
    /// The phone number does not reach the facility.
    PhoneDoesNotWork,
    /// The facility or the program has closed.
    Closed,
    /// The facility says it takes no new patients.
    NotAccepting,
    /// The address is wrong.
    WrongAddress,
    /// The services listed are not the ones offered.
    WrongServices,
    /// Something else (the details say what).
    Other,
}

impl Reason {
    /// Every reason, in the order a form offers them.
    pub const ALL: [Reason; 6] = [
        Reason::PhoneDoesNotWork,
        Reason::Closed,
        Reason::NotAccepting,
        Reason::WrongAddress,
        Reason::WrongServices,
        Reason::Other,
    ];

    /// The reason's name in forms, files and the API (`phone-does-not-work`).
    pub fn name(self) -> &'static str {
        match self {
            Reason::PhoneDoesNotWork => "phone-does-not-work",
            Reason::Closed => "closed",
            Reason::NotAccepting => "not-accepting",
            Reason::WrongAddress => "wrong-address",
            Reason::WrongServices => "wrong-services",
            Reason::Other => "other",
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is no [`Reason`]'s; the message lists the names.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not a reason: give one of phone-does-not-work, closed, not-accepting, wrong-address, wrong-services, other"
)]
pub struct UnknownReason(pub String);

impl std::str::FromStr for Reason {
    type Err = UnknownReason;

    fn from_str(text: &str) -> Result<Reason, UnknownReason> {
        let text = text.trim();
        Reason::ALL
            .into_iter()
            .find(|reason| reason.name().eq_ignore_ascii_case(text))
            .ok_or_else(|| UnknownReason(text.to_string()))
    }
}

/// The details of a report as they are kept: trimmed, at most [`MAX_DETAILS_CHARS`]
/// characters, line breaks kept and other control characters refused (they show
/// nothing, and could hide text from whoever reads the report).
pub fn check_details(details: &str) -> Result<String, String> {
    let details = details.trim().replace("\r\n", "\n");
    let count = details.chars().count();
    if count > MAX_DETAILS_CHARS {
        return Err(format!(
            "has {count} characters; a report holds at most {MAX_DETAILS_CHARS}"
        ));
    }
    if let Some(c) = details.chars().find(|c| c.is_control() && *c != '\n') {
        return Err(format!("has the control character {c:?}"));
    }
    Ok(details)
}

/// A problem report as the store keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProblemReport {
    /// The report's number, given by the store in the order reports arrive.
    pub number: u64,
    /// The facility reported.
    pub id: String,
    /// What is wrong.
    pub reason: Reason,
    /// The person's own words (possibly empty).
    pub details: String,
    /// When the report arrived, to the minute: no finer, since a report is not to be
    /// matched to anything else that happened that second.
    pub received_at: Timestamp,
    /// How it was resolved, once it is.
    pub resolved: Option<Resolution>,
}

/// How an operator resolved a report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolution {
    /// When.
    pub at: Timestamp,
    /// What was done (the operator's note; possibly empty).
    pub note: String,
    /// Who resolved it: a label (see [`check_label`](super::check_label)), if given.
    pub label: Option<String>,
}

/// Which reports to read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Which {
    /// Those not resolved yet.
    #[default]
    Open,
    /// Every report.
    All,
}

/// The columns of a report written as a table, in order (see [`row`]).
pub const COLUMNS: [&str; 8] = [
    "number",
    "id",
    "reason",
    "details",
    "received_at",
    "resolved_at",
    "resolution_note",
    "resolved_by",
];

/// `report` as a table's row of [`COLUMNS`] (empty where it is not resolved).
pub fn row(report: &ProblemReport) -> [String; COLUMNS.len()] {
    let resolved = report.resolved.as_ref();
    [
        report.number.to_string(),
        report.id.clone(),
        report.reason.name().to_string(),
        report.details.clone(),
        report.received_at.to_string(),
        resolved.map(|r| r.at.to_string()).unwrap_or_default(),
        resolved.map(|r| r.note.clone()).unwrap_or_default(),
        resolved.and_then(|r| r.label.clone()).unwrap_or_default(),
    ]
}

/// A report as JSON: the fields of [`COLUMNS`], those not resolved yet `null`.
impl serde::Serialize for ProblemReport {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let resolved = self.resolved.as_ref();
        let mut out = serializer.serialize_struct("ProblemReport", COLUMNS.len())?;
        out.serialize_field("number", &self.number)?;
        out.serialize_field("id", &self.id)?;
        out.serialize_field("reason", self.reason.name())?;
        out.serialize_field("details", &self.details)?;
        out.serialize_field("received_at", &self.received_at.to_string())?;
        out.serialize_field("resolved_at", &resolved.map(|r| r.at.to_string()))?;
        out.serialize_field("resolution_note", &resolved.map(|r| r.note.as_str()))?;
        out.serialize_field("resolved_by", &resolved.and_then(|r| r.label.as_deref()))?;
        out.end()
    }
}

/// How many reports a facility has, open and resolved.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Count {
    /// The facility.
    pub id: String,
    /// Reports not resolved yet.
    pub open: u64,
    /// Reports resolved.
    pub resolved: u64,
}

/// The reports of each facility, most open first (then by id).
///
/// ```
/// use carefind::availability::problems::{counts, ProblemReport, Reason};
///
/// let report = |number, id: &str| ProblemReport {
///     number, id: id.into(), reason: Reason::Closed, details: String::new(),
///     received_at: jiff::Timestamp::UNIX_EPOCH, resolved: None,
/// };
/// let counts = counts(&[report(1, "b"), report(2, "a"), report(3, "b")]);
/// assert_eq!((counts[0].id.as_str(), counts[0].open), ("b", 2));
/// ```
pub fn counts(reports: &[ProblemReport]) -> Vec<Count> {
    let mut by_id: std::collections::BTreeMap<&str, Count> = std::collections::BTreeMap::new();
    for report in reports {
        let count = by_id.entry(&report.id).or_insert_with(|| Count {
            id: report.id.clone(),
            open: 0,
            resolved: 0,
        });
        match report.resolved {
            None => count.open += 1,
            Some(_) => count.resolved += 1,
        }
    }
    let mut counts: Vec<Count> = by_id.into_values().collect();
    counts.sort_by(|a, b| b.open.cmp(&a.open).then_with(|| a.id.cmp(&b.id)));
    counts
}

/// `at` to the minute, as a report's time is kept.
pub fn to_the_minute(at: Timestamp) -> Timestamp {
    let seconds = at.as_second();
    Timestamp::from_second(seconds - seconds.rem_euclid(60)).unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_reads_back_from_its_name() {
        for reason in Reason::ALL {
            assert_eq!(reason.name().parse::<Reason>(), Ok(reason));
            assert_eq!(reason.name().to_uppercase().parse::<Reason>(), Ok(reason));
        }
        let error = "broken".parse::<Reason>().unwrap_err();
        assert!(error.to_string().contains("phone-does-not-work"), "{error}");
    }

    #[test]
    fn details_are_bounded_by_characters_not_bytes() {
        assert!(check_details(&"é".repeat(500)).is_ok());
        assert!(check_details(&"é".repeat(501)).is_err());
        assert_eq!(check_details("a\r\nb").unwrap(), "a\nb");
        assert!(check_details("a\u{0}b").is_err());
        assert!(check_details("a\u{1b}[31mb").is_err());
    }

    #[test]
    fn times_are_kept_to_the_minute() {
        let at: Timestamp = "2026-06-01T08:59:59.9Z".parse().unwrap();
        assert_eq!(to_the_minute(at).to_string(), "2026-06-01T08:59:00Z");
        let before: Timestamp = "1969-12-31T23:59:30Z".parse().unwrap();
        assert_eq!(to_the_minute(before).to_string(), "1969-12-31T23:59:00Z");
    }
}
