//! Availability from the command line and over HTTP: feeds imported all or nothing (or
//! leniently, with a tally that adds up), stale reports kept out, exports that are feeds,
//! searches by open beds equal to the library's, closed listings hidden, two importers at
//! once, updates scoped by token, and acknowledged updates that survive `kill -9`.

use crate::common;

use std::collections::HashMap;
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use carefind::availability::feed::{self, Check, FeedFormat};
use carefind::availability::store::Store;
use carefind::availability::{Availability, Need};
use carefind::{CareGroup, Facility, Filter, Index, LatLon, Query, Status};
use common::server::Server;
use common::{TempFile, carefind, stderr, stdout};
use serde_json::Value;

const SAMPLE_FEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/datasets/sample-availability.csv"
);
const AS_OF: &str = "2026-06-01T12:00:00Z";

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn store_in(dir: &tempfile::TempDir) -> String {
    dir.path().join("availability.db").display().to_string()
}

#[test]
fn a_feed_with_bad_rows_applies_nothing_unless_lenient_and_the_tally_adds_up() {
    let dir = temp_dir();
    let store = store_in(&dir);
    let feed = TempFile::new(
        "feed.csv",
        b"id,care,accepting,beds_available,beds_total,updated_at\n\
          S00001,,yes,,,2026-06-01T08:00:00Z\n\
          NOPE,,,,,2026-06-01T08:00:00Z\n\
          S00002,,,5,4,2026-06-01T08:00:00Z\n\
          S00003,iop,,1,,2026-06-01T08:00:00Z\n",
    );
    let strict = carefind(&["availability", "import", feed.path(), "--store", &store]);
    assert_eq!(strict.status.code(), Some(2));
    let said = stderr(&strict);
    assert!(
        said.contains(r#"line 3: id "NOPE" is not a facility in the directory"#),
        "{said}"
    );
    assert!(
        said.contains(r#"line 4: beds_available "5" is more than beds_total (4)"#),
        "{said}"
    );
    assert!(
        said.contains("read 4, applied 0, stale 0, rejected 2"),
        "{said}"
    );
    assert!(
        !std::path::Path::new(&store).exists(),
        "a refused feed creates nothing"
    );

    let lenient = carefind(&[
        "availability",
        "import",
        feed.path(),
        "--store",
        &store,
        "--lenient",
    ]);
    assert_eq!(lenient.status.code(), Some(0), "{}", stderr(&lenient));
    assert!(stderr(&lenient).contains("read 4, applied 2, stale 0, rejected 2"));

    // The same feed again: every report is a tie, applied again; an older copy is stale.
    let older = TempFile::new(
        "older.csv",
        b"id,beds_available,updated_at\nS00001,9,2026-05-30T08:00:00Z\n",
    );
    let stale = carefind(&["availability", "import", older.path(), "--store", &store]);
    assert!(
        stderr(&stale).contains("read 1, applied 0, stale 1, rejected 0"),
        "{}",
        stderr(&stale)
    );
    let show = carefind(&[
        "availability",
        "show",
        "S00001",
        "--store",
        &store,
        "--format",
        "json",
    ]);
    let shown: Value = serde_json::from_str(&stdout(&show)).unwrap();
    assert_eq!(shown["current"][0]["accepting"], true);
    assert_eq!(shown["current"][0]["beds_available"], Value::Null);
    assert_eq!(shown["history"][0]["applied"], false, "{shown}");
    assert_eq!(shown["history"][0]["beds_available"], 9);
    let unknown = carefind(&["availability", "show", "S07999", "--store", &store]);
    assert_eq!(unknown.status.code(), Some(1));
}

#[test]
fn an_export_is_a_feed_that_imports_to_the_same_store() {
    let dir = temp_dir();
    let store = store_in(&dir);
    let import = carefind(&["availability", "import", SAMPLE_FEED, "--store", &store]);
    assert!(
        stderr(&import).contains("read 3672, applied 3672, stale 0, rejected 0"),
        "{}",
        stderr(&import)
    );
    let csv = stdout(&carefind(&["availability", "export", "--store", &store]));
    assert_eq!(csv.lines().count(), 3673);
    for format in ["csv", "json", "ndjson"] {
        let exported = dir.path().join(format!("export.{format}"));
        let exported = exported.to_str().unwrap();
        let written = carefind(&[
            "availability",
            "export",
            "--store",
            &store,
            "--format",
            format,
            "-o",
            exported,
        ]);
        assert_eq!(written.status.code(), Some(0));
        let again = dir.path().join(format!("again-{format}.db"));
        let again = again.to_str().unwrap();
        let import = carefind(&["availability", "import", exported, "--store", again]);
        assert!(
            stderr(&import).contains("applied 3672"),
            "{format}: {}",
            stderr(&import)
        );
        assert_eq!(
            stdout(&carefind(&["availability", "export", "--store", again])),
            csv,
            "{format}"
        );
    }
}

/// The sample's feed as the library reads it.
fn sample_table() -> Arc<Availability> {
    let bytes = std::fs::read(SAMPLE_FEED).unwrap();
    let now = AS_OF.parse().unwrap();
    let feed = feed::read(&bytes, FeedFormat::Csv, &Check::at(now)).unwrap();
    Arc::new(Availability::new().with(feed.updates).table)
}

#[test]
fn searches_by_open_beds_acceptance_and_wait_equal_the_library() {
    let dir = temp_dir();
    let store = store_in(&dir);
    carefind(&["availability", "import", SAMPLE_FEED, "--store", &store]);
    let index = Index::sample();
    let table = sample_table();
    let origin = LatLon::new(40.7506, -73.9972).unwrap();
    let cases: [(&[&str], Need); 4] = [
        (
            &["--open-beds", "1"],
            Need::at(AS_OF.parse().unwrap()).open_beds(1),
        ),
        (
            &["--accepting"],
            Need::at(AS_OF.parse().unwrap()).accepting(),
        ),
        (
            &["--max-wait", "3"],
            Need::at(AS_OF.parse().unwrap()).max_wait_days(3),
        ),
        (
            &["--open-beds", "2", "--fresh-within", "24h"],
            Need::at(AS_OF.parse().unwrap())
                .open_beds(2)
                .fresh_within(jiff::SignedDuration::from_hours(24)),
        ),
    ];
    for (flags, need) in cases {
        let mut args = vec![
            "find", "--near", "10001", "--care", "detox", "--store", &store, "--as-of", AS_OF,
            "--format", "json", "--limit", "15",
        ];
        args.extend_from_slice(flags);
        let output = carefind(&args);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{flags:?}: {}",
            stderr(&output)
        );
        let records: Vec<Value> = serde_json::from_str(&stdout(&output)).unwrap();
        let filter = Filter::new()
            .care(CareGroup::Detox)
            .available(Arc::clone(&table), need);
        let expected = index
            .search(&Query::nearest(origin, 15).filter(filter))
            .unwrap();
        let got: Vec<&str> = records.iter().map(|r| r["id"].as_str().unwrap()).collect();
        let want: Vec<&str> = expected.iter().map(|h| h.facility.id()).collect();
        assert_eq!(got, want, "{flags:?}");
        for record in &records {
            let updated: jiff::Timestamp = record["availability_updated"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!(updated >= need.now - need.fresh_within, "{record}");
            if let Some(beds) = need.open_beds {
                assert!(record["beds_available"].as_u64().unwrap() >= u64::from(beds));
            }
        }
    }
    // Judged now (December), every report of June is stale: unknown is never yes.
    let now = carefind(&[
        "find",
        "--near",
        "10001",
        "--within",
        "25mi",
        "--open-beds",
        "1",
        "--store",
        &store,
    ]);
    assert_eq!(now.status.code(), Some(1), "{}", stdout(&now));
    // ... and the answer says how many match but have not reported, and lists them on request.
    let near = Query::within(origin, carefind::Distance::from_miles(25.0));
    let unreported = index
        .left_out(
            &near
                .clone()
                .filter(Filter::new().available(Arc::clone(&table), Need::now().open_beds(1))),
        )
        .unwrap()
        .availability_unknown;
    assert!(unreported > 0);
    assert!(
        stderr(&now).contains(&format!(
            "carefind: {unreported} more facilities match but have no recent availability report: call to ask"
        )),
        "{}",
        stderr(&now)
    );
    let listed = carefind(&[
        "find",
        "--near",
        "10001",
        "--within",
        "25mi",
        "--open-beds",
        "1",
        "--include-unknown",
        "--store",
        &store,
        "--format",
        "json",
        "--limit",
        "1000",
    ]);
    assert_eq!(listed.status.code(), Some(0), "{}", stderr(&listed));
    let records: Vec<Value> = serde_json::from_str(&stdout(&listed)).unwrap();
    assert_eq!(records.len(), unreported);
    assert!(!stderr(&listed).contains("no recent availability report"));
    // Without a store, the flag says what it needs.
    let missing = carefind(&["find", "--near", "10001", "--open-beds", "1"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("--open-beds needs availability: give --store FILE"));
}

fn dataset(facilities: &[Facility]) -> TempFile {
    let mut csv = Vec::new();
    carefind::save::to_writer(&mut csv, "test", facilities).unwrap();
    TempFile::new("data.csv", &csv)
}

#[test]
fn closed_listings_are_hidden_unless_asked_and_old_ones_left_out_on_request() {
    let today = jiff::Timestamp::now().as_second() / 86_400;
    let day = |ago: i64| jiff::civil::date(1970, 1, 1) + jiff::Span::new().days(today - ago);
    let at = |id: &str, lat: f64, status: Status, verified: Option<i64>| {
        let mut f = Facility::new(id, id.to_uppercase(), LatLon::new(lat, -75.0).unwrap());
        f.care = "iop".parse().unwrap();
        f.status = status;
        f.verified = verified.map(day);
        f
    };
    let data = dataset(&[
        at("a", 40.00, Status::Active, Some(10)),
        at("b", 40.01, Status::TemporarilyClosed, Some(10)),
        at("c", 40.02, Status::Closed, None),
        at("d", 40.03, Status::Active, Some(400)),
    ]);
    let find = |extra: &[&str]| {
        let mut args = vec![
            "find",
            "--data",
            data.path(),
            "--near",
            "40,-75",
            "--format",
            "csv",
        ];
        args.extend_from_slice(extra);
        let output = carefind(&args);
        let ids: Vec<String> = stdout(&output)
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(1).unwrap().to_string())
            .collect();
        (ids, stderr(&output))
    };
    let (ids, said) = find(&[]);
    assert_eq!(ids, ["a", "d"]);
    assert!(said.contains("left out 2 closed facilities"), "{said}");
    let (ids, said) = find(&["--include-closed"]);
    assert_eq!(ids, ["a", "b", "c", "d"]);
    assert!(!said.contains("left out"), "{said}");
    assert_eq!(find(&["--verified-within", "365d"]).0, ["a"]);
    assert_eq!(
        find(&["--verified-within", "2y", "--include-closed"]).0,
        ["a", "b", "d"]
    );
    let bad = carefind(&[
        "find",
        "--data",
        data.path(),
        "--near",
        "40,-75",
        "--verified-within",
        "soon",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("--verified-within"),
        "{}",
        stderr(&bad)
    );

    let stats = stdout(&carefind(&[
        "stats",
        "--data",
        data.path(),
        "--by",
        "status",
        "--format",
        "csv",
    ]));
    assert!(stats.contains("status,active,2"), "{stats}");
    assert!(stats.contains("status,temporarily-closed,1"), "{stats}");
    assert!(stats.contains("status,closed,1"), "{stats}");
}

#[test]
fn two_importers_at_once_both_land_whole() {
    let dir = temp_dir();
    let store = store_in(&dir);
    let feeds: Vec<TempFile> = (0..2)
        .map(|n| {
            let mut csv = String::from("id,beds_available,updated_at\n");
            for i in 0..3000 {
                csv.push_str(&format!(
                    "S{:05},{n},2026-06-01T08:{:02}:00Z\n",
                    i + 3000 * n,
                    i % 60
                ));
            }
            TempFile::new("feed.csv", csv.as_bytes())
        })
        .collect();
    let children: Vec<_> = feeds
        .iter()
        .map(|feed| {
            Command::new(env!("CARGO_BIN_EXE_carefind"))
                .args(["availability", "import", feed.path(), "--store", &store])
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        assert!(
            stderr(&output).contains("applied 3000"),
            "{}",
            stderr(&output)
        );
    }
    let table = Store::open(&store).unwrap().load().unwrap();
    assert_eq!(table.len(), 6000);
    assert_eq!(table.reports("S05999")[0].beds_available, Some(1));
}

#[test]
fn a_file_that_is_not_a_store_is_refused_and_left_alone() {
    let text = TempFile::new(
        "notes.db",
        b"id,name\nthis is a csv file, not a database at all\n",
    );
    let feed = TempFile::new("feed.csv", b"id,updated_at\nS00001,2026-06-01T08:00:00Z\n");
    let output = carefind(&[
        "availability",
        "import",
        feed.path(),
        "--store",
        text.path(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("is not an availability store"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read(&text.0).unwrap(),
        b"id,name\nthis is a csv file, not a database at all\n"
    );
}

#[test]
fn diff_names_every_change_and_exits_like_diff() {
    let at = |id: &str, lat: f64| {
        let mut f = Facility::new(id, id.to_uppercase(), LatLon::new(lat, -75.0).unwrap());
        f.care = "iop".parse().unwrap();
        f.state = "PA".into();
        f
    };
    let old = dataset(&[at("a", 40.0), at("b", 40.0), at("c", 40.0)]);
    let mut b = at("b", 40.002);
    b.care = "iop;otp".parse().unwrap();
    let new = dataset(&[at("a", 40.0), b, at("d", 40.0)]);
    let same = carefind(&["diff", old.path(), old.path()]);
    assert_eq!(same.status.code(), Some(0));
    assert_eq!(stdout(&same), "change,id,field,old,new,distance_m\n");
    let differ = carefind(&["diff", old.path(), new.path()]);
    assert_eq!(differ.status.code(), Some(1));
    assert_eq!(
        stdout(&differ),
        "change,id,field,old,new,distance_m\n\
         moved,b,location,\"40,-75\",\"40.002,-75\",222.4\n\
         changed,b,care,iop,iop;otp,\n\
         removed,c,,C,,\n\
         added,d,,,D,\n"
    );
    assert!(
        stderr(&differ).contains("1 added; 1 removed; 0 new-id; 1 moved; 1 changed"),
        "{}",
        stderr(&differ)
    );
    assert!(
        stderr(&differ).contains("by state: PA 3"),
        "{}",
        stderr(&differ)
    );
    let missing = carefind(&["diff", old.path(), "/nonexistent.csv"]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
#[ignore = "needs the real datasets (../shared/datasets or CAREFIND_DATASETS)"]
fn diff_finds_exactly_the_edits_made_to_a_real_release() {
    let datasets = common::datasets();
    let dir = temp_dir();
    let release = dir.path().join("sa_2021.csv");
    let release = release.to_str().unwrap();
    let source = datasets.join("samhsa_sa_facilities_2021.csv");
    let import = carefind(&[
        "import",
        "--lenient",
        "--care",
        "outpatient",
        source.to_str().unwrap(),
        "-o",
        release,
    ]);
    assert!(import.status.success(), "{}", stderr(&import));
    let mut facilities =
        carefind::load::native::from_path(release, &carefind::load::LoadOptions::strict())
            .unwrap()
            .facilities;
    let count = facilities.len();
    assert!(count > 10_000, "{count}");
    // 10 removed, 7 moved by about 1 km, 5 renamed, 4 closed, 3 added.
    facilities.drain(100..110);
    for f in facilities.iter_mut().skip(1000).step_by(500).take(7) {
        f.location = LatLon::new(f.location.lat() + 0.009, f.location.lon()).unwrap();
    }
    for f in facilities.iter_mut().skip(2001).step_by(300).take(5) {
        f.name.push_str(" (renamed)");
    }
    for f in facilities.iter_mut().skip(3003).step_by(200).take(4) {
        f.status = Status::Closed;
    }
    for i in 0..3 {
        let mut f = Facility::new(
            format!("new-{i}"),
            "New program",
            LatLon::new(35.0, -80.0).unwrap(),
        );
        f.care = "iop".parse().unwrap();
        facilities.push(f);
    }
    let edited = dataset(&facilities);
    let output = carefind(&["diff", release, edited.path(), "--format", "ndjson"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let mut counts: HashMap<(String, String), usize> = HashMap::new();
    for line in stdout(&output).lines() {
        let change: Value = serde_json::from_str(line).unwrap();
        let key = (
            change["change"].as_str().unwrap().to_string(),
            change["field"].as_str().unwrap().to_string(),
        );
        *counts.entry(key).or_default() += 1;
        if change["change"] == "moved" {
            let moved = change["distance_m"].as_f64().unwrap();
            assert!((990.0..1010.0).contains(&moved), "{change}");
        }
    }
    let count_of = |change: &str, field: &str| {
        counts
            .get(&(change.into(), field.into()))
            .copied()
            .unwrap_or(0)
    };
    assert_eq!(count_of("removed", ""), 10);
    assert_eq!(count_of("moved", "location"), 7);
    assert_eq!(count_of("changed", "name"), 5);
    assert_eq!(count_of("changed", "status"), 4);
    assert_eq!(count_of("added", ""), 3);
    assert_eq!(counts.values().sum::<usize>(), 29, "{counts:?}");
    println!("diff of the 2021 release against its edited copy: {counts:?}");
}

/// Two releases from two sources: the 2022 SU directory's Massachusetts facilities (the
/// geocoded file's 370) and the 2025 FindTreatment export for Massachusetts (660), neither
/// with ids of its own. Ids derived from the normalized name and address are shared by
/// 183 of the 370 (60 when the phone and point were in them); matched by name, or by
/// address and phone, within 300 m, 34 more are one facility under a new id.
#[test]
#[ignore = "needs the real datasets (../shared/datasets or CAREFIND_DATASETS)"]
fn diff_pairs_a_facility_across_releases_whose_ids_differ() {
    let datasets = common::datasets();
    let dir = temp_dir();
    let import = |source: &str, out: &str| {
        let path = dir.path().join(out).display().to_string();
        let import = carefind(&[
            "import",
            "--lenient",
            datasets.join(source).to_str().unwrap(),
            "-o",
            &path,
        ]);
        assert!(import.status.success(), "{}", stderr(&import));
        path
    };
    let su = import("samhsa_su_directory_2022_geo.csv", "su22.csv");
    let ma25 = import("findtreatment_export_ma_2025.csv", "ma25.csv");
    let ma22: Vec<Facility> =
        carefind::load::native::from_path(&su, &carefind::load::LoadOptions::strict())
            .unwrap()
            .facilities
            .into_iter()
            .filter(|f| f.state == "MA")
            .collect();
    assert_eq!(ma22.len(), 370);
    let ma22 = dataset(&ma22);
    let count = |args: &[&str], change: &str| {
        let output =
            carefind(&[&["diff", ma22.path(), &ma25, "--format", "ndjson"], args].concat());
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        stdout(&output)
            .lines()
            .map(|line| serde_json::from_str::<Value>(line).unwrap())
            .filter(|c| c["change"] == change)
            .count()
    };
    assert_eq!(count(&["--match-within", "0m"], "removed"), 187);
    assert_eq!(count(&["--match-within", "0m"], "added"), 477);
    let paired = count(&[], "new-id");
    assert_eq!(paired, 34);
    assert_eq!(count(&[], "removed"), 187 - paired);
    assert_eq!(count(&[], "added"), 477 - paired);
}

// ---------------------------------------------------------------------------------------
// Over HTTP.

fn sha256_hex(token: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A tokens file: `staff` may update S00001 and S00002, `hotline` every facility.
fn tokens() -> TempFile {
    let text = format!(
        "token_sha256,facilities\n{},S00001;S00002\n{},*\n",
        sha256_hex("staff-secret"),
        sha256_hex("hotline-secret")
    );
    TempFile::new("tokens.csv", text.as_bytes())
}

fn now_text() -> String {
    jiff::Timestamp::now().to_string()
}

/// Ways in that staff report (by PUT, or in a feed) override the listing's: in searches
/// and records over HTTP, on the facility page, and on the command line.
#[test]
fn reported_ways_in_override_the_listing_everywhere() {
    let dir = temp_dir();
    let store = store_in(&dir);
    let tokens = tokens();
    let server = Server::start(&["--store", &store, "--tokens", tokens.path()], None);
    // S00001 (Jacksonville) lists walk-ins and does not say whether medication can
    // start on the first visit.
    let near = "/v1/facilities?near=30.32102,-81.72984&within=1mi";
    let ids = common::result_ids;
    let (_, walk_ins) = server.get(&format!("{near}&walk_in=yes"));
    assert!(ids(&walk_ins).contains(&"S00001".to_string()), "{walk_ins}");
    let (_, same_day) = server.get(&format!("{near}&same_day_medication=yes"));
    assert!(
        !ids(&same_day).contains(&"S00001".to_string()),
        "{same_day}"
    );
    let unknown_before = same_day["left_out"]["getting_in_unknown"].as_u64().unwrap();

    let now = now_text();
    let (status, body) = server.put(
        "/v1/facilities/S00001/availability",
        &[
            ("Content-Type", "application/json"),
            ("Authorization", "Bearer staff-secret"),
        ],
        format!(r#"{{"walk_in":"no","same_day_medication":true,"updated_at":"{now}"}}"#).as_bytes(),
    );
    assert_eq!(status, 200, "{body}");
    let (status, body) = server.put(
        "/v1/facilities/S00001/availability",
        &[
            ("Content-Type", "application/json"),
            ("Authorization", "Bearer staff-secret"),
        ],
        format!(r#"{{"walk_in":"Mo-Fr 8-11","updated_at":"{now}"}}"#).as_bytes(),
    );
    assert_eq!(
        (status, &body["parameter"]),
        (422, &Value::from("walk_in")),
        "{body}"
    );

    let (_, same_day) = server.get(&format!("{near}&same_day_medication=yes"));
    let found = &same_day["results"][0];
    assert_eq!(found["id"], "S00001", "{same_day}");
    assert_eq!(found["reported_same_day_medication"], true);
    assert_eq!(found["reported_walk_in"], "no");
    assert_eq!(
        found["walk_in"], "yes",
        "the listing's own word is kept apart"
    );
    assert!(found["ways_in_updated"].is_string(), "{found}");
    // How current and how reliably kept: updated today, on 1 of the last 30 days.
    assert_eq!(
        found["last_updated"].as_str().unwrap(),
        now.parse::<jiff::Timestamp>().unwrap().to_string()
    );
    assert_eq!(found["days_updated_of_30"], 1, "{found}");
    assert_eq!(
        same_day["left_out"]["getting_in_unknown"],
        unknown_before - 1,
        "{same_day}"
    );
    let (_, walk_ins) = server.get(&format!("{near}&walk_in=yes"));
    assert!(
        !ids(&walk_ins).contains(&"S00001".to_string()),
        "{walk_ins}"
    );

    let (status, html) = server.get_text("/facility/S00001");
    assert_eq!(status, 200);
    assert!(
        html.contains("Walk-in and medication facts reported by the facility"),
        "{html}"
    );
    assert!(!html.contains("Walk-ins welcome"), "reported no walk-ins");
    assert!(html.contains("Medication on the first visit"), "{html}");
    assert!(
        html.contains("Availability updated on 1 of the last 30 days."),
        "{html}"
    );
    drop(server);

    // The command line reads the same store: a way in only a report states is found.
    let found = carefind(&[
        "find",
        "--near",
        "30.32102,-81.72984",
        "--within",
        "1mi",
        "--same-day-medication",
        "--store",
        &store,
        "--format",
        "csv",
        "--fields",
        "id,same_day_medication,reported_same_day_medication",
    ]);
    assert!(
        stdout(&found).contains("S00001,,yes"),
        "{}{}",
        stdout(&found),
        stderr(&found)
    );
    let show = carefind(&["availability", "show", "S00001", "--store", &store]);
    assert!(
        stdout(&show).contains("no walk-ins, same-day medication"),
        "{}",
        stdout(&show)
    );
}

#[test]
fn updates_over_http_are_scoped_checked_ordered_and_seen_by_the_next_query() {
    let dir = temp_dir();
    let store = store_in(&dir);
    let tokens = tokens();
    let server = Server::start(&["--store", &store, "--tokens", tokens.path()], None);
    let json = ("Content-Type", "application/json");
    let staff = ("Authorization", "Bearer staff-secret");
    let update = |beds: u32, at: &str| {
        format!(
            r#"{{"beds_available":{beds},"beds_total":10,"accepting":true,"updated_at":"{at}"}}"#
        )
    };
    let now = now_text();

    let (status, body) = server.put(
        "/v1/facilities/S00001/availability",
        &[json],
        update(1, &now).as_bytes(),
    );
    assert_eq!(
        (status, &body["parameter"]),
        (401, &Value::from("authorization")),
        "{body}"
    );
    let (status, _) = server.put(
        "/v1/facilities/S00001/availability",
        &[json, ("Authorization", "Bearer guess")],
        update(1, &now).as_bytes(),
    );
    assert_eq!(status, 401);
    let (status, body) = server.put(
        "/v1/facilities/S00003/availability",
        &[json, staff],
        update(1, &now).as_bytes(),
    );
    assert_eq!(
        (status, &body["parameter"]),
        (403, &Value::from("id")),
        "{body}"
    );
    let (status, body) = server.put(
        "/v1/facilities/S00001/availability",
        &[json, staff],
        update(11, &now).as_bytes(),
    );
    assert_eq!(
        (status, &body["parameter"]),
        (422, &Value::from("beds_available")),
        "{body}"
    );
    assert_eq!(body["problems"][0]["value"], "11");
    let (status, body) = server.put(
        "/v1/facilities/S00001/availability",
        &[json, staff],
        br#"{"beds_available":-2}"#,
    );
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["problems"].as_array().unwrap().len(), 2, "{body}");
    let (status, _) = server.put(
        "/v1/facilities/S00001/availability",
        &[json, staff],
        b"[1,2]",
    );
    assert_eq!(status, 400);
    let (status, _) = server.put(
        "/v1/facilities/NOPE/availability",
        &[json, ("Authorization", "Bearer hotline-secret")],
        update(1, &now).as_bytes(),
    );
    assert_eq!(status, 404);

    let (status, before) = server.get("/v1/facilities?near=32205&within=25mi&open_beds=3&limit=1");
    assert_eq!(status, 200);
    assert_eq!(before["total"], 0);
    // Nothing has reported: every program within 25 miles is left out for want of a
    // report, not for a "no", and the answer says how many.
    let (_, near) = server.get("/v1/facilities?near=32205&within=25mi&limit=1");
    let unreported = near["total"].as_u64().unwrap();
    assert!(unreported > 1, "{near}");
    assert_eq!(before["left_out"]["availability_unknown"], unreported);
    let (_, listed) =
        server.get("/v1/facilities?near=32205&within=25mi&open_beds=3&include_unknown=true");
    assert_eq!(listed["total"], unreported);
    assert_eq!(listed["left_out"]["availability_unknown"], 0);
    let (status, body) = server.put(
        "/v1/facilities/S00001/availability",
        &[json, staff],
        update(3, &now).as_bytes(),
    );
    assert_eq!(
        (status, &body["applied"]),
        (200, &Value::from(true)),
        "{body}"
    );
    let (_, after) = server.get("/v1/facilities?near=32205&within=25mi&open_beds=3&limit=1");
    assert_eq!(after["results"][0]["id"], "S00001", "{after}");
    assert_eq!(
        after["left_out"]["availability_unknown"],
        unreported - 1,
        "{after}"
    );
    assert_eq!(after["results"][0]["beds_available"], 3);
    assert_eq!(
        after["results"][0]["availability_updated"]
            .as_str()
            .unwrap(),
        now.parse::<jiff::Timestamp>().unwrap().to_string()
    );
    // An older report is kept in the history but changes nothing.
    let (_, body) = server.put(
        "/v1/facilities/S00001/availability",
        &[json, staff],
        update(0, "2020-01-01T00:00:00Z").as_bytes(),
    );
    assert_eq!(body["stale"], true, "{body}");
    let (_, one) = server.get("/v1/facilities/S00001");
    assert_eq!(one["beds_available"], 3, "{one}");

    // A feed: all or nothing, in the token's scope.
    let csv = format!("id,beds_available,updated_at\nS00002,4,{now}\nS00003,4,{now}\n");
    let csv_type = ("Content-Type", "text/csv");
    let (status, body) = server.post("/v1/availability", &[csv_type, staff], csv.as_bytes());
    assert_eq!(
        (status, &body["parameter"]),
        (403, &Value::from("id")),
        "{body}"
    );
    let (status, body) = server.post(
        "/v1/availability",
        &[csv_type, ("Authorization", "Bearer hotline-secret")],
        csv.as_bytes(),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["read"].as_u64(), body["applied"].as_u64()),
        (Some(2), Some(2))
    );
    let bad = format!(
        "{{\"id\":\"S00002\",\"updated_at\":\"{now}\"}}\n{{\"id\":\"S00002\",\"wait_days\":\"soon\",\"updated_at\":\"{now}\"}}\n"
    );
    let (status, body) = server.post(
        "/v1/availability",
        &[("Content-Type", "application/x-ndjson"), staff],
        bad.as_bytes(),
    );
    assert_eq!(
        (status, &body["parameter"]),
        (422, &Value::from("wait_days")),
        "{body}"
    );
    let (status, _) = server.post(
        "/v1/availability",
        &[("Content-Type", "text/plain"), staff],
        b"x",
    );
    assert_eq!(status, 415);

    // The log names routes, never a token or a body.
    drop(server);
    let store = Store::open(&store).unwrap();
    assert_eq!(
        store.current_of("S00003").unwrap()[0].beds_available,
        Some(4)
    );
    assert_eq!(store.history_of("S00001", 10).unwrap().len(), 2);
}

/// A reload reads the token file again: a revoked token gets 401 right after it, a new
/// one works, and a file that no longer reads leaves the tokens (and the data) as they
/// were. The scheme is matched in any case.
#[test]
fn a_reload_revokes_tokens_removed_from_the_file() {
    use carefind_server::{Config, Tokens};

    let dir = temp_dir();
    let store = Store::open(store_in(&dir)).unwrap();
    let file = dir.path().join("tokens.csv");
    let write = |rows: &[(&str, &str)]| {
        let mut text = String::from("token_sha256,facilities\n");
        for (token, scope) in rows {
            text.push_str(&format!("{},{scope}\n", sha256_hex(token)));
        }
        std::fs::write(&file, text).unwrap();
    };
    write(&[("staff-secret", "S00001"), ("hotline-secret", "*")]);
    let app = crate::common::app::App::with(
        Config::new()
            .store(store)
            .tokens(Tokens::from_path(&file).unwrap())
            .admin_token(Some("admin-secret".into())),
    );
    let put = |token: &str| {
        let body = format!(r#"{{"accepting":true,"updated_at":"{}"}}"#, now_text());
        app.put(
            "/v1/facilities/S00001/availability",
            &[
                ("Content-Type", "application/json"),
                ("Authorization", token),
            ],
            body.as_bytes(),
        )
        .0
    };
    let reload = || {
        app.post(
            "/v1/admin/reload",
            &[("Authorization", "Bearer admin-secret")],
            b"",
        )
    };
    assert_eq!(put("Bearer staff-secret"), 200);
    assert_eq!(put("bearer staff-secret"), 200, "the scheme in any case");
    assert_eq!(put("BEARER   staff-secret  "), 200);

    write(&[("hotline-secret", "*"), ("new-secret", "S00001")]);
    assert_eq!(put("Bearer staff-secret"), 200, "not until the reload");
    let (status, body) = reload();
    assert_eq!(status, 200, "{body}");
    assert_eq!(put("Bearer staff-secret"), 401, "revoked");
    assert_eq!(put("Bearer new-secret"), 200);
    assert_eq!(put("Bearer hotline-secret"), 200);

    // A file that no longer reads: the reload is refused, the tokens stay as they were.
    std::fs::write(&file, "token_sha256,facilities\nnot-a-hash,*\n").unwrap();
    let (status, body) = reload();
    assert_eq!(status, 422, "{body}");
    assert!(body["error"].as_str().unwrap().contains("line 2"), "{body}");
    assert_eq!(put("Bearer new-secret"), 200);
}

/// The store's WAL index turning unwritable under a running server (a file system going
/// read-only; here the immutable flag, which binds root too): writes are answered 503
/// with Retry-After, reads go on, nothing dies of a bus error, and writes resume once the
/// file is writable again.
#[test]
#[ignore = "needs root and chattr (an ext4 /tmp), as .ci/run has"]
fn an_unwritable_store_gives_503_while_reads_go_on() {
    use carefind_server::{Config, Tokens};

    let dir = tempfile::tempdir_in(std::env::temp_dir()).unwrap();
    let path = dir.path().join("live.db");
    let file = dir.path().join("tokens.csv");
    std::fs::write(
        &file,
        format!(
            "token_sha256,facilities\n{},*\n",
            sha256_hex("hotline-secret")
        ),
    )
    .unwrap();
    let app = crate::common::app::App::with(
        Config::new()
            .store(Store::open(&path).unwrap())
            .tokens(Tokens::from_path(&file).unwrap()),
    );
    let put = || {
        let body = format!(r#"{{"accepting":true,"updated_at":"{}"}}"#, now_text());
        app.send(
            "PUT",
            "/v1/facilities/S00001/availability",
            &[
                ("Content-Type", "application/json"),
                ("Authorization", "Bearer hotline-secret"),
            ],
            body.as_bytes(),
        )
    };
    assert_eq!(put().0, 200);
    let shm = dir.path().join("live.db-shm");
    let chattr = |flag: &str| {
        let status = Command::new("chattr").arg(flag).arg(&shm).status().unwrap();
        assert!(status.success(), "chattr {flag}");
    };
    chattr("+i");
    let (status, headers, body) = put();
    let (search, _) = app.get("/v1/facilities?near=10001&limit=3");
    chattr("-i");
    assert_eq!(status, 503, "{}", String::from_utf8_lossy(&body));
    assert_eq!(headers["retry-after"], "60");
    assert!(
        String::from_utf8_lossy(&body).contains("read-only"),
        "{}",
        String::from_utf8_lossy(&body)
    );
    assert_eq!(search, 200, "reads go on");
    assert_eq!(put().0, 200, "writes resume");
}

/// A long value is named too long, not matched; a feed is read only as far as its first
/// row outside the token's scope.
#[test]
fn long_values_are_refused_and_a_feed_stops_at_its_first_row_outside_the_scope() {
    use carefind_server::{Config, Tokens};

    let dir = temp_dir();
    let file = dir.path().join("tokens.csv");
    std::fs::write(
        &file,
        format!(
            "token_sha256,facilities\n{},S00001\n",
            sha256_hex("staff-secret")
        ),
    )
    .unwrap();
    let app = crate::common::app::App::with(
        Config::new()
            .store(Store::open(store_in(&dir)).unwrap())
            .tokens(Tokens::from_path(&file).unwrap()),
    );
    let staff = ("Authorization", "Bearer staff-secret");
    let json = ("Content-Type", "application/json");
    let body = format!(
        r#"{{"care":"{}","accepting":true,"updated_at":"{}"}}"#,
        "x".repeat(1_000_000),
        now_text()
    );
    let (status, answer) = app.put(
        "/v1/facilities/S00001/availability",
        &[json, staff],
        body.as_bytes(),
    );
    assert_eq!(
        (status, &answer["parameter"]),
        (422, &Value::from("care")),
        "{answer:.300}"
    );
    assert!(
        answer.to_string().len() < 2_000,
        "the answer quotes a part of the value"
    );

    let row = |id: &str| {
        format!(
            r#"{{"id":"{id}","accepting":true,"updated_at":"{}"}}"#,
            now_text()
        )
    };
    let feed = format!("[{},{},{}]", row("S00001"), row("S00002"), row("S00001"));
    let (status, answer) = app.post("/v1/availability", &[json, staff], feed.as_bytes());
    assert_eq!(
        (status, &answer["parameter"]),
        (403, &Value::from("id")),
        "{answer}"
    );
    assert!(
        answer["error"].as_str().unwrap().contains("\"S00002\""),
        "{answer}"
    );
    let (status, answer) = app.post(
        "/v1/availability",
        &[json, staff],
        format!("[{}]", row("S00001")).as_bytes(),
    );
    assert_eq!(status, 200, "{answer}");
}

/// Every update is kept with who sent it (the token's label, or the import's), and the
/// compliance report judges every facility of the directory by its days with an update:
/// from the command line and over HTTP (admin token only), the same report.
#[test]
fn updates_are_labelled_and_compliance_finds_the_facilities_that_fell_behind() {
    let dir = temp_dir();
    let store = store_in(&dir);
    // May 2026 in New York (these facilities' zone), updates at 14:00 UTC (10:00 there).
    let days = |days: &[i8]| -> String {
        days.iter()
            .map(|day| format!("2026-05-{day:02}T14:00:00Z"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let every_day: Vec<i8> = (1..=10).collect();
    let plan: [(&str, Vec<i8>); 4] = [
        ("S00001", every_day.clone()),
        // The 4th and the 5th missed: two in a row.
        ("S00010", vec![1, 2, 3, 6, 7, 8, 9, 10]),
        // Every other day: never two in a row, but five in May.
        ("S00018", vec![1, 3, 5, 7, 9]),
        // Two single days missed: compliant.
        ("S00021", vec![1, 2, 3, 5, 6, 7, 9, 10]),
    ];
    let mut feed = String::from("id,accepting,updated_at\n");
    for (id, days_updated) in &plan {
        for at in days(days_updated).split(' ') {
            feed.push_str(&format!("{id},yes,{at}\n"));
        }
    }
    let feed = TempFile::new("may.csv", feed.as_bytes());
    let import = carefind(&[
        "availability",
        "import",
        feed.path(),
        "--store",
        &store,
        "--label",
        "feed:registry",
    ]);
    assert_eq!(import.status.code(), Some(0), "{}", stderr(&import));

    let report = carefind(&[
        "availability",
        "compliance",
        "--store",
        &store,
        "--since",
        "2026-05-01",
        "--until",
        "2026-05-10",
        "--format",
        "json",
    ]);
    assert_eq!(
        report.status.code(),
        Some(1),
        "noncompliant facilities: exit 1"
    );
    let report: Value = serde_json::from_str(&stdout(&report)).unwrap();
    let rows = report["facilities"].as_array().unwrap();
    assert_eq!(
        rows.len(),
        8000,
        "every facility, those that never updated too"
    );
    let row = |id: &str| rows.iter().find(|r| r["id"] == id).unwrap().clone();
    for (id, days_updated, longest_gap, noncompliant) in [
        ("S00001", 10, 0, false),
        ("S00010", 8, 2, true),
        ("S00018", 5, 1, true),
        ("S00021", 8, 1, false),
        ("S00000", 0, 10, true),
    ] {
        let row = row(id);
        assert_eq!(
            (
                &row["days_updated"],
                &row["longest_gap"],
                &row["noncompliant"]
            ),
            (
                &Value::from(days_updated),
                &Value::from(longest_gap),
                &Value::from(noncompliant)
            ),
            "{row}"
        );
    }
    assert_eq!(row("S00018")["most_missed_in_a_month"], 5);
    assert_eq!(row("S00001")["last_label"], "feed:registry");
    assert_eq!(row("S00000")["last_update"], Value::Null);
    let registry = report["by_label"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == "feed:registry")
        .unwrap()
        .clone();
    assert_eq!(
        (&registry["facilities"], &registry["noncompliant"]),
        (&Value::from(4), &Value::from(2))
    );

    // Over HTTP, a PUT is kept with its token's label; the report is the admin's.
    let tokens = TempFile::new(
        "tokens.csv",
        format!(
            "token_sha256,facilities,label\n{},S00001;S00002,county-coordinator\n{},*,\n",
            sha256_hex("staff-secret"),
            sha256_hex("hotline-secret")
        )
        .as_bytes(),
    );
    let server = Server::start(
        &["--store", &store, "--tokens", tokens.path()],
        Some("admin-secret"),
    );
    let (status, _) = server.put(
        "/v1/facilities/S00002/availability",
        &[
            ("Content-Type", "application/json"),
            ("Authorization", "Bearer staff-secret"),
        ],
        br#"{"accepting":false,"updated_at":"2026-05-05T15:00:00Z"}"#,
    );
    assert_eq!(status, 200);
    let path = "/v1/availability/compliance?since=2026-05-01&until=2026-05-10";
    let (status, _) = server.get(path);
    assert_eq!(status, 401);
    let (status, body) = common::server::request(
        &server.address,
        "GET",
        path,
        &[("Authorization", "Bearer admin-secret")],
        b"",
    );
    assert_eq!(status, 200, "{body}");
    let over_http = body["facilities"].as_array().unwrap();
    let s2 = over_http.iter().find(|r| r["id"] == "S00002").unwrap();
    assert_eq!(
        (&s2["days_updated"], &s2["last_label"]),
        (&Value::from(1), &Value::from("county-coordinator"))
    );
    let s10 = over_http.iter().find(|r| r["id"] == "S00010").unwrap();
    assert_eq!(s10, &row("S00010"), "the same report as the command line's");
    let (status, body) = common::server::request(
        &server.address,
        "GET",
        "/v1/availability/compliance?since=2026-05-10&until=2026-05-01",
        &[("Authorization", "Bearer admin-secret")],
        b"",
    );
    assert_eq!(
        (status, &body["parameter"]),
        (400, &Value::from("since")),
        "{body}"
    );
    drop(server);

    let show = carefind(&["availability", "show", "S00002", "--store", &store]);
    assert!(
        stdout(&show).contains("from county-coordinator"),
        "{}",
        stdout(&show)
    );
    let export = carefind(&["availability", "export", "--store", &store]);
    let exported = stdout(&export);
    assert!(
        exported
            .lines()
            .next()
            .unwrap()
            .ends_with(",updated_at,label"),
        "{exported}"
    );
    assert!(exported.contains(",county-coordinator\n"), "{exported}");
    // An export is still a feed: the label column is ignored on import.
    let again = TempFile::new("again.csv", exported.as_bytes());
    let other = temp_dir();
    let reimport = carefind(&[
        "availability",
        "import",
        again.path(),
        "--store",
        &store_in(&other),
    ]);
    assert_eq!(reimport.status.code(), Some(0), "{}", stderr(&reimport));
}

/// Rows of a token file that can only be mistakes are refused with their line.
#[test]
fn odd_token_rows_are_refused_with_their_line() {
    let dir = temp_dir();
    let file = dir.path().join("tokens.csv");
    let (a, b) = (sha256_hex("a"), sha256_hex("b"));
    for (rows, expected) in [
        (format!("{a},;;;\n"), "line 2: facilities names no id"),
        (format!("{a},S1;*\n"), "line 2: * stands alone"),
        (
            format!("{a},S1\n{b},*\n{a},S2\n"),
            "line 4: the same token as line 2",
        ),
        (format!("{a},\n"), "line 2: facilities names no id"),
        (
            format!("{a},*,Jane Doe\n"),
            "line 2: label \"Jane Doe\" has ' '",
        ),
        (format!("{a},*,jane@example.org\n"), "line 2: label"),
    ] {
        std::fs::write(&file, format!("token_sha256,facilities,label\n{rows}")).unwrap();
        let error = match carefind_server::Tokens::from_path(&file) {
            Ok(_) => panic!("{rows:?} was accepted"),
            Err(error) => error,
        };
        assert!(error.contains(expected), "{rows:?}: {error}");
    }
}

#[test]
fn acknowledged_updates_survive_kill_9_and_no_other_is_half_there() {
    let dir = temp_dir();
    let store = store_in(&dir);
    let tokens = tokens();
    let mut server = Server::start(
        &["--store", &store, "--tokens", tokens.path(), "--quiet"],
        None,
    );
    let address = server.address.clone();
    // Each client updates its own facility with rising bed counts; it remembers the last
    // count acknowledged and the one in flight when the server died.
    let clients: Vec<_> = (0..6)
        .map(|n| {
            let address = address.clone();
            std::thread::spawn(move || {
                let id = format!("S{:05}", 100 + n);
                let (mut acknowledged, mut sent) = (None, None);
                for beds in 1..u32::MAX {
                    let body = format!(
                        r#"{{"beds_available":{beds},"updated_at":"{}"}}"#,
                        now_text()
                    );
                    sent = Some(beds);
                    let (status, _) = try_put(&address, &id, body.as_bytes());
                    match status {
                        Some(200) => acknowledged = Some(beds),
                        _ => break,
                    }
                }
                (id, acknowledged, sent)
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    server.child.kill().unwrap(); // SIGKILL: no shutdown, no flush
    server.child.wait().unwrap();
    let results: Vec<(String, Option<u32>, Option<u32>)> =
        clients.into_iter().map(|c| c.join().unwrap()).collect();
    drop(server);

    let mut acknowledged_in_all = 0;
    {
        let store = Store::open(&store).unwrap();
        for (id, acknowledged, sent) in &results {
            let acknowledged = acknowledged.expect("each client had updates acknowledged");
            acknowledged_in_all += acknowledged;
            let history: Vec<u32> = store
                .history_of(id, usize::MAX)
                .unwrap()
                .iter()
                .map(|e| e.update.beds_available.unwrap())
                .collect();
            // Every acknowledged update is there, in order; at most the one in flight more.
            let expected: Vec<u32> = (1..=acknowledged).rev().collect();
            let tail = &history[history.len() - expected.len()..];
            assert_eq!(tail, expected, "{id}");
            assert!(history.len() <= expected.len() + 1, "{id}: {history:?}");
            if history.len() > expected.len() {
                assert_eq!(Some(history[0]), *sent, "{id}");
            }
            let current = store.current_of(id).unwrap()[0].beds_available.unwrap();
            assert_eq!(current, history[0], "{id}");
        }
    }
    println!("{acknowledged_in_all} updates acknowledged before kill -9, every one found");

    // Restarted on the same store, the server answers with the last of them.
    let server = Server::start(&["--store", &store, "--tokens", tokens.path()], None);
    for (id, acknowledged, _) in &results {
        let (_, one) = server.get(&format!("/v1/facilities/{id}"));
        assert!(
            one["beds_available"].as_u64().unwrap() >= u64::from(acknowledged.unwrap()),
            "{one}"
        );
    }
}

/// One PUT; `None` when the server is gone.
fn try_put(address: &str, id: &str, body: &[u8]) -> (Option<u16>, String) {
    use std::io::Read;
    let Ok(mut stream) = std::net::TcpStream::connect(address) else {
        return (None, String::new());
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let head = format!(
        "PUT /v1/facilities/{id}/availability HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Type: application/json\r\nAuthorization: Bearer hotline-secret\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    if stream.write_all(head.as_bytes()).is_err() || stream.write_all(body).is_err() {
        return (None, String::new());
    }
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    let status = response.split(' ').nth(1).and_then(|s| s.parse().ok());
    (status, response)
}
