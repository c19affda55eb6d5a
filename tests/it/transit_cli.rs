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

#[test]
#[ignore = "needs ../shared/gtfs"]
fn the_server_answers_by_transit_as_the_library_and_its_openapi_say() {
    use crate::common::app::App;
    use std::sync::Arc;

    let timetable =
        Arc::new(Timetable::load(carefind_testkit::gtfs("nyc_subway_gtfs.zip")).unwrap());
    let app = App::with(carefind_server::Config::new().transit(Arc::clone(&timetable)));
    let spec: serde_json::Value = serde_json::from_str(carefind_server::OPENAPI).unwrap();
    let page_schema = serde_json::json!({"$ref": "#/components/schemas/FacilityPage"});
    let ask = "/v1/facilities?near=10001&by=transit&depart=2026-09-15T07:30&within=45min&limit=3";
    let (status, body) = app.get(ask);
    assert_eq!(status, 200, "{body}");
    crate::serve::conforms(&body, &page_schema, &spec, "by transit")
        .unwrap_or_else(|e| panic!("{e}\n{body}"));
    assert_eq!(body["modes"][0], "subway");
    assert_eq!(body["time_zone"], "America/New_York");

    // The library's answer on the same data.
    let index = carefind::Index::sample();
    let everything = Filter::new();
    let query = TransitQuery {
        origin: carefind_places::resolve("10001").unwrap(),
        limit: usize::MAX,
        filter: &everything,
        options: TransitOptions {
            max_s: 45.0 * 60.0,
            open_for: Some(carefind::jiff::SignedDuration::ZERO),
            ..TransitOptions::default()
        },
    };
    let transit = TransitIndex::new(&timetable, &index, query.options.walking);
    let day = timetable.day("2026-09-15".parse().unwrap()).unwrap();
    let hits = transit.nearest(&day, &query, day.instant(7 * 3600 + 30 * 60));
    assert!(hits.len() > 3, "{} reached", hits.len());
    assert_eq!(body["total"], hits.len());
    for (i, hit) in hits.iter().take(3).enumerate() {
        assert_eq!(body["results"][i]["id"], hit.facility.id());
        assert_eq!(body["transit"][i]["id"], hit.facility.id());
        assert_eq!(
            body["transit"][i]["minutes"].as_f64().unwrap(),
            (hit.seconds / 6.0).round() / 10.0
        );
        assert!(
            body["transit"][i]["depart"]
                .as_str()
                .unwrap()
                .starts_with("2026-09-15T07:30:00-04:00")
        );
    }
    // The next page goes on by offset, and starts where this one ended.
    let next = body["next"].as_str().unwrap();
    assert!(next.contains("offset=3"), "{next}");
    let (_, second) = app.get(&next[next.find("/v1/").unwrap()..]);
    assert_eq!(second["results"][0]["id"], hits[3].facility.id());
    assert_eq!(second["results"][0]["rank"], 4);

    // A window reports the median and the percentile, and conforms too.
    let (status, window) = app.get(&format!("{ask}&window=20min&percentile=90"));
    assert_eq!(status, 200, "{window}");
    crate::serve::conforms(&window, &page_schema, &spec, "window").unwrap();
    assert!(window["transit"][0]["reached_share"].as_f64().unwrap() > 0.0);

    // What it cannot answer is refused, naming the parameter.
    for (extra, parameter) in [
        ("&open_at=2026-09-15T08:00", "open_at"),
        ("&arrive_by=2026-09-15T09:00", "arrive_by"),
        ("&depart=x", "depart"),
    ] {
        let path = format!("/v1/facilities?near=10001&by=transit&depart=2026-09-15T07:30{extra}");
        let (status, refused) = app.get(&path);
        assert_eq!(
            (status, refused["parameter"].as_str()),
            (400, Some(parameter)),
            "{path}: {refused}"
        );
    }
    let (status, refused) = app.get("/v1/facilities?near=10001&by=bus&depart=2026-09-15T07:30");
    assert_eq!((status, refused["parameter"].as_str()), (400, Some("by")));
    let (status, refused) = app.get("/v1/facilities?near=10001&depart=2026-09-15T07:30");
    assert_eq!(
        (status, refused["parameter"].as_str()),
        (400, Some("depart"))
    );
    let (status, refused) = app.get("/v1/facilities?near=10001&by=transit&depart=2027-01-05T07:30");
    assert_eq!(
        (status, refused["parameter"].as_str()),
        (400, Some("depart")),
        "{refused}"
    );

    // A server without a timetable says so.
    let plain = App::sample();
    let (status, refused) = plain.get(ask);
    assert_eq!((status, refused["parameter"].as_str()), (400, Some("by")));
    assert!(
        refused["error"]
            .as_str()
            .unwrap()
            .contains("no transit timetable")
    );
}

