//! The ways in that staff keep current: the latest report stating each, over the listing.

use jiff::Timestamp;

use super::{Availability, Update};
use crate::care::CareSet;
use crate::facility_ref::FacilityRef;
use crate::hours::WalkIn;

/// For each way in (walk-in intake, same-day medication, a counseling requirement,
/// telehealth intake), the report that states it for a facility, if one overrides the
/// listing: the latest report, for the whole facility or a level asked for, that states
/// it and is not older than the day the listing was verified. Unlike beds and waits, ways
/// in are policies, kept until someone says otherwise: a report states them at any age,
/// and the later statement, report or listing, wins.
///
/// ```
/// use carefind::availability::{Availability, Update};
/// use carefind::{CareSet, Facility, LatLon};
///
/// let mut facility = Facility::new("f1", "F", LatLon::new(40.0, -75.0).unwrap());
/// facility.same_day_medication = Some(false);
/// facility.verified = Some("2026-01-15".parse().unwrap());
///
/// let mut report = Update::new("f1", "2026-03-01T08:00:00Z".parse().unwrap());
/// report.same_day_medication = Some(true);
/// let table = Availability::new().with([report]).table;
/// let stated = table.getting_in(&facility, CareSet::EMPTY);
/// assert_eq!(stated.same_day_medication(&facility), Some(true));
/// // Nothing reported: the listing's word stands.
/// assert_eq!(stated.counseling_required(&facility), None);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stated<'a> {
    /// The report stating walk-in intake.
    pub walk_in: Option<&'a Update>,
    /// The report stating same-day medication.
    pub same_day_medication: Option<&'a Update>,
    /// The report stating whether counseling is required.
    pub counseling_required: Option<&'a Update>,
    /// The report stating telehealth intake.
    pub telehealth_intake: Option<&'a Update>,
}

impl<'a> Stated<'a> {
    /// Whether any way in comes from a report.
    pub fn any(&self) -> bool {
        self.walk_in.is_some()
            || self.same_day_medication.is_some()
            || self.counseling_required.is_some()
            || self.telehealth_intake.is_some()
    }

    /// When the latest of these reports was made: how current the reported ways in are.
    pub fn updated_at(&self) -> Option<Timestamp> {
        [
            self.walk_in,
            self.same_day_medication,
            self.counseling_required,
            self.telehealth_intake,
        ]
        .into_iter()
        .flatten()
        .map(|report| report.updated_at)
        .max()
    }

    /// The walk-in intake reported, when a report overrides the listing's (which
    /// [`FacilityRef::walk_in`] gives as text).
    pub fn walk_in(&self) -> Option<&'a WalkIn> {
        self.walk_in.and_then(|report| report.walk_in.as_ref())
    }

    /// Walk-in intake: the report's word, else the listing's (`None` when neither states
    /// it, or the listing's does not read as walk-in intake).
    ///
    /// ```
    /// use carefind::availability::Stated;
    /// use carefind::hours::WalkIn;
    /// use carefind::{Facility, LatLon};
    ///
    /// let mut facility = Facility::new("f1", "F", LatLon::new(40.0, -75.0).unwrap());
    /// facility.walk_in = "no".into();
    /// assert_eq!(Stated::default().walk_in_of(&facility), Some(WalkIn::No));
    /// ```
    pub fn walk_in_of<'f>(&self, facility: impl Into<FacilityRef<'f>>) -> Option<WalkIn> {
        match self.walk_in() {
            Some(reported) => Some(reported.clone()),
            None => facility.into().walk_in().parse().ok(),
        }
    }

    /// Same-day medication: the report's word, else the listing's.
    pub fn same_day_medication<'f>(&self, facility: impl Into<FacilityRef<'f>>) -> Option<bool> {
        self.same_day_medication.map_or_else(
            || facility.into().same_day_medication(),
            |r| r.same_day_medication,
        )
    }

    /// Whether counseling is required: the report's word, else the listing's.
    pub fn counseling_required<'f>(&self, facility: impl Into<FacilityRef<'f>>) -> Option<bool> {
        self.counseling_required.map_or_else(
            || facility.into().counseling_required(),
            |r| r.counseling_required,
        )
    }

    /// Telehealth intake: the report's word, else the listing's.
    pub fn telehealth_intake<'f>(&self, facility: impl Into<FacilityRef<'f>>) -> Option<bool> {
        self.telehealth_intake.map_or_else(
            || facility.into().telehealth_intake(),
            |r| r.telehealth_intake,
        )
    }
}

impl Availability {
    /// The reports that state `facility`'s ways in for the levels `care` (empty: any):
    /// see [`Stated`].
    pub fn getting_in<'f>(
        &self,
        facility: impl Into<FacilityRef<'f>>,
        care: CareSet,
    ) -> Stated<'_> {
        let facility = facility.into();
        let reports = self.reports(facility.id());
        if reports.is_empty() {
            return Stated::default();
        }
        // The listing was true on the day it was verified: a report from that day on is
        // the later word. (A listing with no date is older than any report.)
        let since = facility
            .verified()
            .and_then(|day| jiff::tz::TimeZone::UTC.to_timestamp(day.into()).ok())
            .unwrap_or(Timestamp::MIN);
        let wanted = care & facility.care();
        let relevant = |report: &&Update| {
            report.updated_at >= since
                && (care.is_empty() || report.care.is_none_or(|level| wanted.contains(level)))
        };
        let latest = |states: fn(&Update) -> bool| {
            reports
                .iter()
                .filter(relevant)
                .filter(|report| states(report))
                .max_by_key(|report| report.updated_at)
        };
        Stated {
            walk_in: latest(|r| r.walk_in.is_some()),
            same_day_medication: latest(|r| r.same_day_medication.is_some()),
            counseling_required: latest(|r| r.counseling_required.is_some()),
            telehealth_intake: latest(|r| r.telehealth_intake.is_some()),
        }
    }
}
