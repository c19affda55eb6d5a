//! A counsellor's question: after detox near Columbus, Ohio, where are the nearest
//! programs of every later stage taking Medicaid, and which IOP or PHP has a sober-living
//! home close by?
//!
//! ```text
//! cargo run --example step_down
//! ```

use carefind::analysis::pathway::{self, PathwayQuery, Stage};
use carefind::{Distance, Filter, Index, LatLon, Payment};

const METERS_PER_MILE: f64 = 1609.344;

pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    let index = Index::sample(); // fictitious facilities; load real ones with carefind::load
    let columbus = LatLon::new(39.9612, -82.9988)?;
    let query = PathwayQuery::new(columbus)
        .from(Stage::Detox)
        .filter(Filter::new().payment(Payment::Medicaid))
        .per_step(2)
        .pair_within(Distance::from_miles(10.0))
        .pairs(3);
    let path = pathway::pathway(&index, &query)?;

    println!("After detox, near Columbus, OH, taking Medicaid (sample data):");
    for step in &path.steps {
        println!("\n{} ({}):", step.stage, step.stage.levels());
        if step.options.is_empty() {
            println!("  none found");
        }
        for option in &step.options {
            let miles = option.distance_m.unwrap_or(0.0) / METERS_PER_MILE;
            println!(
                "  {miles:5.1} mi  {}, {}",
                option.facility.name(),
                option.facility.city()
            );
        }
    }

    println!("\nIOP or PHP with a sober-living home nearby, by total trip:");
    for pair in &path.pairs {
        println!(
            "  {:5.1} mi  {} ({:.1} mi away), living at {} ({:.1} mi from it)",
            pair.trip_m / METERS_PER_MILE,
            pair.program.facility.name(),
            pair.program.distance_m.unwrap_or(0.0) / METERS_PER_MILE,
            pair.home.name(),
            pair.home_distance_m / METERS_PER_MILE,
        );
    }
    Ok(())
}