#[test]
#[ignore = "needs ../shared/gtfs and ../shared/datasets"]
fn coverage_by_transit_measures_the_librarys_journeys() {
    let dir = tempfile::tempdir().unwrap();
    let data = nyc_facilities(&dir);
    let feed = carefind_testkit::gtfs("nyc_subway_gtfs.zip");
    // 40 origins on a grid over Manhattan, the Bronx and Brooklyn, 100 to 4,000 people.
    let origins: Vec<(String, carefind::LatLon, f64)> = (0..40)
        .map(|i| {
            let lat = 40.62 + 0.0065 * f64::from(i);
            let lon = -74.01 + 0.0021 * f64::from(i % 7);
            let at = carefind::LatLon::new(lat, lon).unwrap();
            (format!("o{i}"), at, 100.0 + 97.0 * f64::from(i))
        })
        .collect();
    let path = dir.path().join("origins.csv");
    let mut text = String::from("id,lat,lon,pop\n");
    for (id, at, pop) in &origins {
        text.push_str(&format!("{id},{},{},{pop}\n", at.lat(), at.lon()));
    }
    std::fs::write(&path, text).unwrap();
    let per_origin = |measure: &[&str]| -> Vec<Option<f64>> {
        let out = dir.path().join("per_origin.csv");
        let mut args = vec![
            "coverage",
            "--origins",
            path.to_str().unwrap(),
            "--weight-col",
            "pop",
            "--care",
            "otp",
            "--data",
            data.to_str().unwrap(),
            "--gtfs",
            feed.to_str().unwrap(),
            "--depart",
            "2026-09-15T07:30",
            "--per-origin",
            out.to_str().unwrap(),
            "--format",
            "json",
        ];
        args.extend_from_slice(measure);
        let run = carefind(&args);
        assert!(run.status.success(), "{measure:?}: {}", stderr(&run));
        let mut reader = csv::Reader::from_path(&out).unwrap();
        reader
            .records()
            .map(|r| r.unwrap()[2].parse::<f64>().ok())
            .collect()
    };

    let index = carefind::Index::new(
        carefind::load::native::from_path(&data, &Default::default())
            .unwrap()
            .facilities,
    )
    .unwrap();
    let timetable = Timetable::load(&feed).unwrap();
    let otp = Filter::new().care(CareLevel::Otp);
    let options = TransitOptions {
        max_s: 45.0 * 60.0,
        open_for: Some(carefind::jiff::SignedDuration::ZERO),
        ..TransitOptions::default()
    };
    let transit = TransitIndex::new(&timetable, &index, options.walking);
    let day = timetable.day("2026-09-15".parse().unwrap()).unwrap();
    let depart = day.instant(7 * 3600 + 30 * 60);
    let journeys: Vec<Vec<(u32, f64)>> = origins
        .iter()
        .map(|(_, at, _)| {
            let query = TransitQuery {
                origin: *at,
                limit: usize::MAX,
                filter: &otp,
                options: options.clone(),
            };
            transit
                .nearest(&day, &query, depart)
                .iter()
                .map(|h| (index.position_of(h.facility).unwrap() as u32, h.seconds))
                .collect()
        })
        .collect();

    let nearest = per_origin(&["--rings", "30min,45min"]);
    let cumulative = per_origin(&["--measure", "cumulative", "--cutoff", "45min"]);
    let scores = per_origin(&["--measure", "2sfca", "--catchment", "45min"]);
    let costs: Vec<carefind::analysis::access::Cost> = journeys
        .iter()
        .enumerate()
        .flat_map(|(origin, hits)| {
            hits.iter()
                .map(move |&(facility, cost)| carefind::analysis::access::Cost {
                    origin: origin as u32,
                    facility,
                    cost,
                })
        })
        .collect();
    let demand: Vec<f64> = origins.iter().map(|o| o.2).collect();
    let expected = carefind::analysis::access::two_step(
        &costs,
        &demand,
        &vec![1.0; index.len()],
        45.0 * 60.0,
        &carefind::analysis::access::Decay::None,
    );
    let mut reached = 0;
    for (i, hits) in journeys.iter().enumerate() {
        let soonest = hits.iter().map(|h| h.1).reduce(f64::min);
        assert_eq!(
            nearest[i].map(|s| s.round()),
            soonest.map(f64::round),
            "origin {i}"
        );
        assert_eq!(cumulative[i], Some(hits.len() as f64), "origin {i}");
        match (scores[i], expected.score[i]) {
            (Some(ours), Some(theirs)) => assert!((ours - theirs).abs() <= 1e-12 * theirs),
            (ours, theirs) => assert_eq!(ours, theirs, "origin {i}"),
        }
        reached += usize::from(!hits.is_empty());
    }
    assert!(reached > 20, "only {reached} origins reach an OTP");

    let refused = carefind(&[
        "coverage",
        "--origins",
        path.to_str().unwrap(),
        "--gtfs",
        feed.to_str().unwrap(),
        "--depart",
        "2026-09-15T07:30",
        "--open-now",
    ]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("--open-now: cannot be used with --gtfs"));
}

