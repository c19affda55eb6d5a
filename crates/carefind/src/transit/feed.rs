//! A GTFS feed as the searches read it: stations, patterns of trips, services and
//! transfers, checked once when it is loaded.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use gtfs_structures::{Exception, Gtfs, GtfsReader, PickupDropOffType, TransferType};
use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::LatLon;

/// A GTFS feed that cannot be used: the file, line and field at fault where known.
///
/// ```
/// let error = carefind::transit::Timetable::load("no/such/feed.zip").unwrap_err();
/// assert!(error.to_string().starts_with("no/such/feed.zip: "));
/// assert_eq!(error.file(), None);
/// ```
#[derive(Debug)]
pub struct GtfsError {
    path: PathBuf,
    file: Option<String>,
    line: Option<u64>,
    field: Option<String>,
    message: String,
}

impl GtfsError {
    pub(crate) fn new(path: &Path, message: impl Into<String>) -> GtfsError {
        GtfsError {
            path: path.to_path_buf(),
            file: None,
            line: None,
            field: None,
            message: message.into(),
        }
    }

    fn in_file(mut self, file: &str) -> GtfsError {
        self.file = Some(file.to_string());
        self
    }

    fn at(mut self, line: Option<u64>, field: Option<&str>) -> GtfsError {
        self.line = line;
        self.field = field.map(str::to_string);
        self
    }

    /// The feed (zip or folder).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file of the feed at fault, such as `stop_times.txt`.
    pub fn file(&self) -> Option<&str> {
        self.file.as_deref()
    }

    /// The line of that file (1 is the header).
    pub fn line(&self) -> Option<u64> {
        self.line
    }

    /// The field (column) at fault.
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// What is wrong.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The reader's error, with the file, line and field it names.
    fn of(path: &Path, error: gtfs_structures::Error) -> GtfsError {
        use gtfs_structures::Error as E;
        match error {
            E::MissingFile(file) => GtfsError::new(path, "is missing").in_file(&file),
            E::CSVError {
                file_name,
                source,
                line_in_error,
            } => {
                let line = source.position().map(|position| position.line());
                let field = match source.kind() {
                    csv::ErrorKind::Deserialize { err, .. } => err.field().and_then(|field| {
                        line_in_error
                            .as_ref()
                            .and_then(|line| line.headers.get(field as usize).cloned())
                    }),
                    _ => None,
                };
                let message = match source.kind() {
                    csv::ErrorKind::Deserialize { err, .. } => err.kind().to_string(),
                    _ => source.to_string(),
                };
                GtfsError::new(path, message)
                    .in_file(&file_name)
                    .at(line, field.as_deref())
            }
            E::NamedFileIO { file_name, source } => {
                GtfsError::new(path, format!("cannot be read: {source}")).in_file(&file_name)
            }
            E::ReferenceError(id) => GtfsError::new(
                path,
                format!("{id:?} is named (by a trip, stop time or transfer) but never defined"),
            ),
            other => {
                let mut message = other.to_string();
                let mut source = std::error::Error::source(&other);
                while let Some(cause) = source {
                    message.push_str(": ");
                    message.push_str(&cause.to_string());
                    source = cause.source();
                }
                GtfsError::new(path, message)
            }
        }
    }
}

