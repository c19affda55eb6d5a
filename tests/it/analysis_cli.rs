//! `carefind pathway` and `carefind coverage` as a user runs them: formats, exit codes,
//! bad origins reported with their lines and counted, plots written.

use crate::common;

use common::{TempFile, carefind, datasets, stderr, stdout};

#[test]
fn pathway_json_has_every_later_stage_and_ranked_pairs() {
    let run = carefind(&[
        "pathway",
        "--near",
        "43215",
        "--from",
        "detox",
        "--payment",
        "medicaid",
        "--format",
        "json",
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&run)).unwrap();
    let stages: Vec<&str> = doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    // The step-down path: hospital inpatient care is a start, not a step after detox.
    assert_eq!(stages, ["residential", "php", "iop", "outpatient"]);
    for step in doc["steps"].as_array().unwrap() {
        let mut last = 0.0;
        for option in step["options"].as_array().unwrap() {
            assert!(
                option["payment"]
                    .as_array()
                    .unwrap()
                    .contains(&"medicaid".into())
            );
            let distance = option["distance"].as_f64().unwrap();
            assert!(distance >= last);
            last = distance;
        }
    }
    let pairs = doc["pairs"].as_array().unwrap();
    assert!(!pairs.is_empty());
    let mut last = 0.0;
    for pair in pairs {
        let trip = pair["trip"].as_f64().unwrap();
        assert!(trip >= last);
        last = trip;
        assert!(
            pair["home"]["care"]
                .as_array()
                .unwrap()
                .contains(&"sober-living".into())
        );
        assert!(pair["home"]["distance"].as_f64().unwrap() <= 10.0);
        let program = pair["program"]["care"].as_array().unwrap();
        assert!(program.contains(&"iop".into()) || program.contains(&"php".into()));
    }
}

