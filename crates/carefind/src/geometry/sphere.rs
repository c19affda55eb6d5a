//! Points on the sphere: coordinates, great-circle distance, bearing and the 3D unit vectors
//! the index is built on.

use serde::{Deserialize, Serialize};

use crate::error::CoordinateError;

/// The mean Earth radius in metres (IUGG), the sphere every distance is measured on.
///
/// ```
/// use carefind::{EARTH_RADIUS_M, LatLon};
///
/// // Half way round the equator is half the circumference.
/// let (a, b) = (LatLon::new(0.0, 0.0).unwrap(), LatLon::new(0.0, 180.0).unwrap());
/// assert!((a.distance_m(b) - std::f64::consts::PI * EARTH_RADIUS_M).abs() < 1e-6);
/// ```
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Slack added to chord bounds so that rounding can never prune a point whose haversine
/// distance is within the bound: about 6 mm on the ground, orders of magnitude above the
/// rounding of either formula.
const CHORD_SLACK: f64 = 1e-9;

/// A WGS84 position in degrees, checked on construction: latitude within [-90, 90] and
/// longitude within [-180, 180], both finite.
///
/// ```
/// use carefind::LatLon;
///
/// let times_square = LatLon::new(40.758, -73.9855).unwrap();
/// let empire_state = LatLon::new(40.7484, -73.9857).unwrap();
/// let metres = times_square.distance_m(empire_state);
/// assert!((metres - 1067.4).abs() < 1.0);
/// assert!(LatLon::new(f64::NAN, 0.0).is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Unchecked")]
pub struct LatLon {
    lat: f64,
    lon: f64,
}

#[derive(Deserialize)]
struct Unchecked {
    lat: f64,
    lon: f64,
}

impl TryFrom<Unchecked> for LatLon {
    type Error = CoordinateError;
    fn try_from(raw: Unchecked) -> Result<Self, Self::Error> {
        LatLon::new(raw.lat, raw.lon)
    }
}

impl LatLon {
    /// A position from latitude and longitude in degrees.
    ///
    /// ```
    /// use carefind::LatLon;
    ///
    /// assert!(LatLon::new(64.84, -147.72).is_ok());
    /// assert!(LatLon::new(0.0, 180.5).is_err());
    /// ```
    pub fn new(lat: f64, lon: f64) -> Result<Self, CoordinateError> {
        // Written so that NaN fails both tests.
        if !(-90.0..=90.0).contains(&lat) {
            return Err(CoordinateError::Latitude(lat));
        }
        if !(-180.0..=180.0).contains(&lon) {
            return Err(CoordinateError::Longitude(lon));
        }
        Ok(LatLon { lat, lon })
    }

    /// A point whose coordinates are known to be in range (a network's nodes were checked
    /// when it was built or loaded; a snap point lies between two of them); clamped, so
    /// that rounding cannot take it out.
    pub(crate) fn within_range(lat: f64, lon: f64) -> Self {
        LatLon {
            lat: lat.clamp(-90.0, 90.0),
            lon: lon.clamp(-180.0, 180.0),
        }
    }

    /// The latitude in degrees.
    ///
    /// ```
    /// use carefind::LatLon;
    ///
    /// assert_eq!(LatLon::new(12.5, 3.0).unwrap().lat(), 12.5);
    /// ```
    pub const fn lat(self) -> f64 {
        self.lat
    }

    /// The longitude in degrees.
    ///
    /// ```
    /// use carefind::LatLon;
    ///
    /// assert_eq!(LatLon::new(12.5, 3.0).unwrap().lon(), 3.0);
    /// ```
    pub const fn lon(self) -> f64 {
        self.lon
    }

    /// The great-circle (haversine) distance to `other` in metres, on a sphere of radius
    /// [`EARTH_RADIUS_M`]; the same formula as `geo::Haversine`.
    ///
    /// ```
    /// use carefind::LatLon;
    ///
    /// // Across the antimeridian, Fiji to Samoa's neighbour: short, not around the world.
    /// let a = LatLon::new(-17.0, 179.9).unwrap();
    /// let b = LatLon::new(-17.0, -179.9).unwrap();
    /// assert!(a.distance_m(b) < 25_000.0);
    /// ```
    pub fn distance_m(self, other: LatLon) -> f64 {
        Trig::of(self).distance_m(&Trig::of(other))
    }

