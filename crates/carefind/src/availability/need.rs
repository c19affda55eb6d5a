//! What a search asks of availability.

use jiff::{SignedDuration, Timestamp};

use super::Update;

/// What a search asks of a facility's availability, judged at an instant: reports older
/// than `fresh_within` before `now` count as unknown, and unknown never passes.
///
/// With levels of care in the filter, a facility passes when, for at least one wanted
/// level it offers, the report for that level (or, without one, the report for the whole
/// facility) meets every requirement. Without levels, any of its fresh reports will do.
///
/// ```
/// use carefind::availability::{Need, Update};
/// use jiff::SignedDuration;
///
/// let now = "2026-06-01T12:00:00Z".parse().unwrap();
/// let need = Need::at(now).accepting().open_beds(2);
/// assert_eq!(need.fresh_within, SignedDuration::from_hours(72));
///
/// let mut update = Update::new("f1", "2026-05-31T12:00:00Z".parse().unwrap());
/// update.accepting = Some(true);
/// update.beds_available = Some(2);
/// assert!(need.is_met_by(&update));
/// assert!(!need.fresh_within(SignedDuration::from_hours(12)).is_met_by(&update));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Need {
    /// Only facilities confirmed to be accepting new patients.
    pub accepting: bool,
    /// Only facilities with at least this many beds open.
    pub open_beds: Option<u32>,
    /// Only facilities whose wait is at most this many days.
    pub max_wait_days: Option<u32>,
    /// How old a report may be and still count.
    pub fresh_within: SignedDuration,
    /// The instant the reports are judged at.
    pub now: Timestamp,
    /// What becomes of a facility whose availability is unknown (no fresh report for the
    /// levels wanted): left out unless asked otherwise.
    pub unknown: Unknown,
}

/// What a search does with a facility whose availability is unknown: one with no fresh
/// report for any level wanted, or whose only fresh reports are for levels that do not
/// meet the need while another wanted level has none. Unknown is not "no": a person
/// can call and ask.
///
/// ```
/// use carefind::availability::{Need, Unknown};
///
/// assert_eq!(Need::now().unknown, Unknown::Leave);
/// assert_eq!(Need::now().accepting().or_unknown().unknown, Unknown::Keep);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Unknown {
    /// Leave such facilities out: only those whose reports meet the need are kept.
    #[default]
    Leave,
    /// Keep them beside those whose reports meet the need: the list to call.
    Keep,
    /// Keep only them: what [`Index::left_out`](crate::Index::left_out) counts.
    Only,
}

/// How a facility's fresh reports answer a need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Judgement {
    /// A fresh report for a wanted level (or the whole facility) meets the need.
    Meets,
    /// Fresh reports cover every wanted level, and none meets the need.
    Fails,
    /// No report meets the need, and some wanted level has no fresh report.
    Unknown,
}

impl Judgement {
    /// Whether a search with `need` keeps a facility so judged.
    pub fn kept_by(self, need: &Need) -> bool {
        self.kept(need.unknown)
    }

    /// Whether a search that does `unknown` with facilities the data says nothing of
    /// keeps a facility so judged.
    ///
    /// ```
    /// use carefind::availability::{Judgement, Unknown};
    /// assert!(Judgement::Unknown.kept(Unknown::Keep) && !Judgement::Unknown.kept(Unknown::Leave));
    /// assert!(!Judgement::Meets.kept(Unknown::Only));
    /// ```
    pub fn kept(self, unknown: Unknown) -> bool {
        matches!(
            (self, unknown),
            (Judgement::Meets, Unknown::Leave | Unknown::Keep)
                | (Judgement::Unknown, Unknown::Keep | Unknown::Only)
        )
    }
}

impl Need {
    /// How old a report may be and still count, unless told otherwise: 72 hours.
    pub const FRESH_WITHIN: SignedDuration = SignedDuration::from_hours(72);

    /// A need judged at `now` that asks for nothing yet.
    ///
    /// ```
    /// let need = carefind::availability::Need::at(jiff::Timestamp::UNIX_EPOCH);
    /// assert!(!need.asks_anything());
    /// ```
    pub fn at(now: Timestamp) -> Self {
        Need {
            accepting: false,
            open_beds: None,
            max_wait_days: None,
            fresh_within: Need::FRESH_WITHIN,
            now,
            unknown: Unknown::Leave,
        }
    }

    /// A need judged at the current time.
    ///
    /// ```
    /// assert!(carefind::availability::Need::now().now > jiff::Timestamp::UNIX_EPOCH);
    /// ```
    pub fn now() -> Self {
        Need::at(Timestamp::now())
    }

