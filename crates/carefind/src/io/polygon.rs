//! Areas people send as GeoJSON: `Query::in_polygon` from the text of a Polygon geometry,
//! a Feature holding one, or a collection of exactly one such Feature. One reader, with the
//! checks GeoJSON (RFC 7946) makes of a ring, for the CLI's `--polygon`, the HTTP API's
//! `polygon` and Python's `in_polygon` alike.
//!
//! ```
//! use carefind::polygon::{PolygonError, from_geojson};
//!
//! let square = r#"{"type":"Polygon","coordinates":[[[-74,40],[-73,40],[-73,41],[-74,41],[-74,40]]]}"#;
//! assert!(from_geojson(square).is_ok());
//! let open = r#"{"type":"Polygon","coordinates":[[[-74,40],[-73,40],[-73,41],[-74,41]]]}"#;
//! assert_eq!(from_geojson(open), Err(PolygonError::NotClosed { ring: 0 }));
//! ```

use std::fmt;

/// Why a text is not one polygon, with what a front end needs to say it: which ring,
/// which position, how many features.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum PolygonError {
    /// The text is not GeoJSON at all (the parser's reason).
    NotGeoJson(String),
    /// A collection of other than one feature.
    Features(usize),
    /// A Feature with a null geometry.
    NoGeometry,
    /// A geometry that is not a Polygon (its type).
    NotPolygon(String),
    /// A Polygon with no rings.
    NoRings,
    /// A ring of fewer than the four positions GeoJSON requires (ring 0 is the exterior).
    TooShort {
        /// The ring: 0 for the exterior, then the holes.
        ring: usize,
        /// How many positions it has.
        positions: usize,
    },
    /// A ring whose last position is not its first.
    NotClosed {
        /// The ring: 0 for the exterior, then the holes.
        ring: usize,
    },
    /// A position that is not a longitude and latitude on the globe.
    Position {
        /// The ring: 0 for the exterior, then the holes.
        ring: usize,
        /// The position's place in the ring, from 0.
        position: usize,
    },
}

impl fmt::Display for PolygonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ring = |f: &mut fmt::Formatter<'_>, ring: usize| match ring {
            0 => f.write_str("the exterior ring"),
            hole => write!(f, "hole {hole}"),
        };
        match self {
            PolygonError::NotGeoJson(reason) => write!(f, "not GeoJSON: {reason}"),
            PolygonError::Features(count) => {
                write!(f, "the collection has {count} features; give one polygon")
            }
            PolygonError::NoGeometry => f.write_str("the feature has no geometry"),
            PolygonError::NotPolygon(kind) => write!(f, "not a Polygon but a {kind}"),
            PolygonError::NoRings => f.write_str("the Polygon has no rings"),
            PolygonError::TooShort { ring: i, positions } => {
                ring(f, *i)?;
                write!(
                    f,
                    " has {positions} positions: a GeoJSON ring has at least 4, the last the same as the first"
                )
            }
            PolygonError::NotClosed { ring: i } => {
                ring(f, *i)?;
                f.write_str(" is not closed: GeoJSON rings end with the position they start with")
            }
            PolygonError::Position { ring: i, position } => {
                write!(f, "position {position} of ")?;
                ring(f, *i)?;
                f.write_str(" is not [longitude, latitude] within [-180, 180] and [-90, 90]")
            }
        }
    }
}

impl std::error::Error for PolygonError {}

