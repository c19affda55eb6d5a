//! Facilities reached by transit from a place: walking to stations, riding, walking on.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use rayon::prelude::*;

use super::raptor::{Start, UNREACHED};
use super::streets::{Spread, Streets};
use super::{Day, Timetable};
use crate::availability::Judgement;
use crate::hours::OpenNeed;
use crate::network::snap::Snap;
use crate::{FacilityRef, Filter, Index, LatLon};

/// How riders walk: to the first station, from the last, or all the way.
///
/// Without a walking network, a walk is the great-circle distance times `detour` (streets
/// are not straight lines: 1.3 is a common figure for city grids) at `speed_kmh`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Walking {
    /// Walking speed, km/h; 4.8 (3 mph) by default.
    pub speed_kmh: f64,
    /// How much longer a walk is than the straight line; 1.3 by default.
    pub detour: f64,
    /// The longest walk at either end of a journey, or the whole way, in seconds; 20
    /// minutes by default.
    pub max_s: f64,
}

impl Default for Walking {
    fn default() -> Self {
        Walking {
            speed_kmh: 4.8,
            detour: 1.3,
            max_s: 20.0 * 60.0,
        }
    }
}

impl Walking {
    /// The seconds it takes to walk from `a` to `b`.
    ///
    /// ```
    /// use carefind::LatLon;
    /// use carefind::transit::Walking;
    ///
    /// let walking = Walking { speed_kmh: 3.6, detour: 1.0, max_s: 600.0 };
    /// let a = LatLon::new(0.0, 0.0)?;
    /// let b = LatLon::new(0.0, 0.001)?; // 111 m
    /// assert!((walking.seconds(a, b) - 111.2).abs() < 0.1);
    /// # Ok::<(), carefind::CoordinateError>(())
    /// ```
    pub fn seconds(&self, a: LatLon, b: LatLon) -> f64 {
        a.distance_m(b) * self.detour / (self.speed_kmh / 3.6)
    }

    /// The farthest straight line walked within `max_s`, in metres.
    fn reach_m(&self) -> f64 {
        self.max_s * (self.speed_kmh / 3.6) / self.detour
    }
}

/// What a transit search asks besides the place and the moment.
#[derive(Clone, Debug, PartialEq)]
pub struct TransitOptions {
    /// How riders walk.
    pub walking: Walking,
    /// The most rides in a journey (transfers are one fewer); 5 by default.
    pub max_rides: usize,
    /// The longest journey, in seconds; 2 hours by default.
    pub max_s: f64,
    /// When set, a facility counts as reached only if its hours show it open at the
    /// arrival and for this long after (such as 30 minutes to be dosed); facilities that
    /// list no hours are kept and labelled unknown.
    pub open_for: Option<SignedDuration>,
}

impl Default for TransitOptions {
    fn default() -> Self {
        TransitOptions {
            walking: Walking::default(),
            max_rides: 5,
            max_s: 2.0 * 3600.0,
            open_for: None,
        }
    }
}

/// What a transit search asks: from where, how many facilities, which, and how.
#[derive(Clone, Debug)]
pub struct TransitQuery<'f> {
    /// Where the journey starts.
    pub origin: LatLon,
    /// The most facilities to answer.
    pub limit: usize,
    /// Which facilities count (a filter asking about hours is judged now, not at the
    /// arrival: use [`TransitOptions::open_for`] instead).
    pub filter: &'f Filter,
    /// Walking, rides, the longest journey and the hours at the arrival.
    pub options: TransitOptions,
}

/// Departures every minute over a window, and the percentile to report beside the median.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Window {
    /// The number of departures, a minute apart.
    pub minutes: u32,
    /// The percentile (0-100) of the journey times reported beside the median.
    pub percentile: f64,
}

/// A facility reached by transit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TransitHit<'a> {
    /// The facility.
    pub facility: FacilityRef<'a>,
    /// The journey's time, in seconds from the departure (for a window, the median).
    pub seconds: f64,
    /// The rides of the journey (0: walked all the way).
    pub rides: u8,
    /// The seconds walked to the first station and from the last (or the whole way).
    pub walk_s: f64,
    /// When the journey leaves.
    pub departure: Timestamp,
    /// When it arrives.
    pub arrival: Timestamp,
    /// With [`TransitOptions::open_for`]: [`Judgement::Meets`] when the facility's hours
    /// show it open at the arrival, [`Judgement::Unknown`] when it lists none.
    pub open: Option<Judgement>,
    /// For a window: the chosen percentile of the journey times, in seconds.
    pub percentile_s: Option<f64>,
    /// For a window: the share of its departures from which the facility is reached.
    pub reached_share: Option<f64>,
}

