//! What the time filters cost a search: nearest 10 from random US points in the embedded
//! sample, open at an instant (`--open-now`), open in the evening (`--evening`) and taking
//! walk-ins at an instant (`--walk-in-now`), each beside a predicate that keeps exactly
//! the same facilities at next to no cost, in the same run. The ratio is what reading
//! hours costs beyond walking to the farther matches, which the predicate pays too.
//!
//! ```text
//! cargo bench --bench hours
//! ```

use std::time::Duration;

use carefind::hours::{GettingIn, OpenNeed, When};
use carefind::{Filter, Index, LatLon};
use criterion::{Criterion, criterion_group, criterion_main};

mod common;

/// A Monday at 18:30 in New York, 15:30 in Los Angeles: some programs have closed.
const AT: &str = "2026-12-07T23:30:00Z";

fn origins() -> Vec<LatLon> {
    common::us_points(0x2545_F491_4F6C_DD1D, 1024)
}

/// A filter keeping what `filter` keeps, by a lookup of the sample's ids (`S00042`).
fn same_share(index: &Index, filter: &Filter) -> Filter {
    let mut keep = vec![false; index.len()];
    for f in index.facilities().filter(|f| filter.matches(*f)) {
        keep[f.id()[1..].parse::<usize>().unwrap()] = true;
    }
    println!(
        "{:?} keeps {} of {}",
        filter,
        keep.iter().filter(|k| **k).count(),
        keep.len()
    );
    Filter::new().predicate(move |f| keep[f.id()[1..].parse::<usize>().unwrap_or(0)])
}

fn hours(c: &mut Criterion) {
    let index = Index::sample();
    index.warm_up();
    let at: jiff::Timestamp = AT.parse().unwrap();
    let open_now = Filter::new().open(OpenNeed::at(at));
    let mut evening = OpenNeed::at(at);
    evening.when = vec![When::Evening];
    let evening = Filter::new().open(evening);
    let walk_in_now = Filter::new().getting_in(GettingIn {
        walk_in_at: Some(at),
        ..GettingIn::default()
    });
    let cases = [
        ("nearest10/plain", Filter::new()),
        ("nearest10/open_now", open_now.clone()),
        (
            "nearest10/open_now_same_share",
            same_share(&index, &open_now),
        ),
        ("nearest10/evening", evening.clone()),
        ("nearest10/evening_same_share", same_share(&index, &evening)),
        ("nearest10/walk_in_now", walk_in_now.clone()),
        (
            "nearest10/walk_in_now_same_share",
            same_share(&index, &walk_in_now),
        ),
    ];
    let mut group = c.benchmark_group("hours");
    group.measurement_time(Duration::from_secs(5));
    let origins = origins();
    for (name, filter) in cases {
        common::nearest10(&mut group, name, &index, &origins, &filter);
    }
    group.finish();
}

criterion_group!(benches, hours);
criterion_main!(benches);
