//! The library in a few lines: the nearest IOPs that take Medicaid, near a point.
//!
//! ```text
//! cargo run --example nearest                 # near ZIP 10001 (Manhattan)
//! cargo run --example nearest -- 41.88 -87.63 # near a latitude and longitude
//! ```

use carefind::{CareLevel, Distance, Filter, Index, LatLon, Payment, Query, Unit};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<f64> = std::env::args()
        .skip(1)
        .map(|a| a.parse())
        .collect::<Result<_, _>>()?;
    let origin = match args[..] {
        [lat, lon] => LatLon::new(lat, lon)?,
        _ => LatLon::new(40.7506, -73.9972)?,
    };
    near(origin)
}

/// Prints the nearest IOPs taking Medicaid within 50 miles of `origin`.
pub fn near(origin: LatLon) -> Result<(), Box<dyn std::error::Error>> {
    let index = Index::sample(); // fictitious facilities; load real ones with carefind::load
    let query = Query::nearest(origin, 5)
        .max_distance(Distance::from_miles(50.0))
        .filter(
            Filter::new()
                .care(CareLevel::Iop)
                .payment(Payment::Medicaid),
        );

    println!("Nearest IOPs taking Medicaid within 50 mi of {origin} (sample data):");
    for hit in index.search(&query)? {
        let f = hit.facility;
        let miles = hit.distance().map_or(0.0, |d| d.in_unit(Unit::Miles));
        println!(
            "{miles:6.1} mi  {:<40} {}, {}  {}",
            f.name(),
            f.city(),
            f.state(),
            f.care()
        );
    }
    Ok(())
}
