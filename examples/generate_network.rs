//! A generated road network and the points to search it with, for the drive-time
//! benchmarks: a square grid of two-way streets (every tenth an arterial at 60 km/h, the
//! rest residential at 30 km/h) written as an OpenStreetMap `.osm.pbf`, facilities at
//! random points on it (a carefind CSV), and origins with populations (a CSV).
//!
//! ```text
//! cargo run --release --example generate_network -- --side 1000 --facilities 2000 --origins 30000 --out /tmp/grid
//! ```

use std::io::Write;

use carefind::{CareLevel, Facility, LatLon};
use carefind_testkit::pbf;

fn option(args: &[String], name: &str, default: usize) -> usize {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(default)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let side = option(&args, "--side", 1000);
    let out = args
        .iter()
        .position(|a| a == "--out")
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| "grid".into());
    std::fs::create_dir_all(&out)?;
    let (lat0, lon0, spacing) = (40.0, -100.0, 0.001);
    let (nodes, mut ways) = pbf::grid(side, side, lat0, lon0, spacing, 30);
    for (i, way) in ways.iter_mut().enumerate() {
        if (i % side).is_multiple_of(10) {
            way.2 = vec![
                ("highway", "primary".to_string()),
                ("maxspeed", "60".to_string()),
            ];
        }
    }
    pbf::write(
        std::io::BufWriter::new(std::fs::File::create(format!("{out}/grid.osm.pbf"))?),
        &nodes,
        &ways,
    )?;
    let extent = (side - 1) as f64 * spacing;
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut random = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let facilities: Vec<Facility> = (0..option(&args, "--facilities", 2000))
        .map(|i| {
            let point =
                LatLon::new(lat0 + random() * extent, lon0 + random() * extent).expect("in range");
            let mut facility =
                Facility::new(format!("G{i:06}"), format!("Grid program {i}"), point);
            facility.care = CareLevel::Outpatient.into();
            facility
        })
        .collect();
    carefind::save::to_path(format!("{out}/facilities.csv"), &facilities)?;
    let mut origins = std::io::BufWriter::new(std::fs::File::create(format!("{out}/origins.csv"))?);
    writeln!(origins, "id,lat,lon,pop")?;
    for i in 0..option(&args, "--origins", 30_000) {
        let (lat, lon) = (lat0 + random() * extent, lon0 + random() * extent);
        writeln!(
            origins,
            "o{i},{lat:.6},{lon:.6},{}",
            100 + (random() * 5000.0) as u32
        )?;
    }
    origins.flush()?;
    println!(
        "{} nodes, {} ways, {} facilities in {out}",
        nodes.len(),
        ways.len(),
        facilities.len()
    );
    Ok(())
}
