//! What the integration tests share.

use std::path::PathBuf;

pub mod random;

/// What a test that needs the real datasets says in its `#[ignore]`.
#[allow(dead_code)]
pub const NEEDS_DATASETS: &str =
    "needs the real datasets (../shared/datasets or CAREFIND_DATASETS)";

/// The real datasets: `shared/datasets` beside the repository, or $CAREFIND_DATASETS.
/// The tests that read them are `#[ignore = "needs ..."]`, so a fresh clone's `cargo
/// test` says "ignored"; run with `--include-ignored` (as `.ci/run` does), a test whose
/// data is missing fails rather than passing having checked nothing.
/// (The binary's tests include this file too, from another manifest directory.)
#[allow(dead_code)] // the property tests do not read the datasets
pub fn datasets() -> PathBuf {
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
    assert!(
        dir.join(PROBE).is_file(),
        "this test needs the real datasets: none in {} (set CAREFIND_DATASETS)",
        dir.display()
    );
    dir
}

/// The HSDS 3.1 schemas and examples: `shared/hsds` beside the repository, or
/// $CAREFIND_HSDS; a test that reads them is ignored by default and fails without them.
#[allow(dead_code)]
pub fn hsds() -> PathBuf {
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
    assert!(
        dir.join(PROBE).is_file(),
        "this test needs the HSDS schemas: none in {} (set CAREFIND_HSDS)",
        dir.display()
    );
    dir
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
