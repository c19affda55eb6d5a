//! Answering a query: candidates from the trees, exact tests, ordering and paging.

use std::cell::Cell;
use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::Arc;

use geo::{CoordinatePosition, coordinate_position::CoordPos};
use rstar::AABB;

use crate::availability::ByPosition;
use crate::bbox::BBox;
use crate::care::{CareLevel, CareSet};
use crate::distance::Distance;
use crate::error::QueryError;
use crate::error::SnapshotError;
use crate::facility_ref::FacilityRef;
use crate::index::Index;
use crate::query::{Area, Cursor, Query};
use crate::slots::{Packed, Slots};
use crate::sphere::{LatLon, Trig, chord2_bound, chord2_floor, widen_chord2};
use crate::tree::{Collector, KdTree};

/// One result: a facility, with its distance and bearing from the query's origin.
///
/// ```
/// use carefind::{Index, LatLon, Query};
///
/// let index = Index::sample();
/// let origin = LatLon::new(39.95, -75.16).unwrap();
/// let hit = index.search(&Query::nearest(origin, 1)).unwrap()[0];
/// let metres = hit.distance_m.unwrap();
/// assert_eq!(metres, origin.distance_m(hit.facility.location()));
/// assert!((0.0..360.0).contains(&hit.bearing_deg().unwrap()));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit<'a> {
    /// The facility.
    pub facility: FacilityRef<'a>,
    /// Great-circle distance from the origin in metres; `None` without an origin.
    pub distance_m: Option<f64>,
    /// Where the distance was measured from: the query's origin, if it had one.
    pub origin: Option<LatLon>,
}

