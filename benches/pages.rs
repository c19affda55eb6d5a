//! The locator's results page against the JSON API's page of the same search, in-process
//! through the router (no socket): the nearest 10 of the real 14,034 SAMHSA facilities
//! (or of the embedded sample, when the real data is absent) from random US points.
//!
//! ```text
//! cargo bench --bench pages
//! ```

use std::hint::black_box;
use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use carefind::load::{self, LoadOptions};
use carefind::{CareLevel, Index, Locator};
use carefind_server::{Config, Server};
use criterion::{Criterion, criterion_group, criterion_main};
use tower::ServiceExt;

fn index() -> (Index, &'static str) {
    let dir = std::env::var_os("CAREFIND_DATASETS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/datasets").into());
    let path = dir.join("samhsa_sa_facilities_2021.csv");
    // The 2021 locator points carry names, addresses and phones but no levels of care:
    // outpatient, as the importer's tests read them.
    let options = LoadOptions::lenient().with_care(CareLevel::Outpatient.into());
    match load::geocoded::from_path(&path, &options) {
        Ok(loaded) => (
            Index::new(loaded.facilities).expect("an index"),
            "samhsa_14034",
        ),
        Err(_) => {
            eprintln!(
                "{} not found (set CAREFIND_DATASETS): the sample instead",
                path.display()
            );
            (Index::sample(), "sample_8000")
        }
    }
}

fn pages(c: &mut Criterion) {
    let (index, name) = index();
    let server = Server::new(
        Arc::new(Locator::new(index)),
        Config::new().access_log(false),
    )
    .expect("a server");
    let router = server.router();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let mut state: u64 = 0x9E37_79B9;
    let mut origin = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (
            25.0 + (state % 24_000) as f64 / 1000.0,
            -124.0 + (state >> 20) as f64 % 57_000.0 / 1000.0,
        )
    };
    let mut group = c.benchmark_group(format!("pages/{name}"));
    for (label, path) in [
        ("results_page", "/find?within=any&near="),
        ("api_page", "/v1/facilities?limit=10&near="),
    ] {
        group.bench_function(label, |b| {
            b.iter(|| {
                let (lat, lon) = origin();
                let request = Request::get(format!("{path}{lat:.3},{lon:.3}"))
                    .body(Body::empty())
                    .expect("a request");
                let router = router.clone();
                runtime.block_on(async move {
                    let response = router.oneshot(request).await.expect("an answer");
                    assert_eq!(response.status(), 200);
                    black_box(
                        axum::body::to_bytes(response.into_body(), usize::MAX)
                            .await
                            .expect("a body"),
                    )
                })
            })
        });
    }
    group.finish();
}

criterion_group!(benches, pages);
criterion_main!(benches);
