//! When a person can get in: opening hours, walk-in intake, and the time filters that
//! read them.
//!
//! A facility's hours ([`Hours`]) are an OpenStreetMap `opening_hours` expression in local
//! wall time, kept with the IANA time zone they are read in (named by the data, or found
//! from the coordinates by [`zone_name_at`]). A search asks of them through an
//! [`OpenNeed`] (open at a moment and for how long, on a day, in the evenings), judged in
//! each facility's own zone with the bundled Time Zone Database ([`TZDB_VERSION`]).
//! Facilities whose hours are not listed are unknown, never open.
//!
//! ```
//! use carefind::hours::{Hours, OpenNeed, When, time_zone};
//!
//! let hours: Hours = "Mo,We,Th 18:00-21:00; PH off".parse()?;
//! let chicago = time_zone("America/Chicago")?;
//! // Wednesday 9 December 2026, 19:00 in Chicago.
//! let evening = "2026-12-10T01:00:00Z".parse()?;
//! assert!(OpenNeed::at(evening).meets(&hours, &chicago));
//! assert!(OpenNeed::from(evening).when(When::Evening).meets(&hours, &chicago));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod check;
mod expression;
mod getting_in;
mod holidays;
mod need;
mod schedule;
mod walk_in;
mod zone;

#[cfg(test)]
mod tests;

pub use check::levels_of;
pub(crate) use check::{check, level_hours};
pub use expression::{Hours, HoursError};
pub use getting_in::GettingIn;
pub use holidays::{YEARS as HOLIDAY_YEARS, is_federal_holiday};
pub use need::{Days, DaysError, EVENING, EVENING_MINUTES, EVENINGS, OpenNeed, When, open_through};
pub use schedule::{Day, Week, week_of, zone_of};
pub(crate) use schedule::{Schedule, Schedules};
pub use walk_in::{WalkIn, yes_no};
pub use zone::{TZDB_VERSION, TimeZoneError, time_zone, zone_name_at};