#[test]
#[ignore = "needs ../shared/gtfs and ../shared/datasets"]
fn walks_to_and_from_stations_follow_the_streets_of_network() {
    use carefind::network::NetworkBuilder;
    use carefind::transit::{Streets, Walking};

    let dir = tempfile::tempdir().unwrap();
    let data = nyc_facilities(&dir);
    let feed = carefind_testkit::gtfs("nyc_subway_gtfs.zip");
    // A street grid over Harlem and the Upper West Side, a block about 220 m by 170 m.
    let mut ways = NetworkBuilder::new();
    let (rows, columns) = (30, 25);
    let node = |ways: &mut NetworkBuilder, r: i64, c: i64| {
        let at = carefind::LatLon::new(40.775 + r as f64 * 0.002, -73.985 + c as f64 * 0.002);
        ways.node(r * 100 + c, at.unwrap())
    };
    for r in 0..rows {
        for c in 0..columns {
            let here = node(&mut ways, r, c);
            if r + 1 < rows {
                let up = node(&mut ways, r + 1, c);
                ways.road(here, up, 5.0, true);
            }
            if c + 1 < columns {
                let east = node(&mut ways, r, c + 1);
                ways.road(here, east, 5.0, true);
            }
        }
    }
    let network = ways.finish().0;
    let net = dir.path().join("grid.net");
    network.save(&net).unwrap();
    let run = carefind(&[
        "find",
        "--near",
        "10027",
        "--by",
        "transit",
        "--gtfs",
        feed.to_str().unwrap(),
        "--network",
        net.to_str().unwrap(),
        "--depart",
        "2026-09-15T07:30",
        "--within",
        "45min",
        "--data",
        data.to_str().unwrap(),
        "--format",
        "json",
        "--all",
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    let rows: Vec<serde_json::Value> = serde_json::from_str(&stdout(&run)).unwrap();
    let origin = carefind_places::resolve("10027").unwrap();
    let streets = Streets::new(std::sync::Arc::new(network), 1000.0, 5.0);
    let walking = Walking::default();
    let mut walked = 0;
    for row in &rows {
        let at = carefind::LatLon::new(row["lat"].as_f64().unwrap(), row["lon"].as_f64().unwrap())
            .unwrap();
        let on_streets = streets.seconds(origin, at, &walking);
        if row["rides"] == 0 {
            // Walked all the way: the streets' time, not the straight line's.
            let seconds = on_streets.expect("walked, yet no walk on the streets");
            let minutes = (seconds.ceil() / 6.0).round() / 10.0;
            assert_eq!(row["walk_min"].as_f64().unwrap(), minutes, "{row}");
            walked += usize::from((seconds - walking.seconds(origin, at)).abs() > 1.0);
        } else if let Some(seconds) = on_streets {
            // Riding never beats walking the whole way by more than the rounding.
            assert!(
                row["travel_min"].as_f64().unwrap() * 60.0 <= seconds.ceil() + 6.0,
                "{row}"
            );
        }
    }
    assert!(
        walked > 0 && rows.len() > walked,
        "{walked} of {} walked",
        rows.len()
    );
}

#[test]
#[ignore = "needs ../shared/gtfs and ../shared/datasets"]
fn a_kept_timetable_answers_as_its_feed() {
    let dir = tempfile::tempdir().unwrap();
    let data = nyc_facilities(&dir);
    let feed = carefind_testkit::gtfs("nyc_subway_gtfs.zip");
    let kept = dir.path().join("nyc.timetable");
    let run = carefind(&[
        "timetable",
        "--gtfs",
        feed.to_str().unwrap(),
        "-o",
        kept.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("496 stations")
            && stderr(&run).contains("service from 2026-05-26 to 2026-10-31"),
        "{}",
        stderr(&run)
    );
    let answer = |gtfs: &std::path::Path| {
        let run = carefind(&[
            "find",
            "--near",
            "10027",
            "--by",
            "transit",
            "--gtfs",
            gtfs.to_str().unwrap(),
            "--depart",
            "2026-09-15T07:30",
            "--window",
            "20min",
            "--care",
            "otp",
            "--data",
            data.to_str().unwrap(),
            "--format",
            "csv",
            "--all",
        ]);
        assert!(run.status.success(), "{}", stderr(&run));
        stdout(&run)
    };
    let from_feed = answer(&feed);
    assert!(from_feed.lines().count() > 5);
    assert_eq!(answer(&kept), from_feed);
}
