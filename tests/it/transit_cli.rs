//! `find --by transit`: the library's answers through the command line, and its errors.

use crate::common::{carefind, stderr, stdout};

use carefind::transit::{Timetable, TransitIndex, TransitOptions, TransitQuery};
use carefind::{CareLevel, Filter};

/// The 2022 substance-use directory's facilities inside New York City's box, saved as a
/// carefind CSV in `dir`.
fn nyc_facilities(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let path = carefind_testkit::datasets().join("samhsa_su_directory_2022_geo.csv");
    let loaded = carefind::load::findtreatment_export::from_path(
        path,
        &carefind::load::LoadOptions::lenient(),
    )
    .unwrap();
    let nyc: Vec<_> = loaded
        .facilities
        .into_iter()
        .filter(|f| carefind_testkit::in_new_york_city(f.location.lat(), f.location.lon()))
        .collect();
    let out = dir.path().join("nyc.csv");
    carefind::save::to_path(&out, &nyc).unwrap();
    out
}

#[test]
#[ignore = "needs ../shared/gtfs and ../shared/datasets"]
fn find_by_transit_answers_what_the_library_does() {
    let dir = tempfile::tempdir().unwrap();
    let data = nyc_facilities(&dir);
    let feed = carefind_testkit::gtfs("nyc_subway_gtfs.zip");
    let run = carefind(&[
        "find",
        "--near",
        "10027",
        "--by",
        "transit",
        "--gtfs",
        feed.to_str().unwrap(),
        "--depart",
        "2026-09-15T07:30",
        "--within",
        "45min",
        "--care",
        "otp",
        "--data",
        data.to_str().unwrap(),
        "--format",
        "json",
        "--all",
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    let rows: Vec<serde_json::Value> = serde_json::from_str(&stdout(&run)).unwrap();
    assert!(stderr(&run).contains("list no hours: open_at_arrival is unknown"));

    let index = carefind::Index::new(
        carefind::load::native::from_path(&data, &Default::default())
            .unwrap()
            .facilities,
    )
    .unwrap();
    let timetable = Timetable::load(&feed).unwrap();
    let otp = Filter::new().care(CareLevel::Otp);
    let query = TransitQuery {
        origin: carefind_places::resolve("10027").unwrap(),
        limit: usize::MAX,
        filter: &otp,
        options: TransitOptions {
            max_s: 45.0 * 60.0,
            open_for: Some(carefind::jiff::SignedDuration::ZERO),
            ..TransitOptions::default()
        },
    };
    let transit = TransitIndex::new(&timetable, &index, query.options.walking);
    let day = timetable.day("2026-09-15".parse().unwrap()).unwrap();
    let hits = transit.nearest(&day, &query, day.instant(7 * 3600 + 30 * 60));
    assert!(!hits.is_empty());
    assert_eq!(rows.len(), hits.len());
    for (row, hit) in rows.iter().zip(&hits) {
        assert_eq!(row["id"], hit.facility.id());
        let minutes = (hit.seconds / 6.0).round() / 10.0;
        assert_eq!(row["travel_min"].as_f64().unwrap(), minutes);
        assert_eq!(row["rides"], u64::from(hit.rides));
        assert_eq!(row["open_at_arrival"], "unknown");
        assert!(
            row["depart"]
                .as_str()
                .unwrap()
                .starts_with("2026-09-15T07:30")
        );
    }
}

#[test]
#[ignore = "needs ../shared/gtfs"]
fn find_by_transit_refuses_what_it_cannot_answer() {
    let feed = carefind_testkit::gtfs("nyc_subway_gtfs.zip");
    let feed = feed.to_str().unwrap();
    let base = ["find", "--near", "10027", "--by", "transit"];
    let refused = |extra: &[&str], says: &str| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        let run = carefind(&args);
        assert_eq!(run.status.code(), Some(2), "{args:?}");
        assert!(stderr(&run).contains(says), "{args:?}: {}", stderr(&run));
    };
    refused(
        &["--depart", "2026-09-15T07:30"],
        "--by transit needs --gtfs FEED",
    );
    refused(&["--gtfs", feed], "needs --depart TIME");
    refused(
        &[
            "--gtfs",
            feed,
            "--depart",
            "2026-09-15T07:30",
            "--open-at",
            "2026-09-15T08:00",
        ],
        "--open-at: cannot be used with --by transit",
    );
    refused(
        &["--gtfs", feed, "--depart", "2027-01-05T07:30"],
        "no trip runs on 2027-01-05: the feed runs from 2026-05-26 to 2026-10-31",
    );
    refused(&["--gtfs", feed, "--depart", "tomorrow"], "--depart");
    refused(
        &["--gtfs", "no/such.zip", "--depart", "2026-09-15T07:30"],
        "no/such.zip: no such file or folder",
    );
}
