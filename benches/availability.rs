//! What availability costs a search: nearest 10 detox programs from random US points in the
//! embedded sample, without availability, then with open beds and with acceptance asked of
//! the sample's fictitious feed (judged at the instant it is as of), in the same run; and
//! what applying a request's update to the table costs the writer, and the first search of
//! the table it makes (which lays its reports out by the index's positions).
//!
//! ```text
//! cargo bench --bench availability
//! ```

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use carefind::availability::feed::{self, Check, FeedFormat};
use carefind::availability::{Availability, Need, Update};
use carefind::{CareGroup, Filter, Index, LatLon};
use criterion::{Criterion, criterion_group, criterion_main};

mod common;

const AS_OF: &str = "2026-06-01T12:00:00Z";

fn origins() -> Vec<LatLon> {
    common::us_points(0x2545_F491_4F6C_DD1D, 1024)
}

fn availability(c: &mut Criterion) {
    let index = Index::sample();
    index.warm_up();
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/datasets/sample-availability.csv"
    ))
    .unwrap();
    let now = AS_OF.parse().unwrap();
    let updates = feed::read(&bytes, FeedFormat::Csv, &Check::at(now))
        .unwrap()
        .updates;
    let table = Arc::new(Availability::new().with(updates).table);
    let origins = origins();
    let detox = Filter::new().care(CareGroup::Detox);
    let mut cases = vec![
        ("nearest10_detox/plain", detox.clone()),
        (
            "nearest10_detox/open_beds_1",
            detox
                .clone()
                .available(Arc::clone(&table), Need::at(now).open_beds(1)),
        ),
        (
            "nearest10_detox/accepting",
            detox
                .clone()
                .available(Arc::clone(&table), Need::at(now).accepting()),
        ),
    ];
    // The same share of detox programs (those with a fresh report of an open bed), kept by
    // a predicate that costs next to nothing: what the walk to the farther matches costs
    // by itself, apart from reading the reports.
    let open_now: std::collections::HashSet<String> = index
        .facilities()
        .filter(|f| {
            table
                .shown(f, detox.care, &Need::at(now).open_beds(1))
                .is_some()
        })
        .map(|f| f.id().to_string())
        .collect();
    let mut keep = vec![false; 8000];
    for id in &open_now {
        keep[id[1..].parse::<usize>().unwrap()] = true;
    }
    let same_share = detox
        .clone()
        .predicate(move |f| keep[f.id()[1..].parse::<usize>().unwrap_or(0)]);
    cases.push(("nearest10_detox/same_share_by_predicate", same_share));
    let mut group = c.benchmark_group("availability");
    group.measurement_time(Duration::from_secs(5));
    for (name, filter) in cases {
        common::nearest10(&mut group, name, &index, &origins, &filter);
    }
    // The writer's step after each commit: the next table from the current one and the
    // commit's updates (16, as 16 clients' requests committed together).
    let batch: Vec<Update> = (0..16)
        .map(|i| {
            let mut update = Update::new(format!("S{:05}", i * 487), now);
            update.beds_available = Some(i);
            update
        })
        .collect();
    group.bench_function("table_with_16_updates", |b| {
        b.iter(|| black_box(table.with(batch.iter().cloned()).table.len()))
    });
    // The first search of a new table lays its reports out by the index's positions: the
    // step above, that, and one search.
    let need = Need::at(now).open_beds(1);
    let mut hits = Vec::new();
    let mut i = 0;
    group.bench_function("table_with_16_updates_then_first_search", |b| {
        b.iter(|| {
            let next = Arc::new(table.with(batch.iter().cloned()).table);
            i = (i + 1) % origins.len();
            let query = carefind::Query::nearest(origins[i], 10)
                .filter(detox.clone().available(next, need));
            index.search_into(&query, &mut hits).unwrap();
            black_box(hits.len())
        })
    });
    group.finish();
}

/// Refusing a report whose `care` is 1 KB to 1 MB long (a PUT's body, a feed's row): the
/// value is named too long before any matching, so the cost is the JSON parse's, linear
/// in the body, and no longer the edit distances' (2.57 s at 1 MB before the bound).
fn long_values(c: &mut Criterion) {
    let mut group = c.benchmark_group("refuse_long_care");
    let now = jiff::Timestamp::now();
    for size in [1_000usize, 10_000, 100_000, 1_000_000] {
        let body = format!(
            r#"{{"id":"S00001","care":"{}","updated_at":"2026-06-01T08:00:00Z"}}"#,
            "x".repeat(size)
        );
        group.bench_function(format!("{size}_bytes"), |b| {
            b.iter(|| {
                let feed = feed::read(body.as_bytes(), FeedFormat::Json, &Check::at(now)).unwrap();
                assert_eq!(feed.problems.len(), 1);
                black_box(feed)
            })
        });
        // The term alone, as the HTTP filters and the CLI read it.
        let word = "x".repeat(size);
        group.bench_function(format!("{size}_bytes_term"), |b| {
            b.iter(|| black_box(word.parse::<carefind::CareLevel>().unwrap_err()))
        });
    }
    group.finish();
}

criterion_group!(benches, availability, long_values);
criterion_main!(benches);
