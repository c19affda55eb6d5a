//! Availability: feeds with every kind of bad row, the store's durability, ordering and
//! failures, and the table agreeing with the store.

#![cfg(feature = "store")]

use carefind::CareLevel;
use carefind::availability::feed::{self, Check, FeedError, FeedFormat, Place};
use carefind::availability::store::{Store, StoreErrorKind};
use carefind::availability::{Availability, Update};
use jiff::Timestamp;
use proptest::prelude::*;

use crate::common::updates::{update, updates_of};

fn now() -> Timestamp {
    "2026-06-01T12:00:00Z".parse().unwrap()
}

fn problems(text: &str, format: FeedFormat) -> Vec<String> {
    let known = |id: &str| id.starts_with('f');
    let feed = feed::read(text.as_bytes(), format, &Check::at(now()).known_ids(&known)).unwrap();
    feed.problems.iter().map(ToString::to_string).collect()
}

#[test]
fn every_kind_of_bad_row_is_named_with_its_line_field_and_value() {
    let csv = "\
id,care,accepting,beds_available,beds_total,wait_days,updated_at
f1,residential-detox,yes,2,10,3,2026-06-01T08:00:00Z
x9,,,,,,2026-06-01T08:00:00Z
f2,detux,,,,,2026-06-01T08:00:00Z
f3,,perhaps,,,,2026-06-01T08:00:00Z
f4,,,-1,2.5,,2026-06-01T08:00:00Z
f5,,,11,10,,2026-06-01T08:00:00Z
f6,,,,,,
f7,,,,,,yesterday
f8,,,,,,2026-06-01 08:00:00
f9,,,,,,2026-06-01T12:06:00Z
,,,,,,2026-06-01T08:00:00Z
f10,,,,,,2026-06-01T12:04:00Z
f11,detox,,,,,2026-06-01T08:00:00Z
";
    assert_eq!(
        problems(csv, FeedFormat::Csv),
        [
            r#"line 3: id "x9" is not a facility in the directory"#,
            r#"line 4: care "detux" is not one level of care: unknown care level "detux"; did you mean "detox"? (valid: hospital-detox, residential-detox, outpatient-detox, hospital-inpatient, residential-short, residential-long, php, iop, outpatient, otp, sober-living, telehealth, detox, hospital, residential, inpatient, outpatient-any)"#,
            r#"line 5: accepting "perhaps" is not yes, no or empty"#,
            r#"line 6: beds_available "-1" is negative"#,
            r#"line 6: beds_total "2.5" is not a whole number of at most 4294967295"#,
            r#"line 7: beds_available "11" is more than beds_total (10)"#,
            r#"line 8: updated_at "" is missing (every update says when it was true)"#,
            r#"line 9: updated_at "yesterday" is not an RFC 3339 time with an offset (2026-06-01T08:00:00Z)"#,
            r#"line 10: updated_at "2026-06-01 08:00:00" is not an RFC 3339 time with an offset (2026-06-01T08:00:00Z)"#,
            r#"line 11: updated_at "2026-06-01T12:06:00Z" is more than 5 minutes in the future"#,
            r#"line 12: id "" is empty"#,
            r#"line 14: care "detox" names several levels (hospital-detox;residential-detox;outpatient-detox); an update is about one level, or the whole facility"#,
        ]
    );
    let feed = feed::read(csv.as_bytes(), FeedFormat::Csv, &Check::at(now())).unwrap();
    // Without a directory, x9 is taken; the tally adds up either way.
    assert_eq!(feed.read, 13);
    assert_eq!(feed.updates.len() as u64 + feed.rejected(), feed.read);
    assert_eq!(feed.places[0], Place::Line(2));
}

