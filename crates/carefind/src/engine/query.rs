//! Queries: where to look, what to keep, in what order, and which page.

use std::fmt;
use std::time::Instant;

use crate::bbox::BBox;
use crate::distance::Distance;
use crate::error::QueryError;
use crate::filter::Filter;
use crate::sphere::LatLon;

/// Where a query looks.
///
/// ```
/// use carefind::{Area, BBox};
///
/// let area = Area::Box(BBox::new(-75.0, 39.0, -73.0, 41.0).unwrap());
/// assert!(matches!(area, Area::Box(_)));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Area {
    /// Everywhere (narrowed by the query's maximum distance, if it has one).
    #[default]
    Everywhere,
    /// Inside a longitude/latitude box, edges included.
    Box(BBox),
    /// Inside a polygon, boundary included. The polygon is planar in longitude/latitude,
    /// like GeoJSON: `x` is longitude, `y` latitude, edges are straight lines in those
    /// degrees, and holes are excluded.
    Polygon(geo::Polygon<f64>),
}

/// One question for an [`Index`](crate::Index): an optional origin, an area, an optional
/// maximum distance, a filter, and paging.
///
/// The answer is every facility that lies in the area, within the maximum distance of the
/// origin, and passes the filter, ordered by distance from the origin (ties by id), or by id
/// when there is no origin. Of that list, a page skips what comes up to the cursor, then
/// `offset` more, and keeps at most `limit`.
///
/// So "the nearest 10" is `Query::nearest(origin, 10)`, "all within 25 miles" is
/// `Query::within(origin, Distance::from_miles(25.0))`, and both at once is
/// `Query::nearest(origin, 10).max_distance(Distance::from_miles(25.0))`.
///
/// ```
/// use carefind::{CareLevel, Distance, Filter, Index, LatLon, Payment, Query};
///
/// let index = Index::sample();
/// let midtown = LatLon::new(40.754, -73.984).unwrap();
/// let query = Query::nearest(midtown, 5)
///     .max_distance(Distance::from_miles(25.0))
///     .filter(Filter::new().care(CareLevel::Iop).payment(Payment::Medicaid));
/// let hits = index.search(&query).unwrap();
/// assert!(hits.len() <= 5);
/// for pair in hits.windows(2) {
///     assert!(pair[0].distance_m <= pair[1].distance_m);
/// }
/// ```
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct Query {
    /// Where distances are measured from; without one, results are ordered by id and carry
    /// no distance.
    pub origin: Option<LatLon>,
    /// Where to look.
    pub area: Area,
    /// Keep only facilities at most this far from the origin (needs an origin).
    pub max_distance: Option<Distance>,
    /// Which facilities to keep.
    pub filter: Filter,
    /// Resume after this result of an earlier page.
    pub after: Option<Cursor>,
    /// Skip this many results (after the cursor).
    pub offset: usize,
    /// Return at most this many results; `None` returns every match.
    pub limit: Option<usize>,
    /// How much work the query may do before it gives up (unbounded by default).
    pub budget: Budget,
}

/// How much work one query may do before it gives up with
/// [`QueryError::TooMuchWork`] or [`QueryError::DeadlinePassed`].
///
/// A service answering strangers sets one, so that no request (a polygon of thousands of
/// vertices over a million facilities, say) can hold a core for long: the bound is enforced
/// inside the search, which stops where it is, rather than by a timer that cannot interrupt
/// it. Work is counted in units: one per facility tested, one more per polygon vertex for
/// each facility tested against a polygon, and one per match kept.
///
/// ```
/// use carefind::{Budget, Index, LatLon, Query, QueryError};
///
/// let index = Index::sample();
/// let origin = LatLon::new(40.75, -73.99).unwrap();
/// let everything = Query::default().near(origin).budget(Budget::new().max_work(1_000));
/// assert!(matches!(index.search(&everything), Err(QueryError::TooMuchWork { .. })));
/// // The nearest few need little work.
/// let nearest = Query::nearest(origin, 5).budget(Budget::new().max_work(1_000));
/// assert_eq!(index.search(&nearest).unwrap().len(), 5);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Budget {
    /// At most this many units of work; `None` is unbounded.
    pub max_work: Option<u64>,
    /// Give up once this instant has passed (looked at every few thousand units).
    pub deadline: Option<Instant>,
}

