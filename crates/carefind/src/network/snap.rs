//! Points placed on the network: the nearest point of the nearest road segment.
//!
//! Segments are found in a local equirectangular plane (longitude scaled by the cosine of
//! the network's mean latitude), among the eight nearest there; the distance reported and
//! compared is the haversine from the point to the segment's nearest point.

use std::fmt;

use rstar::RTree;
use rstar::primitives::{GeomWithData, Line};

use super::{Network, Segment};
use crate::LatLon;

/// Candidates measured exactly after the plane's nearest.
const CANDIDATES: usize = 8;

/// Where a point meets the network.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Snap {
    /// The edge the point lies beside.
    pub edge: u32,
    /// How far along the edge, from its tail (0) to its head (1).
    pub fraction: f64,
    /// From the point to the edge, in metres (the straight-line leg).
    pub snap_m: f64,
}

/// A point too far from every road, or a network with none.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SnapError {
    /// The distance to the nearest road, in metres (`None`: the network has no road).
    pub nearest_m: Option<f64>,
    /// The largest distance allowed.
    pub max_snap_m: f64,
}

impl fmt::Display for SnapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.nearest_m {
            Some(nearest) => write!(
                f,
                "the nearest road is {nearest:.0} m away, farther than the {:.0} m allowed (--max-snap)",
                self.max_snap_m
            ),
            None => f.write_str("the network has no road"),
        }
    }
}

impl std::error::Error for SnapError {}

impl Network {
    fn segments(&self) -> &(RTree<Segment>, f64) {
        self.segments.get_or_init(|| {
            let mean_lat = if self.lat.is_empty() {
                0.0
            } else {
                self.lat.iter().sum::<f64>() / self.lat.len() as f64
            };
            let scale = mean_lat.to_radians().cos().max(0.01);
            let segments = (0..self.edge_count() as u32)
                // One segment per road: a two-way road's lower edge stands for both.
                .filter(|edge| self.twin(*edge).is_none_or(|twin| *edge < twin))
                .map(|edge| {
                    let (tail, head) = (self.tail[edge as usize], self.head[edge as usize]);
                    let a = [self.lon[tail as usize] * scale, self.lat[tail as usize]];
                    let b = [self.lon[head as usize] * scale, self.lat[head as usize]];
                    GeomWithData::new(Line::new(a, b), edge)
                })
                .collect();
            (RTree::bulk_load(segments), scale)
        })
    }

    /// The nearest point of the network to `point`, if within `max_snap_m`.
    ///
    /// ```
    /// use carefind::LatLon;
    /// use carefind::network::NetworkBuilder;
    ///
    /// let mut roads = NetworkBuilder::new();
    /// let a = roads.node(1, LatLon::new(60.0, 25.0)?);
    /// let b = roads.node(2, LatLon::new(60.0, 25.01)?);
    /// roads.road(a, b, 50.0, true);
    /// let (network, _) = roads.finish();
    /// let snap = network.snap(LatLon::new(60.0001, 25.005)?, 1000.0).unwrap();
    /// assert!((snap.fraction - 0.5).abs() < 0.01 && (snap.snap_m - 11.1).abs() < 0.2);
    /// assert!(network.snap(LatLon::new(61.0, 25.0)?, 1000.0).is_err());
    /// # Ok::<(), carefind::error::CoordinateError>(())
    /// ```
    pub fn snap(&self, point: LatLon, max_snap_m: f64) -> Result<Snap, SnapError> {
        let (tree, scale) = self.segments();
        let query = [point.lon() * scale, point.lat()];
        let mut best: Option<Snap> = None;
        for segment in tree.nearest_neighbor_iter(&query).take(CANDIDATES) {
            let [a, b] = [segment.geom().from, segment.geom().to];
            let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
            let length2 = dx * dx + dy * dy;
            let t = if length2 > 0.0 {
                (((query[0] - a[0]) * dx + (query[1] - a[1]) * dy) / length2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let foot = LatLon::within_range(a[1] + t * dy, (a[0] + t * dx) / scale);
            let snap_m = point.distance_m(foot);
            if best.is_none_or(|best| snap_m < best.snap_m) {
                best = Some(Snap {
                    edge: segment.data,
                    fraction: t,
                    snap_m,
                });
            }
        }
        match best {
            Some(snap) if snap.snap_m <= max_snap_m => Ok(snap),
            Some(snap) => Err(SnapError {
                nearest_m: Some(snap.snap_m),
                max_snap_m,
            }),
            None => Err(SnapError {
                nearest_m: None,
                max_snap_m,
            }),
        }
    }
}