    /// The initial bearing towards `other`, in degrees clockwise from north, in [0, 360).
    ///
    /// ```
    /// use carefind::LatLon;
    ///
    /// let origin = LatLon::new(0.0, 0.0).unwrap();
    /// let east = LatLon::new(0.0, 1.0).unwrap();
    /// assert!((origin.bearing_deg(east) - 90.0).abs() < 1e-9);
    /// ```
    pub fn bearing_deg(self, other: LatLon) -> f64 {
        Trig::of(self).bearing_deg(&Trig::of(other))
    }

    /// The point as a 3D unit vector (x towards lon 0, z towards the north pole).
    pub(crate) fn unit_vector(self) -> [f64; 3] {
        Trig::of(self).unit_vector()
    }
}

/// A point with the sine and cosine of its latitude worked out once, for the many distances
/// and bearings a query measures from one origin to facilities whose values the index keeps.
/// [`LatLon::distance_m`] and [`LatLon::bearing_deg`] go through it too, so every distance
/// is computed by the same operations in the same order, to the last bit.
///
/// An index keeps one per facility, in a snapshot too, so it is plain numbers: four
/// `f64`s, with no padding, readable in place from a file's bytes.
#[derive(Clone, Copy, Debug, PartialEq, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
pub(crate) struct Trig {
    lat: f64,
    lon: f64,
    cos_lat: f64,
    sin_lat: f64,
}

impl Trig {
    pub(crate) fn of(point: LatLon) -> Self {
        let (sin_lat, cos_lat) = point.lat.to_radians().sin_cos();
        Trig {
            lat: point.lat,
            lon: point.lon,
            cos_lat,
            sin_lat,
        }
    }

    /// The point (clamped into range: a `Trig` read from a file is only as good as its
    /// checksum).
    pub(crate) fn point(&self) -> LatLon {
        LatLon::within_range(self.lat, self.lon)
    }

    /// Each number byte-swapped from little-endian, for a big-endian reader of a file.
    pub(crate) fn swap_from_le(self) -> Self {
        let swap = |value: f64| f64::from_le_bytes(value.to_ne_bytes());
        Trig {
            lat: swap(self.lat),
            lon: swap(self.lon),
            cos_lat: swap(self.cos_lat),
            sin_lat: swap(self.sin_lat),
        }
    }

    /// The point as a 3D unit vector (see [`LatLon::unit_vector`]).
    pub(crate) fn unit_vector(&self) -> [f64; 3] {
        let (sin_lon, cos_lon) = self.lon.to_radians().sin_cos();
        [self.cos_lat * cos_lon, self.cos_lat * sin_lon, self.sin_lat]
    }

    /// The haversine distance in metres.
    pub(crate) fn distance_m(&self, other: &Trig) -> f64 {
        let half_dlat = (other.lat - self.lat).to_radians() / 2.0;
        let half_dlon = (other.lon - self.lon).to_radians() / 2.0;
        let h = half_dlat.sin().powi(2) + self.cos_lat * other.cos_lat * half_dlon.sin().powi(2);
        2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
    }

    /// The initial bearing in degrees from north, in [0, 360).
    pub(crate) fn bearing_deg(&self, other: &Trig) -> f64 {
        let (sin_dlon, cos_dlon) = (other.lon - self.lon).to_radians().sin_cos();
        let y = sin_dlon * other.cos_lat;
        let x = self.cos_lat * other.sin_lat - self.sin_lat * other.cos_lat * cos_dlon;
        let degrees = y.atan2(x).to_degrees().rem_euclid(360.0);
        // rem_euclid can round a tiny negative angle up to exactly 360.
        if degrees >= 360.0 { 0.0 } else { degrees }
    }
}

impl std::fmt::Display for LatLon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{},{}", self.lat, self.lon)
    }
}

/// The squared chord between unit vectors that bounds every point within `distance_m`
/// along the great circle, with slack for rounding. Chord length grows monotonically with
/// great-circle distance, which is what makes Euclidean tree pruning exact.
pub(crate) fn chord2_bound(distance_m: f64) -> f64 {
    let angle = (distance_m / EARTH_RADIUS_M).min(std::f64::consts::PI);
    let chord = 2.0 * (angle / 2.0).sin() + CHORD_SLACK;
    chord * chord
}

/// The squared chord below which every point is nearer than `distance_m` along the great
/// circle, with slack for rounding: the counterpart of [`chord2_bound`].
pub(crate) fn chord2_floor(distance_m: f64) -> f64 {
    let angle = (distance_m / EARTH_RADIUS_M).min(std::f64::consts::PI);
    let chord = (2.0 * (angle / 2.0).sin() - CHORD_SLACK).max(0.0);
    chord * chord
}