impl Budget {
    /// No bound.
    ///
    /// ```
    /// use carefind::Budget;
    ///
    /// assert_eq!(Budget::new().max_work, None);
    /// ```
    pub fn new() -> Self {
        Budget::default()
    }

    /// This budget, with at most `units` of work.
    ///
    /// ```
    /// use carefind::Budget;
    ///
    /// assert_eq!(Budget::new().max_work(5_000).max_work, Some(5_000));
    /// ```
    pub fn max_work(mut self, units: u64) -> Self {
        self.max_work = Some(units);
        self
    }

    /// This budget, giving up once `deadline` has passed.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use carefind::{Budget, Index, LatLon, Query, QueryError};
    ///
    /// let past = Instant::now() - Duration::from_millis(1);
    /// let query = Query::default()
    ///     .near(LatLon::new(40.0, -75.0).unwrap())
    ///     .budget(Budget::new().deadline(past));
    /// assert_eq!(Index::sample().search(&query).unwrap_err(), QueryError::DeadlinePassed);
    /// ```
    pub fn deadline(mut self, deadline: Instant) -> Self {
        self.deadline = Some(deadline);
        self
    }
}

impl Query {
    /// The `k` facilities nearest to `origin`. `k = 0` is allowed and finds nothing.
    ///
    /// ```
    /// use carefind::{Index, LatLon, Query};
    ///
    /// let index = Index::sample();
    /// let hits = index.search(&Query::nearest(LatLon::new(41.88, -87.63).unwrap(), 3)).unwrap();
    /// assert_eq!(hits.len(), 3);
    /// ```
    pub fn nearest(origin: LatLon, k: usize) -> Self {
        Query {
            origin: Some(origin),
            limit: Some(k),
            ..Query::default()
        }
    }

    /// Every facility within `distance` of `origin`, nearest first.
    ///
    /// ```
    /// use carefind::{Distance, Index, LatLon, Query};
    ///
    /// let index = Index::sample();
    /// let origin = LatLon::new(41.88, -87.63).unwrap();
    /// let hits = index.search(&Query::within(origin, Distance::from_kilometers(30.0))).unwrap();
    /// assert!(hits.iter().all(|hit| hit.distance_m.unwrap() <= 30_000.0));
    /// ```
    pub fn within(origin: LatLon, distance: Distance) -> Self {
        Query {
            origin: Some(origin),
            max_distance: Some(distance),
            ..Query::default()
        }
    }

    /// Every facility in a box, ordered by id (or by distance, with [`Query::near`]).
    ///
    /// ```
    /// use carefind::{BBox, Index, Query};
    ///
    /// let index = Index::sample();
    /// let colorado = BBox::new(-109.05, 36.99, -102.04, 41.0).unwrap();
    /// let hits = index.search(&Query::in_box(colorado)).unwrap();
    /// assert!(hits.iter().all(|hit| colorado.contains(hit.facility.location())));
    /// ```
    pub fn in_box(bbox: BBox) -> Self {
        Query {
            area: Area::Box(bbox),
            ..Query::default()
        }
    }

    /// Every facility in a polygon, ordered by id (or by distance, with [`Query::near`]).
    ///
    /// ```
    /// use carefind::{Index, Query};
    /// use geo::polygon;
    ///
    /// let triangle = polygon![(x: -80.0, y: 35.0), (x: -70.0, y: 35.0), (x: -75.0, y: 45.0)];
    /// let index = Index::sample();
    /// let hits = index.search(&Query::in_polygon(triangle)).unwrap();
    /// assert!(!hits.is_empty());
    /// ```
    pub fn in_polygon(polygon: geo::Polygon<f64>) -> Self {
        Query {
            area: Area::Polygon(polygon),
            ..Query::default()
        }
    }

