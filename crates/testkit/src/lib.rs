//! What the workspace's tests, examples and benchmarks share: where the real datasets and
//! the HSDS schemas are, validators of the HSDS schemas, and a small OpenStreetMap PBF
//! writer ([`pbf`]).

#![forbid(unsafe_code)]

use std::path::PathBuf;

pub mod pbf;

/// `shared/NAME` in the nearest directory above this crate that has one (the
/// repository's parent in CI), else where it would be beside the repository.
fn shared(name: &str, probe: &str) -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .map(|dir| dir.join("shared").join(name))
        .find(|dir| dir.join(probe).is_file())
        .unwrap_or_else(|| manifest.join("../../../shared").join(name))
}

/// The real datasets: `shared/datasets` beside the repository, or $CAREFIND_DATASETS.
/// The tests that read them are `#[ignore = "needs ..."]`, so a fresh clone's `cargo
/// test` says "ignored"; run with `--include-ignored` (as `.ci/run` does), a test whose
/// data is missing fails rather than passing having checked nothing.
pub fn datasets() -> PathBuf {
    const PROBE: &str = "samhsa_sa_facilities_2021.csv";
    let dir = match std::env::var_os("CAREFIND_DATASETS") {
        Some(dir) => PathBuf::from(dir),
        None => shared("datasets", PROBE),
    };
    assert!(
        dir.join(PROBE).is_file(),
        "this test needs the real datasets: none in {} (set CAREFIND_DATASETS)",
        dir.display()
    );
    dir
}

/// The HSDS 3.1 schemas and examples: `shared/hsds` beside the repository, or
/// $CAREFIND_HSDS; a test that reads them is ignored by default and fails without them.
pub fn hsds() -> PathBuf {
    const PROBE: &str = "schema/compiled/service_at_location.json";
    let dir = match std::env::var_os("CAREFIND_HSDS") {
        Some(dir) => PathBuf::from(dir),
        None => shared("hsds", PROBE),
    };
    assert!(
        dir.join(PROBE).is_file(),
        "this test needs the HSDS schemas: none in {} (set CAREFIND_HSDS)",
        dir.display()
    );
    dir
}

/// `FILE` of the OpenStreetMap extracts: `shared/osm` beside the repository, or
/// $CAREFIND_OSM; a test that reads one is ignored by default and fails without it.
pub fn osm(file: &str) -> PathBuf {
    let dir = match std::env::var_os("CAREFIND_OSM") {
        Some(dir) => PathBuf::from(dir),
        None => shared("osm", file),
    };
    let path = dir.join(file);
    assert!(
        path.is_file(),
        "this test needs {} (set CAREFIND_OSM)",
        path.display()
    );
    path
}

/// A JSON Schema validator of one of the specification's compiled schemas, checking
/// formats (uuid, uri, date-time, email) too.
pub fn hsds_validator(hsds: &std::path::Path, schema: &serde_json::Value) -> jsonschema::Validator {
    let _ = hsds;
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("the specification's schema compiles")
}

/// Every error of `instance` against `validator`, as "path: message" lines.
pub fn schema_errors(
    validator: &jsonschema::Validator,
    instance: &serde_json::Value,
) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|error| format!("{}: {error}", error.instance_path))
        .collect()
}
