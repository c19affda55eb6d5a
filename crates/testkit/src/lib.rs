//! What the workspace's tests, examples and benchmarks share: where the real datasets and
//! the HSDS schemas are, validators of the HSDS schemas, a small OpenStreetMap PBF
//! writer ([`pbf`]) and a real PostgreSQL server of a test's own ([`postgres`]).

#![forbid(unsafe_code)]

use std::path::PathBuf;

pub mod pbf;
pub mod postgres;

/// The directory of `shared/NAME`: `$VARIABLE` when set, else `shared/NAME` in the
/// nearest directory above this crate that has `probe` in it (the repository's parent in
/// CI). A test asking for it fails, naming what it needs, when `probe` is not there.
fn shared(variable: &str, name: &str, probe: &str, what: &str) -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = match std::env::var_os(variable) {
        Some(dir) => PathBuf::from(dir),
        None => manifest
            .ancestors()
            .map(|dir| dir.join("shared").join(name))
            .find(|dir| dir.join(probe).is_file())
            .unwrap_or_else(|| manifest.join("../../../shared").join(name)),
    };
    assert!(
        dir.join(probe).is_file(),
        "this test needs {what}: no {probe} in {} (set {variable})",
        dir.display()
    );
    dir
}

/// The real datasets: `shared/datasets` beside the repository, or $CAREFIND_DATASETS.
/// The tests that read them are `#[ignore = "needs ..."]`, so a fresh clone's `cargo
/// test` says "ignored"; run with `--include-ignored` (as `.ci/run` does), a test whose
/// data is missing fails rather than passing having checked nothing.
pub fn datasets() -> PathBuf {
    shared(
        "CAREFIND_DATASETS",
        "datasets",
        "samhsa_sa_facilities_2021.csv",
        "the real datasets",
    )
}

/// The HSDS 3.1 schemas and examples: `shared/hsds` beside the repository, or
/// $CAREFIND_HSDS; a test that reads them is ignored by default and fails without them.
pub fn hsds() -> PathBuf {
    shared(
        "CAREFIND_HSDS",
        "hsds",
        "schema/compiled/service_at_location.json",
        "the HSDS schemas",
    )
}

/// `FILE` of the OpenStreetMap extracts: `shared/osm` beside the repository, or
/// $CAREFIND_OSM; a test that reads one is ignored by default and fails without it.
pub fn osm(file: &str) -> PathBuf {
    shared("CAREFIND_OSM", "osm", file, "the OpenStreetMap extracts").join(file)
}

/// `FILE` of the GTFS timetables: `shared/gtfs` beside the repository, or $CAREFIND_GTFS;
/// a test that reads one is ignored by default and fails without it.
pub fn gtfs(file: &str) -> PathBuf {
    shared("CAREFIND_GTFS", "gtfs", file, "the GTFS timetables").join(file)
}

/// Whether a point is inside New York City's box (-74.27,40.49 to -73.68,40.92), where the
/// subway timetable of `shared/gtfs` runs: the destinations of the transit tests and
/// benchmarks.
pub fn in_new_york_city(lat: f64, lon: f64) -> bool {
    (-74.27..=-73.68).contains(&lon) && (40.49..=40.92).contains(&lat)
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