#[test]
fn a_cut_off_csv_row_and_a_missing_column_are_reported() {
    let cut = "id,beds_available,updated_at\nf1,2,2026-06-01T08:00:00Z\nf2,3\n";
    assert_eq!(
        problems(cut, FeedFormat::Csv),
        [r#"line 3: id "f2" has 2 fields where the header has 3 (a cut-off or malformed row)"#]
    );
    let no_time = "id,beds_available\nf1,2\n";
    let error = feed::read(no_time.as_bytes(), FeedFormat::Csv, &Check::at(now())).unwrap_err();
    assert!(
        matches!(error, FeedError::MissingColumn("updated_at")),
        "{error}"
    );
}

#[test]
fn json_feeds_are_arrays_of_objects_or_one_object() {
    let array = r#"[{"id":"f1","accepting":true,"beds_available":2,"updated_at":"2026-06-01T08:00:00Z"},
                    {"id":"f2","beds_available":"x","updated_at":"2026-06-01T08:00:00Z"}]"#;
    assert_eq!(
        problems(array, FeedFormat::Json),
        [r#"item 2: beds_available "x" is not a whole number of at most 4294967295"#]
    );
    let ndjson = "{\"id\":\"f1\",\"updated_at\":\"2026-06-01T08:00:00Z\"}\n\n{\"id\":\"f2\",\"care\":\"otp\",\"updated_at\":null}\n";
    assert_eq!(
        problems(ndjson, FeedFormat::Ndjson),
        [r#"line 3: updated_at "" is missing (every update says when it was true)"#]
    );
    for (text, format, says) in [
        ("42", FeedFormat::Json, "the document is a number"),
        ("[1]", FeedFormat::Json, "item 1 is a number"),
        ("[{\"id\":", FeedFormat::Json, "EOF"),
        (
            "{\"id\":\"f1\"}\n[]\n",
            FeedFormat::Ndjson,
            "line 2 is an array",
        ),
        ("{\"id\":\n", FeedFormat::Ndjson, "line 1 is not JSON"),
    ] {
        let error = feed::read(text.as_bytes(), format, &Check::at(now())).unwrap_err();
        assert!(error.to_string().contains(says), "{text}: {error}");
    }
}

#[test]
fn the_store_keeps_the_latest_report_and_every_update_across_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let mut store = Store::open(&path).unwrap();
    let received = now();
    let first = store
        .apply(
            &[
                update("f1", None, 10, 1),
                update("f1", Some(CareLevel::Iop), 10, 2),
                update("f1", None, 5, 3), // older than the one just applied
            ],
            received,
        )
        .unwrap();
    assert_eq!((first.applied, first.stale), (2, 1));
    // A tie goes to the later arrival, as in the table.
    let second = store.apply(&[update("f1", None, 10, 4)], received).unwrap();
    assert_eq!((second.applied, second.stale), (1, 0));
    drop(store);

    let store = Store::open(&path).unwrap();
    let current = store.current_of("f1").unwrap();
    assert_eq!(current.len(), 2);
    assert_eq!(current[0].beds_available, Some(4));
    let history = store.history_of("f1", 10).unwrap();
    assert_eq!(history.len(), 4);
    assert_eq!(
        history.iter().map(|e| e.applied).collect::<Vec<_>>(),
        [true, false, true, true]
    );
    assert_eq!(history[0].received_at, received);
}

/// A store of schema version 1, written before the ways in and the senders' labels were
/// kept, is brought up to date when opened: its reports are kept, and state no way in and
/// no sender until one is reported.
#[test]
fn a_version_1_store_is_upgraded_in_place_and_keeps_its_reports() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.db");
    {
        let old = rusqlite::Connection::open(&path).unwrap();
        old.execute_batch(
            "PRAGMA journal_mode=WAL;
             CREATE TABLE current (id TEXT NOT NULL, care TEXT NOT NULL, accepting INTEGER,
               beds_available INTEGER, beds_total INTEGER, wait_days INTEGER,
               updated_s INTEGER NOT NULL, updated_ns INTEGER NOT NULL,
               PRIMARY KEY (id, care)) WITHOUT ROWID;
             CREATE TABLE history (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, care TEXT NOT NULL,
               accepting INTEGER, beds_available INTEGER, beds_total INTEGER, wait_days INTEGER,
               updated_s INTEGER NOT NULL, updated_ns INTEGER NOT NULL,
               received_at TEXT NOT NULL, applied INTEGER NOT NULL);
             CREATE INDEX history_by_facility ON history (id, seq);
             INSERT INTO current VALUES ('f1', '', 1, 2, 9, NULL, 1780000000, 0);
             INSERT INTO history VALUES (1, 'f1', '', 1, 2, 9, NULL, 1780000000, 0, '2026-05-28T20:26:40Z', 1);
             PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let mut store = Store::open(&path).unwrap();
    let kept = store.current_of("f1").unwrap();
    assert_eq!(
        (kept[0].beds_available, kept[0].walk_in.as_ref()),
        (Some(2), None)
    );
    let mut walk_in = update("f1", None, 60, 1);
    walk_in.walk_in = Some("Mo-Fr 08:00-11:00".parse().unwrap());
    walk_in.counseling_required = Some(false);
    store
        .apply_labelled(&[walk_in.clone()], Some("county-coordinator"), now())
        .unwrap();
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.current_of("f1").unwrap(), [walk_in.clone()]);
    let history = store.history_of("f1", 5).unwrap();
    assert_eq!((history.len(), &history[0].update), (2, &walk_in));
    assert_eq!(
        (history[0].label.as_deref(), history[1].label.as_deref()),
        (Some("county-coordinator"), None),
        "the old row has no label"
    );
    assert_eq!(
        store.current_labelled().unwrap(),
        [(walk_in, Some("county-coordinator".to_string()))]
    );
    // Version 4's tables are there too.
    let mut store = store;
    store
        .add_problem(
            "f1",
            carefind::availability::problems::Reason::Closed,
            "",
            now(),
        )
        .unwrap();
    drop(store);
    let version: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .unwrap();
    assert_eq!(version, 4);
}

/// A table made from the store remembers the recent history, not only the current
/// reports: a restarted server still says on how many days a facility was updated.
#[test]
fn a_loaded_table_remembers_the_days_of_recent_updates() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("kept.db")).unwrap();
    let now = Timestamp::now();
    // Reykjavik keeps UTC all year: 24 hours apart is always another day there.
    let facility =
        carefind::Facility::new("f1", "F", carefind::LatLon::new(64.15, -21.94).unwrap());
    let days_ago = |days: i64| now - jiff::SignedDuration::from_hours(24 * days);
    for days in [0, 1, 2, 5, 40] {
        let mut report = Update::new("f1", days_ago(days));
        report.accepting = Some(true);
        store.apply(&[report], now).unwrap();
    }
    let table = store.load().unwrap();
    assert_eq!(table.reports("f1").len(), 1, "one current report");
    let kept = table.kept(&facility, now).unwrap();
    assert_eq!(
        (kept.days_updated, kept.last),
        (4, now),
        "the 40-day-old one is not recent"
    );
    assert!(Availability::new().kept(&facility, now).is_none());
}

