//! Transit: RAPTOR against a plain time-expanded Dijkstra on random feeds written as GTFS
//! files (overnight trips, calendar exceptions, clock changes, transfers, stops where
//! riders may not board or leave), and the real New York City subway timetable.

use std::collections::{BinaryHeap, HashMap};
use std::fmt::Write as _;
use std::path::Path;

use carefind::jiff::civil::Date;
use carefind::jiff::tz::TimeZone;
use carefind::jiff::{SignedDuration, Timestamp};
use carefind::transit::{Start, Timetable, UNREACHED};
use proptest::prelude::*;

/// A small random number generator, so that one seed makes one feed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// A trip of a random feed: its service, and at each stop the station, arrival,
/// departure (seconds from its service day's start) and whether one may board and leave.
#[derive(Clone, Debug)]
struct Trip {
    service: usize,
    calls: Vec<(usize, u32, u32, bool, bool)>,
}

/// A random feed, as the reference reads it.
#[derive(Clone, Debug)]
struct Feed {
    stations: usize,
    /// Stations whose trips stop at a platform (a child stop) rather than the station.
    platforms: Vec<bool>,
    trips: Vec<Trip>,
    change: Vec<u32>,
    transfers: Vec<(usize, usize, u32)>,
    /// Services: the weekly days (Monday bit 0), and dates added and removed.
    weekly: Vec<u8>,
    added: Vec<Vec<Date>>,
    removed: Vec<Vec<Date>>,
    zone: &'static str,
}

const FIRST: &str = "2026-03-01";
const LAST: &str = "2026-03-31";

impl Feed {
    fn random(seed: u64) -> Feed {
        let mut rng = Rng(seed | 1);
        let stations = 2 + rng.below(7) as usize;
        let services = 1 + rng.below(3) as usize;
        let first: Date = FIRST.parse().unwrap();
        let mut weekly = Vec::new();
        let mut added = Vec::new();
        let mut removed = Vec::new();
        for _ in 0..services {
            weekly.push(rng.below(128) as u8);
            let pick = |rng: &mut Rng| first.checked_add(jiff_days(rng.below(31) as i64)).unwrap();
            added.push(
                (0..rng.below(3))
                    .map(|_| pick(&mut rng))
                    .collect::<Vec<_>>(),
            );
            removed.push(
                (0..rng.below(3))
                    .map(|_| pick(&mut rng))
                    .collect::<Vec<_>>(),
            );
        }
        // A date is either added or removed for a service, never both.
        for (added, removed) in added.iter_mut().zip(&mut removed) {
            added.sort();
            added.dedup();
            removed.sort();
            removed.dedup();
            removed.retain(|date| !added.contains(date));
        }
        let mut trips = Vec::new();
        for _ in 0..1 + rng.below(20) {
            let length = 2 + rng.below(4) as usize;
            let mut calls = Vec::new();
            // Most trips in one busy morning, so that connections are close; the rest at any
            // hour, past midnight too.
            let mut at = match rng.below(10) {
                0..6 => 6 * 3600 + rng.below(3600),
                6..8 => 22 * 3600 + rng.below(7 * 3600),
                _ => 3 * 3600 + rng.below(24 * 3600),
            } as u32;
            let mut used = vec![false; stations];
            for _ in 0..length {
                let station = rng.below(stations as u64) as usize;
                if used[station] {
                    continue;
                }
                used[station] = true;
                let dwell = if rng.chance(50) {
                    0
                } else {
                    rng.below(120) as u32
                };
                calls.push((station, at, at + dwell, !rng.chance(10), !rng.chance(10)));
                at += dwell + 60 + rng.below(900) as u32;
            }
            if calls.len() >= 2 {
                trips.push(Trip {
                    service: rng.below(services as u64) as usize,
                    calls,
                });
            }
        }
        // Trips that repeat an earlier one's stops later, as timetables do (and sometimes
        // overtake it).
        for i in 0..trips.len() {
            if rng.chance(40) {
                let mut copy = trips[i].clone();
                let later = rng.below(3600) as u32;
                let mut slower = 0;
                for call in &mut copy.calls {
                    call.1 += later + slower;
                    call.2 += later + slower;
                    slower += rng.below(400) as u32;
                }
                trips.push(copy);
            }
        }
        let change = (0..stations)
            .map(|_| {
                if rng.chance(50) {
                    0
                } else {
                    rng.below(300) as u32
                }
            })
            .collect();
        let mut transfers = Vec::new();
        for _ in 0..rng.below(4) {
            let (a, b) = (
                rng.below(stations as u64) as usize,
                rng.below(stations as u64) as usize,
            );
            if a != b && !transfers.iter().any(|(x, y, _)| (*x, *y) == (a, b)) {
                transfers.push((a, b, rng.below(600) as u32));
            }
        }
        Feed {
            stations,
            platforms: (0..stations).map(|_| rng.chance(50)).collect(),
            trips,
            change,
            transfers,
            weekly,
            added,
            removed,
            zone: if rng.chance(50) {
                "America/New_York"
            } else {
                "Europe/Helsinki"
            },
        }
    }

