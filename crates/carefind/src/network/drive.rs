//! Drive time from places to facilities, exact on the network.
//!
//! A trip is the straight-line leg from the origin to its snap point (at the access
//! speed), the drive along the roads, and the leg from the facility's snap point to the
//! facility. From a point on a two-way road a car may set off either way; on a one-way
//! road, only forward.
//!
//! - [`DriveIndex::nearest`]: one Dijkstra from the origin that stops as soon as `k`
//!   matching facilities are settled (or the time bound is passed). Exact: a facility's
//!   time is final once every node nearer than it has been settled.
//! - [`DriveIndex::times_to_nearest`]: one multi-source Dijkstra from every matching
//!   facility on the reversed network gives each node its drive time to the nearest one,
//!   so coverage of many origins costs one pass per level of care rather than one search
//!   per origin ([`DriveIndex::time_from`]).

use std::cmp::Ordering;
use std::collections::{BTreeSet, BinaryHeap, HashMap};

use rayon::prelude::*;

use super::Network;
use super::snap::{Snap, SnapError};
use crate::store::FacilityStore;
use crate::{FacilityRef, Filter, Index, LatLon};

/// A min-heap of (time, node).
#[derive(Default)]
pub(crate) struct Heap(BinaryHeap<Entry>);

#[derive(PartialEq)]
pub(crate) struct Entry(f64, u32);

impl Eq for Entry {}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        other.0.total_cmp(&self.0).then(other.1.cmp(&self.1))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Heap {
    pub(crate) fn push(&mut self, time: f64, node: u32) {
        self.0.push(Entry(time, node));
    }

    pub(crate) fn pop(&mut self) -> Option<(f64, u32)> {
        self.0.pop().map(|Entry(time, node)| (time, node))
    }

    fn peek_time(&self) -> Option<f64> {
        self.0.peek().map(|entry| entry.0)
    }
}

/// How points reach the roads.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Access {
    /// Points farther than this from every road are reported, never placed.
    pub max_snap_m: f64,
    /// The speed of the straight-line legs to and from the roads, km/h.
    pub speed_kmh: f64,
}

impl Default for Access {
    /// 1 km at most, at a walking 5 km/h.
    fn default() -> Self {
        Access {
            max_snap_m: 1000.0,
            speed_kmh: 5.0,
        }
    }
}

impl Access {
    fn seconds(&self, meters: f64) -> f64 {
        meters / (self.speed_kmh / 3.6)
    }
}

/// A facility reached by road.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DriveHit<'a> {
    /// The facility.
    pub facility: FacilityRef<'a>,
    /// The whole trip's time, in seconds.
    pub seconds: f64,
    /// The metres driven (the straight-line legs not counted).
    pub drive_m: f64,
}

/// A node or a facility reached: its number, the seconds and the metres driven.
type Reached = (u32, f64, f64);

/// A facility placed on one edge: its position in the index, how far along the edge, its
/// access leg in seconds.
#[derive(Clone, Copy, Debug)]
struct OnEdge {
    facility: u32,
    fraction: f64,
    access_s: f64,
}

/// The facilities of an index placed on a network, for drive-time searches.
pub struct DriveIndex<'a> {
    network: &'a Network,
    index: &'a Index,
    access: Access,
    /// Each facility's snap, or why it has none.
    snaps: Vec<Result<Snap, SnapError>>,
    /// Facilities beside each edge, both directions of a two-way road.
    on_edge: HashMap<u32, Vec<OnEdge>>,
}

/// Each node's drive time to the nearest facility of a kind (infinite where none can be
/// reached), and the metres driven.
pub struct NodeTimes {
    seconds: Vec<f64>,
    meters: Vec<f64>,
    filter: Filter,
}

