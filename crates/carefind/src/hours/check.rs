//! The hours and getting-in fields of a facility as loaders check them.

use std::collections::BTreeMap;

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
    if !facility.hours.is_empty() {
        facility
            .hours
            .parse::<Hours>()
            .map_err(|error| ("hours", Problem::Hours(error)))?;
    }
    level_hours(&facility.level_hours).map_err(|problem| ("level_hours", problem))?;
    if !facility.walk_in.is_empty() {
        facility
            .walk_in
            .parse::<WalkIn>()
            .map_err(|error| ("walk_in", Problem::Hours(error)))?;
    }
    if !facility.timezone.is_empty() {
        time_zone(&facility.timezone).map_err(|error| ("timezone", Problem::TimeZone(error)))?;
    } else if !(facility.hours.is_empty()
        && facility.level_hours.is_empty()
        && facility.walk_in.is_empty())
    {
        facility.timezone = zone_name_at(facility.location).to_string();
    }
    Ok(())
}
