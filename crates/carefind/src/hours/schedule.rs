//! A facility's hours as searches read them: parsed once per dataset, with the time zone.

use std::collections::HashMap;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::{Hours, OpenNeed, WalkIn, time_zone, zone_name_at};
use crate::availability::Judgement;
use crate::care::{CareLevel, CareSet};
use crate::facility_ref::FacilityRef;
use crate::store::FacilityStore;

/// What a facility lists of when it can be reached, parsed: its hours, its levels' own
/// hours, walk-in intake, and the zone they are all in.
#[derive(Clone, Debug)]
pub(crate) struct Schedule {
    zone: TimeZone,
    hours: Option<Hours>,
    levels: Vec<(CareLevel, Hours)>,
    walk_in: Option<WalkIn>,
}

impl Schedule {
    /// `facility`'s schedule; `None` when it lists no hours and no walk-in intake. Fields
    /// that do not parse (loaders refuse them; a program can set anything) count as not
    /// listed, and a missing or unknown zone is found from the coordinates.
    pub(crate) fn of(facility: FacilityRef<'_>) -> Option<Schedule> {
        let hours = facility.hours().parse().ok();
        let levels = super::level_hours(facility.level_hours()).unwrap_or_default();
        let walk_in = Some(facility.walk_in())
            .filter(|text| !text.is_empty())
            .and_then(|text| text.parse().ok());
        if hours.is_none() && levels.is_empty() && walk_in.is_none() {
            return None;
        }
        Some(Schedule {
            zone: zone_of(facility),
            hours,
            levels,
            walk_in,
        })
    }

    /// A schedule with no hours: only `facility`'s zone, for hours a report gives.
    pub(crate) fn bare(facility: FacilityRef<'_>) -> Schedule {
        Schedule {
            zone: zone_of(facility),
            hours: None,
            levels: Vec::new(),
            walk_in: None,
        }
    }

    /// The walk-in intake the listing states.
    pub(crate) fn walk_in(&self) -> Option<&WalkIn> {
        self.walk_in.as_ref()
    }

    /// The zone the hours are in.
    pub(crate) fn zone(&self) -> &TimeZone {
        &self.zone
    }

    /// The facility's own hours.
    pub(crate) fn hours(&self) -> Option<&Hours> {
        self.hours.as_ref()
    }

    /// The hours that apply to `level`: its own, or the facility's.
    pub(crate) fn hours_of(&self, level: CareLevel) -> Option<&Hours> {
        self.levels
            .iter()
            .find(|(own, _)| *own == level)
            .map(|(_, hours)| hours)
            .or(self.hours.as_ref())
    }

    /// Whether the hours that apply meet `need`: those of each level both offered and
    /// wanted (its own, or the facility's); with no level wanted, the facility's or any
    /// level's. Unknown when none meets it and one of them is not listed.
    pub(crate) fn judge(&self, offered: CareSet, wanted: CareSet, need: &OpenNeed) -> Judgement {
        let mut unknown = false;
        let mut judge = |hours: Option<&Hours>| match hours {
            Some(hours) => need.meets_in(hours, &self.zone, true),
            None => {
                unknown = true;
                false
            }
        };
        let met = if wanted.is_empty() {
            judge(self.hours.as_ref())
                || self
                    .levels
                    .iter()
                    .any(|(_, hours)| need.meets_in(hours, &self.zone, true))
        } else {
            (offered & wanted)
                .iter()
                .any(|level| judge(self.hours_of(level)))
        };
        match (met, unknown) {
            (true, _) => Judgement::Meets,
            (false, true) => Judgement::Unknown,
            (false, false) => Judgement::Fails,
        }
    }

    /// Whether walk-ins are taken at `at` under `walk_in` (the listing's or a report's):
    /// during the walk-in hours, or while the facility (the levels wanted) is open when
    /// walk-ins are simply "yes".
    pub(crate) fn walk_in_at(
        &self,
        walk_in: Option<&WalkIn>,
        offered: CareSet,
        wanted: CareSet,
        at: Timestamp,
    ) -> Judgement {
        match walk_in {
            None => Judgement::Unknown,
            Some(WalkIn::No) => Judgement::Fails,
            Some(WalkIn::Hours(hours)) => {
                match OpenNeed::at(at).meets_in(hours, &self.zone, true) {
                    true => Judgement::Meets,
                    false => Judgement::Fails,
                }
            }
            Some(WalkIn::Yes) => self.judge(offered, wanted, &OpenNeed::at(at)),
        }
    }
}

/// The zone of `facility`'s hours and days: its `timezone`, or the one its coordinates
/// lie in (a missing or unknown name), or UTC where no zone is known (the open sea).
///
/// ```
/// use carefind::{Facility, LatLon};
///
/// let facility = Facility::new("f", "F", LatLon::new(41.88, -87.63).unwrap());
/// let zone = carefind::hours::zone_of((&facility).into());
/// assert_eq!(zone.iana_name(), Some("America/Chicago"));
/// ```
pub fn zone_of(facility: FacilityRef<'_>) -> TimeZone {
    time_zone(facility.timezone())
        .or_else(|_| time_zone(zone_name_at(facility.location())))
        .unwrap_or(TimeZone::UTC)
}

/// The schedules of a store's facilities, made the first time a search asks about hours,
/// each distinct listing parsed once.
#[derive(Debug, Default)]
pub(crate) struct Schedules {
    /// For each position, its schedule in `schedules`, or `u32::MAX` for none.
    at: Vec<u32>,
    schedules: Vec<Schedule>,
}

