//! Bounding boxes in longitude and latitude, which may cross the antimeridian.

use std::f64::consts::{FRAC_PI_2, PI};

use rstar::AABB;

use crate::error::QueryError;
use crate::sphere::LatLon;

/// A box in longitude and latitude, edges included, in the GeoJSON order
/// `min_lon, min_lat, max_lon, max_lat`.
///
/// `min_lon > max_lon` means the box crosses the antimeridian: it spans from `min_lon`
/// east to 180 and on from -180 to `max_lon`.
///
/// ```
/// use carefind::{BBox, LatLon};
///
/// let fiji = BBox::new(177.0, -19.0, -178.0, -16.0).unwrap();
/// assert!(fiji.crosses_antimeridian());
/// assert!(fiji.contains(LatLon::new(-17.5, 179.5).unwrap()));
/// assert!(fiji.contains(LatLon::new(-17.5, -179.5).unwrap()));
/// assert!(!fiji.contains(LatLon::new(-17.5, 0.0).unwrap()));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "[f64; 4]", into = "[f64; 4]")]
pub struct BBox {
    min_lon: f64,
    min_lat: f64,
    max_lon: f64,
    max_lat: f64,
}

impl BBox {
    /// A box from its west, south, east and north edges in degrees.
    ///
    /// ```
    /// use carefind::BBox;
    ///
    /// assert!(BBox::new(-75.0, 39.0, -73.0, 41.0).is_ok());
    /// assert!(BBox::new(-75.0, 41.0, -73.0, 39.0).is_err()); // south above north
    /// assert!(BBox::new(-75.0, 39.0, 190.0, 41.0).is_err());
    /// ```
    pub fn new(min_lon: f64, min_lat: f64, max_lon: f64, max_lat: f64) -> Result<Self, QueryError> {
        for (name, value, limit) in [
            ("min_lon", min_lon, 180.0),
            ("min_lat", min_lat, 90.0),
            ("max_lon", max_lon, 180.0),
            ("max_lat", max_lat, 90.0),
        ] {
            if !(-limit..=limit).contains(&value) {
                return Err(QueryError::InvalidBox(format!(
                    "{name} {value} is outside [-{limit}, {limit}]"
                )));
            }
        }
        if min_lat > max_lat {
            return Err(QueryError::InvalidBox(format!(
                "min_lat {min_lat} is north of max_lat {max_lat}"
            )));
        }
        Ok(BBox {
            min_lon,
            min_lat,
            max_lon,
            max_lat,
        })
    }

    /// The western edge.
    ///
    /// ```
    /// use carefind::BBox;
    ///
    /// let fiji = BBox::new(177.0, -19.0, -178.0, -16.0).unwrap();
    /// assert_eq!((fiji.min_lon(), fiji.max_lon()), (177.0, -178.0));
    /// ```
    pub const fn min_lon(&self) -> f64 {
        self.min_lon
    }

    /// The southern edge.
    ///
    /// ```
    /// use carefind::BBox;
    ///
    /// assert_eq!(BBox::new(-75.0, 39.0, -73.0, 41.0).unwrap().min_lat(), 39.0);
    /// ```
    pub const fn min_lat(&self) -> f64 {
        self.min_lat
    }

    /// The eastern edge.
    ///
    /// ```
    /// use carefind::BBox;
    ///
    /// assert_eq!(BBox::new(-75.0, 39.0, -73.0, 41.0).unwrap().max_lon(), -73.0);
    /// ```
    pub const fn max_lon(&self) -> f64 {
        self.max_lon
    }

    /// The northern edge.
    ///
    /// ```
    /// use carefind::BBox;
    ///
    /// assert_eq!(BBox::new(-75.0, 39.0, -73.0, 41.0).unwrap().max_lat(), 41.0);
    /// ```
    pub const fn max_lat(&self) -> f64 {
        self.max_lat
    }

    /// Whether the box crosses the antimeridian (`min_lon > max_lon`).
    ///
    /// ```
    /// use carefind::BBox;
    ///
    /// assert!(!BBox::new(-10.0, -10.0, 10.0, 10.0).unwrap().crosses_antimeridian());
    /// ```
    pub fn crosses_antimeridian(&self) -> bool {
        self.min_lon > self.max_lon
    }

    /// Whether `point` lies in the box, edges included.
    ///
    /// ```
    /// use carefind::{BBox, LatLon};
    ///
    /// let bbox = BBox::new(-75.0, 39.0, -73.0, 41.0).unwrap();
    /// assert!(bbox.contains(LatLon::new(41.0, -73.0).unwrap()));
    /// ```
    pub fn contains(&self, point: LatLon) -> bool {
        let (lat, lon) = (point.lat(), point.lon());
        let lon_inside = if self.crosses_antimeridian() {
            lon >= self.min_lon || lon <= self.max_lon
        } else {
            (self.min_lon..=self.max_lon).contains(&lon)
        };
        lon_inside && (self.min_lat..=self.max_lat).contains(&lat)
    }

