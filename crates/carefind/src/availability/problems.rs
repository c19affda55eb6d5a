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