    /// Measures distances from `origin` and orders by them.
    ///
    /// ```
    /// use carefind::{BBox, Index, LatLon, Query};
    ///
    /// let bbox = BBox::new(-75.0, 39.0, -73.0, 41.0).unwrap();
    /// let query = Query::in_box(bbox).near(LatLon::new(40.0, -74.0).unwrap()).limit(3);
    /// let index = Index::sample();
    /// let hits = index.search(&query).unwrap();
    /// assert!(hits.iter().all(|hit| hit.distance_m.is_some()));
    /// ```
    pub fn near(mut self, origin: LatLon) -> Self {
        self.origin = Some(origin);
        self
    }

    /// Keeps only facilities at most `distance` from the origin.
    ///
    /// ```
    /// use carefind::{Distance, Index, LatLon, Query};
    ///
    /// let origin = LatLon::new(39.74, -104.99).unwrap();
    /// let query = Query::nearest(origin, 50).max_distance(Distance::from_miles(10.0));
    /// let index = Index::sample();
    /// let hits = index.search(&query).unwrap();
    /// assert!(hits.iter().all(|hit| hit.distance_m.unwrap() <= Distance::from_miles(10.0).as_meters()));
    /// ```
    pub fn max_distance(mut self, distance: Distance) -> Self {
        self.max_distance = Some(distance);
        self
    }

    /// Sets the filter.
    ///
    /// ```
    /// use carefind::{CareLevel, Filter, Index, LatLon, Query};
    ///
    /// let query = Query::nearest(LatLon::new(34.05, -118.24).unwrap(), 5)
    ///     .filter(Filter::new().care(CareLevel::Otp));
    /// let index = Index::sample();
    /// let hits = index.search(&query).unwrap();
    /// assert!(hits.iter().all(|hit| hit.facility.care().contains(CareLevel::Otp)));
    /// ```
    pub fn filter(mut self, filter: Filter) -> Self {
        self.filter = filter;
        self
    }

    /// Returns at most `limit` results.
    ///
    /// ```
    /// use carefind::{BBox, Index, Query};
    ///
    /// let everywhere = BBox::new(-180.0, -90.0, 180.0, 90.0).unwrap();
    /// assert_eq!(Index::sample().search(&Query::in_box(everywhere).limit(7)).unwrap().len(), 7);
    /// ```
    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Skips the first `offset` results.
    ///
    /// ```
    /// use carefind::{Index, LatLon, Query};
    ///
    /// let index = Index::sample();
    /// let origin = LatLon::new(47.6, -122.3).unwrap();
    /// let first_six = index.search(&Query::nearest(origin, 6)).unwrap();
    /// let last_three = index.search(&Query::nearest(origin, 3).offset(3)).unwrap();
    /// assert_eq!(first_six[3..], last_three[..]);
    /// ```
    pub fn offset(mut self, offset: usize) -> Self {
        self.offset = offset;
        self
    }

    /// Resumes after `cursor`, the last result of the previous page.
    ///
    /// ```
    /// use carefind::{Index, LatLon, Query};
    ///
    /// let index = Index::sample();
    /// let origin = LatLon::new(29.76, -95.37).unwrap();
    /// let first = index.search(&Query::nearest(origin, 4)).unwrap();
    /// let next = index.search(&Query::nearest(origin, 4).after(first[3].cursor())).unwrap();
    /// let both = index.search(&Query::nearest(origin, 8)).unwrap();
    /// assert_eq!([&first[..], &next[..]].concat(), both);
    /// ```
    pub fn after(mut self, cursor: Cursor) -> Self {
        self.after = Some(cursor);
        self
    }

    /// This query, giving up when it would do more work than `budget` allows.
    ///
    /// ```
    /// use carefind::{Budget, LatLon, Query};
    ///
    /// let query = Query::nearest(LatLon::new(40.0, -75.0).unwrap(), 3).budget(Budget::new().max_work(10));
    /// assert_eq!(query.budget.max_work, Some(10));
    /// ```
    pub fn budget(mut self, budget: Budget) -> Self {
        self.budget = budget;
        self
    }

