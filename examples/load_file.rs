//! Loads a native CSV file (or a snapshot) into a store and builds every tree of its
//! index, timing each step and reporting the peak memory (Linux); the load budgets in
//! BENCHMARKS.md are measured so:
//!
//! ```text
//! cargo run --release --example generate_sample -- /tmp/facilities_1m.csv 1000000
//! cargo run --release --example load_file -- /tmp/facilities_1m.csv
//! carefind snapshot --data /tmp/facilities_1m.csv -o /tmp/facilities_1m.snap
//! cargo run --release --example load_file -- /tmp/facilities_1m.snap
//! ```

use std::time::Instant;

use carefind::load::{LoadOptions, native};
use carefind::{Index, snapshot};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: load_file FILE.csv|FILE.snap")?;
    let bytes = std::fs::metadata(&path)?.len();
    let mut start_bytes = [0; 8];
    std::io::Read::read(&mut std::fs::File::open(&path)?, &mut start_bytes)?;

    let start = Instant::now();
    let (store, what) = if snapshot::is_snapshot(&start_bytes) {
        (
            // As the command line opens one.
            snapshot::map_path(&path)?,
            "snapshot::map_path".to_string(),
        )
    } else {
        let loaded = native::store_from_path(&path, &LoadOptions::strict())?;
        (
            loaded.store,
            format!("native::store_from_path; {}", loaded.report),
        )
    };
    let read = start.elapsed();
    let index = Index::from_store(store);
    let built = start.elapsed();
    index.warm_up();
    let total = start.elapsed();

    println!("file      {:>8.1} MB", bytes as f64 / 1e6);
    println!("read      {:>8.3} s ({what})", read.as_secs_f64());
    println!(
        "index     {:>8.3} s (Index::from_store)",
        (built - read).as_secs_f64()
    );
    println!(
        "trees     {:>8.3} s (every tree)",
        (total - built).as_secs_f64()
    );
    println!("total     {:>8.3} s", total.as_secs_f64());
    println!("store     {:>8.1} MB", index.store().bytes() as f64 / 1e6);
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