    fn runs_on(&self, service: usize, date: Date) -> bool {
        if self.added[service].contains(&date) {
            return true;
        }
        if self.removed[service].contains(&date) {
            return false;
        }
        let (first, last): (Date, Date) = (FIRST.parse().unwrap(), LAST.parse().unwrap());
        first <= date
            && date <= last
            && self.weekly[service] & (1 << date.weekday().to_monday_zero_offset()) != 0
    }

    fn stop_of(&self, station: usize) -> String {
        match self.platforms[station] {
            true => format!("S{station}P"),
            false => format!("S{station}"),
        }
    }

    /// The feed as GTFS files in `dir`.
    fn write(&self, dir: &Path) {
        let file = |name: &str, text: String| std::fs::write(dir.join(name), text).unwrap();
        file(
            "agency.txt",
            format!(
                "agency_id,agency_name,agency_url,agency_timezone\nA,Agency,https://example.org,{}\n",
                self.zone
            ),
        );
        let mut stops =
            String::from("stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\n");
        for s in 0..self.stations {
            let (lat, lon) = (40.7 + s as f64 * 0.01, -73.9);
            writeln!(stops, "S{s},Station {s},{lat},{lon},1,").unwrap();
            if self.platforms[s] {
                writeln!(stops, "S{s}P,Platform {s},{lat},{lon},0,S{s}").unwrap();
            }
        }
        file("stops.txt", stops);
        file(
            "routes.txt",
            "route_id,agency_id,route_short_name,route_type\nR,A,R,1\n".into(),
        );
        let mut trips = String::from("route_id,service_id,trip_id\n");
        let mut times = String::from(
            "trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type,drop_off_type\n",
        );
        let clock = |s: u32| format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
        for (t, trip) in self.trips.iter().enumerate() {
            writeln!(trips, "R,V{},T{t}", trip.service).unwrap();
            for (n, &(station, arrive, depart, board, alight)) in trip.calls.iter().enumerate() {
                writeln!(
                    times,
                    "T{t},{},{},{},{},{},{}",
                    clock(arrive),
                    clock(depart),
                    self.stop_of(station),
                    n * 2 + 1,
                    u8::from(!board),
                    u8::from(!alight)
                )
                .unwrap();
            }
        }
        file("trips.txt", trips);
        file("stop_times.txt", times);
        let mut calendar = String::from(
            "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n",
        );
        let mut dates = String::from("service_id,date,exception_type\n");
        let compact = |date: Date| date.to_string().replace('-', "");
        for v in 0..self.weekly.len() {
            let days: Vec<String> = (0..7)
                .map(|d| ((self.weekly[v] >> d) & 1).to_string())
                .collect();
            writeln!(
                calendar,
                "V{v},{},{},{}",
                days.join(","),
                compact(FIRST.parse().unwrap()),
                compact(LAST.parse().unwrap())
            )
            .unwrap();
            for date in &self.added[v] {
                writeln!(dates, "V{v},{},1", compact(*date)).unwrap();
            }
            for date in &self.removed[v] {
                writeln!(dates, "V{v},{},2", compact(*date)).unwrap();
            }
        }
        file("calendar.txt", calendar);
        file("calendar_dates.txt", dates);
        let mut transfers =
            String::from("from_stop_id,to_stop_id,transfer_type,min_transfer_time\n");
        for s in 0..self.stations {
            writeln!(transfers, "S{s},S{s},2,{}", self.change[s]).unwrap();
        }
        for &(a, b, seconds) in &self.transfers {
            writeln!(transfers, "S{a},S{b},2,{seconds}").unwrap();
        }
        file("transfers.txt", transfers);
    }
}