    /// Checks what the types cannot: distances, the polygon, the cursor.
    pub(crate) fn validate(&self) -> Result<(), QueryError> {
        if let Some(distance) = self.max_distance {
            if self.origin.is_none() {
                return Err(QueryError::MissingOrigin);
            }
            let meters = distance.as_meters();
            if !(meters.is_finite() && meters >= 0.0) {
                return Err(QueryError::InvalidDistance(meters));
            }
        }
        if let Area::Polygon(polygon) = &self.area {
            validate_polygon(polygon)?;
        }
        if let Some(cursor) = &self.after {
            match (cursor.distance_m, self.origin) {
                (Some(d), Some(_)) if !(d.is_finite() && d >= 0.0) => {
                    return Err(QueryError::InvalidCursor(format!(
                        "distance {d} is not valid"
                    )));
                }
                (Some(_), None) => {
                    return Err(QueryError::InvalidCursor(
                        "it carries a distance, but the query has no origin".into(),
                    ));
                }
                (None, Some(_)) => {
                    return Err(QueryError::InvalidCursor(
                        "it carries no distance, but the query has an origin".into(),
                    ));
                }
                _ => {}
            }
        }
        Ok(())
    }
}

fn validate_polygon(polygon: &geo::Polygon<f64>) -> Result<(), QueryError> {
    let rings = std::iter::once(("exterior ring", polygon.exterior()))
        .chain(polygon.interiors().iter().map(|ring| ("hole", ring)));
    for (what, ring) in rings {
        let outside = |c: &&geo::Coord<f64>| {
            !(-180.0..=180.0).contains(&c.x) || !(-90.0..=90.0).contains(&c.y)
        };
        if let Some(coord) = ring.0.iter().find(outside) {
            return Err(QueryError::InvalidPolygon(format!(
                "{what} vertex ({}, {}) is outside lon [-180, 180] / lat [-90, 90]",
                coord.x, coord.y
            )));
        }
        let distinct = distinct_vertices_up_to_three(ring);
        if distinct < 3 {
            return Err(QueryError::InvalidPolygon(format!(
                "{what} has {distinct} distinct vertices; at least 3 are needed"
            )));
        }
        if let Some((a, b)) = crossing_edges(ring) {
            return Err(QueryError::InvalidPolygon(format!(
                "{what} crosses itself (edges {a} and {b}), so its inside is ambiguous; draw it without crossings"
            )));
        }
    }
    Ok(())
}

/// Two edges of `ring` that cross at a point inside both, if any: a bow-tie, whose inside
/// differs by the rule used to fill it. Edges that touch or overlap along a line (where
/// vertices clamped to a pole line up, say) do not cross. An R-tree of the edges' boxes keeps
/// this near O(n log n) for the 10,000-vertex polygons a service accepts.
fn crossing_edges(ring: &geo::LineString<f64>) -> Option<(usize, usize)> {
    use geo::line_intersection::{LineIntersection, line_intersection};
    use rstar::{AABB, RTree, primitives::GeomWithData};

    let edges: Vec<geo::Line<f64>> = ring.lines().collect();
    let boxes: Vec<GeomWithData<rstar::primitives::Rectangle<[f64; 2]>, usize>> = edges
        .iter()
        .enumerate()
        .map(|(i, edge)| {
            let corners =
                AABB::from_corners([edge.start.x, edge.start.y], [edge.end.x, edge.end.y]);
            GeomWithData::new(corners.into(), i)
        })
        .collect();
    let tree = RTree::bulk_load(boxes.clone());
    for item in &boxes {
        let i = item.data;
        let envelope = rstar::RTreeObject::envelope(item);
        for other in tree.locate_in_envelope_intersecting(&envelope) {
            let j = other.data;
            if j <= i {
                continue;
            }
            if let Some(LineIntersection::SinglePoint {
                is_proper: true, ..
            }) = line_intersection(edges[i], edges[j])
            {
                return Some((i + 1, j + 1));
            }
        }
    }
    None
}

