//! Areas people send as GeoJSON: `polygon` in a search body and `--polygon FILE`.

/// The polygon of a GeoJSON Polygon geometry, or of a Feature or a one-feature collection
/// holding one, with the reason when it is not one.
///
/// ```
/// use carefind_server::polygon::polygon_of;
/// let square = r#"{"type":"Polygon","coordinates":[[[-74,40],[-73,40],[-73,41],[-74,41],[-74,40]]]}"#;
/// assert!(polygon_of(square).is_ok());
/// let open = r#"{"type":"Polygon","coordinates":[[[-74,40],[-73,40],[-73,41]]]}"#;
/// assert!(polygon_of(open).unwrap_err().contains("not closed"));
/// ```
pub fn polygon_of(text: &str) -> Result<geo::Polygon<f64>, String> {
    let geojson: geojson::GeoJson = text.parse().map_err(|e| format!("not GeoJSON: {e}"))?;
    let geometry = match geojson {
        geojson::GeoJson::Geometry(geometry) => Some(geometry),
        geojson::GeoJson::Feature(feature) => feature.geometry,
        geojson::GeoJson::FeatureCollection(collection) => match &collection.features[..] {
            [feature] => feature.geometry.clone(),
            features => {
                return Err(format!(
                    "the collection has {} features; give one polygon",
                    features.len()
                ));
            }
        },
    };
    let geometry = geometry.ok_or("the feature has no geometry")?;
    // geo closes open rings without a word; GeoJSON requires them closed, so say so.
    if let geojson::GeometryValue::Polygon { coordinates: rings } = &geometry.value {
        for (i, ring) in rings.iter().enumerate() {
            if ring.len() >= 2 && ring.first() != ring.last() {
                let which = match i {
                    0 => "the exterior ring".to_string(),
                    hole => format!("hole {hole}"),
                };
                return Err(format!(
                    "{which} is not closed: GeoJSON rings end with the position they start with"
                ));
            }
        }
    }
    geo::Polygon::<f64>::try_from(geometry).map_err(|e| format!("not a Polygon: {e}"))
}
