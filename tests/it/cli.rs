//! The `carefind` binary, run as a user runs it: formats read back with real parsers, answers
//! equal to the library's, batch equal to single queries, bad input exiting 2 with one line.

use crate::common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use common::{TempFile, carefind, stderr, stdout};

use carefind::{CareLevel, Filter, Index, LatLon, Query};

const FIELDS: [&str; 51] = [
    "rank",
    "id",
    "name",
    "name2",
    "street",
    "city",
    "state",
    "zip",
    "phone",
    "intake_phone",
    "website",
    "lat",
    "lon",
    "care",
    "payment",
    "ages",
    "populations",
    "languages",
    "medications",
    "services",
    "kinds",
    "mh_types",
    "credentials",
    "precision",
    "status",
    "verified",
    "source",
    "hours",
    "level_hours",
    "timezone",
    "walk_in",
    "same_day_medication",
    "counseling_required",
    "telehealth_intake",
    "asam",
    "distance_m",
    "distance",
    "units",
    "bearing_deg",
    "accepting",
    "beds_available",
    "beds_total",
    "wait_days",
    "availability_updated",
    "last_updated",
    "days_updated_of_30",
    "reported_walk_in",
    "reported_same_day_medication",
    "reported_counseling_required",
    "reported_telehealth_intake",
    "ways_in_updated",
];

/// A point near ZIP 10001, given to the binary as LAT,LON.
const NEAR_10001: (f64, f64) = (40.750742, -73.99653);

fn nearest_iop_to_10001() -> Vec<(String, f64)> {
    let index = Index::sample();
    let origin = LatLon::new(NEAR_10001.0, NEAR_10001.1).unwrap();
    let query = Query::nearest(origin, 10).filter(Filter::new().care(CareLevel::Iop));
    index
        .search(&query)
        .unwrap()
        .iter()
        .map(|h| (h.facility.id().to_string(), h.distance_m.unwrap()))
        .collect()
}

#[test]
fn json_carries_every_field_and_equals_the_library() {
    let output = carefind(&[
        "find",
        "--near",
        "40.750742,-73.99653",
        "--care",
        "iop",
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("fictitious"),
        "the sample notice is always shown"
    );
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    let expected = nearest_iop_to_10001();
    assert_eq!(rows.len(), expected.len());
    for (rank, (row, (id, distance_m))) in rows.iter().zip(&expected).enumerate() {
        let object = row.as_object().unwrap();
        for field in FIELDS {
            assert!(object.contains_key(field), "missing {field}");
        }
        assert_eq!(row["rank"], rank + 1);
        assert_eq!(row["id"], id.as_str());
        assert!((row["distance_m"].as_f64().unwrap() - distance_m).abs() < 1e-3);
        assert!(row["care"].as_array().unwrap().iter().any(|c| c == "iop"));
        assert_eq!(row["units"], "mi");
    }
}

#[test]
fn ndjson_csv_tsv_and_geojson_read_back() {
    let base = [
        "find",
        "--near",
        "40.750742,-73.99653",
        "--care",
        "iop",
        "--units",
        "km",
        "--format",
    ];
    let expected = nearest_iop_to_10001();
    let ids: Vec<&str> = expected.iter().map(|(id, _)| id.as_str()).collect();

    let ndjson = stdout(&carefind(&[&base[..], &["ndjson"]].concat()));
    let got: Vec<String> = ndjson
        .lines()
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(got, ids);

    for (format, delimiter) in [("csv", b','), ("tsv", b'\t')] {
        let text = stdout(&carefind(&[&base[..], &[format]].concat()));
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), FIELDS);
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(
            rows.iter().map(|r| r[1].to_string()).collect::<Vec<_>>(),
            ids,
            "{format}"
        );
        let column = |name: &str| FIELDS.iter().position(|field| *field == name).unwrap();
        assert_eq!(&rows[0][column("units")], "km");
        // IOP, derived: 2.1 among the ASAM levels.
        assert!(
            rows[0][column("asam")]
                .split(';')
                .any(|level| level == "2.1")
        );
    }

    let geojson: geojson::GeoJson = stdout(&carefind(&[&base[..], &["geojson"]].concat()))
        .parse()
        .unwrap();
    let geojson::GeoJson::FeatureCollection(collection) = geojson else {
        panic!("not a FeatureCollection")
    };
    assert_eq!(collection.features.len(), ids.len());
    let index = Index::sample();
    for (feature, id) in collection.features.iter().zip(&ids) {
        assert_eq!(feature.property("id").unwrap(), *id);
        let facility = index.get(id).unwrap();
        let geojson::GeometryValue::Point { coordinates } =
            &feature.geometry.as_ref().unwrap().value
        else {
            panic!("not a point")
        };
        let lon_lat = [facility.location().lon(), facility.location().lat()];
        assert_eq!(coordinates.as_slice(), lon_lat, "[lon, lat] order");
        for field in FIELDS {
            assert!(feature.contains_property(field), "missing {field}");
        }
    }
}