fn jiff_days(n: i64) -> carefind::jiff::Span {
    carefind::jiff::Span::new().days(n)
}

/// GTFS's day start: noon less 12 hours.
fn day_start(zone: &TimeZone, date: Date) -> Timestamp {
    zone.to_ambiguous_timestamp(date.at(12, 0, 0, 0))
        .compatible()
        .unwrap()
        .checked_sub(SignedDuration::from_hours(12))
        .unwrap()
}

/// A call of a trip instance: station, arrival, departure (seconds from the searched
/// day's start), whether one may board and leave there.
type Call = (usize, i64, i64, bool, bool);

/// The reference: a time-expanded graph, one layer for each number of rides taken, with
/// a node for every (station, moment) a rider may wait at, one for every call of every
/// trip instance, and plain Dijkstra over it. Returns each station's earliest arrival by
/// vehicle, and the fewest rides that make it.
fn time_expanded(
    feed: &Feed,
    date: Date,
    starts: &[Start],
    max_rides: usize,
) -> Vec<Option<(i64, usize)>> {
    let zone = carefind::hours::time_zone(feed.zone).unwrap();
    let origin = day_start(&zone, date);
    // Every trip instance on the service days around the date, in seconds from its start.
    let mut instances: Vec<Vec<Call>> = Vec::new();
    for shift in -1..=1 {
        let service_date = date.checked_add(jiff_days(shift)).unwrap();
        let offset = day_start(&zone, service_date)
            .duration_since(origin)
            .as_secs();
        for trip in &feed.trips {
            if feed.runs_on(trip.service, service_date) {
                instances.push(
                    trip.calls
                        .iter()
                        .map(|&(s, a, d, b, l)| {
                            (s, i64::from(a) + offset, i64::from(d) + offset, b, l)
                        })
                        .collect(),
                );
            }
        }
    }
    // The moments a rider may be waiting at each station: boardings, starts, and the ends
    // of changes and transfers after each arrival.
    let mut moments: Vec<Vec<i64>> = vec![Vec::new(); feed.stations];
    for calls in &instances {
        for &(s, a, d, board, alight) in calls {
            if board {
                moments[s].push(d);
            }
            if alight {
                moments[s].push(a + i64::from(feed.change[s]));
                for &(from, to, w) in &feed.transfers {
                    if from == s {
                        moments[to].push(a + i64::from(w));
                    }
                }
            }
        }
    }
    for start in starts {
        moments[start.station as usize].push(i64::from(start.ready));
    }
    for m in &mut moments {
        m.sort_unstable();
        m.dedup();
    }
    let layers = max_rides + 1;
    // Node numbering: waiting nodes per layer, then calls per layer.
    let mut wait_id: HashMap<(usize, usize, i64), usize> = HashMap::new();
    let mut nodes = 0;
    for layer in 0..layers {
        for (s, m) in moments.iter().enumerate() {
            for &t in m {
                wait_id.insert((layer, s, t), nodes);
                nodes += 1;
            }
        }
    }
    let mut call_id: HashMap<(usize, usize, usize), usize> = HashMap::new();
    for layer in 1..layers {
        for (i, calls) in instances.iter().enumerate() {
            for c in 0..calls.len() {
                call_id.insert((layer, i, c), nodes);
                nodes += 1;
            }
        }
    }
    // Edges, with the arrivals each ride edge makes.
    let mut edges: Vec<Vec<(usize, i64)>> = vec![Vec::new(); nodes];
    // Arrival edges: (from node, cost, station, layer).
    let mut arrivals: Vec<Vec<(i64, usize, usize)>> = vec![Vec::new(); nodes];
    for layer in 0..layers {
        for (s, m) in moments.iter().enumerate() {
            for pair in m.windows(2) {
                edges[wait_id[&(layer, s, pair[0])]]
                    .push((wait_id[&(layer, s, pair[1])], pair[1] - pair[0]));
            }
        }
    }
    for layer in 1..layers {
        for (i, calls) in instances.iter().enumerate() {
            for (c, &(s, _, d, board, _)) in calls.iter().enumerate() {
                let here = call_id[&(layer, i, c)];
                if board {
                    edges[wait_id[&(layer - 1, s, d)]].push((here, 0));
                }
                if let Some(&(next, a, d_next, _, alight)) = calls.get(c + 1) {
                    edges[here].push((call_id[&(layer, i, c + 1)], d_next - d));
                    if alight {
                        arrivals[here].push((a - d, next, layer));
                        edges[here].push((
                            wait_id[&(layer, next, a + i64::from(feed.change[next]))],
                            a + i64::from(feed.change[next]) - d,
                        ));
                        for &(from, to, w) in &feed.transfers {
                            if from == next {
                                edges[here].push((
                                    wait_id[&(layer, to, a + i64::from(w))],
                                    a + i64::from(w) - d,
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
    let mut time = vec![i64::MAX; nodes];
    let mut heap = BinaryHeap::new();
    for start in starts {
        let node = wait_id[&(0, start.station as usize, i64::from(start.ready))];
        if i64::from(start.ready) < time[node] {
            time[node] = i64::from(start.ready);
            heap.push(std::cmp::Reverse((time[node], node)));
        }
    }
    let mut best: Vec<Option<(i64, usize)>> = vec![None; feed.stations];
    while let Some(std::cmp::Reverse((t, node))) = heap.pop() {
        if t > time[node] {
            continue;
        }
        for &(cost, station, layer) in &arrivals[node] {
            let at = t + cost;
            if best[station].is_none_or(|known| (at, layer) < known) {
                best[station] = Some((at, layer));
            }
        }
        for &(next, cost) in &edges[node] {
            if t + cost < time[next] {
                time[next] = t + cost;
                heap.push(std::cmp::Reverse((t + cost, next)));
            }
        }
    }
    best
}

/// One random feed and search: RAPTOR's arrivals and rides equal the reference's.
fn check(seed: u64) -> Result<(), TestCaseError> {
    let feed = Feed::random(seed);
    let dir = tempfile::tempdir().unwrap();
    feed.write(dir.path());
    let timetable = Timetable::load(dir.path()).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let mut rng = Rng(seed.rotate_left(17) | 1);
    // Around the spring clock change in both zones, and plain days.
    let date: Date = ["2026-03-08", "2026-03-29", "2026-03-10", "2026-03-17"]
        [rng.below(4) as usize]
        .parse()
        .unwrap();
    let Ok(day) = timetable.day(date) else {
        // No service at all around the date: nothing to compare.
        return Ok(());
    };
    let starts: Vec<Start> = (0..1 + rng.below(3))
        .map(|_| Start {
            station: rng.below(feed.stations as u64) as u32,
            // Mostly the busy morning; else the small hours (the day before's trips), late
            // in the evening (the day after's), or any time.
            ready: match rng.below(10) {
                0..5 => 5 * 3600 + 1800 + rng.below(3600),
                5..7 => rng.below(4 * 3600),
                7..9 => 26 * 3600 + rng.below(4 * 3600),
                _ => rng.below(30 * 3600),
            } as i32,
            walk_s: rng.below(600) as u32,
        })
        .collect();
    let max_rides = 1 + rng.below(4) as usize;
    let horizon = starts.iter().map(|s| s.ready).min().unwrap() + (1 + rng.below(8) as i32) * 1800;
    let raptor = day.earliest_arrivals(&starts, max_rides, horizon);
    // The timetable kept in a file and read back answers alike.
    let kept_path = dir.path().join("kept.timetable");
    timetable
        .save(&kept_path)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let kept = Timetable::load(&kept_path).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let kept_day = kept
        .day(date)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(
        kept_day.earliest_arrivals(&starts, max_rides, horizon),
        raptor.clone()
    );
    prop_assert_eq!(kept.service_span(), timetable.service_span());
    let reference = time_expanded(&feed, date, &starts, max_rides);
    for (s, reference) in reference.iter().enumerate() {
        let expected = reference.filter(|(at, _)| *at <= i64::from(horizon));
        let got = (raptor.arrival[s] != UNREACHED)
            .then(|| (i64::from(raptor.arrival[s]), raptor.rides[s] as usize));
        prop_assert_eq!(got, expected, "station S{} of seed {}", s, seed);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn raptor_agrees_with_a_time_expanded_dijkstra(seed in any::<u64>()) {
        check(seed)?;
    }
}

#[test]
fn a_bad_feed_names_the_file_line_and_field() {
    let feed = Feed::random(7);
    let dir = tempfile::tempdir().unwrap();
    feed.write(dir.path());
    let times = std::fs::read_to_string(dir.path().join("stop_times.txt")).unwrap();
    let broken = times.replacen(",1,", ",one,", 1);
    std::fs::write(dir.path().join("stop_times.txt"), broken).unwrap();
    let error = Timetable::load(dir.path()).unwrap_err();
    assert_eq!(error.file(), Some("stop_times.txt"));
    assert_eq!(error.line(), Some(2));
    assert_eq!(error.field(), Some("stop_sequence"), "{error}");
    let text = error.to_string();
    assert!(
        text.contains("stop_times.txt line 2, field stop_sequence: "),
        "{text}"
    );

    std::fs::write(
        dir.path().join("agency.txt"),
        "agency_id,agency_name,agency_url,agency_timezone\nA,A,https://example.org,Mars/Olympus\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("stop_times.txt"), times).unwrap();
    let error = Timetable::load(dir.path()).unwrap_err();
    assert_eq!(
        (error.file(), error.field()),
        (Some("agency.txt"), Some("agency_timezone")),
        "{error}"
    );
}

#[test]
fn a_date_outside_the_feed_is_an_error_naming_its_span() {
    let feed = Feed::random(11);
    let dir = tempfile::tempdir().unwrap();
    feed.write(dir.path());
    let timetable = Timetable::load(dir.path()).unwrap();
    let error = timetable.day("2027-06-01".parse().unwrap()).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("no trip runs on 2027-06-01: the feed runs from "),
        "{error}"
    );
}

/// The real New York City subway timetable.
fn nyc() -> Timetable {
    let path = carefind_testkit::gtfs("nyc_subway_gtfs.zip");
    Timetable::load(path).unwrap()
}

#[test]
#[ignore = "needs ../shared/gtfs (the New York City subway timetable)"]
fn the_new_york_subway_loads_and_takes_riders_uptown_to_downtown() {
    let timetable = nyc();
    assert_eq!(timetable.time_zone_name(), "America/New_York");
    assert_eq!(timetable.trip_count(), 20_621);
    assert_eq!(timetable.modes()[0].as_str(), "subway");
    let span = timetable.service_span().unwrap();
    assert_eq!(span.0.to_string(), "2026-05-26");
    let day = timetable.day("2026-09-15".parse().unwrap()).unwrap();
    let station = |name: &str| {
        timetable
            .stations()
            .iter()
            .position(|s| s.name == name)
            .unwrap_or_else(|| panic!("{name}")) as u32
    };
    // 116 St-Columbia University (the 1 train) at 07:30, to South Ferry.
    let from = station("116 St-Columbia University");
    let to = station("South Ferry");
    let starts = [Start {
        station: from,
        ready: 7 * 3600 + 30 * 60,
        walk_s: 0,
    }];
    let arrivals = day.earliest_arrivals(&starts, 3, 12 * 3600);
    let minutes = f64::from(arrivals.arrival[to as usize] - starts[0].ready) / 60.0;
    // The 1 train takes about 35-40 minutes; the express with a change is a little faster.
    assert!((25.0..50.0).contains(&minutes), "{minutes} minutes");
    // A stop on a train's first departure after midnight is reached from the day before.
    let late = [Start {
        station: from,
        ready: 23 * 3600 + 50 * 60,
        walk_s: 0,
    }];
    let arrivals = day.earliest_arrivals(&late, 3, 27 * 3600);
    assert!(arrivals.arrival[to as usize] > 24 * 3600, "past midnight");
    assert!(arrivals.arrival[to as usize] < 26 * 3600);
}

/// The 2022 substance-use directory's facilities inside New York City's box.
fn nyc_facilities() -> carefind::Index {
    let path = carefind_testkit::datasets().join("samhsa_su_directory_2022_geo.csv");
    let loaded = carefind::load::findtreatment_export::from_path(
        path,
        &carefind::load::LoadOptions::lenient(),
    )
    .unwrap();
    let inside = |f: &carefind::Facility| {
        carefind_testkit::in_new_york_city(f.location.lat(), f.location.lon())
    };
    carefind::Index::new(loaded.facilities.into_iter().filter(inside).collect()).unwrap()
}

#[test]
#[ignore = "needs ../shared/gtfs and ../shared/datasets"]
fn from_harlem_at_half_past_seven_the_opioid_programs_within_45_minutes_by_subway() {
    use carefind::transit::{TransitIndex, TransitOptions, TransitQuery, Window};
    use carefind::{CareLevel, Filter, LatLon};

    let timetable = nyc();
    let index = nyc_facilities();
    // 330 rows inside the box; the loader keeps a listing repeated at one address once.
    assert_eq!(index.len(), 327);
    let otp = Filter::new().care(CareLevel::Otp);
    let origin = LatLon::new(40.8116, -73.9465).unwrap(); // ZIP 10027
    let mut query = TransitQuery {
        origin,
        limit: usize::MAX,
        filter: &otp,
        options: TransitOptions {
            max_s: 45.0 * 60.0,
            open_for: Some(SignedDuration::from_mins(30)),
            ..TransitOptions::default()
        },
    };
    let transit = TransitIndex::new(&timetable, &index, query.options.walking);
    let day = timetable.day("2026-09-15".parse().unwrap()).unwrap();
    let depart = day.instant(7 * 3600 + 30 * 60);
    let hits = transit.nearest(&day, &query, depart);
    assert!(hits.len() >= 20, "{} reached", hits.len());
    for pair in hits.windows(2) {
        assert!(pair[0].seconds <= pair[1].seconds);
    }
    for hit in &hits {
        assert!(hit.facility.care().contains(CareLevel::Otp));
        assert!(hit.seconds <= 45.0 * 60.0);
        assert_eq!(
            hit.arrival.duration_since(hit.departure).as_secs() as f64,
            hit.seconds
        );
        // Walking is part of the journey, never more than it.
        assert!(hit.walk_s <= hit.seconds + 1.0);
        // The directory lists no hours: unknown, kept, never "closed".
        assert_eq!(hit.open, Some(carefind::availability::Judgement::Unknown));
        // Nothing is reached faster than walking in a straight line at a sprint.
        assert!(hit.seconds + 1.0 >= origin.distance_m(hit.facility.location()) / 25.0);
    }
    // Some need the subway: they are farther than a 20-minute walk.
    assert!(hits.iter().any(|hit| hit.rides >= 1));
    // Over a window, each facility's median is no better than the best single departure's
    // time and the share reached is a share.
    query.limit = 5;
    let window = transit.window(
        &day,
        &query,
        depart,
        Window {
            minutes: 30,
            percentile: 90.0,
        },
    );
    assert_eq!(window.len(), 5);
    for hit in &window {
        let share = hit.reached_share.unwrap();
        assert!((0.0..=1.0).contains(&share));
        assert!(hit.percentile_s.unwrap() >= hit.seconds);
    }
    // Arriving by 09:00: every latest departure arrives in time.
    let by = day.instant(9 * 3600);
    query.limit = 10;
    let latest = transit.arrive_by(&day, &query, by);
    assert!(!latest.is_empty());
    for hit in latest {
        assert!(hit.arrival <= by);
        assert!(hit.departure <= hit.arrival);
    }
}

/// A random street grid (some streets missing, some one-way), and two points near it.
fn streets_case(seed: u64) -> (carefind::network::Network, [carefind::LatLon; 2]) {
    use carefind::LatLon;
    use carefind::network::NetworkBuilder;
    let mut rng = Rng(seed | 1);
    let (rows, columns) = (2 + rng.below(5), 2 + rng.below(5));
    let mut ways = NetworkBuilder::new();
    let at = |r: u64, c: u64| LatLon::new(40.7 + r as f64 * 0.001, -73.99 + c as f64 * 0.0013);
    let mut node = |r: u64, c: u64| ways.node((r * 100 + c) as i64, at(r, c).unwrap());
    let nodes: Vec<Vec<u32>> = (0..rows)
        .map(|r| (0..columns).map(|c| node(r, c)).collect())
        .collect();
    for r in 0..rows as usize {
        for c in 0..columns as usize {
            for (r2, c2) in [(r + 1, c), (r, c + 1)] {
                if r2 < rows as usize && c2 < columns as usize && !rng.chance(15) {
                    let (a, b) = (nodes[r][c], nodes[r2][c2]);
                    match rng.below(6) {
                        0 => ways.road(a, b, 5.0, false),
                        1 => ways.road(b, a, 5.0, false),
                        _ => ways.road(a, b, 5.0, true),
                    }
                }
            }
        }
    }
    let mut point = || {
        let lat = 40.6995 + rng.below(1000) as f64 * (rows as f64 * 0.001) / 1000.0;
        let lon = -73.9905 + rng.below(1000) as f64 * (columns as f64 * 0.0013) / 1000.0;
        LatLon::new(lat, lon).unwrap()
    };
    let points = [point(), point()];
    (ways.finish().0, points)
}

/// The metres walked between two points placed on the network, by a plain Dijkstra over
/// the network with each point's edge (and its twin) cut in two at the point.
fn metres_by_cutting(
    network: &carefind::network::Network,
    from: carefind::network::snap::Snap,
    to: carefind::network::snap::Snap,
) -> f64 {
    let (p, q) = (network.node_count() as u32, network.node_count() as u32 + 1);
    let mut cuts: HashMap<u32, Vec<(f64, u32)>> = HashMap::new();
    for (snap, node) in [(from, p), (to, q)] {
        cuts.entry(snap.edge)
            .or_default()
            .push((snap.fraction, node));
        if let Some(twin) = network.twin_of(snap.edge) {
            cuts.entry(twin)
                .or_default()
                .push((1.0 - snap.fraction, node));
        }
    }
    let mut out: HashMap<u32, Vec<(u32, f64)>> = HashMap::new();
    for edge in 0..network.edge_count() as u32 {
        let (tail, head, metres, _) = network.edge(edge);
        let mut chain = vec![(0.0, tail)];
        let mut cut = cuts.get(&edge).cloned().unwrap_or_default();
        cut.sort_by(|a, b| a.0.total_cmp(&b.0));
        chain.extend(cut);
        chain.push((1.0, head));
        for pair in chain.windows(2) {
            out.entry(pair[0].1)
                .or_default()
                .push((pair[1].1, (pair[1].0 - pair[0].0) * metres));
        }
    }
    let mut best: HashMap<u32, f64> = HashMap::from([(p, 0.0)]);
    let mut heap = BinaryHeap::from([std::cmp::Reverse((0u64, p))]);
    // Millimetres as integers: the heap needs an order.
    while let Some(std::cmp::Reverse((mm, node))) = heap.pop() {
        let m = mm as f64 / 1000.0;
        if best.get(&node).is_some_and(|known| m > *known + 1e-6) {
            continue;
        }
        for &(next, length) in out.get(&node).into_iter().flatten() {
            let through = best[&node] + length;
            if best.get(&next).is_none_or(|known| through < *known) {
                best.insert(next, through);
                heap.push(std::cmp::Reverse(((through * 1000.0) as u64, next)));
            }
        }
    }
    best.get(&q).copied().unwrap_or(f64::INFINITY)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    /// Walks on streets against a Dijkstra over the network cut at both ends: the same
    /// seconds, and none where the walk is longer than allowed or impossible.
    #[test]
    fn walks_on_streets_agree_with_a_dijkstra_over_cut_edges(seed in any::<u64>()) {
        use carefind::transit::{Streets, Walking};
        let (network, [from, to]) = streets_case(seed);
        let network = std::sync::Arc::new(network);
        let walking = Walking { speed_kmh: 4.8, detour: 1.3, max_s: 120.0 + (seed % 600) as f64 };
        let streets = Streets::new(network.clone(), 150.0, 3.6);
        let ours = streets.seconds(from, to, &walking);
        let (Ok(a), Ok(b)) = (network.snap(from, 150.0), network.snap(to, 150.0)) else {
            prop_assert_eq!(ours, None);
            return Ok(());
        };
        let metres = metres_by_cutting(&network, a, b);
        let expected = a.snap_m / 1.0 + metres / (4.8 / 3.6) + b.snap_m / 1.0;
        match ours {
            Some(seconds) => prop_assert!((seconds - expected).abs() < 1e-3, "{} against {}", seconds, expected),
            None => prop_assert!(expected > walking.max_s - 1e-3, "none against {}", expected),
        }
    }
}

#[test]
fn a_kept_timetable_that_is_damaged_or_of_another_version_is_refused_by_name() {
    let feed = Feed::random(7);
    let dir = tempfile::tempdir().unwrap();
    feed.write(dir.path());
    let timetable = Timetable::load(dir.path()).unwrap();
    let path = dir.path().join("kept.timetable");
    timetable.save(&path).unwrap();
    let good = std::fs::read(&path).unwrap();
    let refused = |bytes: &[u8], says: &str| {
        std::fs::write(&path, bytes).unwrap();
        let Err(error) = Timetable::load(&path) else {
            panic!("read a damaged file");
        };
        assert!(error.to_string().contains(says), "{error}");
        assert_eq!(error.path(), path.as_path());
    };
    let mut flipped = good.clone();
    flipped[good.len() / 2] ^= 0x40;
    refused(&flipped, "fails its checksum");
    refused(&good[..good.len() - 9], "fails its checksum");
    let mut newer = good.clone();
    newer[8] = 99;
    refused(&newer, "is of format version 99, and this version reads 1");
    refused(&good[..10], "does not begin as a kept timetable");
}

#[test]
#[ignore = "needs ../shared/gtfs and ../shared/datasets"]
fn the_new_york_subway_kept_in_a_file_answers_as_the_feed_does() {
    use carefind::transit::{TransitIndex, TransitOptions, TransitQuery};
    use carefind::{CareLevel, Filter, LatLon};

    let timetable = nyc();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nyc.timetable");
    timetable.save(&path).unwrap();
    let kept = Timetable::load(&path).unwrap();
    assert_eq!(kept.stations(), timetable.stations());
    assert_eq!(kept.trip_count(), timetable.trip_count());
    assert_eq!(kept.modes(), timetable.modes());
    assert_eq!(kept.time_zone_name(), "America/New_York");
    let index = nyc_facilities();
    let filter = Filter::new().care(CareLevel::Otp);
    let options = TransitOptions {
        max_s: 60.0 * 60.0,
        ..TransitOptions::default()
    };
    for (origin, hour) in [
        ((40.8116, -73.9465), 7),
        ((40.6782, -73.9442), 23),
        ((40.7506, -73.9972), 1),
    ] {
        let query = TransitQuery {
            origin: LatLon::new(origin.0, origin.1).unwrap(),
            limit: usize::MAX,
            filter: &filter,
            options: options.clone(),
        };
        let date = "2026-09-15".parse().unwrap();
        let answers: Vec<Vec<(String, f64, u8)>> = [&timetable, &kept]
            .iter()
            .map(|t| {
                let day = t.day(date).unwrap();
                let transit = TransitIndex::new(t, &index, options.walking);
                transit
                    .nearest(&day, &query, day.instant(hour * 3600))
                    .iter()
                    .map(|h| (h.facility.id().to_string(), h.seconds, h.rides))
                    .collect()
            })
            .collect();
        assert!(!answers[0].is_empty());
        assert_eq!(answers[0], answers[1]);
    }
}
