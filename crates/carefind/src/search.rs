//! Answering a query: candidates from the trees, exact tests, ordering and paging.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use geo::{CoordinatePosition, coordinate_position::CoordPos};
use rstar::{AABB, ParentNode, RTreeNode};

use crate::bbox::BBox;
use crate::care::{CareLevel, CareSet};
use crate::distance::Distance;
use crate::error::QueryError;
use crate::facility::Facility;
use crate::index::{Entry, Index, Tree};
use crate::query::{Area, Cursor, Query};
use crate::sphere::{LatLon, chord2 as sphere_chord2, chord2_bound, chord2_floor, widen_chord2};

/// One result: a facility, with its distance and bearing from the query's origin.
///
/// ```
/// use carefind::{Index, LatLon, Query};
///
/// let index = Index::sample();
/// let origin = LatLon::new(39.95, -75.16).unwrap();
/// let hit = index.search(&Query::nearest(origin, 1)).unwrap()[0];
/// let metres = hit.distance_m.unwrap();
/// assert_eq!(metres, origin.distance_m(hit.facility.location));
/// assert!((0.0..360.0).contains(&hit.bearing_deg.unwrap()));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit<'a> {
    /// The facility.
    pub facility: &'a Facility,
    /// Great-circle distance from the origin in metres; `None` without an origin.
    pub distance_m: Option<f64>,
    /// Initial bearing from the origin in degrees from north; `None` without an origin.
    pub bearing_deg: Option<f64>,
}

impl Hit<'_> {
    /// The distance as a [`Distance`], for conversion to any unit.
    ///
    /// ```
    /// use carefind::{Index, LatLon, Query, Unit};
    ///
    /// let index = Index::sample();
    /// let hit = index.search(&Query::nearest(LatLon::new(33.45, -112.07).unwrap(), 1)).unwrap()[0];
    /// let miles = hit.distance().unwrap().in_unit(Unit::Miles);
    /// assert!(miles >= 0.0);
    /// ```
    pub fn distance(&self) -> Option<Distance> {
        self.distance_m.map(Distance::from_meters)
    }

    /// A cursor that resumes right after this result.
    ///
    /// ```
    /// use carefind::{Index, LatLon, Query};
    ///
    /// let index = Index::sample();
    /// let hit = index.search(&Query::nearest(LatLon::new(33.45, -112.07).unwrap(), 1)).unwrap()[0];
    /// assert_eq!(hit.cursor().id, hit.facility.id);
    /// ```
    pub fn cursor(&self) -> Cursor {
        Cursor {
            distance_m: self.distance_m,
            id: self.facility.id.clone(),
        }
    }
}

/// Filters whose unbounded counts an index keeps; past this the cache starts over.
const MAX_CACHED_TOTALS: usize = 4096;

