//! The importers on randomly corrupted input: bad coordinates, truncated rows, wrong JSON
//! types, unknown labels, bytes that are not UTF-8. Whatever comes in, a lenient load
//! accounts for every row (read == loaded + rejected), the counts match what was written,
//! and nothing panics.

use carefind::CareLevel;
use carefind::load::{self, LoadOptions, Loaded};
use proptest::prelude::*;

/// One row's corruption, or none.
#[derive(Clone, Debug)]
enum Fault {
    None,
    Latitude(String),
    Truncated,
    UnknownLabel,
    Latin1Name,
    WrongType,
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        3 => Just(Fault::None),
        1 => prop_oneof![
            Just("95.5".to_string()), Just("-91".to_string()), Just("NaN".to_string()),
            Just("inf".to_string()), Just("".to_string()), Just("north".to_string()),
        ].prop_map(Fault::Latitude),
        1 => Just(Fault::Truncated),
        1 => Just(Fault::UnknownLabel),
        1 => Just(Fault::Latin1Name),
        1 => Just(Fault::WrongType),
    ]
}

/// Whether a row with this fault must be rejected.
fn rejects(fault: &Fault) -> bool {
    matches!(
        fault,
        Fault::Latitude(_) | Fault::Truncated | Fault::WrongType
    )
}

fn check(loaded: &Loaded, faults: &[Fault]) -> Result<(), TestCaseError> {
    let report = &loaded.report;
    prop_assert_eq!(report.read, faults.len() as u64);
    prop_assert_eq!(report.loaded + report.rejected.len() as u64, report.read);
    prop_assert_eq!(report.loaded as usize, loaded.facilities.len());
    let bad = faults.iter().filter(|f| rejects(f)).count();
    prop_assert_eq!(report.rejected.len(), bad, "{:?}", report.rejected);
    let unknown = faults
        .iter()
        .filter(|f| matches!(f, Fault::UnknownLabel))
        .count() as u64;
    prop_assert_eq!(
        report.unknown_labels.iter().map(|(_, n)| n).sum::<u64>(),
        unknown
    );
    Ok(())
}

/// A label CSV; the row number goes into the name and the point, so no two rows are one
/// facility.
fn label_csv(faults: &[Fault]) -> Vec<u8> {
    let mut out = b"Name,Latitude,Longitude,All Services\n".to_vec();
    for (i, fault) in faults.iter().enumerate() {
        let lat = match fault {
            Fault::Latitude(text) => text.clone(),
            Fault::WrongType => "[1]".into(),
            _ => format!("{}", 30.0 + i as f64 / 100.0),
        };
        let name: Vec<u8> = match fault {
            Fault::Latin1Name => format!("Pe\u{f1}a {i}").chars().map(|c| c as u8).collect(),
            _ => format!("Hope {i}").into_bytes(),
        };
        let labels = match fault {
            Fault::UnknownLabel => "Outpatient; Equine therapy",
            _ => "Intensive outpatient treatment; Medicaid; Relapse prevention",
        };
        out.extend(name);
        match fault {
            Fault::Truncated => out.extend(format!(",{lat}\n").bytes()),
            _ => out.extend(format!(",{lat},-90,\"{labels}\"\n").bytes()),
        }
    }
    out
}

/// A JSON listing page in the API's shape.
fn json(faults: &[Fault]) -> String {
    let rows: Vec<String> = faults
        .iter()
        .enumerate()
        .map(|(i, fault)| {
            let lat = match fault {
                Fault::Latitude(text) => format!("{text:?}"),
                _ => format!("\"{}\"", 30.0 + i as f64 / 100.0),
            };
            let name = match fault {
                Fault::WrongType => "{\"first\": \"Hope\"}".to_string(),
                Fault::Latin1Name => format!("\"Pe\u{f1}a {i}\""),
                _ => format!("\"Hope {i}\""),
            };
            let labels = match fault {
                Fault::UnknownLabel => "Outpatient; Equine therapy",
                _ => "Intensive outpatient treatment",
            };
            match fault {
                Fault::Truncated => format!("{{\"frid\": \"f{i}\", \"name1\": {name}}}"),
                _ => format!(
                    "{{\"frid\": \"f{i}\", \"name1\": {name}, \"latitude\": {lat}, \"longitude\": -90,\
                     \"services\": [{{\"f1\": \"Settings\", \"f2\": \"SET\", \"f3\": \"{labels}\"}}]}}"
                ),
            }
        })
        .collect();
    format!("{{\"page\": 1, \"rows\": [\n{}\n]}}", rows.join(",\n"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn label_csv_accounts_for_every_corrupted_row(faults in prop::collection::vec(fault(), 0..40)) {
        let input = label_csv(&faults);
        let loaded = load::label_csv::from_reader(&input[..], "labels.csv", &LoadOptions::lenient()).unwrap();
        check(&loaded, &faults)?;
        let latin1 = faults.iter().filter(|f| matches!(f, Fault::Latin1Name)).count();
        prop_assert_eq!(loaded.report.repairs.len(), latin1);
    }

    #[test]
    fn geocoded_csv_accounts_for_every_corrupted_row(faults in prop::collection::vec(fault(), 0..40)) {
        // The labels column is not read in a geocoded list, so no label is unknown.
        let faults: Vec<Fault> = faults
            .into_iter()
            .map(|f| if matches!(f, Fault::UnknownLabel) { Fault::None } else { f })
            .collect();
        let input = label_csv(&faults);
        let options = LoadOptions::lenient().with_care(CareLevel::Otp.into());
        let loaded = load::geocoded::from_reader(&input[..], "list.csv", &options).unwrap();
        check(&loaded, &faults)?;
        prop_assert!(loaded.facilities.iter().all(|f| f.care.contains(CareLevel::Otp)));
    }

    #[test]
    fn json_accounts_for_every_corrupted_row(faults in prop::collection::vec(fault(), 0..40)) {
        let faults: Vec<Fault> = faults
            .into_iter()
            .map(|f| if matches!(f, Fault::Latin1Name) { Fault::None } else { f })
            .collect();
        let input = json(&faults);
        let loaded = load::findtreatment::from_reader(input.as_bytes(), "page.json", &LoadOptions::lenient()).unwrap();
        check(&loaded, &faults)?;
    }

    #[test]
    fn importers_never_panic_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let options = LoadOptions::lenient().with_care(CareLevel::Otp.into());
        for header in [&b"Name,Latitude,Longitude,All Services\n"[..], b"ID,ADDRESS,Latitude,Longitude\n"] {
            let mut input = header.to_vec();
            input.extend(&bytes);
            for loaded in [
                load::label_csv::from_reader(&input[..], "fuzz", &options),
                load::geocoded::from_reader(&input[..], "fuzz", &options),
            ]
            .into_iter()
            .flatten()
            {
                prop_assert_eq!(loaded.report.loaded + loaded.report.rejected.len() as u64, loaded.report.read);
            }
        }
        let mut input = b"{\"rows\": [".to_vec();
        input.extend(&bytes);
        if let Ok(loaded) = load::findtreatment::from_reader(&input[..], "fuzz", &options) {
            prop_assert_eq!(loaded.report.loaded + loaded.report.rejected.len() as u64, loaded.report.read);
        }
        let _ = load::findtreatment::from_reader(&bytes[..], "fuzz", &options);
    }
}