impl Hit<'_> {
    /// The initial bearing from the origin in degrees from north, in [0, 360); `None`
    /// without an origin. Worked out when asked for: a bearing costs an arctangent, which
    /// the many callers that only list distances would pay for nothing.
    ///
    /// ```
    /// use carefind::{Index, LatLon, Query};
    ///
    /// let index = Index::sample();
    /// let origin = LatLon::new(39.95, -75.16).unwrap();
    /// let hit = index.search(&Query::nearest(origin, 1)).unwrap()[0];
    /// assert_eq!(hit.bearing_deg(), Some(origin.bearing_deg(hit.facility.location())));
    /// ```
    pub fn bearing_deg(&self) -> Option<f64> {
        self.origin
            .map(|origin| origin.bearing_deg(self.facility.location()))
    }

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
    /// assert_eq!(hit.cursor().id, hit.facility.id());
    /// ```
    pub fn cursor(&self) -> Cursor {
        Cursor {
            distance_m: self.distance_m,
            id: self.facility.id().to_string(),
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
    /// let query = Query::within(origin, Distance::from_miles(30.0))
    ///     .filter(Filter::new().care(CareLevel::SoberLiving));
    /// for hit in index.search(&query).unwrap() {
    ///     assert!(hit.facility.care().contains(CareLevel::SoberLiving));
    ///     assert!(hit.distance_m.unwrap() <= Distance::from_miles(30.0).as_meters());
    /// }
    /// ```
    pub fn search(&self, query: &Query) -> Result<Vec<Hit<'_>>, QueryError> {
        let mut hits = Vec::new();
        self.search_into(query, &mut hits)?;
        Ok(hits)
    }

    /// Answers a query like [`Index::search`], writing the page into `hits` in place of
    /// what it held. Reusing one buffer across queries, a caller answering many of them
    /// allocates nothing per query (the working buffers are kept per thread).
    ///
    /// ```
    /// use carefind::{Index, LatLon, Query};
    ///
    /// let index = Index::sample();
    /// let mut hits = Vec::new();
    /// for (lat, lon) in [(40.7, -74.0), (34.05, -118.24)] {
    ///     let query = Query::nearest(LatLon::new(lat, lon).unwrap(), 5);
    ///     index.search_into(&query, &mut hits).unwrap();
    ///     assert_eq!(hits, index.search(&query).unwrap());
    /// }
    /// ```
    pub fn search_into<'i>(
        &'i self,
        query: &Query,
        hits: &mut Vec<Hit<'i>>,
    ) -> Result<(), QueryError> {
        hits.clear();
        let plan = Plan::new(self, query)?;
        let mut scratch = Scratch::take();
        plan.keys(&mut scratch);
        if let Err(error) = plan.budget_left() {
            scratch.put_back();
            return Err(error);
        }
        let page = scratch
            .keys
            .iter()
            .skip(query.offset)
            .take(query.limit.unwrap_or(usize::MAX));
        hits.extend(page.map(|key| plan.hit(*key)));
        scratch.put_back();
        // What a caller reads of the hits is checked now, so that damage there is this
        // query's error, not an empty field later.
        if plan.checked_on_read {
            for hit in hits.iter() {
                self.facilities
                    .check_facility(hit.facility.position() as u32);
            }
            if let Err(error) = plan.budget_left() {
                hits.clear();
                return Err(error);
            }
        }
        Ok(())
    }

    /// Counts every match of the query's area, maximum distance and filter, ignoring the
    /// cursor, offset and limit, without building the results.
    ///
    /// ```
    /// use carefind::{Distance, Index, LatLon, Query};
    ///
    /// let index = Index::sample();
    /// let query = Query::within(LatLon::new(32.78, -96.8).unwrap(), Distance::from_miles(50.0));
    /// assert_eq!(index.count(&query).unwrap(), index.search(&query).unwrap().len());
    /// assert_eq!(index.count(&query.clone().limit(1)).unwrap(), index.count(&query).unwrap());
    /// ```
    pub fn count(&self, query: &Query) -> Result<usize, QueryError> {
        let plan = Plan::new(self, query)?;
        let unbounded = matches!(plan.region, Region::Everywhere) && plan.max_distance_m.is_none();
        let mut count = 0;
        if !unbounded {
            plan.each_match(|_| count += 1);
            plan.budget_left()?;
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
        plan.each_candidate(|slot, level| count += usize::from(plan.accepts(slot, level)));
        plan.budget_left()?;
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

/// Buffers a query works in, kept per thread between queries so that answering allocates
/// nothing but the answer.
#[derive(Default)]
struct Scratch {
    /// The best chords so far of a nearest walk.
    best: Best,
    /// Every candidate of a nearest walk within the bound when it was met.
    near: Vec<(f64, u32)>,
    /// The matches, in order, before paging.
    keys: Vec<Key>,
}

thread_local! {
    static SCRATCH: Cell<Scratch> = Cell::new(Scratch::default());
}

/// Buffers grown past this many entries by a large query are freed rather than kept.
const MAX_KEPT_SCRATCH: usize = 1 << 16;

impl Scratch {
    /// The thread's buffers, taken out while in use: a filter predicate that queries an
    /// index again finds none and works in fresh ones.
    fn take() -> Scratch {
        SCRATCH.with(Cell::take)
    }

    fn put_back(mut self) {
        if self.keys.capacity().max(self.near.capacity()) > MAX_KEPT_SCRATCH {
            return;
        }
        self.best.clear();
        self.near.clear();
        self.keys.clear();
        SCRATCH.with(|kept| kept.set(self));
    }
}

/// The `need` smallest chords met so far: a sorted array for the common small `need`
/// (cheaper than a heap when a few dozen entries fit in a cache line or two), a max-heap
/// beyond.
#[derive(Default)]
struct Best {
    /// The smallest chords in order, infinite where fewer have been met: every place from
    /// `used` on is infinite. A `Vec` sized once, not an array: the thread's buffers are
    /// moved out and back for each search, and 64 places made each move 512 bytes.
    sorted: Vec<f64>,
    used: usize,
    heap: BinaryHeap<Chord2>,
}

/// Up to this `need`, [`Best`] keeps a sorted array.
const SORTED_BEST: usize = 64;

impl Best {
    /// Takes in a chord; returns the `need`-th smallest when it changed (infinite while
    /// fewer than `need` are held).
    fn admit(&mut self, need: usize, chord2: f64) -> Option<f64> {
        if (1..=SORTED_BEST).contains(&need) {
            if self.sorted.len() < SORTED_BEST {
                self.sorted.resize(SORTED_BEST, f64::INFINITY);
            }
            self.used = self.used.max(need);
            let sorted = &mut self.sorted[..need];
            if chord2 >= sorted[need - 1] {
                return None;
            }
            // Inserted without a branch: place i takes min(old[i], max(old[i - 1], chord)),
            // which keeps the places below the chord, puts it in the first above, and moves
            // the rest up by one (the last falls off). Shifting in a loop until the place
            // is found mispredicted its exit at nearly every insertion, and that was a
            // fifth of offering a candidate.
            let mut before = f64::NEG_INFINITY;
            for place in sorted.iter_mut() {
                let old = *place;
                let above = if before > chord2 { before } else { chord2 };
                *place = if old < above { old } else { above };
                before = old;
            }
            return Some(sorted[need - 1]);
        }
        if self.heap.len() < need {
            self.heap.push(Chord2(chord2));
            if self.heap.len() < need {
                return None;
            }
        } else if let Some(mut worst) = self.heap.peek_mut()
            && chord2 < worst.0
        {
            *worst = Chord2(chord2);
        } else {
            return None;
        }
        self.heap.peek().map(|worst| worst.0)
    }

    fn clear(&mut self) {
        self.sorted[..self.used].fill(f64::INFINITY);
        self.used = 0;
        self.heap.clear();
    }
}

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
    /// The index's slots, and what is read of each, borrowed once: a borrowed column is a
    /// match and a cast, which a search should not pay a candidate.
    slots: &'i Slots,
    locations: &'i [Trig],
    sets: &'i [Packed],
    order: &'i [u32],
    /// Whether the slots are a snapshot's, checked as they are read (see
    /// [`Plan::readable`]).
    checked_on_read: bool,
    query: &'q Query,
    origin: Option<(Trig, [f64; 3])>,
    max_distance_m: Option<f64>,
    region: Region<'q>,
    sources: Sources,
    /// Whether every facility the trees yield is a match before the distance test, so that
    /// `accepts` need not look at it.
    accepts_all: bool,
    /// Matches at or beyond this key come after the cursor.
    resume_at: Option<Key>,
    /// The work done so far, against the query's budget.
    work: Work,
    /// The filter's availability table by the index's positions, when it asks for
    /// availability.
    reports: Option<Arc<ByPosition>>,
}

/// Work done by a query, counted against its [`Budget`](crate::Budget). Once the budget is
/// spent, every facility is refused without a test, so the walk ends quickly, and the
/// search reports why.
struct Work {
    spent: Cell<u64>,
    /// When `spent` reaches this, the budget is looked at: its bound, and every
    /// [`DEADLINE_STRIDE`] units its deadline. Zero once the budget is spent.
    next_check: Cell<u64>,
    max: u64,
    deadline: Option<std::time::Instant>,
    /// Units a facility tested against the area costs.
    per_test: u64,
    exhausted: Cell<Option<Exhausted>>,
}

/// Which bound of a budget ran out.
#[derive(Clone, Copy)]
enum Exhausted {
    Work,
    Deadline,
    /// Not a bound: the snapshot the index reads, checked as it is read, is damaged where
    /// the query read it. The query ends as a spent one does.
    Damaged,
}

/// Units of work between looks at the clock.
const DEADLINE_STRIDE: u64 = 4096;

impl Work {
    fn new(query: &Query) -> Work {
        use geo::CoordsIter;
        let budget = query.budget;
        let per_test = match &query.area {
            Area::Polygon(polygon) => 1 + polygon.coords_count() as u64,
            _ => 1,
        };
        let work = Work {
            spent: Cell::new(0),
            next_check: Cell::new(0),
            max: budget.max_work.unwrap_or(u64::MAX),
            deadline: budget.deadline,
            per_test,
            exhausted: Cell::new(None),
        };
        work.look();
        work
    }

    /// Spends `units`; false once the budget is spent.
    #[inline]
    fn spend(&self, units: u64) -> bool {
        let spent = self.spent.get().saturating_add(units);
        self.spent.set(spent);
        spent < self.next_check.get() || self.look()
    }

    /// Looks at the bound and the deadline, and sets when to look next; false once the
    /// budget is spent.
    #[cold]
    fn look(&self) -> bool {
        let spent = self.spent.get();
        if self.exhausted.get().is_none() {
            if spent > self.max {
                self.exhausted.set(Some(Exhausted::Work));
            } else if self
                .deadline
                .is_some_and(|deadline| std::time::Instant::now() >= deadline)
            {
                self.exhausted.set(Some(Exhausted::Deadline));
            }
        }
        if self.exhausted.get().is_some() {
            self.next_check.set(0);
            return false;
        }
        let next = match self.deadline {
            Some(_) => spent.saturating_add(DEADLINE_STRIDE),
            None => u64::MAX,
        };
        self.next_check.set(next.min(self.max.saturating_add(1)));
        true
    }

    /// Ends the query: what it read is damaged.
    #[cold]
    fn damaged(&self) {
        self.exhausted.set(Some(Exhausted::Damaged));
        self.next_check.set(0);
    }

    fn result(&self) -> Result<(), QueryError> {
        match self.exhausted.get() {
            None => Ok(()),
            Some(Exhausted::Work) => Err(QueryError::TooMuchWork { limit: self.max }),
            Some(Exhausted::Deadline) => Err(QueryError::DeadlinePassed),
            // Damage the store found is answered before this (`Plan::budget_left`): left is
            // a tree whose blocks are whole but whose values do not hold.
            Some(Exhausted::Damaged) => Err(QueryError::Damaged(SnapshotError::Corrupt {
                offset: 0,
                reason: "a tree that does not hold its facilities",
            })),
        }
    }
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
            position: index
                .facilities
                .partition_point(|id| id <= cursor.id.as_bytes()) as u32,
        });
        let sources = choose_sources(index, query.filter.care);
        let accepts_all = matches!(region, Region::Everywhere)
            && query.filter.is_care_only()
            && (query.filter.include_closed || index.closed() == 0)
            && match sources {
                Sources::All => query.filter.care.is_empty(),
                Sources::Levels(care) => care.len() == 1,
            };
        let slots = index.slots();
        Ok(Plan {
            index,
            slots,
            locations: slots.locations.as_slice(),
            sets: slots.sets.as_slice(),
            order: slots.order.as_slice(),
            checked_on_read: slots.is_checked_on_read(),
            query,
            origin: query
                .origin
                .map(Trig::of)
                .map(|origin| (origin, origin.unit_vector())),
            max_distance_m: query.max_distance.map(Distance::as_meters),
            region,
            sources,
            accepts_all,
            resume_at,
            work: Work::new(query),
            reports: query
                .filter
                .availability()
                .map(|(table, _)| table.by_position(index)),
        })
    }

    /// Whether the budget held out: the query's answer, if it did not.
    /// Whether the budget held out, and what the query read was whole: the query's
    /// answer, if not.
    fn budget_left(&self) -> Result<(), QueryError> {
        if let Some(damage) = self.index.facilities.damage() {
            return Err(QueryError::Damaged(damage));
        }
        self.work.result()
    }

    /// The trees to walk, each with its level (none for the tree of every facility). A
    /// tree of a snapshot checked as it is read that is damaged ends the query.
    fn trees(&self) -> impl Iterator<Item = (&'i KdTree, Option<CareLevel>)> + use<'i, '_> {
        let slots = self.slots;
        let (all, levels) = match self.sources {
            Sources::All => (Some(slots.all_tree()), CareSet::EMPTY),
            Sources::Levels(care) => (None, care),
        };
        let levels = levels
            .iter()
            .map(move |level| (slots.level_tree(level), Some(level)));
        let trees = all.map(|tree| (tree, None)).into_iter().chain(levels);
        trees.map_while(move |(tree, level)| {
            let which = level.map_or(0, |level| 1 + level as usize);
            if self.checked_on_read && !slots.is_whole(which) {
                self.work.damaged();
                return None;
            }
            Some((tree, level))
        })
    }

    /// Whether what is read of `slot` can be read: always, but in a snapshot checked as it
    /// is read, whose blocks there must be whole. A damaged one ends the query.
    // In two parts, the test inline and the check not: with the check inline, `key` grew
    // past what the compiler inlines into the nearest walk's gathering, and nearest 10 on
    // an index in memory took 6-9 % longer.
    #[inline(always)]
    fn readable(&self, slot: u32) -> bool {
        !self.checked_on_read || self.read_checked(slot)
    }

    #[inline(never)]
    fn read_checked(&self, slot: u32) -> bool {
        let whole = self.slots.check_slot(slot);
        if !whole {
            self.work.damaged();
        }
        whole
    }

    /// Whether the facility in `slot`, met in the tree of level `from`, is a match (before
    /// the distance test).
    fn accepts(&self, slot: u32, from: Option<CareLevel>) -> bool {
        if !self.work.spend(self.work.per_test) {
            return false;
        }
        if self.accepts_all {
            return true;
        }
        if !self.readable(slot) {
            return false;
        }
        let attributes = &self.sets[slot as usize].attributes();
        let filter = &self.query.filter;
        // A facility sits in the tree of each level it offers; take it from the first
        // wanted one only, so that it is met once.
        if from.is_some() && (attributes.care & filter.care).first() != from {
            return false;
        }
        filter.matches_attributes(attributes)
            && self.region.contains(self.locations[slot as usize].point())
            && filter.matches_record(
                FacilityRef::stored(&self.index.facilities, self.position(slot)),
                self.reports.as_deref(),
            )
    }

    /// Where the facility in `slot` sits among the facilities, which is its place in id
    /// order.
    fn position(&self, slot: u32) -> u32 {
        self.order[slot as usize]
    }

    /// The key of the match in `slot`, or `None` when it lies beyond the maximum distance.
    #[inline]
    fn key(&self, slot: u32) -> Option<Key> {
        if !self.readable(slot) {
            return None;
        }
        let distance = match self.origin {
            Some((origin, _)) => origin.distance_m(&self.locations[slot as usize]),
            None => 0.0,
        };
        let within = self.max_distance_m.is_none_or(|max| distance <= max);
        within.then(|| Key {
            distance,
            position: self.position(slot),
        })
    }

    fn is_after_cursor(&self, key: Key) -> bool {
        self.resume_at.is_none_or(|resume_at| key >= resume_at)
    }

    fn consider(&self, slot: u32, from: Option<CareLevel>, found: &mut impl FnMut(Key)) {
        if self.accepts(slot, from)
            && let Some(key) = self.key(slot)
            && self.work.spend(1)
        {
            found(key);
        }
    }

    /// Fills `scratch.keys` with the matches after the cursor, in order: all of them, or
    /// the first `limit + offset` when the query has a limit.
    fn keys(&self, scratch: &mut Scratch) {
        // No query can need more matches than there are facilities; an offset past them
        // finds nothing at once.
        let facilities = self.index.len();
        let need = self
            .query
            .limit
            .map(|limit| limit.saturating_add(self.query.offset).min(facilities));
        if self.query.offset >= facilities {
            return;
        }
        match need {
            Some(0) => {}
            Some(need) if self.origin.is_some() && matches!(self.region, Region::Everywhere) => {
                self.nearest(need, scratch);
            }
            _ => {
                let keys = &mut scratch.keys;
                self.each_match(|key| {
                    if self.is_after_cursor(key) {
                        keys.push(key);
                    }
                });
                if let Some(need) = need.filter(|need| *need < keys.len()) {
                    keys.select_nth_unstable(need);
                    keys.truncate(need);
                }
                keys.sort_unstable();
            }
        }
    }

    /// Calls `found` once for every match, in no particular order.
    fn each_match(&self, mut found: impl FnMut(Key)) {
        self.each_candidate(|slot, level| self.consider(slot, level, &mut found));
    }

    /// Calls `visit` with every facility the trees offer for the query's area (each with
    /// the level whose tree it came from), before any test.
    fn each_candidate(&self, mut visit: impl FnMut(u32, Option<CareLevel>)) {
        let max_chord2 = self.max_distance_m.map(chord2_bound);
        match (self.region.envelope(), self.origin, max_chord2) {
            (Some(envelope), _, _) => {
                for (tree, level) in self.trees() {
                    tree.each_in_envelope(&envelope, &mut |slot| visit(slot, level));
                }
            }
            (None, Some((_, xyz)), Some(chord2)) => {
                for (tree, level) in self.trees() {
                    tree.each_within(&xyz, chord2, &mut |slot| visit(slot, level));
                }
            }
            _ => {
                for (tree, level) in self.trees() {
                    tree.each(&mut |slot| visit(slot, level));
                }
            }
        }
    }

    /// Fills `scratch.keys` with the first `need` matches after the cursor, nearest first,
    /// for an origin with no bounded area.
    ///
    /// Each tree involved is walked nearest node first, and the walk prunes every node that
    /// cannot hold a point within the `need`-th best chord so far (plus rounding slack).
    /// Chords order points as great-circle distances do, so haversine is only computed at
    /// the end, for the few candidates within that bound, which then sort by (distance, id)
    /// exactly as a scan would. Cursor and maximum distance are decided by chord where it is
    /// clear and by haversine within the slack.
    fn nearest(&self, need: usize, scratch: &mut Scratch) {
        let Some((_, xyz)) = self.origin else {
            return;
        };
        let mut nearest = Nearest {
            plan: self,
            level: None,
            need,
            bound2: self.max_distance_m.map_or(f64::INFINITY, chord2_bound),
            // Below `before` a point is surely before the cursor; above `after`, surely
            // after it.
            cursor: self
                .resume_at
                .map(|key| (chord2_floor(key.distance), chord2_bound(key.distance))),
            best: &mut scratch.best,
            near: &mut scratch.near,
        };
        for (tree, level) in self.trees() {
            nearest.level = level;
            tree.nearest(&xyz, &mut nearest);
        }
        let bound2 = nearest.bound2;
        let keys = &mut scratch.keys;
        keys.extend(
            scratch
                .near
                .iter()
                .filter(|(chord2, _)| *chord2 <= bound2)
                .filter_map(|(_, slot)| self.key(*slot))
                .filter(|key| self.is_after_cursor(*key)),
        );
        keys.sort_unstable();
        keys.truncate(need);
    }

    fn hit(&self, key: Key) -> Hit<'i> {
        Hit {
            facility: FacilityRef::stored(&self.index.facilities, key.position),
            distance_m: self.origin.map(|_| key.distance),
            origin: self.query.origin,
        }
    }
}

