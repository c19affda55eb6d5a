//! Earliest arrival at every station: RAPTOR (Delling, Pajor and Werneck, "Round-Based
//! Public Transit Routing", 2012), round k finding the journeys of k rides.

use super::Day;

/// No arrival: the station was not reached.
pub const UNREACHED: i32 = i32::MAX;

/// Where a search starts: a station, the second a rider is ready to board there (from
/// the day's start), and the seconds walked to get there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Start {
    /// The station.
    pub station: u32,
    /// When the rider can board there, in seconds from the day's start.
    pub ready: i32,
    /// The seconds walked to reach it.
    pub walk_s: u32,
}

/// The earliest arrival by vehicle at each station, and the journey that makes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arrivals {
    /// Seconds from the day's start of the earliest arrival by vehicle at each station
    /// ([`UNREACHED`] where none is within the horizon).
    pub arrival: Vec<i32>,
    /// The rides of that journey (the fewest among the earliest).
    pub rides: Vec<u8>,
    /// The seconds of that journey's walk to its first stop.
    pub walk_s: Vec<u32>,
}

impl Day<'_> {
    /// The earliest arrival by vehicle at every station, from `starts`, with at most
    /// `max_rides` rides (one more than the transfers), arriving no later than `horizon`
    /// seconds from the day's start.
    ///
    /// Changing trains takes the station's change time ([`super::Timetable::change_seconds`]),
    /// going to another station the time of the feed's transfer; the first boarding
    /// takes neither.
    pub fn earliest_arrivals(&self, starts: &[Start], max_rides: usize, horizon: i32) -> Arrivals {
        let timetable = self.timetable;
        let n = timetable.stations.len();
        let mut arrival = vec![UNREACHED; n];
        let mut rides = vec![0u8; n];
        let mut walk_arrival = vec![0u32; n];
        // When a rider can board at each station, with the walk of that journey.
        let mut ready = vec![UNREACHED; n];
        let mut walk_ready = vec![0u32; n];
        let mut marked = vec![false; n];
        let mut marked_list: Vec<u32> = Vec::new();
        for start in starts {
            let s = start.station as usize;
            if s < n && start.ready <= horizon && start.ready < ready[s] {
                ready[s] = start.ready;
                walk_ready[s] = start.walk_s;
                if !marked[s] {
                    marked[s] = true;
                    marked_list.push(start.station);
                }
            }
        }
        let mut first_position = vec![u32::MAX; self.routes.len()];
        let mut queue: Vec<u32> = Vec::new();
        let mut improved = vec![false; n];
        let mut improved_list: Vec<u32> = Vec::new();
        for round in 1..=max_rides.min(u8::MAX as usize) {
            // The routes calling at a station marked last round, from the first such call.
            for &station in &marked_list {
                marked[station as usize] = false;
                for &(route, position) in self.serving(station) {
                    let first = &mut first_position[route as usize];
                    if *first == u32::MAX {
                        queue.push(route);
                    }
                    *first = (*first).min(position);
                }
            }
            marked_list.clear();
            if queue.is_empty() {
                break;
            }
            for &r in &queue {
                let from = std::mem::replace(&mut first_position[r as usize], u32::MAX) as usize;
                let route = &self.routes[r as usize];
                let stops = &timetable.patterns[route.pattern as usize].stops;
                let m = stops.len();
                let times = &route.times;
                let mut trip: Option<usize> = None;
                let mut trip_walk = 0;
                for (i, stop) in stops.iter().enumerate().skip(from) {
                    let s = stop.station as usize;
                    if let Some(t) = trip {
                        let at = times[t * m + i][0];
                        if stop.alight && at < arrival[s] && at <= horizon {
                            arrival[s] = at;
                            rides[s] = round as u8;
                            walk_arrival[s] = trip_walk;
                            if !improved[s] {
                                improved[s] = true;
                                improved_list.push(stop.station);
                            }
                        }
                    }
                    let can_board = ready[s];
                    if !stop.board || can_board == UNREACHED {
                        continue;
                    }
                    // The first trip leaving at or after `can_board`, if earlier than the
                    // one ridden: trips never overtake, so the first is earliest everywhere.
                    let end = trip.unwrap_or(route.trips as usize);
                    let (mut low, mut high) = (0, end);
                    while low < high {
                        let middle = (low + high) / 2;
                        if times[middle * m + i][1] < can_board {
                            low = middle + 1;
                        } else {
                            high = middle;
                        }
                    }
                    if low < end {
                        trip = Some(low);
                        trip_walk = walk_ready[s];
                    }
                }
            }
            queue.clear();
            // Changes and transfers: when the next round may board.
            for &station in &improved_list {
                let s = station as usize;
                improved[s] = false;
                let arrived = arrival[s];
                let mut offer = |to: u32, at: i32| {
                    let t = to as usize;
                    if at < ready[t] && at <= horizon {
                        ready[t] = at;
                        walk_ready[t] = walk_arrival[s];
                        if !marked[t] {
                            marked[t] = true;
                            marked_list.push(to);
                        }
                    }
                };
                offer(
                    station,
                    arrived.saturating_add(timetable.change_s[s] as i32),
                );
                for &(to, seconds) in &timetable.transfers[s] {
                    offer(to, arrived.saturating_add(seconds as i32));
                }
            }
            improved_list.clear();
            if marked_list.is_empty() {
                break;
            }
        }
        Arrivals {
            arrival,
            rides,
            walk_s: walk_arrival,
        }
    }
}
