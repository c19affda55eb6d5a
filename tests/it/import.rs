//! `carefind import`, `validate` and `stats`, run as a user runs them: every real directory
//! imports into a dataset that `find --data` answers from, problems are listed with their
//! lines, exit codes follow the rule (0 done, 1 nothing, 2 error).

use crate::common;

use common::{TempFile, carefind, datasets, stderr, stdout};

const LABELS: &str = "Name,City,State,Latitude,Longitude,All Services\n\
    Hope House,Oakland,CA,37.80,-122.27,\"Residential/24-hour residential; Short-term residential; Medicaid; Equine therapy\"\n\
    Bay Detox,Oakland,CA,37.81,-122.26,\"Hospital inpatient detoxification; Cash or self-payment\"\n";

const GEOCODED: &str = "ID,ADDRESS,CITY,STATE,POSTAL,Latitude,Longitude\n\
    Hope House Inc,1 Main St,Oakland,CA,94601,37.80001,-122.27001\n\
    Lake OTP,9 Lake St,Oakland,CA,94610,37.81,-122.25\n";

#[test]
fn imports_merge_sources_and_find_reads_the_result() {
    let labels = TempFile::new("labels.csv", LABELS.as_bytes());
    let geocoded = TempFile::new("otp.csv", GEOCODED.as_bytes());
    let out = TempFile::new("out.csv", b"");
    let report = TempFile::new("report.csv", b"");
    let run = carefind(&[
        "import",
        "--care",
        "otp",
        labels.path(),
        geocoded.path(),
        "-o",
        out.path(),
        "--report",
        report.path(),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let tally = stderr(&run);
    assert!(
        tally.contains("2 rows read, 2 loaded, 0 rejected, 1 unknown labels"),
        "{tally}"
    );
    assert!(
        tally.contains("unknown label, kept as a service: \"Equine therapy\" (1 rows)"),
        "{tally}"
    );
    assert!(tally.contains("merged 1 listings"), "{tally}");
    assert!(tally.contains("wrote 3 facilities"), "{tally}");

    let report = std::fs::read_to_string(report.path()).unwrap();
    assert!(
        report.starts_with("kind,source,line,column,value,detail\n"),
        "{report}"
    );
    assert!(
        report.contains("unknown-label,") && report.contains("merged,"),
        "{report}"
    );

    // Hope House is one facility now: residential (its labels) and otp (the list's --care).
    let found = carefind(&[
        "find",
        "--data",
        out.path(),
        "--near",
        "37.8,-122.27",
        "--care",
        "otp",
        "--format",
        "json",
    ]);
    assert_eq!(found.status.code(), Some(0), "{}", stderr(&found));
    let hits: serde_json::Value = serde_json::from_str(&stdout(&found)).unwrap();
    let first = &hits[0];
    assert_eq!(first["name"], "Hope House");
    assert_eq!(
        first["care"],
        serde_json::json!(["residential-short", "otp"])
    );
    assert_eq!(
        hits.as_array().unwrap().len(),
        3,
        "the labels' care plus --care otp"
    );

    let validated = carefind(&["validate", out.path()]);
    assert_eq!(validated.status.code(), Some(0), "{}", stderr(&validated));
    assert!(stdout(&validated).contains("3 rows read, 3 loaded, 0 rejected: clean"));
}

#[test]
fn a_geocoded_list_needs_care_and_bad_rows_stop_a_strict_import() {
    let geocoded = TempFile::new("list.csv", GEOCODED.as_bytes());
    let run = carefind(&["import", geocoded.path()]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run)
            .contains("names no levels of care; say which its facilities offer with --care")
    );

    let bad = TempFile::new("bad.csv", b"name,lat,lon\nA,95,1\nB,1,1\n");
    let run = carefind(&["import", "--care", "iop", bad.path()]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run)
            .contains(r#"line 2, column "lat", value "95": latitude 95 is outside [-90, 90]"#),
        "{}",
        stderr(&run)
    );
    let run = carefind(&["import", "--lenient", "--care", "iop", bad.path()]);
    assert_eq!(run.status.code(), Some(0));
    assert_eq!(stdout(&run).lines().count(), 2, "a header and one facility");
    assert!(stderr(&run).contains("2 rows read, 1 loaded, 1 rejected"));

    let run = carefind(&[
        "import",
        "--care",
        "iop",
        "--map",
        "lattitude=Y",
        bad.path(),
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).contains("--map: unknown field \"lattitude\"; did you mean \"lat\"?"));
    let run = carefind(&["import", "--care", "iop", "--map", "lat=Y", bad.path()]);
    assert!(
        stderr(&run).contains("there is no column \"Y\""),
        "{}",
        stderr(&run)
    );
}

#[test]
fn validate_lists_every_problem_with_totals_and_exits_2() {
    let bad = TempFile::new(
        "bad.csv",
        b"id,name,lat,lon,care\na,A,1,2,iop\na,A2,1,2,iop\nb,B,91,2,iop\nc,C,1,2,intensive\nd,,1,2,otp\ne,E,x,2,otp\n",
    );
    let run = carefind(&["validate", bad.path(), "--max-problems", "3"]);
    assert_eq!(run.status.code(), Some(2));
    let text = stdout(&run);
    assert!(text.contains("6 rows read, 1 loaded, 5 rejected"), "{text}");
    assert!(
        text.contains(r#"line 3, column "id", value "a": repeats the id of line 2"#),
        "{text}"
    );
    assert!(text.contains("... and 2 more"), "{text}");
    assert!(
        text.contains("totals: 1 coordinate out of range, 1 empty field, 1 not a number, 1 repeated id, 1 unknown term"),
        "{text}"
    );
    assert!(stderr(&run).contains("1 of 1 files have problems"));

    let broken = TempFile::new("broken.json", b"{\"rows\": [\n{\"frid\": }]}");
    let run = carefind(&["validate", broken.path()]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stdout(&run).contains("line 2, column 10: expected value"),
        "{}",
        stdout(&run)
    );
}

#[test]
fn stats_count_in_every_format() {
    let table = carefind(&["stats", "--format", "table"]);
    assert_eq!(table.status.code(), Some(0));
    assert!(stdout(&table).starts_with("care "), "{}", stdout(&table));
    let text = stdout(&table);
    let total: Vec<&str> = text
        .lines()
        .last()
        .unwrap()
        .split_whitespace()
        .take(2)
        .collect();
    assert_eq!(total, ["total", "8000"]);

    let csv = carefind(&["stats", "--by", "payment", "--format", "csv"]);
    let text = stdout(&csv);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(&rows[0][0], "payment");
    assert_eq!(&rows[0][1], "medicaid");

    for format in ["json", "ndjson", "geojson", "tsv"] {
        let run = carefind(&["stats", "--by", "state", "--format", format]);
        assert_eq!(run.status.code(), Some(0), "{format}");
        let text = stdout(&run);
        match format {
            "json" => assert!(
                serde_json::from_str::<serde_json::Value>(&text)
                    .unwrap()
                    .is_array()
            ),
            "ndjson" => {
                for line in text.lines() {
                    serde_json::from_str::<serde_json::Value>(line).unwrap();
                }
            }
            "geojson" => {
                let value: serde_json::Value = serde_json::from_str(&text).unwrap();
                assert_eq!(value["type"], "FeatureCollection");
            }
            _ => assert!(text.starts_with("by\tkey\tcount\tshare\n")),
        }
    }
    let empty = TempFile::new("empty.csv", b"id,name,lat,lon,care\n");
    assert_eq!(
        carefind(&["stats", "--data", empty.path()]).status.code(),
        Some(1)
    );
}

#[test]
#[ignore = "needs the real datasets (../shared/datasets or CAREFIND_DATASETS)"]
fn every_real_directory_imports_into_a_dataset_find_answers_from() {
    let dir = datasets();
    let path = |file: &str| dir.join(file).to_str().unwrap().to_string();
    let imports: [(&str, &[&str]); 7] = [
        ("findtreatment_listing_2019.json", &[]),
        ("findtreatment_ca_residential_2025.csv", &[]),
        (
            "samhsa_sa_facilities_2021.csv",
            &["--lenient", "--care", "outpatient"],
        ),
        ("samhsa_otp_directory.csv", &["--lenient", "--care", "otp"]),
        ("samhsa_su_directory_2022_geo.csv", &["--lenient"]),
        ("samhsa_mh_directory_2022_geo.csv", &["--lenient"]),
        ("findtreatment_export_ma_2025.csv", &["--lenient"]),
    ];
    let mut outputs = Vec::new();
    for (file, flags) in imports {
        let out = TempFile::new(&format!("{file}.csv"), b"");
        let mut args = vec![
            "import".to_string(),
            path(file),
            "-o".into(),
            out.path().into(),
        ];
        args.extend(flags.iter().map(|f| f.to_string()));
        let run = carefind(&args.iter().map(String::as_str).collect::<Vec<_>>());
        println!("{}", stderr(&run));
        assert_eq!(run.status.code(), Some(0), "{file}: {}", stderr(&run));
        let validated = carefind(&["validate", out.path()]);
        assert_eq!(validated.status.code(), Some(0), "{}", stdout(&validated));
        let stats = carefind(&["stats", "--data", out.path(), "--format", "csv"]);
        assert_eq!(stats.status.code(), Some(0));
        outputs.push(out);
    }
    let near = [
        ("22902", "residential"),
        ("94103", "residential"),
        ("10001", "outpatient"),
        ("10001", "otp"),
        ("10001", "iop"),
        ("60601", "php"),
        ("02150", "sober-living"),
    ];
    for (out, (zip, care)) in outputs.iter().zip(near) {
        let found = carefind(&[
            "find",
            "--data",
            out.path(),
            "--near",
            zip,
            "--care",
            care,
            "--format",
            "csv",
        ]);
        assert_eq!(found.status.code(), Some(0), "{}", stderr(&found));
        assert!(stdout(&found).lines().count() > 1);
    }
    // The 2022 SU directory: its credentials counted as its codes (the code export test
    // proves each count against the raw file), and searched by.
    let su = &outputs[4];
    let imported = carefind(&[
        "import",
        &path("samhsa_su_directory_2022_geo.csv"),
        "--lenient",
        "-o",
        su.path(),
    ]);
    assert!(
        stderr(&imported).contains(
            "credentials: joint-commission 2842, carf 3930, coa 526, hfap 109, ncqa 276, \
             hospital-licensing-authority 490, state-sud-agency 9610, state-mental-health 4787, \
             state-health 6055, samhsa-otp 1505, dea 1546, fqhc 1059"
        ),
        "{}",
        stderr(&imported)
    );
    let accredited = carefind(&[
        "find",
        "--data",
        su.path(),
        "--near",
        "10001",
        "--care",
        "iop",
        "--accreditation",
        "carf",
        "--licensed-by",
        "state-sud-agency",
        "--format",
        "json",
    ]);
    assert_eq!(accredited.status.code(), Some(0), "{}", stderr(&accredited));
    let records: Vec<serde_json::Value> = serde_json::from_str(&stdout(&accredited)).unwrap();
    assert_eq!(records.len(), 10);
    for record in &records {
        let held: Vec<&str> = record["credentials"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert!(
            held.contains(&"carf") && held.contains(&"state-sud-agency"),
            "{record}"
        );
    }
    // An accreditor is not a licenser: the flag says so rather than answer wrongly.
    let wrong = carefind(&[
        "find",
        "--data",
        su.path(),
        "--near",
        "10001",
        "--licensed-by",
        "carf",
    ]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(
        stderr(&wrong).contains("--licensed-by"),
        "{}",
        stderr(&wrong)
    );
    // The two SAMHSA directories merged: nothing lost.
    let merged = TempFile::new("merged.csv", b"");
    let run = carefind(&[
        "import",
        outputs[2].path(),
        outputs[3].path(),
        "-o",
        merged.path(),
    ]);
    let tally = stderr(&run);
    println!("{tally}");
    assert_eq!(run.status.code(), Some(0));
    let merges: usize = tally
        .split("merged ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .unwrap()
        .parse()
        .unwrap();
    let rows = |file: &TempFile| {
        std::fs::read_to_string(file.path())
            .unwrap()
            .lines()
            .count()
            - 1
    };
    assert_eq!(
        rows(&merged) + merges,
        rows(&outputs[2]) + rows(&outputs[3])
    );
}

#[test]
fn snapshots_answer_like_the_csv_and_damage_is_an_error() {
    let csv = TempFile::new("data.csv", carefind::sample::CSV.as_bytes());
    let snap = TempFile::new("data.snap", b"");
    let run = carefind(&["snapshot", "--data", csv.path(), "-o", snap.path()]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(stderr(&run).contains("wrote 8000 facilities"));
    let args = |data: &str| {
        carefind(&[
            "find", "--data", data, "--near", "10001", "--care", "otp", "--format", "csv",
        ])
    };
    assert_eq!(stdout(&args(snap.path())), stdout(&args(csv.path())));

    let bytes = std::fs::read(snap.path()).unwrap();
    let truncated = TempFile::new("cut.snap", &bytes[..bytes.len() / 2]);
    let run = args(truncated.path());
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains("the snapshot is truncated"),
        "{}",
        stderr(&run)
    );
    let mut flipped = bytes.clone();
    flipped[1000] ^= 0x20;
    let flipped = TempFile::new("flipped.snap", &flipped);
    let run = args(flipped.path());
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains("checksum does not match"),
        "{}",
        stderr(&run)
    );

    let labels = TempFile::new("labels.csv", LABELS.as_bytes());
    let out = TempFile::new("out.csv", b"");
    let snap = TempFile::new("out.snap", b"");
    let run = carefind(&[
        "import",
        labels.path(),
        "-o",
        out.path(),
        "--snapshot",
        snap.path(),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let stats = |data: &str| stdout(&carefind(&["stats", "--data", data, "--format", "csv"]));
    assert_eq!(stats(snap.path()), stats(out.path()));
}

/// A native CSV of `n` facilities, each a valid row.
fn native_rows(n: usize) -> String {
    let mut csv = String::from("id,name,lat,lon,care\n");
    for i in 0..n {
        csv.push_str(&format!("f{i},Facility {i},40.{i:04},-74.{i:04},iop\n"));
    }
    csv
}

#[test]
fn two_imports_to_one_output_leave_one_whole_file_from_one_of_them() {
    let dir = std::env::temp_dir().join(format!("carefind-two-imports-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let small = TempFile::new("small.csv", native_rows(300).as_bytes());
    let large = TempFile::new("large.csv", native_rows(20_000).as_bytes());
    let out = dir.join("out.csv");
    for _ in 0..3 {
        let spawn = |input: &str| {
            std::process::Command::new(env!("CARGO_BIN_EXE_carefind"))
                .args(["import", input, "-o", out.to_str().unwrap()])
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(small.path()), spawn(large.path()));
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        assert!(a.status.success() && b.status.success());
        let written = std::fs::read_to_string(&out).unwrap();
        let rows = written.lines().count() - 1;
        assert!(
            rows == 300 || rows == 20_000,
            "{rows} rows: a mix of two imports"
        );
        let claims = [stderr(&a), stderr(&b)];
        assert!(
            claims
                .iter()
                .any(|claim| claim.contains(&format!("wrote {rows} facilities"))),
            "{claims:?}"
        );
        let loaded = carefind(&["validate", out.to_str().unwrap()]);
        assert_eq!(loaded.status.code(), Some(0), "{}", stderr(&loaded));
    }
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        left,
        [std::ffi::OsString::from("out.csv")],
        "temporary files left behind"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn outputs_are_committed_together_or_not_at_all() {
    let input = TempFile::new("in.csv", native_rows(5).as_bytes());
    let out = TempFile::new("kept.csv", b"the old contents\n");
    let run = carefind(&[
        "import",
        input.path(),
        "-o",
        out.path(),
        "--snapshot",
        "/no/such/directory/out.snap",
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains("/no/such/directory/out.snap"),
        "{}",
        stderr(&run)
    );
    assert_eq!(std::fs::read(out.path()).unwrap(), b"the old contents\n");

    let dir = std::env::temp_dir();
    let run = carefind(&["import", input.path(), "-o", dir.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains("is a directory; name a file to write"),
        "{}",
        stderr(&run)
    );
}

#[test]
#[ignore = "needs the real datasets (../shared/datasets or CAREFIND_DATASETS)"]
fn the_published_workbooks_import_placed_by_zip_or_by_another_files_points() {
    let dir = datasets();
    let path = |file: &str| dir.join(file).to_str().unwrap().to_string();
    let workbook = path("samhsa_national_directory_su_2022.xlsx");
    let unplaced = carefind(&["import", &workbook, "-o", "-"]);
    assert_eq!(unplaced.status.code(), Some(2));
    assert!(
        stderr(&unplaced).contains("--geocode zip"),
        "{}",
        stderr(&unplaced)
    );
    for placement in [
        vec!["--geocode", "zip"],
        vec!["--coordinates", &path("samhsa_su_directory_2022_geo.csv")],
    ] {
        let out = TempFile::new("workbook.csv", b"");
        let mut args = vec![
            "import",
            "--lenient",
            "--kind",
            "substance-use",
            &workbook,
            "-o",
            out.path(),
        ];
        args.extend(placement.iter().copied());
        let run = carefind(&args);
        let tally = stderr(&run);
        println!("{tally}");
        assert_eq!(run.status.code(), Some(0), "{tally}");
        assert!(tally.contains("12176 rows read"), "{tally}");
        assert!(tally.contains("placed: "), "{tally}");
        let found = carefind(&[
            "find",
            "--data",
            out.path(),
            "--near",
            "10001",
            "--care",
            "iop",
            "--kind",
            "substance-use",
        ]);
        assert_eq!(found.status.code(), Some(0), "{}", stderr(&found));
    }
}

#[cfg(unix)]
#[test]
fn a_device_as_output_is_written_not_replaced() {
    let input = TempFile::new("device.csv", native_rows(3).as_bytes());
    let run = carefind(&["import", input.path(), "-o", "/dev/null"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let metadata = std::fs::metadata("/dev/null").unwrap();
    assert!(!metadata.is_file(), "/dev/null was replaced by a file");
}

#[test]
fn imports_say_where_listings_come_from_and_when_they_were_confirmed() {
    let labels = TempFile::new("labels.csv", LABELS.as_bytes());
    let geocoded = TempFile::new("otp.csv", GEOCODED.as_bytes());
    let run = carefind(&["import", "--care", "otp", labels.path(), geocoded.path()]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let out = stdout(&run);
    let mut rows = csv::Reader::from_reader(out.as_bytes());
    let header = rows.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let sources: Vec<String> = rows
        .records()
        .map(|r| r.unwrap()[at("source")].to_string())
        .collect();
    // Hope House is in both inputs, merged: both are named, the label CSV (a
    // FindTreatment format) with its publisher.
    let labels_name = format!(
        "SAMHSA FindTreatment.gov ({})",
        labels.0.file_name().unwrap().to_string_lossy()
    );
    let geocoded_name = geocoded
        .0
        .file_name()
        .unwrap()
        .to_string_lossy()
        .to_string();
    assert!(
        sources.contains(&format!("{labels_name}; {geocoded_name}")),
        "{sources:?}"
    );

    let run = carefind(&[
        "import",
        "--care",
        "otp",
        geocoded.path(),
        "--source",
        "State OTP list, March 2022",
        "--verified",
        "2022-03-31",
    ]);
    let out = stdout(&run);
    assert!(
        out.lines()
            .skip(1)
            .all(|line| line.contains(",2022-03-31,\"State OTP list, March 2022\",")),
        "{out}"
    );
    let bad = carefind(&[
        "import",
        "--care",
        "otp",
        geocoded.path(),
        "--verified",
        "31/03/2022",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("--verified: \"31/03/2022\" is not a date"),
        "{}",
        stderr(&bad)
    );
}