#[test]
fn the_table_is_aligned() {
    let output = carefind(&[
        "find", "--near", "10001", "--format", "table", "--limit", "8",
    ]);
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 9, "{text}");
    let name_column = lines[0].find("name").unwrap();
    let care_column = lines[0].find("care").unwrap();
    for line in &lines[1..] {
        assert_eq!(line.find("Sample"), Some(name_column), "{text}");
        // Every row's care column starts where the title's does, after the two-space gap.
        let care_start = line
            .char_indices()
            .nth(lines[0][..care_column].chars().count())
            .unwrap()
            .0;
        assert!(
            line[..care_start].ends_with("  "),
            "columns are separated: {line}"
        );
        assert!(
            !line[care_start..].starts_with(' '),
            "care starts at its column: {line}"
        );
    }
    // Distances are right-aligned: their last digit sits under the title's last letter.
    let distance_end = lines[0].find("dist mi").unwrap() + "dist mi".len();
    for line in &lines[1..] {
        assert!(line.as_bytes()[distance_end - 1].is_ascii_digit(), "{line}");
        assert_eq!(line.as_bytes()[distance_end], b' ', "{line}");
    }
}

#[test]
fn zip_and_coordinates_agree() {
    let by_zip = stdout(&carefind(&["find", "--near", "10001", "--format", "csv"]));
    let by_zip4 = stdout(&carefind(&[
        "find",
        "--near",
        "10001-2062",
        "--format",
        "csv",
    ]));
    assert_eq!(by_zip, by_zip4);
    let by_city = carefind(&["find", "--near", "New York, NY", "--format", "csv"]);
    assert_eq!(by_city.status.code(), Some(0));
}

#[test]
fn a_batch_equals_single_queries() {
    let index = Index::sample();
    let mut origins = String::from("id,lat,lon\n");
    let mut points = Vec::new();
    for i in 0..1_000u32 {
        let lat = 26.0 + f64::from(i % 37) * 0.6;
        let lon = -122.0 + f64::from(i % 53) * 1.0;
        points.push(LatLon::new(lat, lon).unwrap());
        origins.push_str(&format!("o{i},{lat},{lon}\n"));
    }
    let file = TempFile::new("origins.csv", origins.as_bytes());
    let output = carefind(&[
        "find",
        "--origins",
        file.path(),
        "--care",
        "outpatient-any",
        "--limit",
        "3",
    ]);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stderr(&output).contains("1000 read, 1000 answered, 0 rejected"),
        "{}",
        stderr(&output)
    );
    let text = stdout(&output);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(&reader.headers().unwrap()[0], "origin_id");
    let rows: Vec<(String, String)> = reader
        .records()
        .map(|r| r.unwrap())
        .map(|r| (r[0].to_string(), r[2].to_string()))
        .collect();

    let filter = Filter::new().care("outpatient-any".parse::<carefind::CareSet>().unwrap());
    let mut expected = Vec::new();
    for (i, point) in points.iter().enumerate() {
        for hit in index
            .search(&Query::nearest(*point, 3).filter(filter.clone()))
            .unwrap()
        {
            expected.push((format!("o{i}"), hit.facility.id().to_string()));
        }
    }
    assert_eq!(rows, expected);

    // And a few of them through the binary one at a time.
    for i in [0usize, 499, 999] {
        let near = format!("{},{}", points[i].lat(), points[i].lon());
        let single = stdout(&carefind(&[
            "find",
            "--near",
            &near,
            "--care",
            "outpatient-any",
            "--limit",
            "3",
        ]));
        let ids: Vec<String> = csv::Reader::from_reader(single.as_bytes())
            .records()
            .map(|r| r.unwrap()[1].to_string())
            .collect();
        let batch: Vec<String> = rows
            .iter()
            .filter(|(origin, _)| *origin == format!("o{i}"))
            .map(|(_, id)| id.clone())
            .collect();
        assert_eq!(ids, batch);
    }
}

