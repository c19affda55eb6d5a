//! Walking on streets: to the first station, from the last, or all the way, over a
//! network of the ways a person may walk (`carefind network build --profile foot`).
//!
//! A point reaches its nearest street in a straight line at the access speed (within the
//! largest distance allowed, as drive time places points on roads); along the streets a
//! walk is the network's metres at the walking speed, with no detour factor: the streets
//! are the detour.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use super::reach::Walking;
use crate::LatLon;
use crate::network::Network;
use crate::network::drive::Heap;
use crate::network::snap::Snap;

/// A street network riders walk on, and how points reach it.
///
/// ```
/// use std::sync::Arc;
/// use carefind::LatLon;
/// use carefind::network::NetworkBuilder;
/// use carefind::transit::{Streets, Walking};
///
/// // One street 1 km long, walked at 3.6 km/h (1 m/s).
/// let mut ways = NetworkBuilder::new();
/// let a = ways.node(1, LatLon::new(0.0, 0.0)?);
/// let b = ways.node(2, LatLon::new(0.0, 0.008_993_2)?);
/// ways.road(a, b, 5.0, true);
/// let streets = Streets::new(Arc::new(ways.finish().0), 100.0, 3.6);
/// let walking = Walking { speed_kmh: 3.6, detour: 1.3, max_s: 3600.0 };
/// let (from, to) = (LatLon::new(0.0, 0.001)?, LatLon::new(0.0, 0.008)?);
/// let seconds = streets.seconds(from, to, &walking).unwrap();
/// assert!((seconds - 778.4).abs() < 0.5); // 778 m along the street, no detour
/// # Ok::<(), carefind::CoordinateError>(())
/// ```
#[derive(Clone)]
pub struct Streets {
    network: Arc<Network>,
    max_snap_m: f64,
    access_kmh: f64,
}

impl fmt::Debug for Streets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Streets")
            .field("nodes", &self.network.node_count())
            .field("edges", &self.network.edge_count())
            .field("max_snap_m", &self.max_snap_m)
            .field("access_kmh", &self.access_kmh)
            .finish()
    }
}

/// The metres walked along the streets from one point to every node within a walk.
#[derive(Debug)]
pub(crate) struct Spread {
    snap: Snap,
    /// The seconds of the straight leg to the street.
    leg_s: f64,
    metres: HashMap<u32, f64>,
}

impl Streets {
    /// Walks on `network`: points within `max_snap_m` of a street reach it in a straight
    /// line at `access_kmh`; farther points cannot walk.
    pub fn new(network: Arc<Network>, max_snap_m: f64, access_kmh: f64) -> Streets {
        Streets {
            network,
            max_snap_m,
            access_kmh,
        }
    }

    /// The network walked on.
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// Whether `self` and `other` are the same network walked the same way.
    pub(crate) fn same_as(&self, other: &Streets) -> bool {
        Arc::ptr_eq(&self.network, &other.network)
            && self.max_snap_m == other.max_snap_m
            && self.access_kmh == other.access_kmh
    }

    /// Where `point` meets the streets, if near enough.
    pub(crate) fn snap(&self, point: LatLon) -> Option<Snap> {
        self.network.snap(point, self.max_snap_m).ok()
    }

    fn leg_s(&self, snap: &Snap) -> f64 {
        snap.snap_m / (self.access_kmh / 3.6)
    }

    /// The seconds walked from `from` to `to`, if both are near a street and the walk
    /// takes at most `walking.max_s`.
    pub fn seconds(&self, from: LatLon, to: LatLon, walking: &Walking) -> Option<f64> {
        let spread = self.spread(from, walking)?;
        self.seconds_to(&spread, &self.snap(to)?, walking)
    }

    /// Every node within `walking.max_s` of `point` (none when it is too far from a
    /// street), by a Dijkstra on metres bounded by the walk.
    pub(crate) fn spread(&self, point: LatLon, walking: &Walking) -> Option<Spread> {
        let snap = self.snap(point)?;
        let leg_s = self.leg_s(&snap);
        let max_m = (walking.max_s - leg_s) * walking.speed_kmh / 3.6;
        let network = &*self.network;
        let mut metres: HashMap<u32, f64> = HashMap::new();
        let mut heap = Heap::default();
        let mut start = |node: u32, m: f64| {
            if m <= max_m && metres.get(&node).is_none_or(|known| m < *known) {
                metres.insert(node, m);
                heap.push(m, node);
            }
        };
        let (tail, head, length, _) = network.edge(snap.edge);
        start(head, (1.0 - snap.fraction) * length);
        if network.twin(snap.edge).is_some() {
            start(tail, snap.fraction * length);
        }
        while let Some((m, node)) = heap.pop() {
            if metres.get(&node).is_some_and(|known| m > *known) {
                continue;
            }
            for edge in network.edges_out(node) {
                let (_, next, length, _) = network.edge(edge);
                let through = m + length;
                if through <= max_m && metres.get(&next).is_none_or(|known| through < *known) {
                    metres.insert(next, through);
                    heap.push(through, next);
                }
            }
        }
        Some(Spread {
            snap,
            leg_s,
            metres,
        })
    }

    /// The seconds from the spread's point to the point placed at `to`, if within
    /// `walking.max_s`.
    pub(crate) fn seconds_to(&self, spread: &Spread, to: &Snap, walking: &Walking) -> Option<f64> {
        let network = &*self.network;
        let (tail, head, length, _) = network.edge(to.edge);
        let two_way = network.twin(to.edge).is_some();
        let mut best = f64::INFINITY;
        // Along the target's edge from its tail; or against it, from its head.
        if let Some(m) = spread.metres.get(&tail) {
            best = best.min(m + to.fraction * length);
        }
        if two_way && let Some(m) = spread.metres.get(&head) {
            best = best.min(m + (1.0 - to.fraction) * length);
        }
        // On the same street as the start, without passing a node (a two-way street is
        // always placed on by its lower edge, so one edge stands for both directions).
        let from = spread.snap;
        if from.edge == to.edge && (two_way || to.fraction >= from.fraction) {
            best = best.min((to.fraction - from.fraction).abs() * length);
        }
        let seconds = spread.leg_s + best / (walking.speed_kmh / 3.6) + self.leg_s(to);
        (seconds <= walking.max_s).then_some(seconds)
    }

    /// The farthest straight line a walk within `walking.max_s` can cover, in metres: no
    /// walk is shorter than the straight line between its ends.
    pub(crate) fn reach_m(&self, walking: &Walking) -> f64 {
        walking.max_s * walking.speed_kmh.max(self.access_kmh) / 3.6
    }
}
