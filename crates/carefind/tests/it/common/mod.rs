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

/// The HSDS 3.1 schemas and examples: `shared/hsds` beside the repository, or
/// $CAREFIND_HSDS; `None`, with a "skipped" line, when they are absent.
#[allow(dead_code)]
pub fn hsds() -> Option<PathBuf> {
    const PROBE: &str = "schema/compiled/service_at_location.json";
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = match std::env::var_os("CAREFIND_HSDS") {
        Some(dir) => PathBuf::from(dir),
        None => manifest
            .ancestors()
            .map(|dir| dir.join("shared/hsds"))
            .find(|dir| dir.join(PROBE).is_file())
            .unwrap_or_else(|| manifest.join("../shared/hsds")),
    };
    if dir.join(PROBE).is_file() {
        Some(dir)
    } else {
        println!(
            "skipped: the HSDS schemas not found in {} (set CAREFIND_HSDS)",
            dir.display()
        );
        None
    }
}

/// A JSON Schema validator of one of the specification's compiled schemas, checking
/// formats (uuid, uri, date-time, email) too.
#[allow(dead_code)]
pub fn hsds_validator(hsds: &std::path::Path, schema: &serde_json::Value) -> jsonschema::Validator {
    let _ = hsds;
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("the specification's schema compiles")
}

/// Every error of `instance` against `validator`, as "path: message" lines.
#[allow(dead_code)]
pub fn schema_errors(
    validator: &jsonschema::Validator,
    instance: &serde_json::Value,
) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|error| format!("{}: {error}", error.instance_path))
        .collect()
}