impl Schedules {
    pub(crate) fn of(store: &FacilityStore) -> Schedules {
        let mut seen: HashMap<[&str; 4], u32> = HashMap::new();
        let mut schedules = Vec::new();
        let at = (0..store.len() as u32)
            .map(|position| {
                let Some(facility) = store.get(position as usize) else {
                    return u32::MAX;
                };
                let key = [
                    facility.hours(),
                    facility.level_hours(),
                    facility.walk_in(),
                    facility.timezone(),
                ];
                if key[..3].iter().all(|field| field.is_empty()) {
                    return u32::MAX;
                }
                // The same listing at another place may be in another zone.
                if key[3].is_empty() {
                    return Schedule::of(facility).map_or(u32::MAX, |schedule| {
                        schedules.push(schedule);
                        schedules.len() as u32 - 1
                    });
                }
                *seen.entry(key).or_insert_with(|| {
                    schedules.push(Schedule::of(facility).unwrap_or_else(|| Schedule {
                        zone: TimeZone::UTC,
                        hours: None,
                        levels: Vec::new(),
                        walk_in: None,
                    }));
                    schedules.len() as u32 - 1
                })
            })
            .collect();
        Schedules { at, schedules }
    }

    pub(crate) fn get(&self, position: u32) -> Option<&Schedule> {
        let at = *self.at.get(position as usize)?;
        self.schedules.get(at as usize)
    }
}

/// A facility's hours as a page shows them: the seven days from today in its own time
/// zone, each with its open stretches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Week {
    /// The IANA name of the zone the days and times are in.
    pub zone: String,
    /// Whether the facility is open at the moment asked about.
    pub open_now: bool,
    /// When open, the wall time it closes, if within a day.
    pub open_until: Option<jiff::civil::DateTime>,
    /// Today first, then the six days after it.
    pub days: Vec<Day>,
}

/// One day of a [`Week`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Day {
    /// The date, in the facility's zone.
    pub date: jiff::civil::Date,
    /// Its open stretches, as minutes from midnight (`(480, 1020)` is 08:00-17:00; a
    /// stretch past midnight ends at 1440 and goes on the next day).
    pub open: Vec<(u16, u16)>,
}

/// The facility's own hours for the seven days from `now`, in its zone; `None` when it
/// lists none.
///
/// ```
/// use carefind::{Facility, LatLon};
/// use carefind::hours::week_of;
///
/// let mut facility = Facility::new("f", "F", LatLon::new(41.88, -87.63).unwrap());
/// facility.hours = "Mo-Fr 09:00-17:00; PH off".into();
/// // Friday 25 December 2026, 10:00 in Chicago: Christmas.
/// let week = week_of((&facility).into(), "2026-12-25T16:00:00Z".parse().unwrap()).unwrap();
/// assert_eq!(week.zone, "America/Chicago");
/// assert!(!week.open_now && week.days[0].open.is_empty());
/// let monday = week_of((&facility).into(), "2026-12-28T16:00:00Z".parse().unwrap()).unwrap();
/// assert_eq!(monday.open_until, Some(jiff::civil::date(2026, 12, 28).at(17, 0, 0, 0)));
/// assert_eq!(week.days[3].open, [(540, 1020)]); // Monday the 28th
/// ```
pub fn week_of(facility: FacilityRef<'_>, now: Timestamp) -> Option<Week> {
    let schedule = facility.schedule()?;
    let hours = schedule.hours()?;
    let zone = schedule.zone();
    let wall = zone.to_datetime(now);
    let today = wall.date();
    let horizon = wall
        .checked_add(jiff::SignedDuration::from_hours(24))
        .ok()?;
    let until = hours.open_until(wall, horizon);
    Some(Week {
        zone: zone.iana_name().unwrap_or("UTC").to_string(),
        open_now: until.is_some(),
        open_until: until.filter(|until| *until < horizon),
        days: today
            .series(jiff::Span::new().days(1))
            .take(7)
            .map(|date| Day {
                date,
                open: hours.open_ranges(date, 0, 1440).collect(),
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use crate::hours::{GettingIn, OpenNeed, When};
    use crate::{CareLevel, Facility, Filter, LatLon};

    /// A level's own hours answer for it alone: the facility's answer for the others.
    #[test]
    fn a_levels_own_hours_count_for_that_level_only() {
        let mut facility = Facility::new("f", "F", LatLon::new(40.75, -73.99).unwrap());
        facility.care = "iop;outpatient".parse().unwrap();
        facility.hours = "Mo-Fr 09:00-17:00".into();
        facility.level_hours = r#"{"iop": "Mo,We,Th 18:00-21:00"}"#.into();
        facility.timezone = "America/New_York".into();
        // Monday 7 December 2026, 19:00 in New York.
        let monday = "2026-12-08T00:00:00Z".parse().unwrap();
        for (care, open_now, evenings) in [
            (None, true, true),
            (Some(CareLevel::Iop), true, true),
            (Some(CareLevel::Outpatient), false, false),
        ] {
            let filter = |need| {
                let filter = Filter::new().open(need);
                match care {
                    Some(level) => filter.care(level),
                    None => filter,
                }
            };
            assert_eq!(
                filter(OpenNeed::at(monday)).matches(&facility),
                open_now,
                "{care:?}"
            );
            let evening = OpenNeed::from(monday).when(When::Evening);
            assert_eq!(filter(evening).matches(&facility), evenings, "{care:?}");
        }
        // Walk-ins "yes" are taken while the levels asked for are open.
        facility.walk_in = "yes".into();
        let walk_in_now = GettingIn {
            walk_in_at: Some(monday),
            ..GettingIn::default()
        };
        let iop = Filter::new().care(CareLevel::Iop).getting_in(walk_in_now);
        assert!(iop.matches(&facility));
        let outpatient = Filter::new()
            .care(CareLevel::Outpatient)
            .getting_in(walk_in_now);
        assert!(!outpatient.matches(&facility));
    }
}
