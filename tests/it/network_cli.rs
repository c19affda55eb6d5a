//! `carefind network`, `find --by drive-time`, `--count`, `--fields` and `coverage` by drive
//! time and by 2SFCA, against the library and a direct computation.

use crate::common::{TempFile, carefind, stderr, stdout};

use std::path::PathBuf;

use carefind::analysis::access::{Cost, Decay, two_step};
use carefind::network::Network;
use carefind::network::drive::{Access, DriveIndex};
use carefind::{Filter, Index, LatLon, Query};

/// The Helsinki extract: the tests that read it are ignored by default and fail without it.
fn helsinki() -> PathBuf {
    carefind_testkit::osm("helsinki.osm.pbf")
}

/// Builds the Helsinki network and its health amenities as facilities.
fn built(dir: &tempfile::TempDir) -> (PathBuf, PathBuf) {
    let osm = helsinki();
    let net = dir.path().join("helsinki.net");
    let data = dir.path().join("amenities.csv");
    let osm = osm.to_str().unwrap();
    let run = carefind(&[
        "network",
        "build",
        "--osm",
        osm,
        "-o",
        net.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("kept")
            && stderr(&run).contains("largest strongly connected component")
    );
    let run = carefind(&[
        "network",
        "amenities",
        "--osm",
        osm,
        "-o",
        data.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    (net, data)
}

#[test]
#[ignore = "needs the OpenStreetMap extracts (../shared/osm or CAREFIND_OSM)"]
fn drive_time_answers_are_the_librarys() {
    let dir = tempfile::tempdir().unwrap();
    let (net, data) = built(&dir);
    let (net_s, data_s) = (net.to_str().unwrap(), data.to_str().unwrap());
    let run = carefind(&[
        "find",
        "--data",
        data_s,
        "--near",
        "60.170,24.941",
        "--network",
        net_s,
        "--by",
        "drive-time",
        "--limit",
        "4",
        "--format",
        "csv",
        "--fields",
        "id,drive_time_s,drive_distance_m",
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    let network = Network::load(&net).unwrap();
    let index = Index::new(
        carefind::load::native::from_path(&data, &carefind::load::LoadOptions::strict())
            .unwrap()
            .facilities,
    )
    .unwrap();
    let drive = DriveIndex::new(&network, &index, Access::default());
    let hits = drive
        .nearest(
            LatLon::new(60.170, 24.941).unwrap(),
            4,
            &Filter::new(),
            None,
        )
        .unwrap();
    let mut expected = String::from("id,drive_time_s,drive_distance_m\n");
    for hit in &hits {
        let round = |x: f64| (x * 1000.0).round() / 1000.0;
        expected.push_str(&format!(
            "{},{},{}\n",
            hit.facility.id(),
            round(hit.seconds),
            round(hit.drive_m)
        ));
    }
    assert_eq!(stdout(&run), expected);

    // Within a time, counted.
    let bound = hits[1].seconds.ceil();
    let within = drive
        .nearest(
            LatLon::new(60.170, 24.941).unwrap(),
            usize::MAX,
            &Filter::new(),
            Some(bound),
        )
        .unwrap();
    assert!(within.len() >= 2);
    let run = carefind(&[
        "find",
        "--data",
        data_s,
        "--near",
        "60.170,24.941",
        "--network",
        net_s,
        "--by",
        "drive-time",
        "--within",
        &format!("{bound}s"),
        "--count",
        "--format",
        "csv",
    ]);
    assert_eq!(
        stdout(&run),
        format!("origin_id,count\n,{}\n", within.len()),
        "{}",
        stderr(&run)
    );

    // Coverage by drive time equals each origin's nearest.
    let origins = TempFile::new(
        "helsinki-origins.csv",
        b"id,lat,lon\na,60.170,24.941\nb,60.165,24.950\nc,60.175,24.935\n",
    );
    let per_origin = dir.path().join("per-origin.csv");
    let run = carefind(&[
        "coverage",
        "--data",
        data_s,
        "--origins",
        origins.path(),
        "--network",
        net_s,
        "--rings",
        "2min,5min",
        "--care",
        "outpatient",
        "--per-origin",
        per_origin.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(
        stdout(&run).starts_with(
            "level,origins,weight,share_within_2min,share_within_5min,median_s,p90_s,not_reached\n"
        ),
        "{}",
        stdout(&run)
    );
    let written = std::fs::read_to_string(&per_origin).unwrap();
    for (line, (lat, lon)) in
        written
            .lines()
            .skip(1)
            .zip([(60.170, 24.941), (60.165, 24.950), (60.175, 24.935)])
    {
        let seconds: f64 = line.split(',').nth(2).unwrap().parse().unwrap();
        let filter = Filter::new().care(carefind::CareLevel::Outpatient);
        let nearest = drive
            .nearest(LatLon::new(lat, lon).unwrap(), 1, &filter, None)
            .unwrap();
        assert!(
            (seconds - nearest[0].seconds).abs() < 0.001,
            "{line} against {}",
            nearest[0].seconds
        );
    }
}

#[test]
fn networks_and_drive_time_refuse_what_they_cannot_use() {
    let run = carefind(&["find", "--near", "10001", "--by", "drive-time"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains("--by drive-time needs --network"),
        "{}",
        stderr(&run)
    );
    let text = TempFile::new("not-a-network.net", b"id,name\n");
    let run = carefind(&[
        "find",
        "--near",
        "10001",
        "--by",
        "drive-time",
        "--network",
        text.path(),
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains("not a carefind network")
            && stderr(&run).contains("not-a-network.net"),
        "{}",
        stderr(&run)
    );
    let run = carefind(&[
        "network",
        "build",
        "--osm",
        text.path(),
        "-o",
        "/tmp/never.net",
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains("not an OpenStreetMap PBF file"),
        "{}",
        stderr(&run)
    );
    let run = carefind(&["find", "--near", "10001", "--fields", "id,nope"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).contains("\"nope\" is not a column"));
    let run = carefind(&["find", "--origins", "-", "--count"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains("--count needs --within"),
        "{}",
        stderr(&run)
    );
}

#[test]
fn counts_and_fields_are_the_librarys() {
    let origins = TempFile::new(
        "count-origins.csv",
        b"id,lat,lon\nnyc,40.75,-73.99\nchi,41.88,-87.63\nsea,0.0,0.0\n",
    );
    let run = carefind(&[
        "find",
        "--origins",
        origins.path(),
        "--care",
        "otp",
        "--within",
        "10mi",
        "--count",
        "--format",
        "csv",
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    let index = Index::sample();
    let mut expected = String::from("origin_id,count\n");
    for (id, lat, lon) in [
        ("nyc", 40.75, -73.99),
        ("chi", 41.88, -87.63),
        ("sea", 0.0, 0.0),
    ] {
        let query = Query::default()
            .near(LatLon::new(lat, lon).unwrap())
            .max_distance(carefind::Distance::from_miles(10.0))
            .filter(Filter::new().care(carefind::CareLevel::Otp));
        expected.push_str(&format!("{id},{}\n", index.count(&query).unwrap()));
    }
    assert_eq!(stdout(&run), expected);
    let run = carefind(&[
        "find",
        "--near",
        "10001",
        "--limit",
        "2",
        "--fields",
        "name,id,distance",
        "--format",
        "ndjson",
    ]);
    let first = stdout(&run).lines().next().unwrap().to_string();
    assert!(
        first.starts_with("{\"name\":") && first.contains(",\"id\":") && first.ends_with('}'),
        "{first}"
    );
    let run = carefind(&[
        "find", "--near", "10001", "--limit", "1", "--fields", "id,phone", "--format", "csv",
    ]);
    assert!(stdout(&run).starts_with("id,phone\n"), "{}", stdout(&run));
}

#[test]
fn two_step_scores_equal_a_direct_computation() {
    let origins = TempFile::new(
        "2sfca-origins.csv",
        b"id,lat,lon,pop\na,40.75,-73.99,1000\nb,40.80,-73.95,3000\nc,40.70,-74.05,500\nd,40.60,-73.80,2500\n",
    );
    let per_origin = TempFile::new("2sfca-out.csv", b"");
    let run = carefind(&[
        "coverage",
        "--origins",
        origins.path(),
        "--weight-col",
        "pop",
        "--care",
        "otp",
        "--measure",
        "e2sfca",
        "--catchment",
        "12mi",
        "--decay",
        "step:4=1,8=0.6,12=0.2",
        "--per-origin",
        per_origin.path(),
        "--format",
        "csv",
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    // Every pair, by brute force over the facilities (no index), then the formula.
    let index = Index::sample();
    let points = [
        (40.75, -73.99),
        (40.80, -73.95),
        (40.70, -74.05),
        (40.60, -73.80),
    ];
    let demand = [1000.0, 3000.0, 500.0, 2500.0];
    let filter = Filter::new().care(carefind::CareLevel::Otp);
    let mut costs = Vec::new();
    for (i, (lat, lon)) in points.iter().enumerate() {
        let origin = LatLon::new(*lat, *lon).unwrap();
        for (j, facility) in index.facilities().enumerate() {
            if filter.matches(facility) {
                costs.push(Cost {
                    origin: i as u32,
                    facility: j as u32,
                    cost: origin.distance_m(facility.location()),
                });
            }
        }
    }
    let mile = 1609.344;
    let decay = Decay::Step(vec![
        (4.0 * mile, 1.0),
        (8.0 * mile, 0.6),
        (12.0 * mile, 0.2),
    ]);
    let expected = two_step(
        &costs,
        &demand,
        &vec![1.0; index.len()],
        12.0 * mile,
        &decay,
    );
    let written = std::fs::read_to_string(per_origin.path()).unwrap();
    for (line, score) in written.lines().skip(1).zip(&expected.score) {
        let ours: f64 = line.split(',').nth(2).unwrap().parse().unwrap();
        let score = score.unwrap();
        assert!(
            ((ours - score) / score).abs() < 1e-12,
            "{line} against {score}"
        );
    }
}

#[test]
#[ignore = "needs the OpenStreetMap extracts (../shared/osm or CAREFIND_OSM)"]
fn the_step_down_path_by_drive_time_ranks_each_stage_by_it() {
    let dir = tempfile::tempdir().unwrap();
    let (net, _) = built(&dir);
    // The sample's first 400 facilities, moved onto central Helsinki.
    let mut facilities: Vec<carefind::Facility> = Index::sample().into_facilities()[..400].to_vec();
    let mut state: u64 = 7;
    for facility in &mut facilities {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let (a, b) = (
            (state >> 11) as f64 / (1u64 << 53) as f64,
            (state >> 3 & 0xffff) as f64 / 65536.0,
        );
        facility.location = LatLon::new(60.164 + a * 0.014, 24.936 + b * 0.016).unwrap();
    }
    let data = dir.path().join("moved.csv");
    carefind::save::to_path(&data, &facilities).unwrap();
    let run = carefind(&[
        "pathway",
        "--data",
        data.to_str().unwrap(),
        "--near",
        "60.170,24.941",
        "--from",
        "detox",
        "--network",
        net.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    let document: serde_json::Value = serde_json::from_str(&stdout(&run)).unwrap();
    assert_eq!(document["by"], "drive-time");
    let network = Network::load(&net).unwrap();
    let index = Index::new(facilities).unwrap();
    let drive = DriveIndex::new(&network, &index, Access::default());
    let steps = document["steps"].as_array().unwrap();
    // The step-down path after detox: residential, PHP, IOP, outpatient.
    assert_eq!(steps.len(), 4);
    let path = carefind::analysis::pathway::PathwayQuery::new(LatLon::new(60.170, 24.941).unwrap());
    for step in steps {
        let stage: carefind::analysis::pathway::Stage =
            step["stage"].as_str().unwrap().parse().unwrap();
        let expected = drive
            .nearest(
                LatLon::new(60.170, 24.941).unwrap(),
                3,
                &path.step_filter(stage.levels()),
                None,
            )
            .unwrap();
        let ids: Vec<&str> = step["options"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].as_str().unwrap())
            .collect();
        let expected: Vec<&str> = expected.iter().map(|h| h.facility.id()).collect();
        assert_eq!(ids, expected, "{}", step["stage"]);
    }
    let trips: Vec<f64> = document["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["trip_s"].as_f64().unwrap())
        .collect();
    assert!(
        !trips.is_empty() && trips.windows(2).all(|w| w[0] <= w[1]),
        "{trips:?}"
    );
}

#[test]
#[ignore = "needs the OpenStreetMap extracts (../shared/osm or CAREFIND_OSM)"]
fn a_foot_network_has_every_way_a_person_may_walk_both_ways() {
    let dir = tempfile::tempdir().unwrap();
    let (car, _) = built(&dir);
    let foot = dir.path().join("walk.net");
    let run = carefind(&[
        "network",
        "build",
        "--osm",
        helsinki().to_str().unwrap(),
        "--profile",
        "foot",
        "-o",
        foot.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(stderr(&run).contains("walkable ways"), "{}", stderr(&run));
    let (car, foot) = (Network::load(car).unwrap(), Network::load(&foot).unwrap());
    // Footways, paths, steps and pedestrian streets join the streets a car may drive.
    assert!(foot.edge_count() > 3 * car.edge_count());
    // Every way is walked both ways: each edge has its twin, as long and as slow.
    for edge in 0..foot.edge_count() as u32 {
        let twin = foot
            .twin_of(edge)
            .expect("a one-way edge in a foot network");
        let ((a, b, m, s), (c, d, m2, s2)) = (foot.edge(edge), foot.edge(twin));
        assert_eq!((a, b, m, s), (d, c, m2, s2));
        assert!((m / s * 3.6 - 5.0).abs() < 1e-9, "{} km/h", m / s * 3.6);
    }
}