impl Index {
    /// Answers a query: see [`Query`] for what it means.
    ///
    /// ```
    /// use carefind::{CareLevel, Distance, Filter, Index, LatLon, Query};
    ///
    /// let index = Index::sample();
    /// let origin = LatLon::new(42.36, -71.06).unwrap();
    /// let query = Query::within(origin, Distance::miles(30.0))
    ///     .filter(Filter::new().care(CareLevel::SoberLiving));
    /// for hit in index.search(&query).unwrap() {
    ///     assert!(hit.facility.care.contains(CareLevel::SoberLiving));
    ///     assert!(hit.distance_m.unwrap() <= Distance::miles(30.0).meters());
    /// }
    /// ```
    pub fn search(&self, query: &Query) -> Result<Vec<Hit<'_>>, QueryError> {
        let plan = Plan::new(self, query)?;
        let need = query.limit.map(|limit| limit.saturating_add(query.offset));
        let keys = match need {
            Some(0) => Vec::new(),
            Some(need) if plan.origin.is_some() && matches!(plan.region, Region::Everywhere) => {
                plan.nearest(need)
            }
            _ => {
                let mut keys = Vec::new();
                plan.each_match(|key| {
                    if plan.is_after_cursor(key) {
                        keys.push(key);
                    }
                });
                if let Some(need) = need.filter(|need| *need < keys.len()) {
                    keys.select_nth_unstable(need);
                    keys.truncate(need);
                }
                keys.sort_unstable();
                keys
            }
        };
        let page = keys
            .into_iter()
            .skip(query.offset)
            .take(query.limit.unwrap_or(usize::MAX));
        Ok(page.map(|key| plan.hit(key)).collect())
    }

    /// Counts every match of the query's area, maximum distance and filter, ignoring the
    /// cursor, offset and limit, without building the results.
    ///
    /// ```
    /// use carefind::{Distance, Index, LatLon, Query};
    ///
    /// let index = Index::sample();
    /// let query = Query::within(LatLon::new(32.78, -96.8).unwrap(), Distance::miles(50.0));
    /// assert_eq!(index.count(&query).unwrap(), index.search(&query).unwrap().len());
    /// assert_eq!(index.count(&query.clone().limit(1)).unwrap(), index.count(&query).unwrap());
    /// ```
    pub fn count(&self, query: &Query) -> Result<usize, QueryError> {
        let plan = Plan::new(self, query)?;
        let unbounded = matches!(plan.region, Region::Everywhere) && plan.max_distance_m.is_none();
        let mut count = 0;
        if !unbounded {
            plan.each_match(|_| count += 1);
            return Ok(count);
        }
        // Everywhere and at any distance: the count depends on the filter alone, and is
        // kept for the next such query when the filter has no predicate.
        let filter = &query.filter;
        let key = filter.masks();
        let cacheable = filter.has_no_predicate();
        if cacheable && let Some(count) = self.totals.lock().ok().and_then(|t| t.get(&key).copied())
        {
            return Ok(count);
        }
        plan.each_candidate(|position, level| count += usize::from(plan.accepts(position, level)));
        if cacheable && let Ok(mut totals) = self.totals.lock() {
            if totals.len() >= MAX_CACHED_TOTALS {
                totals.clear();
            }
            totals.insert(key, count);
        }
        Ok(count)
    }
}

/// Where a match falls in the order: distance (0 without an origin), then position, which is
/// id order.
#[derive(Clone, Copy, Debug)]
struct Key {
    distance: f64,
    position: u32,
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        self.distance
            .total_cmp(&other.distance)
            .then(self.position.cmp(&other.position))
    }
}
impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Key {}

/// A tree node waiting in the best-first walk, nearest envelope first.
struct Pending<'i> {
    chord2: f64,
    node: &'i ParentNode<Entry>,
    level: Option<CareLevel>,
}

impl Ord for Pending<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        // BinaryHeap pops the greatest: the nearest must compare greatest.
        other.chord2.total_cmp(&self.chord2)
    }
}
impl PartialOrd for Pending<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for Pending<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Pending<'_> {}

/// A squared chord, totally ordered.
#[derive(Clone, Copy, PartialEq)]
struct Chord2(f64);

impl Eq for Chord2 {}
impl Ord for Chord2 {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}
impl PartialOrd for Chord2 {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The area's exact test and, for bounded areas, the 3D envelope that yields candidates.
enum Region<'q> {
    Everywhere,
    Box(BBox),
    Polygon(&'q geo::Polygon<f64>, BBox),
}

impl Region<'_> {
    fn contains(&self, point: LatLon) -> bool {
        match self {
            Region::Everywhere => true,
            Region::Box(bbox) => bbox.contains(point),
            Region::Polygon(polygon, bbox) => {
                bbox.contains(point)
                    && polygon.coordinate_position(&geo::coord! { x: point.lon(), y: point.lat() })
                        != CoordPos::Outside
            }
        }
    }

    fn envelope(&self) -> Option<AABB<[f64; 3]>> {
        match self {
            Region::Everywhere => None,
            Region::Box(bbox) | Region::Polygon(_, bbox) => Some(bbox.envelope()),
        }
    }
}

/// Which trees yield candidates: the tree of all facilities (the filter then tests care
/// like any other mask), or the trees of the wanted levels alone.
enum Sources {
    All,
    Levels(CareSet),
}

/// A validated query, ready to run against one index.
struct Plan<'i, 'q> {
    index: &'i Index,
    query: &'q Query,
    origin: Option<(LatLon, [f64; 3])>,
    max_distance_m: Option<f64>,
    region: Region<'q>,
    sources: Sources,
    /// Matches at or beyond this key come after the cursor.
    resume_at: Option<Key>,
}