/// One facility's best journey: arrival (seconds from the day's start), rides, walk.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Journey {
    arrival: i64,
    rides: u8,
    walk_s: f64,
}

/// The facilities of an index placed beside a timetable's stations, for transit searches.
///
/// ```no_run
/// use carefind::transit::{Timetable, TransitIndex, TransitOptions, TransitQuery};
/// use carefind::{CareLevel, Filter, Index, LatLon};
///
/// let timetable = Timetable::load("nyc_subway_gtfs.zip")?;
/// let index = Index::sample();
/// let otp = Filter::new().care(CareLevel::Otp);
/// let query = TransitQuery {
///     origin: LatLon::new(40.8116, -73.9465)?, // ZIP 10027
///     limit: 10,
///     filter: &otp,
///     options: TransitOptions { max_s: 45.0 * 60.0, ..TransitOptions::default() },
/// };
/// let transit = TransitIndex::new(&timetable, &index, query.options.walking);
/// let day = timetable.day("2026-09-15".parse()?)?;
/// let depart = day.instant(7 * 3600 + 30 * 60);
/// for hit in transit.nearest(&day, &query, depart) {
///     println!("{:.0} min  {} rides  {}", hit.seconds / 60.0, hit.rides, hit.facility.name());
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct TransitIndex<'a> {
    timetable: &'a Timetable,
    index: &'a Index,
    placement: Arc<Placement>,
}

/// Which facilities of an index are within a walk of each station of a timetable: made
/// once for a dataset and kept (a server keeps it until the dataset is swapped), as
/// [`TransitIndex::with_placement`] takes it.
#[derive(Debug)]
pub struct Placement {
    /// The [`Index::generation`] it was made for.
    generation: u64,
    stations: usize,
    walking: Walking,
    /// The streets walked on, with each station's and facility's place on them; walks
    /// are straight lines with a detour without them.
    streets: Option<Streets>,
    station_snaps: Vec<Option<Snap>>,
    facility_snaps: Vec<Option<Snap>>,
    /// The facilities within a walk of each station: (position, seconds).
    beside: Vec<Vec<(u32, f64)>>,
}

/// The walks from an origin, in seconds: to each station within a walk (station,
/// seconds), and all the way to each facility within one (position, seconds).
struct Walks {
    stations: Vec<(u32, f64)>,
    facilities: Vec<(usize, f64)>,
}

/// Walks from one point: the point itself (straight lines), or its spread on the streets
/// (`None`: too far from every street to walk).
enum WalksFrom {
    Line(LatLon),
    Streets(Option<Spread>),
}

impl Placement {
    /// Places `index`'s facilities beside the stations of `timetable` within
    /// `walking.max_s` of a walk.
    pub fn new(timetable: &Timetable, index: &Index, walking: Walking) -> Placement {
        Placement::build(timetable, index, walking, None)
    }

    /// Places `index`'s facilities beside the stations of `timetable` within
    /// `walking.max_s` of a walk on `streets`.
    pub fn on_streets(
        timetable: &Timetable,
        index: &Index,
        walking: Walking,
        streets: Streets,
    ) -> Placement {
        Placement::build(timetable, index, walking, Some(streets))
    }

    fn build(
        timetable: &Timetable,
        index: &Index,
        walking: Walking,
        streets: Option<Streets>,
    ) -> Placement {
        let (station_snaps, facility_snaps) = match &streets {
            Some(streets) => (
                timetable
                    .stations()
                    .par_iter()
                    .map(|station| streets.snap(station.point))
                    .collect(),
                (0..index.len() as u32)
                    .into_par_iter()
                    .map(|position| streets.snap(index.store().location(position)))
                    .collect(),
            ),
            None => (Vec::new(), Vec::new()),
        };
        let mut placement = Placement {
            generation: index.generation(),
            stations: timetable.stations().len(),
            walking,
            streets,
            station_snaps,
            facility_snaps,
            beside: Vec::new(),
        };
        let reach = placement.reach_m(&walking);
        placement.beside = timetable
            .stations()
            .par_iter()
            .map(|station| {
                let from = placement.walks_from(station.point, &walking);
                let mut near = Vec::new();
                for facility in index.facilities() {
                    // A cheap bound first: a degree of latitude is 111 km at least.
                    let location = facility.location();
                    if (location.lat() - station.point.lat()).abs() * 110_000.0 > reach {
                        continue;
                    }
                    if let Some(seconds) =
                        placement.walk(&from, location, facility.position(), &walking)
                    {
                        near.push((facility.position() as u32, seconds));
                    }
                }
                near
            })
            .collect();
        placement
    }