impl fmt::Display for GtfsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.path.display())?;
        if let Some(file) = &self.file {
            write!(f, "{file}")?;
            if let Some(line) = self.line {
                write!(f, " line {line}")?;
            }
            if let Some(field) = &self.field {
                write!(f, ", field {field}")?;
            }
            write!(f, ": ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for GtfsError {}

/// A place where trips stop: a GTFS station, standing for its platforms, or a stop that
/// belongs to none.
#[derive(Clone, Debug, PartialEq)]
pub struct Station {
    /// The feed's `stop_id` (of the parent station where the stop has one).
    pub id: String,
    /// Its name, as the feed gives it.
    pub name: String,
    /// Where it is.
    pub point: LatLon,
}

/// The kind of vehicle a route runs, named as a person would ("subway", "bus").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    /// Tram, streetcar or light rail.
    Tram,
    /// Subway or metro.
    Subway,
    /// Intercity or commuter rail.
    Rail,
    /// Bus.
    Bus,
    /// Ferry.
    Ferry,
    /// Cable tram, aerial lift, funicular and the rest.
    Other,
}

impl Mode {
    /// The word for it, as in "by subway".
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Tram => "tram",
            Mode::Subway => "subway",
            Mode::Rail => "rail",
            Mode::Bus => "bus",
            Mode::Ferry => "ferry",
            Mode::Other => "transit",
        }
    }

    fn of(route_type: gtfs_structures::RouteType) -> Mode {
        use gtfs_structures::RouteType as R;
        let standard = match route_type {
            R::Extended(extended) => extended.to_standard_route_type(),
            other => other,
        };
        match standard {
            R::Tramway => Mode::Tram,
            R::Subway => Mode::Subway,
            R::Rail => Mode::Rail,
            R::Bus => Mode::Bus,
            R::Ferry => Mode::Ferry,
            _ => Mode::Other,
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The days a GTFS service runs: its weekly calendar between two dates, with the dates
/// `calendar_dates.txt` adds and removes.
#[derive(Clone, Debug, Default)]
pub(crate) struct Service {
    /// Monday (bit 0) to Sunday (bit 6), from the first date to the last, inclusive.
    pub(crate) weekly: Option<(u8, Date, Date)>,
    pub(crate) exceptions: HashMap<Date, bool>,
}

impl Service {
    /// Whether the service runs on `date`.
    pub(crate) fn runs_on(&self, date: Date) -> bool {
        if let Some(&runs) = self.exceptions.get(&date) {
            return runs;
        }
        self.weekly.is_some_and(|(days, first, last)| {
            first <= date
                && date <= last
                && days & (1 << date.weekday().to_monday_zero_offset()) != 0
        })
    }

    /// The first and last dates it may run on.
    fn span(&self) -> Option<(Date, Date)> {
        let weekly = self.weekly.map(|(_, first, last)| (first, last));
        let added = self
            .exceptions
            .iter()
            .filter(|(_, runs)| **runs)
            .map(|(date, _)| (*date, *date));
        weekly
            .into_iter()
            .chain(added)
            .reduce(|(a, b), (c, d)| (a.min(c), b.max(d)))
    }
}

/// A stop of a pattern: the station, and whether riders may board and leave there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct PatternStop {
    pub(crate) station: u32,
    pub(crate) board: bool,
    pub(crate) alight: bool,
}

/// Trips that call at the same stations in the same order and never overtake one
/// another: sorted by departure, each is no later than the next at every stop, so the
/// first trip one can catch is the first to arrive everywhere after.
#[derive(Clone, Debug, Default)]
pub(crate) struct Pattern {
    pub(crate) stops: Vec<PatternStop>,
    /// Each trip's service.
    pub(crate) services: Vec<u32>,
    /// Arrival and departure in seconds from the service day's noon less 12 hours, trip
    /// after trip (`stops.len()` pairs each).
    pub(crate) times: Vec<[u32; 2]>,
    pub(crate) mode: Option<Mode>,
}

/// A trip on one service: its service and its (arrival, departure) at each stop.
type Instance = (u32, Vec<[u32; 2]>);

/// A GTFS timetable, checked and laid out for searches: [`Timetable::load`] reads a feed
/// (a zip or a folder).
///
/// Stops are grouped into their parent stations: trips stop at platforms, and a rider
/// changes between the platforms of a station (`transfers.txt` gives the time it takes,
/// from a station to itself, or to another station).
#[derive(Clone, Debug)]
pub struct Timetable {
    pub(crate) zone: TimeZone,
    pub(crate) zone_name: String,
    pub(crate) stations: Vec<Station>,
    /// Seconds to change trains at each station.
    pub(crate) change_s: Vec<u32>,
    /// Transfers out of each station to another: (station, seconds).
    pub(crate) transfers: Vec<Vec<(u32, u32)>>,
    pub(crate) patterns: Vec<Pattern>,
    pub(crate) services: Vec<Service>,
    pub(crate) trips: usize,
}

impl Timetable {
    /// Reads and checks the GTFS feed at `path`: a zip file or a folder of `.txt` files;
    /// or a timetable kept by [`Timetable::save`], read back without checking the feed
    /// again.
    ///
    /// A trip whose stop times have no time at its first or last stop, that goes back in
    /// time, or an agency time zone that is not in the time zone database, is an error
    /// naming the file, line (where known) and field. Intermediate stops without times
    /// are given times in proportion to the distance along the trip, as GTFS allows.
    pub fn load(path: impl AsRef<Path>) -> Result<Timetable, GtfsError> {
        let path = path.as_ref();
        if !path.exists() {
            return Err(GtfsError::new(path, "no such file or folder"));
        }
        if path.is_file() {
            let mut start = [0u8; 8];
            let kept = std::fs::File::open(path)
                .and_then(|mut file| std::io::Read::read_exact(&mut file, &mut start))
                .is_ok_and(|()| Timetable::is_kept(&start));
            if kept {
                let bytes = std::fs::read(path)
                    .map_err(|e| GtfsError::new(path, format!("cannot be read: {e}")))?;
                return Timetable::from_kept(path, &bytes);
            }
        }
        let gtfs = GtfsReader::default()
            .read_shapes(false)
            .read_from_path(path)
            .map_err(|error| GtfsError::of(path, error))?;
        Timetable::from_gtfs(path, &gtfs)
    }

    fn from_gtfs(path: &Path, gtfs: &Gtfs) -> Result<Timetable, GtfsError> {
        let agency = gtfs
            .agencies
            .first()
            .ok_or_else(|| GtfsError::new(path, "names no agency").in_file("agency.txt"))?;
        let zone = crate::hours::time_zone(&agency.timezone).map_err(|error| {
            GtfsError::new(path, error.to_string())
                .in_file("agency.txt")
                .at(None, Some("agency_timezone"))
        })?;

        // Stations: a stop's parent where it has one, in the order of their ids.
        let mut ids: Vec<&String> = gtfs.stops.keys().collect();
        ids.sort();
        let station_of_stop = |id: &str| -> String {
            match gtfs.stops.get(id).and_then(|s| s.parent_station.clone()) {
                Some(parent) if gtfs.stops.contains_key(&parent) => parent,
                _ => id.to_string(),
            }
        };
        let mut station_ids: Vec<String> = ids.iter().map(|id| station_of_stop(id)).collect();
        station_ids.sort();
        station_ids.dedup();
        let number: HashMap<&str, u32> = station_ids
            .iter()
            .enumerate()
            .map(|(n, id)| (id.as_str(), n as u32))
            .collect();
        let mut stations = Vec::with_capacity(station_ids.len());
        for id in &station_ids {
            let stop = &gtfs.stops[id];
            let point = match (stop.latitude, stop.longitude) {
                (Some(lat), Some(lon)) => LatLon::new(lat, lon).ok(),
                _ => None,
            };
            // A station without coordinates takes its first platform's.
            let point = point.or_else(|| {
                ids.iter()
                    .filter(|child| station_of_stop(child) == *id)
                    .filter_map(|child| {
                        let child = &gtfs.stops[*child];
                        LatLon::new(child.latitude?, child.longitude?).ok()
                    })
                    .next()
            });
            let Some(point) = point else {
                return Err(GtfsError::new(
                    path,
                    format!("stop {id:?} has no valid stop_lat and stop_lon"),
                )
                .in_file("stops.txt")
                .at(None, Some("stop_lat")));
            };
            stations.push(Station {
                id: id.clone(),
                name: stop.name.clone().unwrap_or_default(),
                point,
            });
        }
        // Each stop's station number, worked out once: stop times name stops half a
        // million times in a large feed.
        let stop_station: HashMap<&str, u32> = ids
            .iter()
            .map(|id| (id.as_str(), number[station_of_stop(id).as_str()]))
            .collect();
        let station_number = |stop_id: &str| stop_station[stop_id];

        // Transfers, between the stations of the stops they name.
        let mut change_s = vec![0u32; stations.len()];
        let mut transfers: Vec<Vec<(u32, u32)>> = vec![Vec::new(); stations.len()];
        for id in &ids {
            let from = station_number(id);
            for transfer in &gtfs.stops[*id].transfers {
                if !gtfs.stops.contains_key(&transfer.to_stop_id) {
                    return Err(GtfsError::new(
                        path,
                        format!(
                            "a transfer from {id:?} goes to {:?}, which is not a stop",
                            transfer.to_stop_id
                        ),
                    )
                    .in_file("transfers.txt")
                    .at(None, Some("to_stop_id")));
                }
                let to = station_number(&transfer.to_stop_id);
                let seconds = match transfer.transfer_type {
                    TransferType::Impossible => continue,
                    TransferType::MinTime => transfer.min_transfer_time.unwrap_or(0),
                    _ => 0,
                };
                if from == to {
                    change_s[from as usize] = change_s[from as usize].max(seconds);
                } else {
                    match transfers[from as usize].iter_mut().find(|(s, _)| *s == to) {
                        Some((_, known)) => *known = (*known).max(seconds),
                        None => transfers[from as usize].push((to, seconds)),
                    }
                }
            }
        }
        for out in &mut transfers {
            out.sort_unstable();
        }

        // Services.
        let mut service_ids: Vec<&String> = gtfs
            .calendar
            .keys()
            .chain(gtfs.calendar_dates.keys())
            .collect();
        service_ids.sort();
        service_ids.dedup();
        let service_number: HashMap<&str, u32> = service_ids
            .iter()
            .enumerate()
            .map(|(n, id)| (id.as_str(), n as u32))
            .collect();
        let services: Vec<Service> = service_ids
            .iter()
            .map(|id| {
                let weekly = gtfs.calendar.get(*id).map(|calendar| {
                    let days = [
                        calendar.monday,
                        calendar.tuesday,
                        calendar.wednesday,
                        calendar.thursday,
                        calendar.friday,
                        calendar.saturday,
                        calendar.sunday,
                    ]
                    .iter()
                    .enumerate()
                    .fold(0u8, |bits, (n, runs)| bits | (u8::from(*runs) << n));
                    (
                        days,
                        date_of(calendar.start_date),
                        date_of(calendar.end_date),
                    )
                });
                let exceptions = gtfs
                    .calendar_dates
                    .get(*id)
                    .into_iter()
                    .flatten()
                    .map(|exception| {
                        (
                            date_of(exception.date),
                            exception.exception_type == Exception::Added,
                        )
                    })
                    .collect();
                Service { weekly, exceptions }
            })
            .collect();

        // Trips, grouped by the stops they make, in the order of their ids.
        let mut trip_ids: Vec<&String> = gtfs.trips.keys().collect();
        trip_ids.sort();
        let mut by_stops: HashMap<Vec<PatternStop>, Vec<Instance>> = HashMap::new();
        let mut modes: HashMap<Vec<PatternStop>, Mode> = HashMap::new();
        let mut trips = 0;
        for id in trip_ids {
            let trip = &gtfs.trips[id];
            if trip.stop_times.len() < 2 {
                continue;
            }
            let Some(&service) = service_number.get(trip.service_id.as_str()) else {
                return Err(GtfsError::new(
                    path,
                    format!(
                        "trip {id:?} runs on service {:?}, which neither calendar.txt nor calendar_dates.txt defines",
                        trip.service_id
                    ),
                )
                .in_file("trips.txt")
                .at(None, Some("service_id")));
            };
            let stops: Vec<PatternStop> = trip
                .stop_times
                .iter()
                .map(|time| PatternStop {
                    station: station_number(&time.stop.id),
                    board: time.pickup_type != PickupDropOffType::NotAvailable,
                    alight: time.drop_off_type != PickupDropOffType::NotAvailable,
                })
                .collect();
            let times = trip_times(path, id, trip, &stations, &stops)?;
            let mode = gtfs
                .routes
                .get(&trip.route_id)
                .map_or(Mode::Other, |route| Mode::of(route.route_type));
            modes.entry(stops.clone()).or_insert(mode);
            let instances = by_stops.entry(stops).or_default();
            // A trip run by frequency is a trip at each of its starts.
            if trip.frequencies.is_empty() {
                instances.push((service, times));
                trips += 1;
            } else {
                let first = times[0][1];
                for frequency in &trip.frequencies {
                    let headway = frequency.headway_secs.max(1);
                    let mut start = frequency.start_time;
                    while start < frequency.end_time {
                        let shifted = times
                            .iter()
                            .map(|[arrive, depart]| {
                                [arrive - first + start, depart - first + start]
                            })
                            .collect();
                        instances.push((service, shifted));
                        trips += 1;
                        start += headway;
                    }
                }
            }
        }
        let mut keys: Vec<&Vec<PatternStop>> = by_stops.keys().collect();
        keys.sort_by(|a, b| {
            let key = |stops: &Vec<PatternStop>| {
                stops
                    .iter()
                    .map(|s| (s.station, s.board, s.alight))
                    .collect::<Vec<_>>()
            };
            key(a).cmp(&key(b))
        });
        let mut patterns = Vec::new();
        for stops in keys {
            let mut instances = by_stops[stops].clone();
            instances.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
            // Split into chains that never overtake: each trip joins the first chain whose
            // last trip is no later than it at every stop.
            let mut chains: Vec<Pattern> = Vec::new();
            for (service, times) in instances {
                let n = stops.len();
                let fits = |chain: &Pattern| {
                    let last = &chain.times[chain.times.len() - n..];
                    last.iter()
                        .zip(&times)
                        .all(|(a, b)| a[0] <= b[0] && a[1] <= b[1])
                };
                match chains.iter_mut().find(|chain| fits(chain)) {
                    Some(chain) => {
                        chain.services.push(service);
                        chain.times.extend_from_slice(&times);
                    }
                    None => chains.push(Pattern {
                        stops: stops.clone(),
                        services: vec![service],
                        times,
                        mode: modes.get(stops).copied(),
                    }),
                }
            }
            patterns.extend(chains);
        }

        Ok(Timetable {
            zone,
            zone_name: agency.timezone.clone(),
            stations,
            change_s,
            transfers,
            patterns,
            services,
            trips,
        })
    }

    /// The stations, numbered as searches number them.
    pub fn stations(&self) -> &[Station] {
        &self.stations
    }

    /// The number of trips (a trip run by frequency counts once for each start).
    pub fn trip_count(&self) -> usize {
        self.trips
    }

    /// The time zone of the feed's agency, in which its times are.
    pub fn time_zone(&self) -> &TimeZone {
        &self.zone
    }

    /// The name of that zone, such as `America/New_York`.
    pub fn time_zone_name(&self) -> &str {
        &self.zone_name
    }

    /// The kinds of vehicle the feed's routes run, most trips first.
    pub fn modes(&self) -> Vec<Mode> {
        let mut counts: HashMap<Mode, usize> = HashMap::new();
        for pattern in &self.patterns {
            *counts
                .entry(pattern.mode.unwrap_or(Mode::Other))
                .or_default() += pattern.services.len();
        }
        let mut modes: Vec<(Mode, usize)> = counts.into_iter().collect();
        modes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        modes.into_iter().map(|(mode, _)| mode).collect()
    }

    /// The first and last dates any trip runs on, or `None` for a feed with no service.
    pub fn service_span(&self) -> Option<(Date, Date)> {
        self.services
            .iter()
            .filter_map(Service::span)
            .reduce(|(a, b), (c, d)| (a.min(c), b.max(d)))
    }

    /// The seconds it takes to change trains at `station`.
    pub fn change_seconds(&self, station: u32) -> u32 {
        self.change_s[station as usize]
    }

    /// The transfers from `station` to other stations: (station, seconds).
    pub fn transfers_from(&self, station: u32) -> &[(u32, u32)] {
        &self.transfers[station as usize]
    }
}

/// A date of the reader's date type (another version of jiff's, which it does not name
/// for others), by its ISO 8601 text.
fn date_of(date: impl fmt::Display) -> Date {
    // The reader's dates are a calendar's, always valid.
    date.to_string().parse().unwrap_or(Date::MIN)
}

/// A trip's arrival and departure at each stop, with the missing ones filled in by
/// distance between the times given, checked never to go back.
fn trip_times(
    path: &Path,
    id: &str,
    trip: &gtfs_structures::Trip,
    stations: &[Station],
    stops: &[PatternStop],
) -> Result<Vec<[u32; 2]>, GtfsError> {
    let bad = |message: String, field: &str| {
        GtfsError::new(path, format!("trip {id:?}: {message}"))
            .in_file("stop_times.txt")
            .at(None, Some(field))
    };
    let given: Vec<Option<[u32; 2]>> = trip
        .stop_times
        .iter()
        .map(|time| match (time.arrival_time, time.departure_time) {
            (Some(a), Some(d)) => Some([a, d]),
            (Some(a), None) => Some([a, a]),
            (None, Some(d)) => Some([d, d]),
            (None, None) => None,
        })
        .collect();
    let last = given.len() - 1;
    if given[0].is_none() || given[last].is_none() {
        return Err(bad(
            "the first and last stops need an arrival or departure time".into(),
            "arrival_time",
        ));
    }
    // Distance along the trip, for filling in.
    let mut along = vec![0.0; stops.len()];
    for i in 1..stops.len() {
        let a = stations[stops[i - 1].station as usize].point;
        let b = stations[stops[i].station as usize].point;
        along[i] = along[i - 1] + a.distance_m(b);
    }
    let mut times = Vec::with_capacity(given.len());
    let mut previous = 0;
    for (i, time) in given.iter().enumerate() {
        let time = match time {
            Some(time) => *time,
            None => {
                let before = (0..i).rev().find(|&j| given[j].is_some()).unwrap_or(0);
                let after = (i + 1..given.len())
                    .find(|&j| given[j].is_some())
                    .unwrap_or(last);
                let (t0, t1) = (
                    given[before].unwrap_or_default()[1],
                    given[after].unwrap_or_default()[0],
                );
                let span = along[after] - along[before];
                let share = if span > 0.0 {
                    (along[i] - along[before]) / span
                } else {
                    (i - before) as f64 / (after - before) as f64
                };
                let t = t0 + (f64::from(t1.saturating_sub(t0)) * share).round() as u32;
                [t, t]
            }
        };
        if time[0] > time[1] || time[0] < previous {
            return Err(bad(
                format!(
                    "stop {} (sequence {}) is reached before the stop before it is left, or left before it is reached",
                    trip.stop_times[i].stop.id, trip.stop_times[i].stop_sequence
                ),
                "arrival_time",
            ));
        }
        previous = time[1];
        times.push(time);
    }
    Ok(times)
}