impl<'i, 'q> Plan<'i, 'q> {
    fn new(index: &'i Index, query: &'q Query) -> Result<Self, QueryError> {
        query.validate()?;
        let region = match &query.area {
            Area::Everywhere => Region::Everywhere,
            Area::Box(bbox) => Region::Box(*bbox),
            Area::Polygon(polygon) => Region::Polygon(polygon, bounding_box(polygon)?),
        };
        let resume_at = query.after.as_ref().map(|cursor| Key {
            distance: cursor.distance_m.unwrap_or(0.0),
            position: index.facilities.partition_point(|f| f.id <= cursor.id) as u32,
        });
        Ok(Plan {
            index,
            query,
            origin: query.origin.map(|origin| (origin, origin.unit_vector())),
            max_distance_m: query.max_distance.map(Distance::meters),
            region,
            sources: choose_sources(index, query.filter.care),
            resume_at,
        })
    }

    fn trees(&self) -> Vec<(&'i Tree, Option<CareLevel>)> {
        match self.sources {
            Sources::All => vec![(self.index.all_tree(), None)],
            Sources::Levels(care) => care
                .iter()
                .map(|level| (self.index.level_tree(level), Some(level)))
                .collect(),
        }
    }

    /// Whether the facility at `position`, met in the tree of level `from`, is a match
    /// (before the distance test).
    fn accepts(&self, position: u32, from: Option<CareLevel>) -> bool {
        let position = position as usize;
        let attributes = &self.index.attributes[position];
        let filter = &self.query.filter;
        // A facility sits in the tree of each level it offers; take it from the first
        // wanted one only, so that it is met once.
        if from.is_some() && (attributes.care & filter.care).first() != from {
            return false;
        }
        filter.matches_attributes(attributes)
            && self.region.contains(self.index.locations[position])
            && filter.matches_predicate(&self.index.facilities[position])
    }

    /// The match's key, or `None` when it lies beyond the maximum distance.
    fn key(&self, position: u32) -> Option<Key> {
        let distance = match self.origin {
            Some((origin, _)) => origin.distance_m(self.index.locations[position as usize]),
            None => 0.0,
        };
        let within = self.max_distance_m.is_none_or(|max| distance <= max);
        within.then_some(Key { distance, position })
    }

    fn is_after_cursor(&self, key: Key) -> bool {
        self.resume_at.is_none_or(|resume_at| key >= resume_at)
    }

    fn consider(&self, position: u32, from: Option<CareLevel>, found: &mut impl FnMut(Key)) {
        if self.accepts(position, from)
            && let Some(key) = self.key(position)
        {
            found(key);
        }
    }

    /// Calls `found` once for every match, in no particular order.
    fn each_match(&self, mut found: impl FnMut(Key)) {
        self.each_candidate(|position, level| self.consider(position, level, &mut found));
    }

    /// Calls `visit` with every facility the trees offer for the query's area (each with
    /// the level whose tree it came from), before any test.
    fn each_candidate(&self, mut visit: impl FnMut(u32, Option<CareLevel>)) {
        let max_chord2 = self.max_distance_m.map(chord2_bound);
        match (self.region.envelope(), self.origin, max_chord2) {
            (Some(envelope), _, _) => {
                for (tree, level) in self.trees() {
                    for entry in tree.locate_in_envelope(&envelope) {
                        visit(entry.data, level);
                    }
                }
            }
            (None, Some((_, xyz)), Some(chord2)) => {
                for (tree, level) in self.trees() {
                    for entry in tree.locate_within_distance(xyz, chord2) {
                        visit(entry.data, level);
                    }
                }
            }
            _ => {
                for position in 0..self.index.len() as u32 {
                    visit(position, None);
                }
            }
        }
    }

