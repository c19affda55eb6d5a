//! An analyst's question: what share of US ZIP codes lies within 10, 25 and 50 miles of an
//! opioid treatment program, a detox and a sober-living home, and where are the deserts?
//! (Every ZIP counts once here; `carefind coverage` weighs origins by population.)
//!
//! ```text
//! cargo run --release --example coverage
//! ```

use carefind::analysis::coverage::{self, CoverageQuery, Origin};
use carefind::{Index, LatLon};

const METERS_PER_MILE: f64 = 1609.344;

pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    let index = Index::sample(); // fictitious facilities; load real ones with carefind::load
    let origins: Vec<Origin> = zipcodes::database()
        .iter()
        .filter_map(|zip| {
            let point = LatLon::new(zip.lat.parse().ok()?, zip.long.parse().ok()?).ok()?;
            Some(Origin::new(zip.zip_code.clone(), point, 1.0))
        })
        .collect();
    let targets = ["otp", "detox", "sober-living"]
        .map(|t| t.parse())
        .into_iter();
    let query = CoverageQuery::default().targets(targets.collect::<Result<_, _>>()?);
    let answer = coverage::coverage(&index, &origins, &query)?;

    println!(
        "{} ZIP codes, {} facilities (sample data)\n",
        origins.len(),
        index.len()
    );
    println!(
        "{:<14} {:>7} {:>7} {:>7} {:>8}  deserts",
        "", "10 mi", "25 mi", "50 mi", "median"
    );
    for summary in &answer.summaries {
        let shares: Vec<String> = summary
            .rings
            .iter()
            .map(|ring| format!("{:6.1}%", ring.share * 100.0))
            .collect();
        let median = summary
            .median_m
            .map_or("-".into(), |m| format!("{:.1} mi", m / METERS_PER_MILE));
        println!(
            "{:<14} {} {:>8}  {} ZIPs beyond 50 mi",
            summary.target.name,
            shares.join(" "),
            median,
            summary.deserts.len()
        );
    }

    let otp = &answer.summaries[0];
    println!("\nFarthest from an OTP:");
    let mut farthest = otp.deserts.clone();
    farthest.sort_by(|a, b| {
        b.distance_m
            .unwrap_or(f64::INFINITY)
            .total_cmp(&a.distance_m.unwrap_or(f64::INFINITY))
    });
    for desert in farthest.iter().take(3) {
        let miles = desert
            .distance_m
            .map_or(f64::INFINITY, |m| m / METERS_PER_MILE);
        println!("  ZIP {}: {miles:.0} mi", origins[desert.origin].id);
    }
    Ok(())
}
