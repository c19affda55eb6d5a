//! One availability report.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::care::CareLevel;
use crate::hours::WalkIn;

/// How far in the future an update's `updated_at` may lie (clocks differ a little).
pub const CLOCK_SKEW: SignedDuration = SignedDuration::from_mins(5);

/// The most beds (open, or in all) a report may give for one facility or level: more
/// than the largest hospitals have, so a larger count is a mistake (or `u32::MAX`).
pub const MAX_BEDS: u32 = 10_000;

/// The longest wait a report may give, in days (more than two and a half years).
pub const MAX_WAIT_DAYS: u32 = 1_000;

/// One availability report: for a whole facility (`care` is `None`) or one level of care.
/// Every measure is optional; `updated_at` says when it was true.
///
/// ```
/// use carefind::availability::Update;
/// use carefind::CareLevel;
///
/// let mut update = Update::new("f1", "2026-06-01T08:00:00Z".parse().unwrap());
/// update.care = Some(CareLevel::ResidentialDetox);
/// update.accepting = Some(true);
/// update.beds_available = Some(3);
/// update.beds_total = Some(12);
/// assert!(update.check("2026-06-01T09:00:00Z".parse().unwrap()).is_ok());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Update {
    /// The facility's id in the directory.
    pub id: String,
    /// The level of care it is about, or `None` for the whole facility.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub care: Option<CareLevel>,
    /// Whether new patients are being accepted.
    #[serde(default)]
    pub accepting: Option<bool>,
    /// Beds open now.
    #[serde(default)]
    pub beds_available: Option<u32>,
    /// Beds in all.
    #[serde(default)]
    pub beds_total: Option<u32>,
    /// Days a new patient waits for a first appointment or admission.
    #[serde(default)]
    pub wait_days: Option<u32>,
    /// Walk-in intake: yes, no, or the hours walk-ins are taken. Like the three below, a
    /// way in that staff keep current; the latest report stating it overrides the
    /// listing (see [`Availability::getting_in`](super::Availability::getting_in)).
    #[serde(default)]
    pub walk_in: Option<WalkIn>,
    /// Medication for opioid use disorder can start at the first visit.
    #[serde(default)]
    pub same_day_medication: Option<bool>,
    /// Counseling is required to receive medication.
    #[serde(default)]
    pub counseling_required: Option<bool>,
    /// Intake can be done by telehealth.
    #[serde(default)]
    pub telehealth_intake: Option<bool>,
    /// When this was true.
    pub updated_at: Timestamp,
}

impl Update {
    /// A report for the whole facility `id`, true at `updated_at`, saying nothing yet.
    ///
    /// ```
    /// let update = carefind::availability::Update::new("f1", jiff::Timestamp::UNIX_EPOCH);
    /// assert!(update.care.is_none() && update.accepting.is_none());
    /// ```
    pub fn new(id: impl Into<String>, updated_at: Timestamp) -> Self {
        Update {
            id: id.into(),
            care: None,
            accepting: None,
            beds_available: None,
            beds_total: None,
            wait_days: None,
            walk_in: None,
            same_day_medication: None,
            counseling_required: None,
            telehealth_intake: None,
            updated_at,
        }
    }

    /// Whether it states any way in (walk-in intake, same-day medication, a counseling
    /// requirement, telehealth intake).
    ///
    /// ```
    /// let mut update = carefind::availability::Update::new("f1", jiff::Timestamp::UNIX_EPOCH);
    /// assert!(!update.states_getting_in());
    /// update.same_day_medication = Some(false);
    /// assert!(update.states_getting_in());
    /// ```
    pub fn states_getting_in(&self) -> bool {
        self.walk_in.is_some()
            || self.same_day_medication.is_some()
            || self.counseling_required.is_some()
            || self.telehealth_intake.is_some()
    }

