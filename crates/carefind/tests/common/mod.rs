//! What the integration tests share.

use std::path::PathBuf;

pub mod random;

/// The real datasets: `shared/datasets` beside the repository, or $CAREFIND_DATASETS;
/// `None`, with a "skipped" line, when they are absent, so a fresh clone still passes.
/// (The binary's tests include this file too, from another manifest directory.)
#[allow(dead_code)] // the property tests do not read the datasets
pub fn datasets() -> Option<PathBuf> {
    const PROBE: &str = "samhsa_sa_facilities_2021.csv";
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = match std::env::var_os("CAREFIND_DATASETS") {
        Some(dir) => PathBuf::from(dir),
        None => manifest
            .ancestors()
            .map(|dir| dir.join("shared/datasets"))
            .find(|dir| dir.join(PROBE).is_file())
            .unwrap_or_else(|| manifest.join("../shared/datasets")),
    };
    if dir.join(PROBE).is_file() {
        Some(dir)
    } else {
        println!(
            "skipped: real datasets not found in {} (set CAREFIND_DATASETS)",
            dir.display()
        );
        None
    }
}
