//! Loading a dataset from its binary snapshot (checked and used in place) against loading
//! it from the carefind CSV it came from (the streaming reader `--data FILE` uses, and the
//! parallel in-memory one), then indexing what was loaded (the index's arrays, and every
//! tree), on the embedded sample and on 100,000 generated facilities.
//!
//! ```text
//! cargo bench --bench snapshot
//! ```

use std::hint::black_box;

use carefind::load::{LoadOptions, native};
use carefind::{Facility, FacilityStore, Index, save, snapshot};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

#[allow(dead_code)]
#[path = "../examples/generate_sample.rs"]
mod generate_sample;

fn bench(c: &mut Criterion) {
    let datasets: [(&str, Vec<Facility>); 2] = [
        ("sample_8000", carefind::Index::sample().into_facilities()),
        ("generated_100000", generate_sample::generate_n(100_000)),
    ];
    for (name, facilities) in datasets {
        let mut csv = Vec::new();
        save::to_writer(&mut csv, "memory", &facilities).expect("writing to memory");
        let mut snap = Vec::new();
        let store = FacilityStore::new(facilities.clone()).expect("unique ids");
        snapshot::to_writer(&mut snap, &store).expect("writing to memory");
        eprintln!(
            "{name}: CSV {} bytes, snapshot {} bytes",
            csv.len(),
            snap.len()
        );
        let mut group = c.benchmark_group(format!("load_{name}"));
        group.sample_size(20);
        group.bench_function("csv_streaming", |b| {
            b.iter_with_large_drop(|| {
                native::from_reader(black_box(&csv[..]), "csv", &LoadOptions::strict())
                    .expect("valid")
            })
        });
        group.bench_function("csv_parallel", |b| {
            b.iter_with_large_drop(|| {
                native::from_slice(black_box(&csv), "csv", &LoadOptions::strict()).expect("valid")
            })
        });
        group.bench_function("snapshot", |b| {
            b.iter_with_large_drop(|| snapshot::from_slice(black_box(&snap)).expect("valid"))
        });
        // What a load is followed by: the index's own arrays, then every tree.
        group.bench_function("index", |b| {
            b.iter_batched(|| store.clone(), Index::from_store, BatchSize::LargeInput)
        });
        group.bench_function("index_and_trees", |b| {
            let index_and_trees = |store| {
                let index = Index::from_store(store);
                index.warm_up();
                index
            };
            b.iter_batched(|| store.clone(), index_and_trees, BatchSize::LargeInput)
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