    /// Also requires the facility to be confirmed accepting new patients.
    ///
    /// ```
    /// assert!(carefind::availability::Need::now().accepting().asks_anything());
    /// ```
    pub fn accepting(mut self) -> Self {
        self.accepting = true;
        self
    }

    /// Also requires at least `beds` beds open.
    ///
    /// ```
    /// assert_eq!(carefind::availability::Need::now().open_beds(1).open_beds, Some(1));
    /// ```
    pub fn open_beds(mut self, beds: u32) -> Self {
        self.open_beds = Some(beds);
        self
    }

    /// Also requires a wait of at most `days` days.
    ///
    /// ```
    /// assert_eq!(carefind::availability::Need::now().max_wait_days(7).max_wait_days, Some(7));
    /// ```
    pub fn max_wait_days(mut self, days: u32) -> Self {
        self.max_wait_days = Some(days);
        self
    }

    /// Counts reports up to `age` old (72 hours unless set).
    ///
    /// ```
    /// use jiff::SignedDuration;
    ///
    /// let need = carefind::availability::Need::now().fresh_within(SignedDuration::from_hours(24));
    /// assert_eq!(need.fresh_within, SignedDuration::from_hours(24));
    /// ```
    pub fn fresh_within(mut self, age: SignedDuration) -> Self {
        self.fresh_within = age;
        self
    }

    /// Also keeps facilities whose availability is unknown, beside those whose reports
    /// meet the need: the list a person can call to ask.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use carefind::availability::{Availability, Need};
    /// use carefind::{Facility, Filter, LatLon};
    ///
    /// let never_reported = Facility::new("f1", "F", LatLon::new(40.0, -83.0).unwrap());
    /// let table = Arc::new(Availability::new());
    /// let need = Need::now().accepting();
    /// assert!(!Filter::new().available(table.clone(), need).matches(&never_reported));
    /// assert!(Filter::new().available(table, need.or_unknown()).matches(&never_reported));
    /// ```
    pub fn or_unknown(mut self) -> Self {
        self.unknown = Unknown::Keep;
        self
    }

    /// Keeps only facilities whose availability is unknown.
    ///
    /// ```
    /// use carefind::availability::{Need, Unknown};
    /// assert_eq!(Need::now().only_unknown().unknown, Unknown::Only);
    /// ```
    pub fn only_unknown(mut self) -> Self {
        self.unknown = Unknown::Only;
        self
    }

    /// Whether the need asks for anything (a need that does not keeps every facility).
    ///
    /// ```
    /// assert!(carefind::availability::Need::now().max_wait_days(3).asks_anything());
    /// ```
    pub fn asks_anything(&self) -> bool {
        self.accepting || self.open_beds.is_some() || self.max_wait_days.is_some()
    }

    /// Whether `update` is recent enough to count at `now`.
    ///
    /// ```
    /// use carefind::availability::{Need, Update};
    ///
    /// let now = "2026-06-04T00:00:00Z".parse().unwrap();
    /// let update = Update::new("f", "2026-06-01T00:00:00Z".parse().unwrap());
    /// assert!(Need::at(now).is_fresh(&update)); // exactly 72 hours old
    /// ```
    pub fn is_fresh(&self, update: &Update) -> bool {
        update.updated_at >= self.fresh_since()
    }

    /// The oldest `updated_at` that counts: `now` less `fresh_within`.
    ///
    /// ```
    /// use carefind::availability::Need;
    ///
    /// let need = Need::at("2026-06-04T00:00:00Z".parse().unwrap());
    /// assert_eq!(need.fresh_since().to_string(), "2026-06-01T00:00:00Z");
    /// ```
    pub fn fresh_since(&self) -> Timestamp {
        self.now
            .checked_sub(self.fresh_within)
            .unwrap_or(Timestamp::MIN)
    }

    /// Whether `update` is fresh and meets every requirement.
    pub fn is_met_by(&self, update: &Update) -> bool {
        self.meets_since(self.fresh_since(), update)
    }

    /// [`Need::is_met_by`], with [`Need::fresh_since`] worked out once by the caller.
    pub(crate) fn meets_since(&self, fresh_since: Timestamp, update: &Update) -> bool {
        update.updated_at >= fresh_since
            && (!self.accepting || update.accepting == Some(true))
            && self
                .open_beds
                .is_none_or(|beds| update.beds_available.is_some_and(|open| open >= beds))
            && self
                .max_wait_days
                .is_none_or(|days| update.wait_days.is_some_and(|wait| wait <= days))
    }
}