#[test]
fn bad_origins_are_reported_with_their_line_and_skipped() {
    let file = TempFile::new(
        "origins.csv",
        b"id,place\na,10001\nb,99999\nc,Columbus, OH\n,10002\n",
    );
    let output = carefind(&[
        "find",
        "--origins",
        file.path(),
        "--limit",
        "1",
        "--format",
        "ndjson",
    ]);
    let errors = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{errors}");
    assert!(errors.contains("line 3: ZIP code 99999"), "{errors}");
    assert!(errors.contains("line 4:"), "{errors}");
    assert!(errors.contains("line 5: column id is empty"), "{errors}");
    assert!(
        errors.contains("4 read, 1 answered, 3 rejected"),
        "{errors}"
    );
    assert_eq!(stdout(&output).lines().count(), 1);

    let strict = carefind(&["find", "--origins", file.path(), "--strict"]);
    assert_eq!(strict.status.code(), Some(2));
    assert!(stderr(&strict).contains("line 3"), "{}", stderr(&strict));

    let no_columns = TempFile::new("origins.csv", b"name,x\na,1\n");
    let output = carefind(&["find", "--origins", no_columns.path()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output)
            .contains("origins need lat and lon columns (or place) (the header has: name,x)"),
        "{}",
        stderr(&output)
    );
}

fn assert_fails(args: &[&str], message: &str) {
    let output = carefind(args);
    let errors = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {errors}");
    assert!(
        errors.contains(message),
        "{args:?}: {errors:?} lacks {message:?}"
    );
    let error_lines: Vec<&str> = errors
        .lines()
        .filter(|l| l.starts_with("carefind: error"))
        .collect();
    assert_eq!(error_lines.len(), 1, "{errors}");
    assert!(!errors.contains("panicked"), "{errors}");
    assert!(output.stdout.is_empty());
}

#[test]
fn bad_input_exits_2_with_one_line_naming_the_problem() {
    assert_fails(
        &["find", "--near", "91,0"],
        "latitude 91 is outside [-90, 90]",
    );
    assert_fails(&["find", "--near", "abc"], "not a known city");
    assert_fails(
        &["find", "--near", "00000"],
        "ZIP code 00000 is not in the embedded table",
    );
    assert_fails(&["find", "--near", "Springfield"], "ambiguous");
    assert_fails(&["find", "--near", "10001", "--within", "-3mi"], "--within");
    assert_fails(
        &["find", "--near", "10001", "--within", "5parsecs"],
        "unknown unit \"parsecs\"",
    );
    assert_fails(&["find", "--near", "10001", "--limit", "-1"], "--limit");
    assert_fails(
        &["find", "--near", "10001", "--care", "intensive"],
        "did you mean \"iop\"",
    );
    assert_fails(&["find", "--bbox", "1,2,3"], "has 3 numbers");
    assert_fails(&["find"], "nothing to search around");
    let not_geojson = TempFile::new("polygon.json", b"{\"hello\": 1}");
    assert_fails(&["find", "--polygon", not_geojson.path()], "not GeoJSON");
    assert_fails(
        &[
            "find",
            "--near",
            "10001",
            "--data",
            "/no/such/facilities.csv",
        ],
        "/no/such/facilities.csv",
    );
    let empty = TempFile::new("empty.csv", b"");
    assert_fails(
        &["find", "--near", "10001", "--data", empty.path()],
        "the file is empty",
    );
    let bad_row = TempFile::new(
        "bad.csv",
        b"id,name,lat,lon,care\na,A,40,-74,iop\nb,B,40,-274,iop\n",
    );
    assert_fails(
        &["find", "--near", "10001", "--data", bad_row.path()],
        "line 3, column \"lon\", value \"-274\"",
    );
    assert_fails(&["find", "--near", "10001", "--frobnicate"], "--frobnicate");
}

#[test]
fn the_antimeridian_does_not_split_a_radius() {
    let data = b"id,name,lat,lon,care\neast,East,0.1,179.9,iop\nwest,West,-0.1,-179.9,iop\nfar,Far,0,170,iop\n";
    let file = TempFile::new("fiji.csv", data);
    let output = carefind(&[
        "find",
        "--near",
        "0,179.95",
        "--within",
        "50km",
        "--data",
        file.path(),
        "--format",
        "csv",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    let ids: Vec<String> = csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap()[1].to_string())
        .collect();
    assert_eq!(ids, ["east", "west"]);
    assert!(
        !stderr(&output).contains("fictitious"),
        "no sample notice with --data"
    );
}

#[test]
fn a_box_and_a_polygon_work_without_an_origin() {
    let output = carefind(&[
        "find",
        "--bbox",
        "-74.3,40.5,-73.7,40.9",
        "--all",
        "--format",
        "json",
    ]);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert!(rows.len() > 5);
    assert!(rows.iter().all(|row| row["distance_m"].is_null()));
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "ordered by id");

    let polygon = br#"{"type":"Feature","properties":{},"geometry":{"type":"Polygon",
        "coordinates":[[[-74.3,40.5],[-73.7,40.5],[-73.7,40.9],[-74.3,40.9],[-74.3,40.5]]]}}"#;
    let file = TempFile::new("box.geojson", polygon);
    let output = carefind(&[
        "find",
        "--polygon",
        file.path(),
        "--all",
        "--format",
        "json",
    ]);
    let same: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(same, rows);
}

