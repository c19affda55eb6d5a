//! What the benchmarks share.

// Each benchmark is a crate of its own and uses a part of this.
#![allow(dead_code)]

use carefind::LatLon;

/// `n` points spread over the contiguous US's box (25-49° N, 124-67° W) by xorshift from
/// `seed`: the same points in every run.
pub fn us_points(seed: u64, n: usize) -> Vec<LatLon> {
    let mut state = seed;
    let mut unit = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n)
        .map(|_| LatLon::new(25.0 + 24.0 * unit(), -124.0 + 57.0 * unit()).expect("in the US"))
        .collect()
}

/// Benchmarks `name` in `group`: the nearest 10 that `filter` keeps from each of
/// `origins` in turn, into one reused buffer (as a server's worker answers).
pub fn nearest10(
    group: &mut criterion::BenchmarkGroup<criterion::measurement::WallTime>,
    name: &str,
    index: &carefind::Index,
    origins: &[LatLon],
    filter: &carefind::Filter,
) {
    let queries: Vec<carefind::Query> = origins
        .iter()
        .map(|origin| carefind::Query::nearest(*origin, 10).filter(filter.clone()))
        .collect();
    let mut hits = Vec::new();
    let mut i = 0;
    group.bench_function(name, |b| {
        b.iter(|| {
            i = (i + 1) % queries.len();
            index.search_into(&queries[i], &mut hits).unwrap();
            std::hint::black_box(hits.len())
        })
    });
}