/// How much [`widen_chord2`] may widen a squared chord beyond the rounding slack, as a
/// share of it: 2^-20, about half a metre in a thousand kilometres.
const WIDEN_SHARE: f64 = 1.0 / (1u64 << 20) as f64;

/// A squared chord widened by the rounding slack: every point whose great-circle distance
/// is at most that of a point at `chord2` lies within it.
///
/// The chord widened by the slack `s` squares to `c + 2s√c + s²`, and `2s√c ≤ εc + s²/ε`
/// for any `ε > 0`, so `c(1 + ε) + 2s²/ε` bounds it from above with room (`s²/ε` and
/// more) for the rounding of two operations. It takes no square root: a nearest walk
/// widens its bound at every tightening, and the square root's latency was a fifth of
/// offering a candidate. The price is a bound looser by `ε/2` of the distance (with
/// `ε = 2^-20`, half a metre in a thousand kilometres) plus about 9 m, which lets in
/// slightly more candidates whose exact distance then decides.
pub(crate) fn widen_chord2(chord2: f64) -> f64 {
    chord2 * (1.0 + WIDEN_SHARE) + 2.0 * CHORD_SLACK * CHORD_SLACK / WIDEN_SHARE
}

/// The squared straight-line distance between two unit vectors.
pub(crate) fn chord2(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    let (dx, dy, dz) = (a[0] - b[0], a[1] - b[1], a[2] - b[2]);
    dx * dx + dy * dy + dz * dz
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Distance, Haversine, Point};

    fn point(lat: f64, lon: f64) -> LatLon {
        LatLon::new(lat, lon).unwrap()
    }

    #[test]
    fn a_widened_chord_holds_the_slack_and_little_more() {
        // Every magnitude a squared chord takes, from 0 to 4 (antipodes), 64 per octave.
        let chords = (0..1100).flat_map(|octave| {
            (0..64).map(move |step| 4.0 * (1.0 + f64::from(step) / 64.0) / 2f64.powi(octave) / 2.0)
        });
        for chord2 in chords.chain([0.0, 4.0, f64::MIN_POSITIVE]) {
            let slack = chord2.sqrt() + CHORD_SLACK;
            let widened = widen_chord2(chord2);
            assert!(widened >= slack * slack, "{chord2:e}");
            // At most half a metre in a thousand kilometres and 9.2 m looser than needed.
            let loosest = chord2.sqrt() * (1.0 + WIDEN_SHARE / 2.0) + 1.45e-6;
            assert!(widened <= loosest * loosest, "{chord2:e}: {widened:e}");
        }
    }

    #[test]
    fn distance_matches_geo_haversine() {
        let pairs = [
            (point(40.7, -74.0), point(34.05, -118.25)),
            (point(-17.0, 179.99), point(-17.2, -179.99)),
            (point(89.99, 10.0), point(89.99, -170.0)),
            (point(0.0, 0.0), point(0.0, 180.0)),
            (point(12.0, 12.0), point(12.0, 12.0)),
        ];
        for (a, b) in pairs {
            let geo =
                Haversine.distance(Point::new(a.lon(), a.lat()), Point::new(b.lon(), b.lat()));
            assert!((a.distance_m(b) - geo).abs() < 1e-6, "{a} {b}");
        }
    }

    #[test]
    fn chord_bound_covers_the_distance() {
        for metres in [0.0, 1.0, 1_000.0, 1e6, 2e7, 1e9] {
            let a = point(10.0, 20.0);
            let bound = chord2_bound(metres);
            assert!(bound.is_finite() && bound > 0.0);
            assert!(bound <= 4.0 + 1e-8, "{metres}");
            let _ = a;
        }
    }

    #[test]
    fn unit_vectors_have_unit_length_and_agree_across_the_antimeridian() {
        let east = point(-17.0, 180.0).unit_vector();
        let west = point(-17.0, -180.0).unit_vector();
        for axis in 0..3 {
            assert!((east[axis] - west[axis]).abs() < 1e-12);
        }
        let norm: f64 = east.iter().map(|c| c * c).sum();
        assert!((norm - 1.0).abs() < 1e-12);
    }

    #[test]
    fn bearings_point_the_right_way() {
        let origin = point(10.0, 10.0);
        assert!((origin.bearing_deg(point(11.0, 10.0)) - 0.0).abs() < 1e-9);
        assert!((origin.bearing_deg(point(9.0, 10.0)) - 180.0).abs() < 1e-9);
        assert!((origin.bearing_deg(point(10.0, 9.0)) - 270.0).abs() < 0.2);
        assert_eq!(origin.bearing_deg(origin), 0.0);
    }
}