fn distinct_vertices_up_to_three(ring: &geo::LineString<f64>) -> usize {
    let mut distinct: Vec<geo::Coord<f64>> = Vec::with_capacity(3);
    for coord in &ring.0 {
        if !distinct.contains(coord) {
            distinct.push(*coord);
            if distinct.len() == 3 {
                break;
            }
        }
    }
    distinct.len()
}

/// A position in a result list: the last result of a page, to resume after.
///
/// It prints as `DISTANCE|ID` (or `|ID` for queries without an origin), which parses back,
/// so it can travel in a URL or a file.
///
/// ```
/// use carefind::Cursor;
///
/// let cursor: Cursor = "1234.5|fac-0042".parse().unwrap();
/// assert_eq!(cursor.distance_m, Some(1234.5));
/// assert_eq!(cursor.id, "fac-0042");
/// assert_eq!(cursor.to_string(), "1234.5|fac-0042");
/// ```
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Cursor {
    /// The distance of the last result, for queries with an origin.
    pub distance_m: Option<f64>,
    /// The id of the last result.
    pub id: String,
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(distance) = self.distance_m {
            // Debug formatting of f64 is the shortest text that parses back exactly.
            write!(f, "{distance:?}")?;
        }
        write!(f, "|{}", self.id)
    }
}

impl std::str::FromStr for Cursor {
    type Err = QueryError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (distance, id) = text.split_once('|').ok_or_else(|| {
            QueryError::InvalidCursor(format!("{text:?} is not of the form DISTANCE|ID"))
        })?;
        let distance_m =
            match distance {
                "" => None,
                number => Some(number.parse::<f64>().map_err(|_| {
                    QueryError::InvalidCursor(format!("{number:?} is not a distance"))
                })?),
            };
        Ok(Cursor {
            distance_m,
            id: id.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn polygons_need_three_distinct_vertices_in_range() {
        let line = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 0.0)];
        assert!(validate_polygon(&line).is_err());
        let far = polygon![(x: 0.0, y: 0.0), (x: 200.0, y: 1.0), (x: 0.0, y: 1.0)];
        assert!(validate_polygon(&far).is_err());
        let late =
            polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 95.0)];
        assert!(validate_polygon(&late).is_err());
        let fine = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0)];
        assert!(validate_polygon(&fine).is_ok());
    }

    #[test]
    fn cursors_round_trip_exactly() {
        for cursor in [
            Cursor {
                distance_m: Some(0.1 + 0.2),
                id: "a|b".into(),
            },
            Cursor {
                distance_m: None,
                id: "x".into(),
            },
            Cursor {
                distance_m: Some(0.0),
                id: String::new(),
            },
        ] {
            assert_eq!(cursor.to_string().parse::<Cursor>().unwrap(), cursor);
        }
        assert!("no-bar".parse::<Cursor>().is_err());
        assert!("abc|id".parse::<Cursor>().is_err());
    }

    #[test]
    fn polygons_that_cross_themselves_are_refused() {
        let polygon = |points: &[(f64, f64)]| {
            Query::in_polygon(geo::Polygon::new(points.to_vec().into(), vec![]))
        };
        let bow_tie = polygon(&[(0.0, 0.0), (2.0, 2.0), (2.0, 0.0), (0.0, 2.0), (0.0, 0.0)]);
        assert!(matches!(
            bow_tie.validate(),
            Err(QueryError::InvalidPolygon(message)) if message.contains("crosses itself (edges 1 and 3)")
        ));
        let square = polygon(&[(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0), (0.0, 0.0)]);
        assert_eq!(square.validate(), Ok(()));
        // Vertices clamped to the pole line up along it: they touch, they do not cross.
        let at_pole = polygon(&[
            (0.0, 80.0),
            (10.0, 90.0),
            (20.0, 90.0),
            (15.0, 90.0),
            (30.0, 80.0),
        ]);
        assert_eq!(at_pole.validate(), Ok(()));
    }

    #[test]
    fn maximum_distances_need_an_origin() {
        let query = Query {
            max_distance: Some(Distance::from_miles(1.0)),
            ..Query::default()
        };
        assert_eq!(query.validate(), Err(QueryError::MissingOrigin));
    }
}