#[test]
fn a_file_that_is_not_a_store_and_a_locked_store_say_so_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.db");
    std::fs::write(
        &text,
        "this is not a database, it is a text file of some length ...",
    )
    .unwrap();
    let error = Store::open(&text).err().unwrap();
    assert_eq!(error.kind(), StoreErrorKind::NotADatabase);
    assert!(
        error.to_string().starts_with(&text.display().to_string()),
        "{error}"
    );
    assert_eq!(
        std::fs::read_to_string(&text).unwrap(),
        "this is not a database, it is a text file of some length ..."
    );

    let path = dir.path().join("busy.db");
    let mut store = Store::open(&path).unwrap();
    store.apply(&[update("f1", None, 1, 1)], now()).unwrap();
    // Another writer, mid-transaction.
    let holder = rusqlite::Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let mut waiting = Store::open(&path).unwrap();
    waiting
        .set_busy_timeout(std::time::Duration::from_millis(200))
        .unwrap();
    let error = waiting
        .apply(&[update("f1", None, 2, 2)], now())
        .unwrap_err();
    assert_eq!(error.kind(), StoreErrorKind::Locked, "{error}");
    drop(holder);
    assert_eq!(waiting.current_of("f1").unwrap()[0].beds_available, Some(1));
    waiting.apply(&[update("f1", None, 2, 2)], now()).unwrap();
    assert_eq!(store.current_of("f1").unwrap()[0].beds_available, Some(2));
}

/// `chattr +i` (or `-i`) on `path`: the immutable flag binds root too, as a read-only
/// remount does, where permissions do not.
fn immutable(path: &std::path::Path, on: bool) {
    let status = std::process::Command::new("chattr")
        .arg(if on { "+i" } else { "-i" })
        .arg(path)
        .status()
        .expect("chattr runs (e2fsprogs)");
    assert!(status.success(), "chattr on {}", path.display());
}

