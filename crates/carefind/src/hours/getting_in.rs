//! What a search asks of getting in: walk-in intake, medication at the first visit, no
//! counseling requirement.

use jiff::Timestamp;

use super::{Schedule, WalkIn};
use crate::availability::{Availability, Judgement, Unknown};
use crate::care::CareSet;
use crate::facility_ref::FacilityRef;

/// The ways in a search asks for, all of which a facility must offer; each is unknown
/// unless the listing states it, and [`GettingIn::unknown`] says what to do then.
///
/// ```
/// use carefind::hours::GettingIn;
/// use carefind::{Facility, Filter, LatLon};
///
/// let mut facility = Facility::new("f", "F", LatLon::new(40.7, -74.0).unwrap());
/// let same_day = Filter::new().getting_in(GettingIn { same_day_medication: true, ..GettingIn::default() });
/// assert!(!same_day.matches(&facility)); // unknown is left out
/// facility.same_day_medication = Some(true);
/// assert!(same_day.matches(&facility));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GettingIn {
    /// Walk-in intake, at some time.
    pub walk_in: bool,
    /// Walk-in intake at this instant: during the walk-in hours, or while open when
    /// walk-ins are simply taken.
    pub walk_in_at: Option<Timestamp>,
    /// Medication for opioid use disorder can start at the first visit.
    pub same_day_medication: bool,
    /// Medication without a counseling requirement.
    pub no_counseling_requirement: bool,
    /// What to do with facilities whose listing does not say.
    pub unknown: Unknown,
}

impl GettingIn {
    /// Whether it asks for anything.
    ///
    /// ```
    /// assert!(!carefind::hours::GettingIn::default().asks_anything());
    /// ```
    pub fn asks_anything(&self) -> bool {
        self.walk_in
            || self.walk_in_at.is_some()
            || self.same_day_medication
            || self.no_counseling_requirement
    }

    /// How `facility` answers every way asked for: it fails when one fails, is unknown
    /// when one is unknown and none fails. A report in `reports` that states a way in
    /// overrides the listing (see [`Availability::getting_in`]).
    pub fn judge(
        &self,
        facility: FacilityRef<'_>,
        wanted: CareSet,
        reports: Option<&Availability>,
    ) -> Judgement {
        let stated =
            reports.map_or_else(Default::default, |table| table.getting_in(facility, wanted));
        let flag = |stated: Option<bool>, wanted: bool| match stated {
            None => Judgement::Unknown,
            Some(value) if value == wanted => Judgement::Meets,
            Some(_) => Judgement::Fails,
        };
        let mut answers = [Judgement::Meets; 4];
        if self.same_day_medication {
            answers[0] = flag(stated.same_day_medication(facility), true);
        }
        if self.no_counseling_requirement {
            answers[1] = flag(stated.counseling_required(facility), false);
        }
        if self.walk_in {
            answers[2] = match (stated.walk_in(), facility.walk_in()) {
                (Some(reported), _) => flag(Some(*reported != WalkIn::No), true),
                (None, "") => Judgement::Unknown,
                (None, text) => flag(super::yes_no(text).or(Some(true)), true),
            };
        }
        if let Some(at) = self.walk_in_at {
            answers[3] = match (stated.walk_in(), facility.schedule()) {
                (Some(reported), Some(schedule)) => {
                    schedule.walk_in_at(Some(reported), facility.care(), wanted, at)
                }
                // Reported walk-in hours of a facility that lists no hours are in the
                // zone of its coordinates.
                (Some(reported), None) => {
                    Schedule::bare(facility).walk_in_at(Some(reported), facility.care(), wanted, at)
                }
                (None, Some(schedule)) => {
                    schedule.walk_in_at(schedule.walk_in(), facility.care(), wanted, at)
                }
                (None, None) => match super::yes_no(facility.walk_in()) {
                    Some(false) => Judgement::Fails,
                    _ => Judgement::Unknown,
                },
            };
        }
        if answers.contains(&Judgement::Fails) {
            Judgement::Fails
        } else if answers.contains(&Judgement::Unknown) {
            Judgement::Unknown
        } else {
            Judgement::Meets
        }
    }
}