#[test]
fn pathway_table_has_a_block_per_stage_and_errors_exit_2() {
    let run = carefind(&[
        "pathway",
        "--near",
        "Columbus, OH",
        "--from",
        "residential",
        "--format",
        "table",
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let text = stdout(&run);
    assert!(
        text.starts_with("After residential, the nearest options of each later stage:"),
        "{text}"
    );
    for heading in [
        "\nphp (php)\n",
        "\niop (iop)\n",
        "\noutpatient (outpatient)\n",
        "\nIOP or PHP with a sober-living home within 10 mi",
    ] {
        assert!(text.contains(heading), "{heading:?} in {text}");
    }
    let bad = carefind(&["pathway", "--near", "43215", "--from", "rehab"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("--from: unknown stage \"rehab\""),
        "{}",
        stderr(&bad)
    );
    let bad = carefind(&["pathway", "--near", "43215", "--pair-within", "-2mi"]);
    assert_eq!(bad.status.code(), Some(2));
    // Nothing of any stage within 1 m of a point in the ocean: exit 1.
    let none = carefind(&[
        "pathway", "--near", "0,-140", "--within", "1m", "--pairs", "0", "--format", "json",
    ]);
    assert_eq!(none.status.code(), Some(1), "{}", stderr(&none));
}

const ORIGINS: &str = "GEOID,Y,X,POP\n10001,40.7506,-73.9972,21102\n43215,39.9612,-82.9988,11000\n\
    99999,95.0,-73.0,5\nbadx,40.0,east,7\n59001,45.5,-109.5,0\n";

#[test]
fn coverage_reports_bad_origins_by_line_and_counts_them() {
    let origins = TempFile::new("origins.csv", ORIGINS.as_bytes());
    let per_origin = TempFile::new("per.csv", b"");
    let run = carefind(&[
        "coverage",
        "--origins",
        origins.path(),
        "--care",
        "otp,detox",
        "--per-origin",
        per_origin.path(),
        "--format",
        "csv",
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let err = stderr(&run);
    assert!(
        err.contains("line 4: latitude 95 is outside [-90, 90]; skipped"),
        "{err}"
    );
    assert!(
        err.contains("line 5: column lon: \"east\" is not a number; skipped"),
        "{err}"
    );
    assert!(err.contains("5 origins read, 3 used, 2 rejected"), "{err}");
    let text = stdout(&run);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    assert_eq!(
        header.iter().collect::<Vec<_>>(),
        [
            "level",
            "origins",
            "weight",
            "share_within_10mi",
            "share_within_25mi",
            "share_within_50mi",
            "median",
            "p90",
            "units",
            "deserts",
            "desert_weight"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (&rows[0][0], &rows[0][1], &rows[0][2]),
        ("otp", "3", "32102")
    );
    let per = std::fs::read_to_string(per_origin.path()).unwrap();
    assert_eq!(per.lines().count(), 1 + 3 * 2, "{per}");
    assert!(per.starts_with("origin_id,level,facility_id,distance_m,distance,units\n10001,otp,"));

    for format in ["json", "ndjson", "geojson", "tsv", "table"] {
        let run = carefind(&[
            "coverage",
            "--origins",
            origins.path(),
            "--care",
            "otp",
            "--format",
            format,
        ]);
        assert_eq!(run.status.code(), Some(0), "{format}");
        let text = stdout(&run);
        match format {
            "json" => assert_eq!(
                serde_json::from_str::<serde_json::Value>(&text).unwrap()[0]["level"],
                "otp"
            ),
            "ndjson" => assert_eq!(text.lines().count(), 1),
            "geojson" => assert_eq!(
                serde_json::from_str::<serde_json::Value>(&text).unwrap()["type"],
                "FeatureCollection"
            ),
            "tsv" => assert!(text.starts_with("level\torigins\t")),
            _ => assert!(text.starts_with("level "), "{text}"),
        }
    }
}

#[test]
fn coverage_needs_its_columns_and_draws_plots() {
    let no_lat = TempFile::new("nolat.csv", b"id,where,POP\na,x,1\n");
    let run = carefind(&["coverage", "--origins", no_lat.path()]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains("origins need lat and lon columns (or place)"),
        "{}",
        stderr(&run)
    );
    let named = TempFile::new("named.csv", b"code,north,east,people\na,40.75,-73.99,3\n");
    let run = carefind(&[
        "coverage",
        "--origins",
        named.path(),
        "--id-col",
        "code",
        "--lat-col",
        "nope",
    ]);
    assert!(stderr(&run).contains("--lat-col: "), "{}", stderr(&run));
    let run = carefind(&[
        "coverage",
        "--origins",
        named.path(),
        "--id-col",
        "code",
        "--lat-col",
        "north",
        "--lon-col",
        "east",
        "--weight-col",
        "people",
        "--care",
        "iop",
        "--format",
        "json",
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&run)).unwrap();
    assert_eq!(doc[0]["weight"], 3.0);

    let origins = TempFile::new("origins.csv", ORIGINS.as_bytes());
    for name in ["map.svg", "map.png"] {
        let plot = TempFile::new(name, b"");
        let run = carefind(&[
            "coverage",
            "--origins",
            origins.path(),
            "--care",
            "otp",
            "--plot",
            plot.path(),
        ]);
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
        let bytes = std::fs::read(plot.path()).unwrap();
        if name.ends_with(".png") {
            assert!(bytes.starts_with(b"\x89PNG"), "a PNG");
        } else {
            let svg = String::from_utf8(bytes).unwrap();
            assert!(svg.contains("<svg") && svg.contains("Share within each ring"));
        }
    }
    let run = carefind(&["coverage", "--origins", origins.path(), "--plot", "map.jpg"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).contains("name an .svg or a .png file"));
}

#[test]
#[ignore = "needs the real datasets (../shared/datasets or CAREFIND_DATASETS)"]
fn real_otp_coverage_runs_on_the_population_centroids() {
    let dir = datasets();
    let path = |file: &str| dir.join(file).to_str().unwrap().to_string();
    let otp = TempFile::new("otp.csv", b"");
    let run = carefind(&[
        "import",
        "--lenient",
        "--care",
        "otp",
        &path("samhsa_otp_directory.csv"),
        "-o",
        otp.path(),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let run = carefind(&[
        "coverage",
        "--origins",
        &path("zcta_population_2010.csv"),
        "--care",
        "otp",
        "--data",
        otp.path(),
        "--format",
        "json",
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&run)).unwrap();
    println!("{}", serde_json::to_string(&doc[0]["rings"]).unwrap());
    assert_eq!(doc[0]["origins"], 32_936);
    let shares: Vec<f64> = doc[0]["rings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["share"].as_f64().unwrap())
        .collect();
    assert!(
        shares.windows(2).all(|w| w[0] <= w[1]) && shares[2] > 0.9,
        "{shares:?}"
    );
}

/// `coverage --inequality` gives the Gini, Palma and Theil T of the per-origin distances
/// (the ones `--per-origin` writes) weighted by the origins' weights, as the library
/// computes them; and of the 2SFCA scores.
#[test]
fn coverage_inequality_is_the_librarys_over_the_per_origin_distances() {
    let origins = TempFile::new(
        "origins.csv",
        b"id,lat,lon,pop\na,40.75,-73.99,100\nb,41.88,-87.63,250\nc,34.05,-118.24,40\nd,47.61,-122.33,10\ne,44.98,-93.27,5\n",
    );
    let dir = tempfile::tempdir().unwrap();
    let per_origin = dir.path().join("per.csv");
    let run = carefind(&[
        "coverage",
        "--origins",
        origins.path(),
        "--weight-col",
        "pop",
        "--care",
        "otp,iop",
        "--inequality",
        "--per-origin",
        per_origin.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    let rows: Vec<serde_json::Value> = serde_json::from_str(&stdout(&run)).unwrap();
    let weights: std::collections::HashMap<&str, f64> = [
        ("a", 100.0),
        ("b", 250.0),
        ("c", 40.0),
        ("d", 10.0),
        ("e", 5.0),
    ]
    .into();
    let mut reader = csv::Reader::from_path(&per_origin).unwrap();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    for row in &rows {
        let level = row["level"].as_str().unwrap();
        let values: Vec<(f64, f64)> = records
            .iter()
            .filter(|r| &r[1] == level && !r[3].is_empty())
            .map(|r| (r[3].parse().unwrap(), weights[&r[0]]))
            .collect();
        assert_eq!(values.len(), 5);
        let expected = carefind::analysis::inequality::inequality(&values).unwrap();
        let close = |name: &str, want: f64| {
            let got = row[name].as_f64().unwrap();
            assert!(
                (got - want).abs() < 1e-6,
                "{level} {name}: {got} against {want}"
            );
        };
        close("gini", expected.gini);
        close("palma", expected.palma);
        close("theil_t", expected.theil_t);
    }
    // And over 2SFCA scores.
    let run = carefind(&[
        "coverage",
        "--origins",
        origins.path(),
        "--weight-col",
        "pop",
        "--care",
        "otp",
        "--measure",
        "2sfca",
        "--catchment",
        "30mi",
        "--inequality",
        "--format",
        "json",
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    let rows: Vec<serde_json::Value> = serde_json::from_str(&stdout(&run)).unwrap();
    assert!(rows[0]["gini"].as_f64().is_some(), "{}", rows[0]);
}

#[test]
fn coverage_measures_need_their_parameters_and_name_their_units() {
    let origins = TempFile::new("measures-origins.csv", ORIGINS.as_bytes());
    let refused = |extra: &[&str], says: &str| {
        let mut args = vec!["coverage", "--origins", origins.path(), "--care", "otp"];
        args.extend_from_slice(extra);
        let run = carefind(&args);
        assert_eq!(run.status.code(), Some(2), "{extra:?}");
        assert!(stderr(&run).contains(says), "{extra:?}: {}", stderr(&run));
    };
    refused(
        &["--measure", "3sfca", "--catchment", "10mi"],
        "--measure 3sfca needs --decay",
    );
    refused(
        &["--measure", "cumulative"],
        "--measure cumulative needs --cutoff",
    );
    refused(
        &["--measure", "cumulative-interval", "--interval", "10mi"],
        "is not FROM,TO or FROM,TO,STEP",
    );
    refused(
        &["--measure", "cumulative-interval", "--interval", "10mi,5mi"],
        "TO must be beyond FROM",
    );
    refused(
        &["--measure", "closest", "--n", "0"],
        "--n: 0 is not above 0",
    );
    refused(&["--care", "otp+"], "--care: unknown care level");

    // The two nearest OTPs' distance, in miles, for the three good origins (one of which
    // has no weight); and the same with the care levels measured as one.
    let run = carefind(&[
        "coverage",
        "--origins",
        origins.path(),
        "--care",
        "otp,iop",
        "--as-one",
        "--measure",
        "closest",
        "--n",
        "2",
        "--format",
        "json",
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let rows: Vec<serde_json::Value> = serde_json::from_str(&stdout(&run)).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["level"], "otp+iop");
    assert_eq!(rows[0]["measure"], "closest");
    assert_eq!(rows[0]["units"], "mi");
    assert_eq!(rows[0]["share_without_access"], 0.0);
    assert!(rows[0]["median"].as_f64().unwrap() > 0.0);
}