    /// Whether it was made for `index`, `timetable`, `walking` and `streets`.
    pub fn is_for(
        &self,
        timetable: &Timetable,
        index: &Index,
        walking: Walking,
        streets: Option<&Streets>,
    ) -> bool {
        let same_streets = match (&self.streets, streets) {
            (None, None) => true,
            (Some(mine), Some(theirs)) => mine.same_as(theirs),
            _ => false,
        };
        self.generation == index.generation()
            && self.stations == timetable.stations().len()
            && self.walking == walking
            && same_streets
    }

    /// The number of facilities within a walk of some station.
    pub fn placed(&self) -> usize {
        let mut placed: Vec<u32> = self.beside.iter().flatten().map(|(p, _)| *p).collect();
        placed.sort_unstable();
        placed.dedup();
        placed.len()
    }

    /// The farthest straight line a walk can cover, in metres.
    fn reach_m(&self, walking: &Walking) -> f64 {
        match &self.streets {
            Some(streets) => streets.reach_m(walking),
            None => walking.reach_m(),
        }
    }

    /// Walks from `point`, within `walking.max_s`.
    fn walks_from(&self, point: LatLon, walking: &Walking) -> WalksFrom {
        match &self.streets {
            Some(streets) => WalksFrom::Streets(streets.spread(point, walking)),
            None => WalksFrom::Line(point),
        }
    }

    /// The seconds walked from `from` to `to` (placed on the streets at `snap`, when
    /// walks are on streets), if within `walking.max_s`.
    fn walk_to(
        &self,
        from: &WalksFrom,
        to: LatLon,
        snap: Option<&Snap>,
        walking: &Walking,
    ) -> Option<f64> {
        match from {
            WalksFrom::Streets(spread) => {
                self.streets
                    .as_ref()?
                    .seconds_to(spread.as_ref()?, snap?, walking)
            }
            WalksFrom::Line(from) => {
                let seconds = walking.seconds(*from, to);
                (seconds <= walking.max_s).then_some(seconds)
            }
        }
    }

    /// The seconds walked from `from` to the facility at `position`.
    fn walk(
        &self,
        from: &WalksFrom,
        to: LatLon,
        position: usize,
        walking: &Walking,
    ) -> Option<f64> {
        self.walk_to(
            from,
            to,
            self.facility_snaps.get(position).and_then(Option::as_ref),
            walking,
        )
    }
}

/// The placement of the dataset last searched, kept for the next search (a server's or a
/// notebook's): made again when the dataset, timetable or walking changes.
///
/// ```no_run
/// use carefind::Index;
/// use carefind::transit::{KeptPlacement, Timetable, Walking};
///
/// let timetable = Timetable::load("nyc_subway_gtfs.zip")?;
/// let kept = KeptPlacement::default();
/// let index = Index::sample();
/// let first = kept.index(&timetable, &index, Walking::default()); // places the facilities
/// let again = kept.index(&timetable, &index, Walking::default()); // reuses the placement
/// assert_eq!(first.placed(), again.placed());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
pub struct KeptPlacement(std::sync::Mutex<Option<Arc<Placement>>>);

impl KeptPlacement {
    /// The transit index of `index` on `timetable`, with the kept placement when it is for
    /// them and `walking`; the placement it used is kept for the next call.
    pub fn index<'a>(
        &self,
        timetable: &'a Timetable,
        index: &'a Index,
        walking: Walking,
    ) -> TransitIndex<'a> {
        self.index_on(timetable, index, walking, None)
    }

    /// As [`KeptPlacement::index`], walking on `streets` when given.
    pub fn index_on<'a>(
        &self,
        timetable: &'a Timetable,
        index: &'a Index,
        walking: Walking,
        streets: Option<Streets>,
    ) -> TransitIndex<'a> {
        let kept = self.0.lock().ok().and_then(|kept| kept.clone());
        let transit = match (kept, streets) {
            (Some(placement), streets)
                if placement.is_for(timetable, index, walking, streets.as_ref()) =>
            {
                TransitIndex {
                    timetable,
                    index,
                    placement,
                }
            }
            (_, Some(streets)) => TransitIndex::on_streets(timetable, index, walking, streets),
            (_, None) => TransitIndex::new(timetable, index, walking),
        };
        if let Ok(mut kept) = self.0.lock() {
            *kept = Some(transit.placement());
        }
        transit
    }
}

