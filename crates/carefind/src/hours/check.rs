//! The hours and getting-in fields of a facility as loaders check them.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};

use super::{Hours, WalkIn, time_zone, zone_name_at};
use crate::care::CareLevel;
use crate::error::Problem;
use crate::facility::Facility;

/// A level's own hours, read from the JSON object of [`Facility::level_hours`].
pub(crate) fn level_hours(text: &str) -> Result<Vec<(CareLevel, Hours)>, Problem> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let object: BTreeMap<String, String> =
        serde_json::from_str(text).map_err(|error| Problem::LevelHours(error.to_string()))?;
    object
        .iter()
        .map(|(level, hours)| {
            let level: CareLevel = level.parse().map_err(|error: crate::error::UnknownTerm| {
                Problem::LevelHours(error.to_string())
            })?;
            let hours: Hours = hours.parse().map_err(|error: super::HoursError| {
                Problem::LevelHours(format!("{level}: {error}"))
            })?;
            Ok((level, hours))
        })
        .collect()
}

/// The hours of single levels of care a facility lists ([`Facility::level_hours`]), each
/// level with its hours; empty when it lists none or they do not parse.
///
/// ```
/// use carefind::{CareLevel, Facility, LatLon};
///
/// let mut facility = Facility::new("f", "F", LatLon::new(40.7, -74.0).unwrap());
/// facility.level_hours = r#"{"iop": "Mo,We,Th 18:00-21:00"}"#.into();
/// let levels = carefind::hours::levels_of((&facility).into());
/// assert_eq!(levels[0].0, CareLevel::Iop);
/// assert_eq!(levels[0].1.as_str(), "Mo,We,Th 18:00-21:00");
/// ```
pub fn levels_of(facility: crate::FacilityRef<'_>) -> Vec<(CareLevel, Hours)> {
    level_hours(facility.level_hours()).unwrap_or_default()
}

/// Checks `facility`'s hours, level hours, time zone and walk-in intake, trims them, and
/// fills the time zone from the coordinates when hours need one and the source names
/// none. An error names the field at fault.
pub(crate) fn check(facility: &mut Facility) -> Result<(), (&'static str, Problem)> {
    for field in [
        &mut facility.hours,
        &mut facility.level_hours,
        &mut facility.timezone,
        &mut facility.walk_in,
    ] {
        if field.trim().len() != field.len() {
            *field = field.trim().to_string();
        }
    }
    valid_once(Expression::Hours, &facility.hours, |text| {
        text.parse::<Hours>().map(drop)
    })
    .map_err(|error| ("hours", Problem::Hours(error)))?;
    valid_once(Expression::LevelHours, &facility.level_hours, |text| {
        level_hours(text).map(drop)
    })
    .map_err(|problem| ("level_hours", problem))?;
    valid_once(Expression::WalkIn, &facility.walk_in, |text| {
        text.parse::<WalkIn>().map(drop)
    })
    .map_err(|error| ("walk_in", Problem::Hours(error)))?;
    if !facility.timezone.is_empty() {
        valid_once(Expression::TimeZone, &facility.timezone, |name| {
            time_zone(name).map(drop)
        })
        .map_err(|error| ("timezone", Problem::TimeZone(error)))?;
    } else if !(facility.hours.is_empty()
        && facility.level_hours.is_empty()
        && facility.walk_in.is_empty())
    {
        facility.timezone = zone_name_at(facility.location).to_string();
    }
    Ok(())
}

/// The fields whose expressions [`valid_once`] remembers, each in a set of its own.
#[derive(Clone, Copy)]
enum Expression {
    Hours,
    LevelHours,
    WalkIn,
    TimeZone,
}

/// How many valid expressions of each field a thread remembers before it forgets them all.
/// A directory repeats a few hundred schedules across thousands of rows; a bound keeps a
/// file of all-different ones from growing the memory of a long-lived thread.
const REMEMBERED: usize = 1024;

thread_local! {
    /// The expressions this thread has found valid. Validity depends on the text alone, so
    /// what is remembered holds for every dataset: the set belongs to no one load.
    static VALID: RefCell<[HashSet<Box<str>>; 4]> = RefCell::default();
}

/// Checks `text` with `check` unless it is empty (a field not listed) or this thread has
/// already found it valid: parsing an
/// opening-hours expression costs microseconds, and with 1,000,000 rows of a few dozen
/// schedules the parses were nine tenths of a load (and finding a zone by name a
/// twentieth of what was left). Invalid text is checked each time, so
/// its error is the one `check` gives.
fn valid_once<E>(
    field: Expression,
    text: &str,
    check: impl FnOnce(&str) -> Result<(), E>,
) -> Result<(), E> {
    if text.is_empty() || VALID.with(|valid| valid.borrow()[field as usize].contains(text)) {
        return Ok(());
    }
    check(text)?;
    VALID.with(|valid| {
        let set = &mut valid.borrow_mut()[field as usize];
        if set.len() >= REMEMBERED {
            set.clear();
        }
        set.insert(text.into());
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LatLon;

    fn facility(hours: &str, walk_in: &str) -> Facility {
        let mut facility = Facility::new("f", "F", LatLon::new(40.7, -74.0).unwrap());
        facility.hours = hours.into();
        facility.walk_in = walk_in.into();
        facility
    }

    #[test]
    fn remembering_valid_text_changes_no_answer() {
        // Valid as walk-in intake, not as hours: what one field remembers must not pass
        // the other.
        assert!(check(&mut facility("", "yes")).is_ok());
        assert_eq!(check(&mut facility("yes", "")).unwrap_err().0, "hours");
        // Invalid text fails each time it is seen, with the same error.
        let first = check(&mut facility("Mo-Fr 25:00-26:00", "")).unwrap_err();
        let again = check(&mut facility("Mo-Fr 25:00-26:00", "")).unwrap_err();
        assert_eq!(format!("{:?}", first), format!("{:?}", again));
        // Valid text stays valid when it is remembered, and past the bound.
        for hour in 0..=REMEMBERED + 3 {
            let hours = format!("Mo {:02}:{:02}-23:59", hour / 60 % 23, hour % 60);
            assert!(check(&mut facility(&hours, "")).is_ok(), "{hours}");
            assert!(check(&mut facility(&hours, "")).is_ok(), "{hours}");
        }
        VALID.with(|valid| assert!(valid.borrow()[Expression::Hours as usize].len() <= REMEMBERED));
        assert_eq!(check(&mut facility("yes", "")).unwrap_err().0, "hours");
    }
}