/// The polygon of a GeoJSON text: a Polygon geometry, a Feature holding one, or a
/// FeatureCollection of exactly one such Feature. Positions are `[longitude, latitude]`
/// (more numbers, such as an altitude, are allowed and ignored), every ring has at least
/// four positions and ends where it starts.
///
/// ```
/// use carefind::polygon::{PolygonError, from_geojson};
///
/// let point = r#"{"type":"Point","coordinates":[-74,40]}"#;
/// assert_eq!(from_geojson(point), Err(PolygonError::NotPolygon("Point".into())));
/// ```
pub fn from_geojson(text: &str) -> Result<geo::Polygon<f64>, PolygonError> {
    let geojson: geojson::GeoJson = text
        .parse()
        .map_err(|e: geojson::Error| PolygonError::NotGeoJson(e.to_string()))?;
    let geometry = match geojson {
        geojson::GeoJson::Geometry(geometry) => Some(geometry),
        geojson::GeoJson::Feature(feature) => feature.geometry,
        geojson::GeoJson::FeatureCollection(mut collection) => match collection.features.len() {
            1 => collection
                .features
                .pop()
                .and_then(|feature| feature.geometry),
            count => return Err(PolygonError::Features(count)),
        },
    };
    let geometry = geometry.ok_or(PolygonError::NoGeometry)?;
    let geojson::GeometryValue::Polygon { coordinates: rings } = geometry.value else {
        return Err(PolygonError::NotPolygon(geometry.value.type_name().into()));
    };
    let mut rings = rings.into_iter().enumerate().map(|(i, ring)| line(i, ring));
    let exterior = rings.next().ok_or(PolygonError::NoRings)??;
    Ok(geo::Polygon::new(
        exterior,
        rings.collect::<Result<_, _>>()?,
    ))
}

/// Ring `ring` as a closed line, checked as GeoJSON requires (geo would close an open
/// ring without a word).
fn line(
    ring: usize,
    positions: Vec<geojson::Position>,
) -> Result<geo::LineString<f64>, PolygonError> {
    if positions.len() < 4 {
        return Err(PolygonError::TooShort {
            ring,
            positions: positions.len(),
        });
    }
    if positions.first() != positions.last() {
        return Err(PolygonError::NotClosed { ring });
    }
    positions
        .iter()
        .enumerate()
        .map(|(position, numbers)| match numbers.as_slice() {
            [lon, lat, ..] if (-180.0..=180.0).contains(lon) && (-90.0..=90.0).contains(lat) => {
                Ok(geo::Coord { x: *lon, y: *lat })
            }
            _ => Err(PolygonError::Position { ring, position }),
        })
        .collect::<Result<Vec<_>, _>>()
        .map(geo::LineString::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn polygon(rings: &str) -> String {
        format!(r#"{{"type":"Polygon","coordinates":{rings}}}"#)
    }

    #[test]
    fn features_and_collections_of_one() {
        let square = polygon("[[[-74,40],[-73,40],[-73,41],[-74,41],[-74,40]]]");
        let feature = format!(r#"{{"type":"Feature","properties":{{}},"geometry":{square}}}"#);
        let collection = format!(r#"{{"type":"FeatureCollection","features":[{feature}]}}"#);
        let two = format!(r#"{{"type":"FeatureCollection","features":[{feature},{feature}]}}"#);
        let expected = from_geojson(&square).unwrap();
        assert_eq!(from_geojson(&feature).unwrap(), expected);
        assert_eq!(from_geojson(&collection).unwrap(), expected);
        assert_eq!(from_geojson(&two), Err(PolygonError::Features(2)));
        let empty = r#"{"type":"Feature","properties":{},"geometry":null}"#;
        assert_eq!(from_geojson(empty), Err(PolygonError::NoGeometry));
    }

    #[test]
    fn rings_are_checked_as_geojson_requires() {
        let hole_open = polygon(
            "[[[-74,40],[-73,40],[-73,41],[-74,41],[-74,40]],[[-73.6,40.4],[-73.4,40.4],[-73.4,40.6],[-73.6,40.6]]]",
        );
        assert_eq!(
            from_geojson(&hole_open),
            Err(PolygonError::NotClosed { ring: 1 })
        );
        assert_eq!(
            from_geojson(&polygon("[[[-74,40],[-73,40],[-74,40]]]")),
            Err(PolygonError::TooShort {
                ring: 0,
                positions: 3
            })
        );
        assert_eq!(
            from_geojson(&polygon("[[[-74,40],[-73,95],[-73,41],[-74,40]]]")),
            Err(PolygonError::Position {
                ring: 0,
                position: 1
            })
        );
        assert_eq!(from_geojson(&polygon("[]")), Err(PolygonError::NoRings));
        assert!(matches!(
            from_geojson("{\"type\":"),
            Err(PolygonError::NotGeoJson(_))
        ));
        // An altitude is allowed and ignored.
        let high = polygon("[[[-74,40,10],[-73,40,10],[-73,41,10],[-74,40,10]]]");
        assert_eq!(from_geojson(&high).unwrap().exterior().0.len(), 4);
    }
}
