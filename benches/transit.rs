//! Transit on the real New York City subway timetable (../shared/gtfs or $CAREFIND_GTFS)
//! to the 2022 substance-use directory's facilities in the city (../shared/datasets or
//! $CAREFIND_DATASETS): loading the feed, laying out a day, one origin to every facility
//! for one departure, and for a 60-minute window of departures. Skipped with a message
//! when the data is absent.
//!
//! ```text
//! cargo bench --bench transit
//! ```

use std::hint::black_box;
use std::path::PathBuf;

use carefind::load::{LoadOptions, findtreatment_export};
use carefind::transit::{Timetable, TransitIndex, TransitOptions, TransitQuery, Window};
use carefind::{Filter, Index, LatLon};
use criterion::{Criterion, criterion_group, criterion_main};

fn shared(variable: &str, name: &str) -> PathBuf {
    std::env::var_os(variable)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../shared")
                .join(name)
        })
}

fn transit(c: &mut Criterion) {
    let feed = shared("CAREFIND_GTFS", "gtfs").join("nyc_subway_gtfs.zip");
    let directory =
        shared("CAREFIND_DATASETS", "datasets").join("samhsa_su_directory_2022_geo.csv");
    if !feed.is_file() || !directory.is_file() {
        eprintln!(
            "skipped: transit: {} or {} not found (set CAREFIND_GTFS and CAREFIND_DATASETS)",
            feed.display(),
            directory.display()
        );
        return;
    }
    let loaded = findtreatment_export::from_path(&directory, &LoadOptions::lenient())
        .expect("the directory loads");
    let nyc: Vec<_> = loaded
        .facilities
        .into_iter()
        .filter(|f| carefind_testkit::in_new_york_city(f.location.lat(), f.location.lon()))
        .collect();
    let index = Index::new(nyc).expect("the facilities index");
    let mut group = c.benchmark_group("transit");
    group.sample_size(10);
    group.bench_function("load the feed", |b| {
        b.iter(|| Timetable::load(black_box(&feed)).expect("the feed loads"))
    });
    let timetable = Timetable::load(&feed).expect("the feed loads");
    let kept_dir = tempfile::tempdir().expect("a temporary folder");
    let kept = kept_dir.path().join("nyc.timetable");
    timetable.save(&kept).expect("the timetable is kept");
    group.bench_function("load the kept timetable", |b| {
        b.iter(|| Timetable::load(black_box(&kept)).expect("the kept timetable loads"))
    });
    let date = "2026-09-15".parse().expect("a date");
    group.bench_function("lay out a day", |b| {
        b.iter(|| {
            timetable
                .day(black_box(date))
                .expect("service")
                .route_count()
        })
    });
    let day = timetable.day(date).expect("service");
    let all = Filter::new();
    let query = TransitQuery {
        origin: LatLon::new(40.8116, -73.9465).expect("ZIP 10027"),
        limit: usize::MAX,
        filter: &all,
        options: TransitOptions::default(),
    };
    let places = TransitIndex::new(&timetable, &index, query.options.walking);
    let depart = day.instant(7 * 3600 + 30 * 60);
    group.sample_size(50);
    group.bench_function("one origin to every facility, one departure", |b| {
        b.iter(|| places.nearest(&day, black_box(&query), depart).len())
    });
    group.sample_size(10);
    let window = Window {
        minutes: 60,
        percentile: 75.0,
    };
    group.bench_function("one origin to every facility, a 60-minute window", |b| {
        b.iter(|| places.window(&day, black_box(&query), depart, window).len())
    });
    group.finish();
}

criterion_group!(benches, transit);
criterion_main!(benches);