    /// Checks what a single report can get wrong by itself: more beds open than there are,
    /// or a time more than five minutes after `now`. (Whether the facility exists is for
    /// the caller, who knows the directory.)
    ///
    /// ```
    /// use carefind::availability::Update;
    ///
    /// let now = "2026-06-01T12:00:00Z".parse().unwrap();
    /// let mut update = Update::new("f1", now);
    /// update.beds_available = Some(5);
    /// update.beds_total = Some(4);
    /// let error = update.check(now).unwrap_err();
    /// assert_eq!(error.field(), "beds_available");
    /// assert_eq!(error.to_string(), "5 beds available is more than the 4 in all");
    /// ```
    pub fn check(&self, now: Timestamp) -> Result<(), UpdateError> {
        for (field, value, max) in [
            ("beds_available", self.beds_available, MAX_BEDS),
            ("beds_total", self.beds_total, MAX_BEDS),
            ("wait_days", self.wait_days, MAX_WAIT_DAYS),
        ] {
            if let Some(value) = value.filter(|value| *value > max) {
                return Err(UpdateError::Implausible { field, value, max });
            }
        }
        if let (Some(available), Some(total)) = (self.beds_available, self.beds_total)
            && available > total
        {
            return Err(UpdateError::MoreBedsThanTotal { available, total });
        }
        if self.updated_at > now + CLOCK_SKEW {
            return Err(UpdateError::InTheFuture {
                updated_at: self.updated_at,
            });
        }
        Ok(())
    }

    /// The report as a store keeps it, received at `now`: checked (see
    /// [`check`](Update::check)), and a time within the clock skew after `now` taken as
    /// `now`. A report cannot be newer than its receipt; kept as sent, one stamped four
    /// minutes ahead would make every honest report of those four minutes stale.
    ///
    /// ```
    /// use carefind::availability::Update;
    ///
    /// let now: jiff::Timestamp = "2026-06-01T12:00:00Z".parse().unwrap();
    /// let ahead = Update::new("f1", "2026-06-01T12:04:00Z".parse().unwrap());
    /// assert_eq!(ahead.received(now).unwrap().updated_at, now);
    /// ```
    pub fn received(mut self, now: Timestamp) -> Result<Update, UpdateError> {
        self.check(now)?;
        self.updated_at = self.updated_at.min(now);
        Ok(self)
    }
}

/// The longest label a sender may have.
pub const MAX_LABEL_BYTES: usize = 64;

/// Whether `label` may name who sent updates (a token's, or an import's): 1 to
/// [`MAX_LABEL_BYTES`] ASCII letters, digits and `-_.:/`, such as `county-coordinator` or
/// `feed:state-registry`. Labels are kept with every report and shown to operators, so
/// they name roles and systems, never people; the narrow alphabet keeps an e-mail address
/// or a name with spaces out.
///
/// ```
/// use carefind::availability::check_label;
///
/// assert!(check_label("feed:state-registry").is_ok());
/// assert!(check_label("Jane Doe").is_err());
/// assert!(check_label("jane@example.org").is_err());
/// ```
pub fn check_label(label: &str) -> Result<(), String> {
    if label.is_empty() || label.len() > MAX_LABEL_BYTES {
        return Err(format!("is not 1 to {MAX_LABEL_BYTES} characters long"));
    }
    match label
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "-_.:/".contains(*c)))
    {
        Some(c) => Err(format!(
            "has {c:?}: a label is ASCII letters, digits and - _ . : / (a role or a system, never a person)"
        )),
        None => Ok(()),
    }
}

/// What is wrong with an update taken by itself.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UpdateError {
    /// More beds open than beds in all.
    #[error("{available} beds available is more than the {total} in all")]
    MoreBedsThanTotal {
        /// `beds_available`.
        available: u32,
        /// `beds_total`.
        total: u32,
    },
    /// `updated_at` lies more than five minutes in the future.
    #[error("{updated_at} is more than 5 minutes in the future")]
    InTheFuture {
        /// The time given.
        updated_at: Timestamp,
    },
    /// A count no facility could report: more beds than [`MAX_BEDS`], a wait longer
    /// than [`MAX_WAIT_DAYS`].
    #[error("{field} {value} is more than {max}, more than any facility reports")]
    Implausible {
        /// The field.
        field: &'static str,
        /// The count given.
        value: u32,
        /// The most it may be.
        max: u32,
    },
}

impl UpdateError {
    /// The field at fault.
    ///
    /// ```
    /// use carefind::availability::UpdateError;
    ///
    /// let error = UpdateError::InTheFuture { updated_at: jiff::Timestamp::MAX };
    /// assert_eq!(error.field(), "updated_at");
    /// ```
    pub fn field(&self) -> &'static str {
        match self {
            UpdateError::MoreBedsThanTotal { .. } => "beds_available",
            UpdateError::InTheFuture { .. } => "updated_at",
            UpdateError::Implausible { field, .. } => field,
        }
    }
}
