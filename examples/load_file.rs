//! Loads a native CSV file and builds every tree of its index, timing each step and
//! reporting the peak memory (Linux); the load budget in BENCHMARKS.md is measured so:
//!
//! ```text
//! cargo run --release --example generate_sample -- /tmp/facilities_1m.csv 1000000
//! cargo run --release --example load_file -- /tmp/facilities_1m.csv
//! ```

use std::time::Instant;

use carefind::Index;
use carefind::load::{LoadOptions, native};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: load_file FILE.csv")?;
    let bytes = std::fs::metadata(&path)?.len();

    let start = Instant::now();
    let loaded = native::from_path(&path, &LoadOptions::strict())?;
    let parsed = start.elapsed();
    let index = Index::new(loaded.facilities)?;
    let built = start.elapsed();
    index.warm_up();
    let total = start.elapsed();

    println!("{}", loaded.report);
    println!("file      {:>8.1} MB", bytes as f64 / 1e6);
    println!("parse     {:>8.3} s", parsed.as_secs_f64());
    println!(
        "index     {:>8.3} s (Index::new)",
        (built - parsed).as_secs_f64()
    );
    println!(
        "trees     {:>8.3} s (every tree)",
        (total - built).as_secs_f64()
    );
    println!("total     {:>8.3} s", total.as_secs_f64());
    if let Some(peak) = peak_memory_kb() {
        println!(
            "peak RSS  {:>8.1} MB ({:.2}x the file)",
            peak as f64 / 1e3,
            peak as f64 * 1e3 / bytes as f64
        );
    }
    Ok(())
}

/// The process's peak resident memory (VmHWM), on Linux.
fn peak_memory_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