    /// A 3D box around every unit vector of the box, for the trees' candidates.
    ///
    /// Each coordinate is a product of a function of latitude and one of longitude, such as
    /// x = cos(lat) * cos(lon), so its extremes over the box lie at products of the two
    /// factors' extremes, and each factor's extremes are at an edge or at a turning point
    /// (lat 0, lon 0, ±90, 180) inside the range.
    pub(crate) fn envelope(&self) -> AABB<[f64; 3]> {
        let (south, north) = (self.min_lat.to_radians(), self.max_lat.to_radians());
        let west = self.min_lon.to_radians();
        let mut east = self.max_lon.to_radians();
        if east < west {
            east += 2.0 * PI;
        }
        let cos_lat = range_of(f64::cos, south, north, &[0.0]);
        let cos_lon = range_of(f64::cos, west, east, &[0.0, PI, 2.0 * PI, 3.0 * PI]);
        let sin_lon = range_of(
            f64::sin,
            west,
            east,
            &[-FRAC_PI_2, FRAC_PI_2, 3.0 * FRAC_PI_2, 5.0 * FRAC_PI_2],
        );
        let x = product_range(cos_lat, cos_lon);
        let y = product_range(cos_lat, sin_lon);
        let z = (south.sin(), north.sin());
        const SLACK: f64 = 1e-9;
        AABB::from_corners(
            [x.0 - SLACK, y.0 - SLACK, z.0 - SLACK],
            [x.1 + SLACK, y.1 + SLACK, z.1 + SLACK],
        )
    }
}

/// The range of `f` over [lo, hi], given every turning point of `f` that may fall inside.
fn range_of(f: fn(f64) -> f64, lo: f64, hi: f64, turning_points: &[f64]) -> (f64, f64) {
    let values = [lo, hi]
        .into_iter()
        .chain(
            turning_points
                .iter()
                .copied()
                .filter(|t| (lo..=hi).contains(t)),
        )
        .map(f);
    values.fold((f64::INFINITY, f64::NEG_INFINITY), |(min, max), v| {
        (min.min(v), max.max(v))
    })
}

fn product_range(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    let products = [a.0 * b.0, a.0 * b.1, a.1 * b.0, a.1 * b.1];
    products
        .into_iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(min, max), p| {
            (min.min(p), max.max(p))
        })
}

impl TryFrom<[f64; 4]> for BBox {
    type Error = QueryError;
    fn try_from([min_lon, min_lat, max_lon, max_lat]: [f64; 4]) -> Result<Self, Self::Error> {
        BBox::new(min_lon, min_lat, max_lon, max_lat)
    }
}

impl From<BBox> for [f64; 4] {
    fn from(b: BBox) -> Self {
        [b.min_lon, b.min_lat, b.max_lon, b.max_lat]
    }
}

/// Parses `min_lon,min_lat,max_lon,max_lat`.
///
/// ```
/// use carefind::BBox;
///
/// let bbox: BBox = "-75,39,-73,41".parse().unwrap();
/// assert_eq!(bbox.max_lat(), 41.0);
/// assert!("1,2,3".parse::<BBox>().is_err());
/// ```
impl std::str::FromStr for BBox {
    type Err = QueryError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let numbers: Vec<&str> = text.split(',').map(str::trim).collect();
        let [a, b, c, d] = numbers[..] else {
            return Err(QueryError::InvalidBox(format!(
                "{text:?} has {} numbers; write min_lon,min_lat,max_lon,max_lat",
                numbers.len()
            )));
        };
        let number = |s: &str| {
            s.parse::<f64>()
                .map_err(|_| QueryError::InvalidBox(format!("{s:?} is not a number")))
        };
        BBox::new(number(a)?, number(b)?, number(c)?, number(d)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstar::Envelope;

    /// Every point on a fine grid over the box (and its edges) lies in the envelope.
    fn envelope_covers(bbox: BBox) {
        let envelope = bbox.envelope();
        let mut east = bbox.max_lon;
        if bbox.crosses_antimeridian() {
            east += 360.0;
        }
        for i in 0..=40 {
            for j in 0..=40 {
                let lat = bbox.min_lat + (bbox.max_lat - bbox.min_lat) * f64::from(i) / 40.0;
                let mut lon = bbox.min_lon + (east - bbox.min_lon) * f64::from(j) / 40.0;
                if lon > 180.0 {
                    lon -= 360.0;
                }
                let point = LatLon::new(lat, lon).unwrap();
                assert!(bbox.contains(point));
                assert!(
                    envelope.contains_point(&point.unit_vector()),
                    "{bbox:?} {point}"
                );
            }
        }
    }

    #[test]
    fn envelopes_cover_their_boxes() {
        envelope_covers(BBox::new(-75.0, 39.0, -73.0, 41.0).unwrap());
        envelope_covers(BBox::new(170.0, -20.0, -170.0, 20.0).unwrap());
        envelope_covers(BBox::new(-180.0, -90.0, 180.0, 90.0).unwrap());
        envelope_covers(BBox::new(-10.0, 80.0, 100.0, 90.0).unwrap());
        envelope_covers(BBox::new(100.0, -90.0, 99.0, -60.0).unwrap());
        envelope_covers(BBox::new(5.0, 5.0, 5.0, 5.0).unwrap());
        // Unwrapped, this box runs from 179 to 538 degrees: past the sine's peak at 450.
        envelope_covers(BBox::new(179.0, -10.0, 178.0, 10.0).unwrap());
    }

    #[test]
    fn small_boxes_have_small_envelopes() {
        let envelope = BBox::new(-74.1, 40.6, -73.9, 40.8).unwrap().envelope();
        let [dx, dy, dz] = [0, 1, 2].map(|i| envelope.upper()[i] - envelope.lower()[i]);
        assert!(dx < 0.01 && dy < 0.01 && dz < 0.01);
    }
}
