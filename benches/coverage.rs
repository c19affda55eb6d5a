//! Coverage of the ZIP population centroids (32,936 from ../shared/datasets, or 33,000
//! synthetic US points when absent) by 20,000 generated facilities, for every level but
//! telehealth (11 targets): on every core, beside the same work on one thread.
//!
//! ```text
//! cargo bench --bench coverage
//! ```

use std::path::PathBuf;
use std::time::Duration;

use carefind::analysis::coverage::{self, CoverageQuery, Origin};
use carefind::{Index, LatLon};
use criterion::{Criterion, criterion_group, criterion_main};

mod common;
#[allow(dead_code)]
#[path = "../examples/generate_sample.rs"]
mod generate_sample;

fn origins() -> Vec<Origin> {
    let dir = std::env::var_os("CAREFIND_DATASETS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets"));
    if let Ok(mut reader) = csv::Reader::from_path(dir.join("zcta_population_2010.csv")) {
        return reader
            .records()
            .map(|record| {
                let record = record.expect("a readable row");
                let number = |i: usize| record[i].parse::<f64>().expect("a number");
                let point = LatLon::new(number(1), number(2)).expect("a point");
                Origin::new(&record[0], point, number(3))
            })
            .collect();
    }
    eprintln!("zcta_population_2010.csv not found: 33,000 synthetic origins instead");
    common::us_points(0x9E37_79B9_7F4A_7C15, 33_000)
        .into_iter()
        .enumerate()
        .map(|(i, point)| Origin::new(i.to_string(), point, 1.0))
        .collect()
}

fn bench(c: &mut Criterion) {
    let index = Index::new(generate_sample::generate_n(20_000)).expect("unique ids");
    index.warm_up();
    let origins = origins();
    let query = CoverageQuery::default();
    let mut group = c.benchmark_group(format!("coverage_{}x11_over_20000", origins.len()));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("all_cores", |b| {
        b.iter(|| coverage::coverage(&index, &origins, &query).expect("valid query"))
    });
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a pool");
    group.bench_function("one_thread", |b| {
        b.iter(|| {
            one.install(|| coverage::coverage(&index, &origins, &query).expect("valid query"))
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