    /// The first `need` matches after the cursor, nearest first, for an origin with no
    /// bounded area.
    ///
    /// One best-first walk covers every tree involved: nodes wait in a queue by the chord
    /// to their envelope, and the walk stops once no node can hold a point within the
    /// `need`-th best chord (plus rounding slack). Chords order points as great-circle
    /// distances do, so haversine is only computed at the end, for the few candidates within
    /// that bound, which then sort by (distance, id) exactly as a scan would. Cursor and
    /// maximum distance are decided by chord where it is clear and by haversine within the
    /// slack.
    fn nearest(&self, need: usize) -> Vec<Key> {
        let Some((_, xyz)) = self.origin else {
            return Vec::new();
        };
        let mut bound2 = self.max_distance_m.map_or(f64::INFINITY, chord2_bound);
        // Below `before` a point is surely before the cursor; above `after`, surely after it.
        let cursor = self
            .resume_at
            .map(|key| (chord2_floor(key.distance), chord2_bound(key.distance)));

        let mut queue: BinaryHeap<Pending<'i>> = BinaryHeap::with_capacity(64);
        for (tree, level) in self.trees() {
            let root = tree.root();
            let chord2 = root.envelope().distance_2(&xyz);
            queue.push(Pending {
                chord2,
                node: root,
                level,
            });
        }
        // The best `need` chords so far (a max-heap), and every candidate within the bound.
        let mut best: BinaryHeap<Chord2> = BinaryHeap::with_capacity(need.min(4096) + 1);
        let mut near: Vec<(f64, u32)> = Vec::with_capacity(need.min(4096) * 2);
        while let Some(Pending {
            chord2,
            node,
            level,
        }) = queue.pop()
        {
            if chord2 > bound2 {
                break;
            }
            for child in node.children() {
                match child {
                    RTreeNode::Parent(parent) => {
                        let chord2 = parent.envelope().distance_2(&xyz);
                        if chord2 <= bound2 {
                            queue.push(Pending {
                                chord2,
                                node: parent,
                                level,
                            });
                        }
                    }
                    RTreeNode::Leaf(entry) => {
                        let chord2 = sphere_chord2(entry.geom(), &xyz);
                        if chord2 > bound2 || !self.accepts(entry.data, level) {
                            continue;
                        }
                        if let Some((before, after)) = cursor {
                            let resumed = chord2 > after
                                || (chord2 >= before
                                    && self
                                        .key(entry.data)
                                        .is_some_and(|k| self.is_after_cursor(k)));
                            if !resumed {
                                continue;
                            }
                        }
                        near.push((chord2, entry.data));
                        best.push(Chord2(chord2));
                        if best.len() > need {
                            best.pop();
                        }
                        if best.len() == need
                            && let Some(worst) = best.peek()
                        {
                            bound2 = bound2.min(widen_chord2(worst.0));
                        }
                        if near.len() >= 4 * need + 64 {
                            near.retain(|(chord2, _)| *chord2 <= bound2);
                        }
                    }
                }
            }
        }
        let mut keys: Vec<Key> = near
            .into_iter()
            .filter(|(chord2, _)| *chord2 <= bound2)
            .filter_map(|(_, position)| self.key(position))
            .filter(|key| self.is_after_cursor(*key))
            .collect();
        keys.sort_unstable();
        keys.truncate(need);
        keys
    }

    fn hit(&self, key: Key) -> Hit<'i> {
        let position = key.position as usize;
        let location = self.index.locations[position];
        Hit {
            facility: &self.index.facilities[position],
            distance_m: self.origin.map(|_| key.distance),
            bearing_deg: self.origin.map(|(origin, _)| origin.bearing_deg(location)),
        }
    }
}

/// Per-level trees hold only candidates of the wanted levels, but several of them must be
/// walked and merged; when the wanted levels cover much of the index, one walk of the tree
/// of all facilities with a mask test is cheaper.
fn choose_sources(index: &Index, care: CareSet) -> Sources {
    if care.is_empty() {
        return Sources::All;
    }
    let in_level_trees: usize = care.iter().map(|level| index.count_offering(level)).sum();
    if care.len() == 1 || in_level_trees * 2 <= index.len() {
        Sources::Levels(care)
    } else {
        Sources::All
    }
}

fn bounding_box(polygon: &geo::Polygon<f64>) -> Result<BBox, QueryError> {
    let (mut west, mut south, mut east, mut north) = (180.0_f64, 90.0_f64, -180.0_f64, -90.0_f64);
    for coord in &polygon.exterior().0 {
        west = west.min(coord.x);
        east = east.max(coord.x);
        south = south.min(coord.y);
        north = north.max(coord.y);
    }
    BBox::new(west, south, east, north)
}