#[test]
fn nothing_found_exits_1() {
    let output = carefind(&["find", "--near", "0,-150", "--within", "1km"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_carefind"))
        .args(["find", "--near", "10001", "--all", "--format", "ndjson"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with('{'));
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let errors = String::from_utf8(output.stderr).unwrap();
    assert!(
        !errors.contains("error") && !errors.contains("panicked"),
        "{errors}"
    );
}

#[test]
fn origins_and_data_can_come_from_stdin() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_carefind"))
        .args(["find", "--near", "-", "--limit", "2", "--format", "csv"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"id,place\nhome,10001\nwork,60601\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(text.lines().count(), 5, "{text}");
}

#[test]
fn help_completions_and_man_page() {
    let help = stdout(&carefind(&["find", "--help"]));
    assert!(help.contains("Examples:") && help.contains("--care"));
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let output = carefind(&["completions", shell]);
        assert_eq!(output.status.code(), Some(0));
        assert!(stdout(&output).contains("carefind"), "{shell}");
    }
    let man = stdout(&carefind(&["man"]));
    assert!(
        man.contains(".TH carefind"),
        "{}",
        &man[..man.len().min(200)]
    );
}

#[test]
fn inputs_that_are_not_text_or_too_large_are_refused_with_their_line() {
    let find = |file: &TempFile, message: &str| {
        assert_fails(&["find", "--near", "10001", "--data", file.path()], message);
        assert_fails(
            &[
                "import",
                "--lenient",
                "--care",
                "iop",
                file.path(),
                "-o",
                "-",
            ],
            message,
        );
    };
    let mut long_row = b"id,name,lat,lon,care\nf1,".to_vec();
    long_row.extend(std::iter::repeat_n(b'x', 3 << 20));
    find(
        &TempFile::new("long-row.csv", &long_row),
        "line 2: the row is longer than 1 MiB",
    );
    let mut long_header = b"id,name,lat,lon,care".to_vec();
    long_header.extend(std::iter::repeat_n(b'x', 3 << 20));
    find(
        &TempFile::new("long-header.csv", &long_header),
        "line 1: the header row is longer than 64 KiB",
    );
    let wide = (0..5_000)
        .map(|i| format!("c{i}"))
        .collect::<Vec<_>>()
        .join(",");
    find(
        &TempFile::new("wide.csv", wide.as_bytes()),
        "line 1: the row has more than 4096 fields",
    );
    let utf16: Vec<u8> = "\u{feff}id,name,lat,lon,care\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    find(
        &TempFile::new("utf16.csv", &utf16),
        "this file is UTF-16; save it as UTF-8",
    );
    let nul = b"id,name,lat,lon,care\nf1,Hope\0House,40,-74,iop\n";
    find(
        &TempFile::new("nul.csv", nul),
        "line 2: the input holds a NUL byte",
    );
    let mac = b"id,name,lat,lon,care\rf1,Hope,40,-74,iop\r";
    find(
        &TempFile::new("mac.csv", mac),
        "line 1: the lines end with a carriage return alone",
    );
    let empty = TempFile::new("empty.csv", b"");
    assert_fails(&["import", empty.path(), "-o", "-"], "the file is empty");
    assert_fails(
        &["find", "--near", "10001", "--within", "1e308mi"],
        "--within",
    );
}

#[test]
fn echoed_headers_carry_no_control_bytes_and_at_most_a_few_hundred_of_them() {
    let hostile = TempFile::new("hostile.csv", b"id,\x1b]0;owned\x07,\x1b[2J\n1,2,3\n");
    let run = carefind(&["find", "--near", "10001", "--data", hostile.path()]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        !run.stderr.iter().any(|b| *b == 0x1b || *b == 0x07),
        "{:?}",
        stderr(&run)
    );
    assert!(
        stderr(&run).contains(r"\u{1b}]0;owned\u{7}"),
        "{}",
        stderr(&run)
    );
    let many = (0..4_000)
        .map(|i| format!("column{i}"))
        .collect::<Vec<_>>()
        .join(",");
    let long = TempFile::new("long-names.csv", many.as_bytes());
    let run = carefind(&["find", "--near", "10001", "--data", long.path()]);
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).len() < 600, "{}", stderr(&run));
}

