//! Public transit (feature `transit`): which facilities a person can reach by subway,
//! bus or train, and when they arrive.
//!
//! - [`Timetable::load`] reads a GTFS feed (zip or folder) with the maintained
//!   `gtfs-structures` reader and lays it out for searches: stops grouped into stations,
//!   trips into patterns that never overtake, services by date (`calendar.txt` and
//!   `calendar_dates.txt`), the feed's transfer times. Times past 24:00 belong to the day
//!   the trip started, and every time is in the agency's time zone.
//! - [`Timetable::save`] keeps a checked timetable in a file that [`Timetable::load`]
//!   reads back without the feed (versioned and checksummed).
//! - [`Timetable::day`] gathers the trips running around one date (those of the day
//!   before still running after midnight, and those of the day after).
//! - [`Day::earliest_arrivals`] is RAPTOR (Delling, Pajor and Werneck, 2012): the earliest
//!   arrival at every station from a set of starts, with at most so many rides. The tests
//!   check it against a plain time-expanded Dijkstra over random feeds.
//! - [`TransitIndex`] places an index's facilities within a walk of the stations and
//!   answers the facilities reached soonest from a place ([`TransitIndex::nearest`]), over
//!   a window of departures with the median and a percentile as r5 reports them
//!   ([`TransitIndex::window`]), or the latest departure arriving by a time
//!   ([`TransitIndex::arrive_by`]); with [`TransitOptions::open_for`] a facility counts
//!   only if it is open at the arrival.
//!
//! Walks are the great-circle distance times a detour factor at a walking speed
//! ([`Walking`]), or with [`Streets`] the metres along a network of the ways a person may
//! walk (`carefind network build --profile foot`); to the first station, from the last, or
//! all the way. Changes between trains take the feed's transfer times and nothing else
//! is walked.

mod day;
mod feed;
mod kept;
mod raptor;
mod reach;
mod streets;

pub use day::{BadMoment, Day, NoService};
pub use feed::{GtfsError, Mode, Station, Timetable};
pub use kept::{MAGIC as KEPT_MAGIC, VERSION as KEPT_VERSION};
pub use raptor::{Arrivals, Start, UNREACHED};
pub use reach::{
    KeptPlacement, Placement, TransitHit, TransitIndex, TransitOptions, TransitQuery, Walking,
    Window,
};
pub use streets::Streets;
