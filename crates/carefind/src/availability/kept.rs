//! How reliably a facility keeps its availability current, in plain figures: "updated 3
//! hours ago; updated on 29 of the last 30 days".
//!
//! A table remembers when each facility's recent updates were true (see
//! [`Availability::with_times`]), at most one in each quarter hour: every zone's days
//! begin on a quarter hour, so no quarter hour straddles two local days, and the days with
//! an update are exactly those of all the updates.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use super::Availability;
use super::compliance::{Rule, Window, judge};
use crate::facility_ref::FacilityRef;

/// The days a freshness signal counts: the last 30, today included.
pub const RECENT_DAYS: u32 = 30;

/// How long updates are remembered after a facility's latest: the recent days, and two
/// more for the zones' offsets.
const REMEMBERED: SignedDuration = SignedDuration::from_hours(24 * (RECENT_DAYS as i64 + 2));

/// A quarter hour, in seconds.
const SLOT: i64 = 15 * 60;

/// Adds `at` to the sorted `times`, unless one in its quarter hour is there already, and
/// forgets those older than the recent days before the latest.
pub(super) fn remember(times: &mut Vec<Timestamp>, at: Timestamp) {
    let slot = |t: &Timestamp| t.as_second().div_euclid(SLOT);
    let place = times.partition_point(|t| slot(t) < slot(&at));
    if times.get(place).is_none_or(|t| slot(t) != slot(&at)) {
        times.insert(place, at);
    }
    if let Some(latest) = times.last().copied() {
        let since = latest.checked_sub(REMEMBERED).unwrap_or(Timestamp::MIN);
        let old = times.partition_point(|t| *t < since);
        times.drain(..old);
    }
}

/// How a facility keeps its availability current, as of a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Kept {
    /// When its latest update was true.
    pub last: Timestamp,
    /// Of the last [`RECENT_DAYS`] days (its own local days, today included), those with
    /// an update.
    pub days_updated: u32,
}

impl Availability {
    /// How `facility` keeps its availability current as of `now`: when its latest update
    /// was true and on how many of the last 30 days (in its time zone) it was updated;
    /// `None` when the table remembers no update of it.
    ///
    /// ```
    /// use carefind::availability::{Availability, Update};
    /// use carefind::{Facility, LatLon};
    ///
    /// let facility = Facility::new("f1", "F", LatLon::new(40.75, -73.99).unwrap());
    /// let day = |d: i8| format!("2026-05-{d:02}T14:00:00Z").parse().unwrap();
    /// let table = Availability::new().with((1..=30).filter(|d| *d != 4).map(|d| Update::new("f1", day(d)))).table;
    /// let kept = table.kept(&facility, "2026-05-30T20:00:00Z".parse().unwrap()).unwrap();
    /// assert_eq!((kept.days_updated, kept.last), (29, day(30)));
    /// ```
    pub fn kept<'f>(&self, facility: impl Into<FacilityRef<'f>>, now: Timestamp) -> Option<Kept> {
        let facility = facility.into();
        let times = self.times(facility.id());
        let last = times.iter().copied().filter(|t| *t <= now).max()?;
        let zone = crate::hours::zone_of(facility);
        let today = zone.to_datetime(now).date();
        let since = today
            .checked_sub(jiff::Span::new().days(i64::from(RECENT_DAYS) - 1))
            .ok()?;
        let window = Window::new(since, today).ok()?;
        let judged = judge(&zone, times.iter().copied(), &window, &Rule::COLORADO);
        Some(Kept {
            last,
            days_updated: judged.days_updated,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_time_a_quarter_hour_is_kept_and_old_ones_are_forgotten() {
        let at = |s: &str| s.parse::<Timestamp>().unwrap();
        let mut times = Vec::new();
        for t in [
            "2026-05-01T10:05:00Z",
            "2026-05-01T10:01:00Z",
            "2026-05-01T10:14:59Z",
            "2026-05-01T10:15:00Z",
            "2026-04-30T23:50:00Z",
        ] {
            remember(&mut times, at(t));
        }
        assert_eq!(
            times,
            [
                at("2026-04-30T23:50:00Z"),
                at("2026-05-01T10:05:00Z"),
                at("2026-05-01T10:15:00Z")
            ]
        );
        remember(&mut times, at("2026-06-15T00:00:00Z"));
        assert_eq!(
            times,
            [at("2026-06-15T00:00:00Z")],
            "more than 32 days older"
        );
    }

    /// An update at 23:30 in New York is that day's there, the next day's in UTC.
    #[test]
    fn days_are_counted_in_the_facilitys_zone() {
        let ny = crate::Facility::new("f", "F", crate::LatLon::new(40.75, -73.99).unwrap());
        let table = Availability::new().with_times([
            ("f", "2026-05-02T03:30:00Z".parse().unwrap()),
            ("f", "2026-05-01T14:00:00Z".parse().unwrap()),
        ]);
        let kept = table
            .kept(&ny, "2026-05-02T12:00:00Z".parse().unwrap())
            .unwrap();
        assert_eq!(kept.days_updated, 1, "both on 1 May in New York");
        assert!(table.reports("f").is_empty());
        assert!(
            table
                .kept(&ny, "2026-04-30T12:00:00Z".parse().unwrap())
                .is_none(),
            "nothing was true yet"
        );
    }
}
