//! Nearest-10 and radius queries on the embedded sample, each beside a brute-force scan of
//! the same data in the same run. Run: `cargo bench --bench nearest`.

use std::hint::black_box;

use carefind::{CareLevel, Distance, Filter, Index, LatLon, Query};
mod common;

use criterion::{Criterion, criterion_group, criterion_main};

/// Fixed pseudo-random origins over the contiguous US.
fn origins(count: usize) -> Vec<LatLon> {
    common::us_points(0x0123_4567_89AB_CDEF, count)
}

fn brute_force_nearest(
    index: &Index,
    origin: LatLon,
    filter: &Filter,
    k: usize,
) -> Vec<(f64, usize)> {
    let mut all: Vec<(f64, usize)> = index
        .facilities()
        .enumerate()
        .filter(|(_, f)| filter.matches(f))
        .map(|(i, f)| (origin.distance_m(f.location()), i))
        .collect();
    let k = k.min(all.len());
    if k < all.len() {
        all.select_nth_unstable_by(k, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        all.truncate(k);
    }
    all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    all
}

fn sample(c: &mut Criterion) {
    let index = Index::sample();
    let origins = origins(256);
    let rare = Filter::new().care(CareLevel::HospitalInpatient);
    let mut group = c.benchmark_group(format!("sample_{}", index.len()));

    let mut i = 0;
    let mut next = || {
        i = (i + 1) % origins.len();
        origins[i]
    };
    group.bench_function("nearest10", |b| {
        b.iter(|| {
            index
                .search(&Query::nearest(black_box(next()), 10))
                .unwrap()
                .len()
        })
    });
    group.bench_function("nearest10_brute_force", |b| {
        b.iter(|| brute_force_nearest(&index, black_box(next()), &Filter::new(), 10).len())
    });
    group.bench_function("nearest10_rare_level", |b| {
        b.iter(|| {
            index
                .search(&Query::nearest(black_box(next()), 10).filter(rare.clone()))
                .unwrap()
                .len()
        })
    });
    group.bench_function("within50km", |b| {
        b.iter(|| {
            index
                .search(&Query::within(
                    black_box(next()),
                    Distance::from_kilometers(50.0),
                ))
                .unwrap()
                .len()
        })
    });
    group.finish();
}

criterion_group!(benches, sample);
criterion_main!(benches);