/// A store whose files turn unwritable, the database or the WAL index mapped into memory
/// while it is open, says so (`ReadOnly`) and never dies of a bus error; once writable
/// again it writes. Needs root and a file system with the immutable flag (ext4), as CI
/// has: permissions do not bind root.
#[test]
#[ignore = "needs root and chattr (an ext4 /tmp), as .ci/run has"]
fn a_store_that_cannot_be_written_says_so_and_never_dies_of_it() {
    let dir = tempfile::tempdir_in(std::env::temp_dir()).unwrap();
    let path = dir.path().join("a.db");
    let mut store = Store::open(&path).unwrap();
    store.apply(&[update("f1", None, 1, 1)], now()).unwrap();
    let shm = dir.path().join("a.db-shm");
    assert!(shm.is_file(), "WAL mode keeps its index in a-db-shm");
    for file in [shm.clone(), path.clone()] {
        immutable(&file, true);
        let outcome = store.apply(&[update("f1", None, 2, 2)], now());
        let reopened = Store::open(&path)
            .and_then(|mut other| other.apply(&[update("f1", None, 3, 3)], now()));
        immutable(&file, false);
        let error = outcome.unwrap_err();
        assert_eq!(
            error.kind(),
            StoreErrorKind::ReadOnly,
            "{}: {error}",
            file.display()
        );
        assert!(reopened.is_err(), "{}", file.display());
    }
    store.apply(&[update("f1", None, 4, 4)], now()).unwrap();
    assert_eq!(store.current_of("f1").unwrap()[0].beds_available, Some(4));
}

/// A database SQLite calls damaged is refused at open, before anything is written; one
/// of another program is refused and left as it was, with no table of carefind's added.
#[test]
fn a_damaged_or_foreign_database_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let foreign = dir.path().join("theirs.db");
    let theirs = rusqlite::Connection::open(&foreign).unwrap();
    theirs
        .execute_batch("CREATE TABLE people (name TEXT); INSERT INTO people VALUES ('ada');")
        .unwrap();
    drop(theirs);
    let before = std::fs::read(&foreign).unwrap();
    let error = Store::open(&foreign).err().unwrap();
    assert_eq!(error.kind(), StoreErrorKind::Foreign, "{error}");
    assert_eq!(std::fs::read(&foreign).unwrap(), before);

    let path = dir.path().join("damaged.db");
    let mut store = Store::open(&path).unwrap();
    let many: Vec<Update> = (0..2_000)
        .map(|i| update(&format!("f{i}"), None, 1, 1))
        .collect();
    store.apply(&many, now()).unwrap();
    drop(store);
    // Checkpointed into the database by the last close; scribble over a page of the
    // tables (the header, page 1, stays good, so the file still opens as SQLite).
    let mut bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 5 * 4096, "{} bytes", bytes.len());
    for byte in &mut bytes[3 * 4096..3 * 4096 + 200] {
        *byte = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let error = Store::open(&path).err().unwrap();
    assert_eq!(error.kind(), StoreErrorKind::Corrupt, "{error}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "nothing written");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Applying updates in any batches gives the store and the table the same current
    /// reports and the same applied/stale counts.
    #[test]
    fn the_table_and_the_store_agree_on_what_is_current(
        rows in prop::collection::vec((0..6usize, prop::option::of(0..3usize), 0..20i64, 0..9u32, 0..4usize), 0..60),
        cut in 0..60usize,
    ) {
        let updates = updates_of(&rows);
        let (first, second) = updates.split_at(cut.min(updates.len()));
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path().join("p.db")).unwrap();
        let a = store.apply(first, now()).unwrap();
        let b = store.apply(second, now()).unwrap();
        let table = Availability::new().with(first.iter().cloned());
        let table2 = table.table.with(second.iter().cloned());
        prop_assert_eq!((a.applied as usize, a.stale as usize), (table.applied, table.stale));
        prop_assert_eq!((b.applied as usize, b.stale as usize), (table2.applied, table2.stale));
        let stored: Vec<Update> = store.load().unwrap().iter().cloned().collect();
        let held: Vec<Update> = table2.table.iter().cloned().collect();
        prop_assert_eq!(stored, held);
    }
}