impl<'a> DriveIndex<'a> {
    /// Places every facility of `index` on `network` (on every core). Facilities farther
    /// than `access.max_snap_m` from a road are left out of every search; see
    /// [`DriveIndex::unplaced`].
    pub fn new(network: &'a Network, index: &'a Index, access: Access) -> DriveIndex<'a> {
        let snaps: Vec<Result<Snap, SnapError>> = (0..index.len() as u32)
            .into_par_iter()
            .map(|position| network.snap(index.store().location(position), access.max_snap_m))
            .collect();
        let mut on_edge: HashMap<u32, Vec<OnEdge>> = HashMap::new();
        for (position, snap) in snaps.iter().enumerate() {
            let Ok(snap) = snap else { continue };
            let access_s = access.seconds(snap.snap_m);
            on_edge.entry(snap.edge).or_default().push(OnEdge {
                facility: position as u32,
                fraction: snap.fraction,
                access_s,
            });
            if let Some(twin) = network.twin(snap.edge) {
                on_edge.entry(twin).or_default().push(OnEdge {
                    facility: position as u32,
                    fraction: 1.0 - snap.fraction,
                    access_s,
                });
            }
        }
        DriveIndex {
            network,
            index,
            access,
            snaps,
            on_edge,
        }
    }

    /// The facilities no road is near enough, with the distance to the nearest road.
    pub fn unplaced(&self) -> impl Iterator<Item = (FacilityRef<'a>, SnapError)> + '_ {
        let index: &'a Index = self.index;
        self.snaps
            .iter()
            .zip(index.facilities())
            .filter_map(|(snap, facility)| snap.as_ref().err().map(|e| (facility, *e)))
    }

    /// Where facility number `position` (in the index's order) meets the network.
    pub fn snap_of(&self, position: usize) -> Option<Snap> {
        self.snaps.get(position)?.as_ref().ok().copied()
    }

    /// The nodes a trip from `origin` starts at, with the time and metres to each, and
    /// the facilities reachable along the origin's own edge without passing a node.
    fn departures(&self, snap: Snap, filter: &Filter) -> (Vec<Reached>, Vec<Reached>) {
        let network = self.network;
        let leg = self.access.seconds(snap.snap_m);
        let mut starts = Vec::new();
        let mut direct = Vec::new();
        let mut along = |edge: u32, fraction: f64| {
            let (_, head, meters, seconds) = network.edge(edge);
            starts.push((
                head,
                leg + (1.0 - fraction) * seconds,
                (1.0 - fraction) * meters,
            ));
            for on in self.on_edge.get(&edge).into_iter().flatten() {
                if on.fraction >= fraction && self.matches(on.facility, filter) {
                    let part = on.fraction - fraction;
                    direct.push((
                        on.facility,
                        leg + part * seconds + on.access_s,
                        part * meters,
                    ));
                }
            }
        };
        along(snap.edge, snap.fraction);
        if let Some(twin) = network.twin(snap.edge) {
            along(twin, 1.0 - snap.fraction);
        }
        (starts, direct)
    }

    fn matches(&self, position: u32, filter: &Filter) -> bool {
        self.index
            .facility(position as usize)
            .is_some_and(|facility| filter.matches(facility))
    }

    /// The `k` matching facilities with the least drive time from `origin`, within
    /// `max_seconds` when given, in order of time (ties by id). The origin must be within
    /// the access's reach of a road.
    pub fn nearest(
        &self,
        origin: LatLon,
        k: usize,
        filter: &Filter,
        max_seconds: Option<f64>,
    ) -> Result<Vec<DriveHit<'a>>, SnapError> {
        let snap = self.network.snap(origin, self.access.max_snap_m)?;
        let bound = max_seconds.unwrap_or(f64::INFINITY);
        let (starts, direct) = self.departures(snap, filter);
        let mut best: HashMap<u32, (f64, f64)> = HashMap::new();
        let mut ranked: BTreeSet<(Ordered, u32)> = BTreeSet::new();
        let offer = |facility: u32,
                     seconds: f64,
                     meters: f64,
                     best: &mut HashMap<u32, (f64, f64)>,
                     ranked: &mut BTreeSet<(Ordered, u32)>| {
            if seconds > bound {
                return;
            }
            let known = best.get(&facility).copied();
            if known.is_none_or(|(time, _)| seconds < time) {
                if let Some((time, _)) = known {
                    ranked.remove(&(Ordered(time), facility));
                }
                best.insert(facility, (seconds, meters));
                ranked.insert((Ordered(seconds), facility));
            }
        };
        for (facility, seconds, meters) in direct {
            offer(facility, seconds, meters, &mut best, &mut ranked);
        }
        let network = self.network;
        let mut times: HashMap<u32, (f64, f64)> = HashMap::new();
        let mut heap = Heap::default();
        for (node, seconds, meters) in starts {
            if times.get(&node).is_none_or(|(t, _)| seconds < *t) {
                times.insert(node, (seconds, meters));
                heap.push(seconds, node);
            }
        }
        while let Some(top) = heap.peek_time() {
            let kth = (k > 0 && ranked.len() >= k)
                .then(|| ranked.iter().nth(k - 1).map(|e| e.0.0))
                .flatten();
            if top > bound || kth.is_some_and(|kth| top > kth) || k == 0 {
                break;
            }
            let Some((time, node)) = heap.pop() else {
                break;
            };
            let meters = match times.get(&node) {
                Some((t, m)) if *t == time => *m,
                _ => continue,
            };
            for edge in network.edges_out(node) {
                let (_, head, edge_m, edge_s) = network.edge(edge);
                for on in self.on_edge.get(&edge).into_iter().flatten() {
                    if self.matches(on.facility, filter) {
                        offer(
                            on.facility,
                            time + on.fraction * edge_s + on.access_s,
                            meters + on.fraction * edge_m,
                            &mut best,
                            &mut ranked,
                        );
                    }
                }
                let through = time + edge_s;
                if times.get(&head).is_none_or(|(t, _)| through < *t) {
                    times.insert(head, (through, meters + edge_m));
                    heap.push(through, head);
                }
            }
        }
        let store: &'a FacilityStore = self.index.store();
        let mut hits: Vec<DriveHit> = best
            .into_iter()
            .map(|(position, (seconds, drive_m))| DriveHit {
                facility: FacilityRef::stored(store, position),
                seconds,
                drive_m,
            })
            .collect();
        hits.sort_by(|a, b| {
            a.seconds
                .total_cmp(&b.seconds)
                .then_with(|| a.facility.id().cmp(b.facility.id()))
        });
        hits.truncate(k);
        Ok(hits)
    }

    /// Every node's drive time to the nearest facility matching `filter`: one Dijkstra
    /// from all of them at once on the reversed network.
    pub fn times_to_nearest(&self, filter: &Filter) -> NodeTimes {
        let network = self.network;
        let mut seconds = vec![f64::INFINITY; network.node_count()];
        let mut meters = vec![f64::INFINITY; network.node_count()];
        let mut heap = Heap::default();
        for (&edge, placed) in &self.on_edge {
            let (tail, _, edge_m, edge_s) = network.edge(edge);
            for on in placed {
                if !self.matches(on.facility, filter) {
                    continue;
                }
                let time = on.fraction * edge_s + on.access_s;
                if time < seconds[tail as usize] {
                    seconds[tail as usize] = time;
                    meters[tail as usize] = on.fraction * edge_m;
                    heap.push(time, tail);
                }
            }
        }
        while let Some((time, node)) = heap.pop() {
            if time > seconds[node as usize] {
                continue;
            }
            for &edge in network.edges_in(node) {
                let (tail, _, edge_m, edge_s) = network.edge(edge);
                let through = time + edge_s;
                if through < seconds[tail as usize] {
                    seconds[tail as usize] = through;
                    meters[tail as usize] = meters[node as usize] + edge_m;
                    heap.push(through, tail);
                }
            }
        }
        NodeTimes {
            seconds,
            meters,
            filter: filter.clone(),
        }
    }

    /// The drive time (seconds, metres driven) from `origin` to the nearest facility of
    /// `times`; `Ok(None)` when none can be reached.
    pub fn time_from(
        &self,
        times: &NodeTimes,
        origin: LatLon,
    ) -> Result<Option<(f64, f64)>, SnapError> {
        let snap = self.network.snap(origin, self.access.max_snap_m)?;
        let (starts, direct) = self.departures(snap, &times.filter);
        let mut best: Option<(f64, f64)> = None;
        let mut consider = |seconds: f64, meters: f64| {
            if seconds.is_finite() && best.is_none_or(|(s, _)| seconds < s) {
                best = Some((seconds, meters));
            }
        };
        for (_, seconds, meters) in direct {
            consider(seconds, meters);
        }
        for (node, seconds, meters) in starts {
            consider(
                seconds + times.seconds[node as usize],
                meters + times.meters[node as usize],
            );
        }
        Ok(best)
    }
}

/// An f64 ordered totally, for the ranking of found facilities.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Ordered(f64);

impl Eq for Ordered {}

impl Ord for Ordered {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

impl PartialOrd for Ordered {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
