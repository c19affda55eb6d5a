//! The accuracy audit from the command line: a sample that the seed reproduces, and a
//! score of verified outcomes equal to a hand computation.

use crate::common::{TempFile, carefind, stderr, stdout};
use serde_json::Value;

#[test]
fn the_same_seed_draws_the_same_sample_with_empty_verdicts() {
    let args = ["audit", "sample", "--n", "20", "--seed", "7"];
    let first = carefind(&args);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let text = stdout(&first);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(&header[..3], ["stratum", "stratum_size", "id"]);
    assert_eq!(
        &header[header.len() - 5..],
        [
            "reached",
            "offers_level",
            "accepts_payment",
            "accepting",
            "notes"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 20);
    assert!(
        rows.iter()
            .all(|row| row.iter().skip(12).all(str::is_empty))
    );
    assert_eq!(
        stdout(&carefind(&args)),
        text,
        "the seed reproduces the sample"
    );
    let other = carefind(&["audit", "sample", "--n", "20", "--seed", "8"]);
    assert_ne!(stdout(&other), text);
}

/// Two strata worked by hand (the library's unit test has the same rows): A has 300
/// listings, 4 rows verified, 2 exactly and 3 functionally accurate; B has 100 listings, 2
/// verified, 1 and 1. Overall, weighted 3:1, exact 50 % and functional 68.75 %.
#[test]
fn a_fixed_outcomes_file_scores_as_worked_by_hand() {
    let results = TempFile::new(
        "results.csv",
        b"stratum,stratum_size,id,reached,offers_level,accepts_payment,accepting,notes\n\
          A,300,a1,yes,yes,yes,yes,\n\
          A,300,a2,yes,yes,,yes,\n\
          A,300,a3,Y,yes,no,yes,wrong payment\n\
          A,300,a4,no,,,,disconnected\n\
          A,300,a5,,,,,not called yet\n\
          B,100,b1,yes,yes,yes,,\n\
          B,100,b2,yes,no,yes,yes,no IOP\n",
    );
    let output = carefind(&["audit", "score", results.path(), "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let scored: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let line = |i: usize| &scored[i];
    assert_eq!(
        (
            &line(0)["verified"],
            &line(0)["exact"],
            &line(0)["functional"]
        ),
        (&Value::from(4), &Value::from(2), &Value::from(3))
    );
    assert_eq!(line(2)["stratum"], "all");
    let share = |i: usize, what: &str| line(i)[what]["share"].as_f64().unwrap();
    assert!((share(2, "exact_accuracy") - 0.5).abs() < 1e-12);
    assert!((share(2, "functional_accuracy") - 0.6875).abs() < 1e-12);
    // Stratum A's exact accuracy: 2 of 4, Wilson 95 %: 0.5 ± 0.3500 (by the formula:
    // z/(1 + z²/n) · sqrt(p(1 - p)/n + z²/4n²) with z = 1.96, n = 4).
    let low = line(0)["exact_accuracy"]["low"].as_f64().unwrap();
    assert!((low - 0.1500).abs() < 1e-4, "{low}");

    let table = carefind(&["audit", "score", results.path()]);
    assert!(stdout(&table).contains("50.0 %"), "{}", stdout(&table));

    let bad = TempFile::new(
        "bad.csv",
        b"stratum,stratum_size,reached,offers_level,accepts_payment,accepting\nA,3,maybe,,,\n",
    );
    let refused = carefind(&["audit", "score", bad.path()]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains(r#"line 2: reached "maybe" is not yes, no or empty"#),
        "{}",
        stderr(&refused)
    );
}