#[test]
fn endless_input_is_refused_within_a_small_address_space() {
    // Before the limits, both read /dev/zero until the process aborted.
    for command in [
        "find --origins /dev/zero",
        "import --lenient --care iop /dev/zero -o -",
        "find --near 10001 --data /dev/zero",
    ] {
        let run = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "ulimit -v 2000000; exec {} {command}",
                env!("CARGO_BIN_EXE_carefind")
            ))
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(2), "{command}: {}", stderr(&run));
        assert!(
            stderr(&run).contains("NUL byte"),
            "{command}: {}",
            stderr(&run)
        );
    }
}

#[test]
fn a_duplicate_column_among_thousands_is_found_at_once() {
    let mut names: Vec<String> = (0..4_000).map(|i| format!("c{i}")).collect();
    names.push("c17".into());
    let file = TempFile::new("dup.csv", names.join(",").as_bytes());
    assert_fails(
        &["find", "--near", "10001", "--data", file.path()],
        "column \"c17\" appears twice",
    );
}

#[test]
fn kind_and_precision_filter_and_count() {
    // Every sample facility treats substance use, at a point of its own.
    let found = carefind(&[
        "find",
        "--near",
        "10001",
        "--kind",
        "substance-use",
        "--min-precision",
        "point",
    ]);
    assert_eq!(found.status.code(), Some(0), "{}", stderr(&found));
    let none = carefind(&["find", "--near", "10001", "--kind", "mental-health"]);
    assert_eq!(none.status.code(), Some(1), "{}", stderr(&none));
    assert_fails(
        &["find", "--near", "10001", "--min-precision", "exact"],
        "--min-precision",
    );
    assert_fails(&["find", "--near", "10001", "--kind", "therapy"], "--kind");
    let stats = stdout(&carefind(&["stats", "--by", "kind", "--format", "csv"]));
    assert!(stats.contains("kind,substance-use,8000,1"), "{stats}");
    let stats = stdout(&carefind(&[
        "stats",
        "--by",
        "precision",
        "--format",
        "csv",
    ]));
    assert!(stats.contains("precision,zip,0,0"), "{stats}");
}

/// `--medication all:a,b,c` keeps the facilities offering every one of them, as the
/// library's filter does, from the command line and the HTTP API alike; `asam` refuses it.
#[test]
fn all_of_a_list_needs_every_term_everywhere() {
    let index = carefind::Index::sample();
    let origin = carefind::LatLon::new(40.7506, -73.9972).unwrap();
    let near = |filter: carefind::Filter| {
        let query =
            carefind::Query::within(origin, carefind::Distance::from_miles(50.0)).filter(filter);
        index.count(&query).unwrap()
    };
    let all = near(
        carefind::Filter::from_words([("medication", "all:methadone,buprenorphine,naltrexone")])
            .unwrap(),
    );
    let any = near(
        carefind::Filter::from_words([("medication", "methadone,buprenorphine,naltrexone")])
            .unwrap(),
    );
    // Worked out from the records: every one of the three.
    let every = index
        .facilities()
        .filter(|f| {
            f.location().distance_m(origin) <= carefind::Distance::from_miles(50.0).as_meters()
        })
        .filter(|f| f.status() == carefind::Status::Active)
        .filter(|f| {
            ["methadone", "buprenorphine", "naltrexone"]
                .iter()
                .all(|m| f.medications().contains(m.parse().unwrap()))
        })
        .count();
    assert_eq!(all, every);
    assert!(0 < all && all < any, "{all} of {any}");
    let run = carefind(&[
        "find",
        "--near",
        "10001",
        "--within",
        "50mi",
        "--count",
        "--medication",
        "all:methadone,buprenorphine,naltrexone",
        "--format",
        "csv",
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(stdout(&run).lines().nth(1).unwrap(), format!(",{all}"));
    let app = crate::common::app::App::sample();
    let (status, body) = app.get(
        "/v1/facilities?near=10001&within=50mi&medication=all:methadone,buprenorphine,naltrexone",
    );
    assert_eq!(status, 200);
    assert_eq!(body["total"], all);
    let run = carefind(&["find", "--near", "10001", "--asam", "all:2.1"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains("asam takes any of them, never all:"),
        "{}",
        stderr(&run)
    );
}
