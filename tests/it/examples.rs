//! The examples run to the end on the embedded sample, as `cargo run --example` runs them.

#[path = "../../examples/coverage.rs"]
mod coverage;
#[path = "../../examples/nearest.rs"]
mod nearest;
#[path = "../../examples/step_down.rs"]
mod step_down;

#[test]
fn step_down_runs() {
    step_down::main().unwrap();
}

#[test]
fn coverage_runs() {
    coverage::main().unwrap();
}

#[test]
fn nearest_runs() {
    nearest::main().unwrap();
}
