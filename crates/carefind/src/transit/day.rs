//! The trips that run around one date, laid out for searches from that date.

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};

use super::Timetable;

/// A date on which the feed runs no trip.
///
/// ```
/// let error = carefind::transit::NoService {
///     date: "2027-01-05".parse().unwrap(),
///     span: Some(("2026-05-26".parse().unwrap(), "2026-10-31".parse().unwrap())),
/// };
/// assert_eq!(error.to_string(), "no trip runs on 2027-01-05: the feed runs from 2026-05-26 to 2026-10-31");
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("no trip runs on {date}: the feed runs {}", match span {
    Some((first, last)) => format!("from {first} to {last}"),
    None => "on no date at all".to_string(),
})]
pub struct NoService {
    /// The date asked about.
    pub date: Date,
    /// The first and last dates the feed runs on.
    pub span: Option<(Date, Date)>,
}

/// The trips of one pattern that run on one service day, in seconds from the searched
/// date's start: never overtaking, sorted by departure.
#[derive(Clone, Debug)]
pub(crate) struct Route {
    pub(crate) pattern: u32,
    pub(crate) trips: u32,
    /// Arrival and departure, trip after trip.
    pub(crate) times: Vec<[i32; 2]>,
}

/// A timetable's trips around one date: those of the day before (running past
/// midnight), of the date, and of the day after, each timed in seconds from the date's
/// start (noon less 12 hours in the feed's zone, as GTFS counts, so that a day with a
/// clock change still counts from the same instant as its trips do).
///
/// A day is made once and answers any number of searches departing that date.
///
/// ```no_run
/// use carefind::transit::Timetable;
///
/// let timetable = Timetable::load("nyc_subway_gtfs.zip")?;
/// let day = timetable.day("2026-09-15".parse()?)?;
/// assert!(day.route_count() > 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Day<'t> {
    pub(crate) timetable: &'t Timetable,
    pub(crate) date: Date,
    pub(crate) start: Timestamp,
    pub(crate) routes: Vec<Route>,
    /// The routes calling at each station, with the position of the call: `serving[s]`.
    pub(crate) first_serving: Vec<u32>,
    pub(crate) serving: Vec<(u32, u32)>,
}

/// The instant GTFS times on `date` count from: noon less 12 hours, in `zone`.
pub(crate) fn day_start(zone: &jiff::tz::TimeZone, date: Date) -> Option<Timestamp> {
    let noon = zone
        .to_ambiguous_timestamp(date.at(12, 0, 0, 0))
        .compatible()
        .ok()?;
    noon.checked_sub(SignedDuration::from_hours(12)).ok()
}

impl Timetable {
    /// The trips running around `date`, laid out for searches departing that date.
    ///
    /// A date outside the feed's service ([`Timetable::service_span`]) is an error: no
    /// trip would run, and every place would look out of reach.
    pub fn day(&self, date: Date) -> Result<Day<'_>, NoService> {
        let outside = || NoService {
            date,
            span: self.service_span(),
        };
        match self.service_span() {
            Some((first, last)) if first <= date && date <= last => {}
            _ => return Err(outside()),
        }
        let start = day_start(&self.zone, date).ok_or_else(outside)?;
        let mut routes = Vec::new();
        for shift in [-1i64, 0, 1] {
            let Ok(service_date) = date.checked_add(jiff::Span::new().days(shift)) else {
                continue;
            };
            let Some(service_start) = day_start(&self.zone, service_date) else {
                continue;
            };
            let offset = service_start.duration_since(start).as_secs() as i32;
            let runs: Vec<bool> = self
                .services
                .iter()
                .map(|service| service.runs_on(service_date))
                .collect();
            for (number, pattern) in self.patterns.iter().enumerate() {
                let n = pattern.stops.len();
                let mut times = Vec::new();
                let mut trips = 0;
                for (trip, &service) in pattern.services.iter().enumerate() {
                    let own = &pattern.times[trip * n..(trip + 1) * n];
                    // The day before matters only for trips still running after midnight.
                    if !runs[service as usize] || (shift < 0 && own[n - 1][0] as i32 + offset < 0) {
                        continue;
                    }
                    times.extend(
                        own.iter()
                            .map(|[a, d]| [*a as i32 + offset, *d as i32 + offset]),
                    );
                    trips += 1;
                }
                if trips > 0 {
                    routes.push(Route {
                        pattern: number as u32,
                        trips,
                        times,
                    });
                }
            }
        }
        // Each station's calls, in compressed rows.
        let stations = self.stations.len();
        let mut counts = vec![0u32; stations + 1];
        for route in &routes {
            for stop in &self.patterns[route.pattern as usize].stops {
                counts[stop.station as usize + 1] += 1;
            }
        }
        for s in 0..stations {
            counts[s + 1] += counts[s];
        }
        let first_serving = counts.clone();
        let mut serving = vec![(0, 0); counts[stations] as usize];
        for (r, route) in routes.iter().enumerate() {
            for (position, stop) in self.patterns[route.pattern as usize]
                .stops
                .iter()
                .enumerate()
            {
                let slot = &mut counts[stop.station as usize];
                serving[*slot as usize] = (r as u32, position as u32);
                *slot += 1;
            }
        }
        Ok(Day {
            timetable: self,
            date,
            start,
            routes,
            first_serving,
            serving,
        })
    }
}

/// A time that is neither a wall time such as `2026-09-15T07:30` nor an instant with an
/// offset.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{text:?} is not a time such as 2026-09-15T07:30 ({reason})")]
pub struct BadMoment {
    /// The text given.
    pub text: String,
    /// Why it does not read.
    pub reason: String,
}

impl Timetable {
    /// The instant `text` names: a wall time in the feed's zone (`2026-09-15T07:30`, the
    /// earlier of a repeated hour, the later side of a skipped one), or an instant with an
    /// offset or `Z`.
    ///
    /// ```no_run
    /// let timetable = carefind::transit::Timetable::load("nyc_subway_gtfs.zip")?;
    /// let at = timetable.moment("2026-09-15T07:30")?;
    /// assert_eq!(at.to_string(), "2026-09-15T11:30:00Z");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn moment(&self, text: &str) -> Result<Timestamp, BadMoment> {
        if let Ok(instant) = text.parse::<Timestamp>() {
            return Ok(instant);
        }
        let bad = |reason: String| BadMoment {
            text: text.to_string(),
            reason,
        };
        let wall: jiff::civil::DateTime =
            text.parse().map_err(|e: jiff::Error| bad(e.to_string()))?;
        self.zone
            .to_ambiguous_timestamp(wall)
            .compatible()
            .map_err(|e| bad(e.to_string()))
    }
}

impl Day<'_> {
    /// The date.
    pub fn date(&self) -> Date {
        self.date
    }

    /// The instant the day's seconds count from.
    pub fn start(&self) -> Timestamp {
        self.start
    }

    /// The number of routes (patterns of trips, for each of the three service days).
    pub fn route_count(&self) -> usize {
        self.routes.len()
    }

    /// The seconds from the day's start to `at` (negative before it).
    pub fn seconds_of(&self, at: Timestamp) -> i64 {
        at.duration_since(self.start).as_secs()
    }

    /// The instant `seconds` after the day's start.
    pub fn instant(&self, seconds: i64) -> Timestamp {
        self.start
            .checked_add(SignedDuration::from_secs(seconds))
            .unwrap_or(self.start)
    }

    pub(crate) fn serving(&self, station: u32) -> &[(u32, u32)] {
        let s = station as usize;
        &self.serving[self.first_serving[s] as usize..self.first_serving[s + 1] as usize]
    }
}