/// The candidates of a nearest walk, offered by the trees one after another.
struct Nearest<'p, 'i, 'q, 's> {
    plan: &'p Plan<'i, 'q>,
    /// The level whose tree is being walked.
    level: Option<CareLevel>,
    need: usize,
    bound2: f64,
    cursor: Option<(f64, f64)>,
    best: &'s mut Best,
    near: &'s mut Vec<(f64, u32)>,
}

impl Collector for Nearest<'_, '_, '_, '_> {
    fn bound2(&self) -> f64 {
        self.bound2
    }

    fn offer(&mut self, chord2: f64, slot: u32) {
        let plan = self.plan;
        let accepted = if plan.accepts_all {
            plan.work.spend(1)
        } else {
            plan.accepts(slot, self.level)
        };
        if !accepted {
            return;
        }
        if let Some((before, after)) = self.cursor {
            let resumed = chord2 > after
                || (chord2 >= before
                    && plan.key(slot).is_some_and(|key| plan.is_after_cursor(key)));
            if !resumed {
                return;
            }
        }
        self.near.push((chord2, slot));
        if let Some(worst) = self.best.admit(self.need, chord2) {
            // Never NaN: a plain comparison, not `f64::min`'s NaN handling.
            let widened = widen_chord2(worst);
            if widened < self.bound2 {
                self.bound2 = widened;
            }
        }
        if self.near.len() >= self.need.saturating_mul(4).saturating_add(64) {
            let bound2 = self.bound2;
            self.near.retain(|(chord2, _)| *chord2 <= bound2);
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whatever order chords come in, with repeats, and after the buffer is cleared
        /// for another search: `admit` reports the `need`-th smallest met whenever it
        /// changes, never anything smaller (that would prune a nearer point).
        #[test]
        fn best_reports_the_need_th_smallest_chord_met(
            need in 1usize..80,
            chords in prop::collection::vec(prop_oneof![0.0f64..4.0, Just(0.5), Just(0.0)], 0..200),
        ) {
            let mut best = Best::default();
            for _ in 0..2 {
                let mut met: Vec<f64> = Vec::new();
                let mut kth = f64::INFINITY;
                for chord in &chords {
                    met.push(*chord);
                    met.sort_by(f64::total_cmp);
                    let now = met.get(need - 1).copied().unwrap_or(f64::INFINITY);
                    match best.admit(need, *chord) {
                        Some(reported) => prop_assert_eq!(reported, now),
                        None => prop_assert_eq!(kth, now),
                    }
                    kth = now;
                }
                best.clear();
            }
        }
    }
}