impl<'a> TransitIndex<'a> {
    /// Places `index`'s facilities beside the stations of `timetable` within
    /// `walking.max_s` of a walk.
    pub fn new(timetable: &'a Timetable, index: &'a Index, walking: Walking) -> TransitIndex<'a> {
        let placement = Arc::new(Placement::new(timetable, index, walking));
        TransitIndex {
            timetable,
            index,
            placement,
        }
    }

    /// Places `index`'s facilities beside the stations of `timetable` within
    /// `walking.max_s` of a walk on `streets`; every walk of its searches is on them.
    pub fn on_streets(
        timetable: &'a Timetable,
        index: &'a Index,
        walking: Walking,
        streets: Streets,
    ) -> TransitIndex<'a> {
        let placement = Arc::new(Placement::on_streets(timetable, index, walking, streets));
        TransitIndex {
            timetable,
            index,
            placement,
        }
    }

    /// A transit index with a placement made before: used when it is for this index,
    /// timetable and walking, made again (on its streets, if any) otherwise.
    pub fn with_placement(
        timetable: &'a Timetable,
        index: &'a Index,
        walking: Walking,
        placement: Arc<Placement>,
    ) -> TransitIndex<'a> {
        let streets = placement.streets.clone();
        if placement.is_for(timetable, index, walking, streets.as_ref()) {
            return TransitIndex {
                timetable,
                index,
                placement,
            };
        }
        let placement = Arc::new(Placement::build(timetable, index, walking, streets));
        TransitIndex {
            timetable,
            index,
            placement,
        }
    }

    /// The placement, to keep for the next search of the same dataset.
    pub fn placement(&self) -> Arc<Placement> {
        Arc::clone(&self.placement)
    }

    /// How riders walk in this index.
    pub fn walking(&self) -> Walking {
        self.placement.walking
    }

    /// The number of facilities within a walk of some station.
    pub fn placed(&self) -> usize {
        self.placement.placed()
    }

    /// The walks from `origin`: to each station within a walk, and to each facility
    /// (walking all the way). They are the same for every departure, so a window's
    /// departures share them (on streets, one Dijkstra rather than one a departure).
    fn walks(&self, origin: LatLon, walking: &Walking) -> Walks {
        let placement = &*self.placement;
        let from = placement.walks_from(origin, walking);
        let reach = placement.reach_m(walking);
        let stations = self
            .timetable
            .stations()
            .iter()
            .enumerate()
            .filter(|(_, station)| origin.distance_m(station.point) <= reach * (1.0 + 1e-9))
            .filter_map(|(s, station)| {
                let snap = placement.station_snaps.get(s).and_then(Option::as_ref);
                let seconds = placement.walk_to(&from, station.point, snap, walking)?;
                Some((s as u32, seconds))
            })
            .collect();
        // Only the facilities within a walk, found by the index (never a scan of every
        // facility), a hair wider than the walk: the walk's own test decides at the edge.
        let near = crate::Query::within(
            origin,
            crate::Distance::from_meters(reach * (1.0 + 1e-9) + 1e-6),
        )
        .filter(Filter::new().include_closed());
        let facilities = self
            .index
            .search(&near)
            .unwrap_or_default()
            .iter()
            .filter_map(|hit| {
                let facility = hit.facility;
                let seconds =
                    placement.walk(&from, facility.location(), facility.position(), walking)?;
                Some((facility.position(), seconds))
            })
            .collect();
        Walks {
            stations,
            facilities,
        }
    }

    /// Each facility's best journey from the origin of `walks` leaving at `depart`
    /// (seconds from the day's start), among those `keep` accepts.
    fn journeys(
        &self,
        day: &Day<'_>,
        walks: &Walks,
        depart: i64,
        options: &TransitOptions,
        keep: &[bool],
    ) -> Vec<Option<Journey>> {
        let horizon = (depart as f64 + options.max_s).min(f64::from(i32::MAX - 1)) as i32;
        let starts: Vec<Start> = walks
            .stations
            .iter()
            .map(|&(station, seconds)| Start {
                station,
                ready: (depart as f64 + seconds).ceil() as i32,
                walk_s: seconds.ceil() as u32,
            })
            .collect();
        let arrivals = day.earliest_arrivals(&starts, options.max_rides, horizon);
        let mut best: Vec<Option<Journey>> = vec![None; self.index.len()];
        let mut offer = |position: usize, journey: Journey| {
            if journey.arrival as f64 > depart as f64 + options.max_s || !keep[position] {
                return;
            }
            let better = best[position].is_none_or(|known| {
                (journey.arrival, journey.rides) < (known.arrival, known.rides)
            });
            if better {
                best[position] = Some(journey);
            }
        };
        for (s, near) in self.placement.beside.iter().enumerate() {
            let at = arrivals.arrival[s];
            if at == UNREACHED {
                continue;
            }
            for &(position, seconds) in near {
                offer(
                    position as usize,
                    Journey {
                        arrival: i64::from(at) + seconds.ceil() as i64,
                        rides: arrivals.rides[s],
                        walk_s: f64::from(arrivals.walk_s[s]) + seconds.ceil(),
                    },
                );
            }
        }
        for &(position, seconds) in &walks.facilities {
            offer(
                position,
                Journey {
                    arrival: depart + seconds.ceil() as i64,
                    rides: 0,
                    walk_s: seconds.ceil(),
                },
            );
        }
        best
    }

    /// Whether each facility passes `filter` (which must not ask about hours: those are
    /// judged at the arrival).
    fn kept(&self, filter: &Filter) -> Vec<bool> {
        self.index.facilities().map(|f| filter.matches(f)).collect()
    }

    /// How the facility's hours judge an arrival at `at`, when asked.
    fn open_at(
        &self,
        facility: FacilityRef<'_>,
        filter: &Filter,
        at: Timestamp,
        options: &TransitOptions,
    ) -> Option<Judgement> {
        let open_for = options.open_for?;
        let need = OpenNeed::at(at).open_for(open_for);
        Some(match facility.schedule() {
            Some(schedule) => schedule.judge(facility.care(), filter.care, &need),
            None => Judgement::Unknown,
        })
    }

    /// The hit for the facility at `position`, reached by `journey` leaving at `leave`
    /// (seconds from the day's start) in `seconds`.
    fn hit(
        &self,
        day: &Day<'_>,
        query: &TransitQuery<'_>,
        position: usize,
        journey: Journey,
        leave: i64,
        seconds: f64,
    ) -> Option<TransitHit<'a>> {
        let facility = self.index.facility(position)?;
        let arrival = day.instant(journey.arrival);
        Some(TransitHit {
            facility,
            seconds,
            rides: journey.rides,
            walk_s: journey.walk_s,
            departure: day.instant(leave),
            arrival,
            open: self.open_at(facility, query.filter, arrival, &query.options),
            percentile_s: None,
            reached_share: None,
        })
    }

    /// Each facility's best journey for each of `departures`, a facility found closed at
    /// the arrival counting as not reached.
    fn runs(
        &self,
        day: &Day<'_>,
        query: &TransitQuery<'_>,
        departures: &[i64],
    ) -> Vec<Vec<Option<Journey>>> {
        let keep = self.kept(query.filter);
        let walks = self.walks(query.origin, &query.options.walking);
        departures
            .par_iter()
            .map(|&leave| {
                let mut journeys = self.journeys(day, &walks, leave, &query.options, &keep);
                if query.options.open_for.is_some() {
                    for (position, journey) in journeys.iter_mut().enumerate() {
                        let closed = journey.is_some_and(|j| {
                            self.index.facility(position).is_some_and(|facility| {
                                let at = day.instant(j.arrival);
                                self.open_at(facility, query.filter, at, &query.options)
                                    == Some(Judgement::Fails)
                            })
                        });
                        if closed {
                            *journey = None;
                        }
                    }
                }
                journeys
            })
            .collect()
    }

    /// The facilities matching the query's filter reached soonest from its origin leaving
    /// at `depart`, within [`TransitOptions::max_s`], soonest first (ties by fewer rides,
    /// then by position), at most [`TransitQuery::limit`]. With
    /// [`TransitOptions::open_for`], a facility whose hours show it closed at the arrival
    /// is left out; one that lists none is kept.
    pub fn nearest(
        &self,
        day: &Day<'_>,
        query: &TransitQuery<'_>,
        depart: Timestamp,
    ) -> Vec<TransitHit<'a>> {
        let from = day.seconds_of(depart);
        let run = self.runs(day, query, &[from]).pop().unwrap_or_default();
        let mut hits: Vec<(Journey, usize)> = run
            .iter()
            .enumerate()
            .filter_map(|(position, journey)| journey.map(|j| (j, position)))
            .collect();
        hits.sort_by_key(|(j, position)| (j.arrival, j.rides, *position));
        hits.into_iter()
            .take(query.limit)
            .filter_map(|(j, position)| {
                self.hit(day, query, position, j, from, (j.arrival - from) as f64)
            })
            .collect()
    }

    /// The journey times from the origin for a departure every minute of the window from
    /// `depart`, as r5 reports them: for each facility, the median (the hit's `seconds`)
    /// and the window's percentile of the times over the departures, a departure from
    /// which it is not reached (or reached closed) counting as never. The facilities
    /// with the lowest median within [`TransitOptions::max_s`], lowest first.
    pub fn window(
        &self,
        day: &Day<'_>,
        query: &TransitQuery<'_>,
        depart: Timestamp,
        window: Window,
    ) -> Vec<TransitHit<'a>> {
        let from = day.seconds_of(depart);
        let departures: Vec<i64> = (0..window.minutes.max(1))
            .map(|m| from + 60 * i64::from(m))
            .collect();
        let runs = self.runs(day, query, &departures);
        let mut hits = Vec::new();
        for position in 0..self.index.len() {
            let reached: Vec<(f64, Journey, i64)> = runs
                .iter()
                .zip(&departures)
                .filter_map(|(run, &leave)| {
                    run[position].map(|j| ((j.arrival - leave) as f64, j, leave))
                })
                .collect();
            let mut times: Vec<f64> = reached.iter().map(|(t, _, _)| *t).collect();
            times.resize(departures.len(), f64::INFINITY);
            times.sort_by(f64::total_cmp);
            let median = percentile_of(&times, 50.0);
            if !median.is_finite() || median > query.options.max_s {
                continue;
            }
            // The departure whose time is the median's, for the rides and walk shown.
            let Some(&(_, journey, leave)) = reached
                .iter()
                .min_by(|a, b| (a.0 - median).abs().total_cmp(&(b.0 - median).abs()))
            else {
                continue;
            };
            let share = reached.len() as f64 / departures.len() as f64;
            hits.push((
                median,
                position,
                journey,
                leave,
                percentile_of(&times, window.percentile),
                share,
            ));
        }
        hits.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        hits.into_iter()
            .take(query.limit)
            .filter_map(|(median, position, journey, leave, at_percentile, share)| {
                let hit = self.hit(day, query, position, journey, leave, median)?;
                Some(TransitHit {
                    percentile_s: Some(at_percentile),
                    reached_share: Some(share),
                    ..hit
                })
            })
            .collect()
    }

    /// For each facility matching the filter, the latest departure from the origin, on
    /// the minute, that arrives by `arrive_by` (and finds it open, with
    /// [`TransitOptions::open_for`]), searching back [`TransitOptions::max_s`]; those
    /// with the latest departures, latest first, at most [`TransitQuery::limit`].
    pub fn arrive_by(
        &self,
        day: &Day<'_>,
        query: &TransitQuery<'_>,
        arrive_by: Timestamp,
    ) -> Vec<TransitHit<'a>> {
        let by = day.seconds_of(arrive_by);
        let minutes = (query.options.max_s / 60.0).ceil() as i64;
        let departures: Vec<i64> = (0..=minutes).map(|m| by - 60 * m).collect();
        let runs = self.runs(day, query, &departures);
        // Departures are latest first: the first that arrives in time is the latest.
        let mut latest: Vec<Option<(i64, Journey)>> = vec![None; self.index.len()];
        for (run, &leave) in runs.iter().zip(&departures) {
            for (position, journey) in run.iter().enumerate() {
                match journey {
                    Some(j) if j.arrival <= by && latest[position].is_none() => {
                        latest[position] = Some((leave, *j));
                    }
                    _ => {}
                }
            }
        }
        let mut hits: Vec<(i64, usize, Journey)> = latest
            .iter()
            .enumerate()
            .filter_map(|(position, found)| found.map(|(leave, j)| (leave, position, j)))
            .collect();
        hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        hits.into_iter()
            .take(query.limit)
            .filter_map(|(leave, position, j)| {
                self.hit(day, query, position, j, leave, (j.arrival - leave) as f64)
            })
            .collect()
    }
}

/// The `p`th percentile (0-100) of sorted `values`, by the nearest rank, as r5 reports.
fn percentile_of(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::INFINITY;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}
