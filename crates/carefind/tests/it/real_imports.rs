//! The importers on the real directories in ../shared/datasets (or $CAREFIND_DATASETS):
//! every row accounted for, labels mapped or reported, sources merged without loss. They
//! are ignored by default, and fail when run (`--include-ignored`) without the data.

use crate::common;

use std::collections::HashMap;
use std::path::Path;

use carefind::error::Problem;
use carefind::load::{self, LoadOptions, Loaded};
use carefind::merge::{MergeOptions, MergeReason, merge};
use carefind::{CareLevel, CareSet, FacilityKind, MhType, Payment, Precision};
use common::datasets;

fn geocoded(dir: &Path, file: &str, care: CareSet) -> Loaded {
    let options = LoadOptions::lenient().with_care(care);
    load::geocoded::from_path(dir.join(file), &options).unwrap()
}

/// Each data row's line and (lat, lon) text, read with the csv crate alone.
fn raw_points(path: &Path, lat: &str, lon: &str) -> Vec<(u64, f64, f64)> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.byte_headers().unwrap().clone();
    let column = |wanted: &str| headers.iter().position(|h| h == wanted.as_bytes()).unwrap();
    let (lat, lon) = (column(lat), column(lon));
    reader
        .byte_records()
        .map(|record| {
            let record = record.unwrap();
            let number = |i: usize| {
                std::str::from_utf8(&record[i])
                    .unwrap()
                    .trim()
                    .parse()
                    .unwrap()
            };
            (record.position().unwrap().line(), number(lat), number(lon))
        })
        .collect()
}

#[test]
#[ignore = "needs the real datasets (../shared/datasets or CAREFIND_DATASETS)"]
fn samhsa_directory_rows_are_all_accounted_for_at_their_own_coordinates() {
    let dir = datasets();
    let loaded = geocoded(
        &dir,
        "samhsa_sa_facilities_2021.csv",
        CareLevel::Outpatient.into(),
    );
    let report = &loaded.report;
    println!("{report}");
    assert_eq!(report.read, 14_034);
    assert_eq!(report.loaded + report.rejected.len() as u64, 14_034);
    for rejected in &report.rejected {
        assert!(
            matches!(rejected.problem, Problem::DuplicateRow { .. }),
            "unexpected rejection {rejected}"
        );
    }
    let rejected_lines: Vec<u64> = report.rejected.iter().map(|r| r.line).collect();
    let kept: Vec<_> = raw_points(
        &dir.join("samhsa_sa_facilities_2021.csv"),
        "latitude",
        "longitude",
    )
    .into_iter()
    .filter(|(line, _, _)| !rejected_lines.contains(line))
    .collect();
    assert_eq!(kept.len(), loaded.facilities.len());
    for ((line, lat, lon), facility) in kept.iter().zip(&loaded.facilities) {
        assert_eq!(
            (facility.location.lat(), facility.location.lon()),
            (*lat, *lon),
            "line {line}"
        );
    }
    // Re-importing gives the same ids.
    let again = geocoded(
        &dir,
        "samhsa_sa_facilities_2021.csv",
        CareLevel::Outpatient.into(),
    );
    assert!(
        again
            .facilities
            .iter()
            .zip(&loaded.facilities)
            .all(|(a, b)| a.id == b.id)
    );
}

#[test]
#[ignore = "needs the real datasets (../shared/datasets or CAREFIND_DATASETS)"]
fn otp_directory_merges_into_the_samhsa_directory_without_loss() {
    let dir = datasets();
    let otp = geocoded(&dir, "samhsa_otp_directory.csv", CareLevel::Otp.into());
    println!("{}", otp.report);
    assert_eq!(otp.report.read, 1_831);
    assert_eq!(otp.report.loaded + otp.report.rejected.len() as u64, 1_831);
    // The one Latin-1 byte (data row 422, line 423) is repaired, not lost.
    assert_eq!(otp.report.repairs.len(), 1, "{:?}", otp.report.repairs);
    assert_eq!(otp.report.repairs[0].line, 423);
    assert!(
        otp.facilities
            .iter()
            .all(|f| f.care == CareLevel::Otp.into())
    );

    let sa = geocoded(
        &dir,
        "samhsa_sa_facilities_2021.csv",
        CareLevel::Outpatient.into(),
    );
    let listings = sa.facilities.len() + otp.facilities.len();
    let otp_ids: Vec<String> = otp.facilities.iter().map(|f| f.id.clone()).collect();
    let merged = merge(vec![sa, otp], &MergeOptions::default());
    let by_reason = merged.merges.iter().fold([0; 2], |mut counts, merge| {
        counts[usize::from(merge.reason != MergeReason::SameNameAndAddress)] += 1;
        counts
    });
    println!(
        "merged: {} facilities, {} merges ({} same name and address, {} nearby), {} renamed",
        merged.facilities.len(),
        merged.merges.len(),
        by_reason[0],
        by_reason[1],
        merged.renamed.len()
    );
    assert_eq!(merged.facilities.len() + merged.merges.len(), listings);
    assert!(merged.merges.len() > 500, "the directories overlap heavily");
    let by_id: HashMap<&str, _> = merged
        .facilities
        .iter()
        .map(|f| (f.id.as_str(), f))
        .collect();
    for merge in &merged.merges {
        let kept = by_id[merge.kept.as_str()];
        assert!(kept.care.contains(CareLevel::Otp) && kept.care.contains(CareLevel::Outpatient));
        if let MergeReason::Nearby { distance_m } = merge.reason {
            assert!(distance_m <= 50.0);
        }
    }
    // Every OTP listing is a facility of its own or a reported merge.
    for id in &otp_ids {
        let own = by_id.contains_key(id.as_str());
        let reported = merged.merges.iter().any(|m| &m.merged == id);
        assert!(own || reported, "{id} was lost");
    }
}

#[test]
#[ignore = "needs the real datasets (../shared/datasets or CAREFIND_DATASETS)"]
fn california_label_export_maps_every_label_or_reports_it() {
    let dir = datasets();
    let path = dir.join("findtreatment_ca_residential_2025.csv");
    let loaded = load::label_csv::from_path(&path, &LoadOptions::lenient()).unwrap();
    let report = &loaded.report;
    println!("{report}; unknown labels: {:?}", report.unknown_labels);
    assert_eq!(report.read, 478);
    assert_eq!(report.loaded + report.rejected.len() as u64, 478);

    // Count rows by label straight from the file, and compare with what the labels mapped to.
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|record| {
            record.unwrap()[10]
                .split("; ")
                .map(|l| l.trim().to_string())
                .collect()
        })
        .collect();
    let mut rows_with: HashMap<&str, usize> = HashMap::new();
    for labels in &rows {
        let mut labels: Vec<&str> = labels.iter().map(String::as_str).collect();
        labels.sort_unstable();
        labels.dedup();
        for label in labels {
            *rows_with.entry(label).or_default() += 1;
        }
    }
    let count = |test: &dyn Fn(&carefind::Facility) -> bool| {
        loaded.facilities.iter().filter(|f| test(f)).count()
    };
    let levels = [
        ("Long-term residential", CareLevel::ResidentialLong),
        ("Short-term residential", CareLevel::ResidentialShort),
        ("Residential detoxification", CareLevel::ResidentialDetox),
        ("Intensive outpatient treatment", CareLevel::Iop),
        (
            "Outpatient day treatment or partial hospitalization",
            CareLevel::Php,
        ),
        (
            "Transitional housing, halfway house, or sober home",
            CareLevel::SoberLiving,
        ),
    ];
    for (label, level) in levels {
        assert_eq!(
            count(&|f| f.care.contains(level)),
            rows_with[label],
            "{label}"
        );
    }
    // A bare "Hospital inpatient" setting, with no hospital level named, means treatment.
    let has = |labels: &Vec<String>, label: &str| labels.iter().any(|l| l == label);
    let hospital_inpatient = rows
        .iter()
        .filter(|labels| {
            has(labels, "Hospital inpatient treatment")
                || (has(labels, "Hospital inpatient/24-hour hospital inpatient")
                    && !has(labels, "Hospital inpatient detoxification"))
        })
        .count();
    assert_eq!(
        count(&|f| f.care.contains(CareLevel::HospitalInpatient)),
        hospital_inpatient
    );
    assert_eq!(
        count(&|f| f.payment.contains(Payment::Medicaid)),
        rows_with["Medicaid"]
    );
    let approach = "Cognitive behavioral therapy";
    assert_eq!(
        count(&|f| f.services.iter().any(|s| s == approach)),
        rows_with[approach]
    );
    // A label the tables do not know would be in the services and in the report.
    for (label, rows) in &report.unknown_labels {
        assert_eq!(count(&|f| f.services.contains(label)), *rows as usize);
    }
}

#[test]
#[ignore = "needs the real datasets (../shared/datasets or CAREFIND_DATASETS)"]
fn findtreatment_listing_page_loads_all_thirty_facilities() {
    let dir = datasets();
    let path = dir.join("findtreatment_listing_2019.json");
    let loaded = load::findtreatment::from_path(&path, &LoadOptions::strict()).unwrap();
    println!("{}", loaded.report);
    assert_eq!(loaded.facilities.len(), 30);
    assert!(loaded.report.is_clean());
    let mohr = loaded
        .facilities
        .iter()
        .find(|f| f.id.starts_with("811a908f"))
        .unwrap();
    assert!(
        mohr.care.contains(CareLevel::ResidentialShort),
        "{}",
        mohr.care
    );
    assert!(mohr.payment.contains(Payment::Medicaid));
    for approach in [
        "Cognitive behavioral therapy",
        "Relapse prevention",
        "Motivational interviewing",
    ] {
        assert!(mohr.services.iter().any(|s| s == approach), "{approach}");
    }
    assert_eq!(
        (mohr.name.as_str(), mohr.name2.as_str()),
        ("Region Ten Community Services Board", "Mohr Center")
    );
}

#[test]
#[ignore = "needs the real datasets (../shared/datasets or CAREFIND_DATASETS)"]
fn otp_coverage_of_the_population_equals_brute_force() {
    use carefind::analysis::coverage::{self, CoverageQuery, Origin, Target};
    use carefind::{Index, LatLon};

    let dir = datasets();
    let otp = geocoded(&dir, "samhsa_otp_directory.csv", CareLevel::Otp.into());
    let mut reader = csv::Reader::from_path(dir.join("zcta_population_2010.csv")).unwrap();
    let origins: Vec<Origin> = reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            let number = |i: usize| record[i].parse::<f64>().unwrap();
            Origin::new(
                &record[0],
                LatLon::new(number(1), number(2)).unwrap(),
                number(3),
            )
        })
        .collect();
    assert_eq!(origins.len(), 32_936);

    let points: Vec<LatLon> = otp.facilities.iter().map(|f| f.location).collect();
    let index = Index::new(otp.facilities).unwrap();
    let query = CoverageQuery::default().targets(vec![Target::level(CareLevel::Otp)]);
    let answer = coverage::coverage(&index, &origins, &query).unwrap();
    let summary = &answer.summaries[0];

    // Brute force, on every core: each origin's nearest OTP by a scan.
    let nearest: Vec<f64> = std::thread::scope(|scope| {
        let parts: Vec<_> = origins
            .chunks(origins.len().div_ceil(4))
            .map(|chunk| {
                let points = &points;
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|o| {
                            points
                                .iter()
                                .map(|p| o.location.distance_m(*p))
                                .fold(f64::INFINITY, f64::min)
                        })
                        .collect::<Vec<f64>>()
                })
            })
            .collect();
        parts
            .into_iter()
            .flat_map(|part| part.join().unwrap())
            .collect()
    });
    let total: f64 = origins.iter().map(|o| o.weight).sum();
    println!("OTP coverage of {total} people in {} ZCTAs:", origins.len());
    for (ring, share) in query.rings.iter().zip(&summary.rings) {
        let within: f64 = origins
            .iter()
            .zip(&nearest)
            .filter(|(_, d)| **d <= ring.as_meters())
            .map(|(o, _)| o.weight)
            .sum();
        println!(
            "  within {:.0} mi: {:.2}% (brute force {:.2}%)",
            ring.in_unit(carefind::Unit::Miles),
            share.share * 100.0,
            within / total * 100.0
        );
        assert_eq!(share.weight, within);
        assert!((share.share - within / total).abs() < 1e-12);
    }
    for (o, row) in answer.nearest.iter().enumerate() {
        assert_eq!(
            row[0].unwrap().distance_m,
            nearest[o],
            "origin {}",
            origins[o].id
        );
    }
    println!(
        "  median {:.1} mi, 90th percentile {:.1} mi, {} ZCTAs beyond 50 mi",
        summary.median_m.unwrap() / 1609.344,
        summary.p90_m.unwrap() / 1609.344,
        summary.deserts.len()
    );
}

/// Each data row of a code export by its line: code (lower case, trimmed) to value. Records
/// end at `\n` as carefind reads them, so that lines agree with its report.
fn code_rows(path: &Path) -> Vec<(u64, HashMap<String, String>)> {
    let mut reader = csv::ReaderBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_path(path)
        .unwrap();
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            let line = record.position().unwrap().line();
            let fields = headers
                .iter()
                .cloned()
                .zip(record.iter().map(|v| v.trim().to_string()))
                .collect();
            (line, fields)
        })
        .collect()
}

/// A setting code, and the level codes whose absence makes it stand for a level.
type BareSetting = (&'static str, &'static [&'static str]);

/// What a level's count must be, from the raw 0/1 columns: the rows with any of its codes,
/// plus, for a level a bare setting stands for, the rows with the setting and none of the
/// setting's levels.
fn expected_level_count(
    rows: &[(u64, HashMap<String, String>)],
    codes: &[&str],
    bare_setting: Option<BareSetting>,
) -> usize {
    let set = |row: &HashMap<String, String>, code: &str| row.get(code).is_some_and(|v| v == "1");
    rows.iter()
        .filter(|(_, row)| {
            codes.iter().any(|code| set(row, code))
                || bare_setting.is_some_and(|(setting, levels)| {
                    set(row, setting) && !levels.iter().any(|code| set(row, code))
                })
        })
        .count()
}

#[test]
#[ignore = "needs the real datasets (../shared/datasets or CAREFIND_DATASETS)"]
fn code_exports_count_each_level_as_its_code_column() {
    let dir = datasets();
    const HOSPITAL: &[&str] = &["hid", "hit"];
    const RESIDENTIAL: &[&str] = &["rd", "rs", "rl"];
    const OUTPATIENT: &[&str] = &["od", "odt", "phdt", "oit", "ort", "otp", "omb"];
    use CareLevel::*;
    let levels: [(CareLevel, &[&str], Option<BareSetting>); 11] = [
        (HospitalDetox, &["hid"], None),
        (HospitalInpatient, &["hit"], Some(("hi", HOSPITAL))),
        (ResidentialDetox, &["rd"], None),
        (ResidentialShort, &["rs"], Some(("res", RESIDENTIAL))),
        (ResidentialLong, &["rl"], Some(("res", RESIDENTIAL))),
        (OutpatientDetox, &["od"], None),
        (Php, &["odt", "phdt"], None),
        (Iop, &["oit"], None),
        (Outpatient, &["ort"], Some(("op", OUTPATIENT))),
        (Otp, &["otp", "omb"], None),
        (SoberLiving, &["hh"], None),
    ];
    for (file, rows_in_file) in [
        ("samhsa_su_directory_2022_geo.csv", 12_176),
        ("samhsa_mh_directory_2022_geo.csv", 9_037),
        ("findtreatment_export_ma_2025.csv", 662),
    ] {
        let path = dir.join(file);
        let loaded = load::findtreatment_export::from_path(&path, &LoadOptions::lenient()).unwrap();
        let report = &loaded.report;
        println!("{report}");
        assert_eq!(report.read, rows_in_file);
        assert_eq!(report.loaded + report.rejected.len() as u64, rows_in_file);
        // Only rows that name no level of care, or repeat a row, are turned away.
        for rejected in &report.rejected {
            assert!(
                matches!(
                    rejected.problem,
                    Problem::NoCareLevel | Problem::DuplicateRow { .. }
                ),
                "{file}: {rejected}"
            );
        }
        let rejected_lines: Vec<u64> = report.rejected.iter().map(|r| r.line).collect();
        let rows: Vec<_> = code_rows(&path)
            .into_iter()
            .filter(|(line, _)| !rejected_lines.contains(line))
            .collect();
        assert_eq!(rows.len(), loaded.facilities.len(), "{file}");
        for (level, codes, bare) in levels {
            let got = loaded
                .facilities
                .iter()
                .filter(|f| f.care.contains(level))
                .count();
            assert_eq!(
                got,
                expected_level_count(&rows, codes, bare),
                "{file}: {level:?}"
            );
        }
        // Each credential as its code: a 0/1 column (the export) or a word of
        // service_code_info (the directories).
        for credential in carefind::Credential::ALL {
            let code = credential.codes()[0].to_ascii_lowercase();
            let got = loaded
                .facilities
                .iter()
                .filter(|f| f.credentials.contains(*credential))
                .count();
            let expected = rows
                .iter()
                .filter(|(_, row)| {
                    row.get(&code).is_some_and(|v| v == "1")
                        || row.get("service_code_info").is_some_and(|codes| {
                            codes
                                .split_whitespace()
                                .any(|word| word.eq_ignore_ascii_case(&code))
                        })
                })
                .count();
            assert_eq!(got, expected, "{file}: {credential:?}");
            println!("{file}: {} {got}", credential.name());
        }
        let medicaid = loaded
            .facilities
            .iter()
            .filter(|f| f.payment.contains(Payment::Medicaid))
            .count();
        assert_eq!(
            medicaid,
            expected_level_count(&rows, &["md"], None),
            "{file}: medicaid"
        );
        // Points matched only to their ZIP are ZIP-precision; the rest are points.
        let at_zip = loaded
            .facilities
            .iter()
            .filter(|f| f.precision == Precision::Zip)
            .count();
        let zip5 = rows
            .iter()
            .filter(|(_, row)| row.get("coord_match").is_some_and(|m| m == "zip5"))
            .count();
        assert_eq!(at_zip, zip5, "{file}: ZIP precision");
        // Mental-health types count their code columns.
        for (mh_type, code) in [
            (MhType::PsychiatricHospital, "psy"),
            (MhType::CommunityMentalHealthCenter, "cmhc"),
            (MhType::ResidentialChildren, "rtcc"),
        ] {
            let got = loaded
                .facilities
                .iter()
                .filter(|f| f.mh_types.contains(mh_type))
                .count();
            assert_eq!(
                got,
                expected_level_count(&rows, &[code], None),
                "{file}: {mh_type:?}"
            );
        }
        // The directory (or the download's type_facility) names each facility's kind.
        let kind = |row: &HashMap<String, String>| {
            row.get("directory")
                .or_else(|| row.get("type_facility"))
                .cloned()
                .unwrap_or_default()
        };
        for ((_, row), facility) in rows.iter().zip(&loaded.facilities) {
            let named: FacilityKind = kind(row).parse().unwrap();
            assert!(
                facility.kinds.contains(named),
                "{file}: {} {:?}",
                facility.name,
                facility.kinds
            );
        }
    }
    let su = load::findtreatment_export::from_path(
        dir.join("samhsa_su_directory_2022_geo.csv"),
        &LoadOptions::lenient(),
    )
    .unwrap();
    let count = |level| {
        su.facilities
            .iter()
            .filter(|f| f.care.contains(level))
            .count()
    };
    assert_eq!((count(Iop), count(SoberLiving)), (5_525, 1_181));
    assert!(
        su.report.unknown_labels.is_empty(),
        "{:?}",
        su.report.unknown_labels
    );
}

#[test]
fn code_export_bad_values_and_unknown_columns_are_reported() {
    let csv = "name1,latitude,longitude,oit,hh,zzz\nA,40,-74,1,,x\nB,40,-74,2,,\nC,40,-74,1,yes,\n";
    let loaded =
        load::findtreatment_export::from_reader(csv.as_bytes(), "t.csv", &LoadOptions::lenient())
            .unwrap();
    let report = &loaded.report;
    assert_eq!((report.read, report.loaded), (3, 1));
    let problems: Vec<String> = report.rejected.iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        [
            r#"line 3, column "oit", value "2": is not 0 or 1"#,
            r#"line 4, column "hh", value "yes": is not 0 or 1"#
        ]
    );
    assert_eq!(report.ignored_columns, ["zzz"]);
    let none = "name1,latitude,longitude,zzz\nA,40,-74,1\n";
    let error =
        load::findtreatment_export::from_reader(none.as_bytes(), "n.csv", &LoadOptions::lenient())
            .unwrap_err();
    assert!(
        error.to_string().contains("no column for service codes"),
        "{error}"
    );
}

#[test]
#[ignore = "needs the real datasets (../shared/datasets or CAREFIND_DATASETS)"]
fn the_two_national_directories_merge_into_one_record_per_facility_of_both_kinds() {
    let dir = datasets();
    let load = |file: &str| {
        load::findtreatment_export::from_path(dir.join(file), &LoadOptions::lenient()).unwrap()
    };
    let (su, mh) = (
        load("samhsa_su_directory_2022_geo.csv"),
        load("samhsa_mh_directory_2022_geo.csv"),
    );
    let loaded = su.facilities.len() + mh.facilities.len();
    let merged = merge(vec![su, mh], &MergeOptions::default());
    println!(
        "{} facilities, {} merges",
        merged.facilities.len(),
        merged.merges.len()
    );
    assert_eq!(merged.facilities.len() + merged.merges.len(), loaded);
    let mut ids: Vec<&str> = merged.facilities.iter().map(|f| f.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), merged.facilities.len());
    // Every listing of the mental-health directory that was merged made its facility one of
    // both kinds.
    for merge in &merged.merges {
        let kept = merged
            .facilities
            .iter()
            .find(|f| f.id == merge.kept)
            .unwrap();
        assert!(kept.kinds.contains(FacilityKind::MentalHealth), "{merge}");
        assert!(kept.kinds.contains(FacilityKind::SubstanceUse), "{merge}");
    }
    assert!(merged.merges.len() > 2_000, "{}", merged.merges.len());
}

/// ZIP centroids from the Census gazetteer in the datasets, as a lookup.
fn zip_centroids(dir: &Path) -> HashMap<String, carefind::LatLon> {
    let mut reader = csv::Reader::from_path(dir.join("zcta_centroids_2022.csv")).unwrap();
    reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            let point =
                carefind::LatLon::new(record[1].parse().unwrap(), record[2].parse().unwrap());
            (record[0].to_string(), point.unwrap())
        })
        .collect()
}

#[test]
#[ignore = "needs the real datasets (../shared/datasets or CAREFIND_DATASETS)"]
fn the_published_workbook_placed_at_the_csvs_points_has_the_csvs_levels() {
    use carefind::load::national_directory::{self, Placement, Points};
    let dir = datasets();
    let csv = load::findtreatment_export::from_path(
        dir.join("samhsa_su_directory_2022_geo.csv"),
        &LoadOptions::lenient(),
    )
    .unwrap();
    let points = Points::new(&csv.facilities);
    let workbook = dir.join("samhsa_national_directory_su_2022.xlsx");
    // The workbook does not say which directory it is.
    let options = LoadOptions::lenient().with_kinds(FacilityKind::SubstanceUse.into());
    let matched =
        national_directory::from_path(&workbook, &options, &Placement::Matched(&points)).unwrap();
    let report = &matched.report;
    println!("{report} {:?}", report.placed);
    assert_eq!(report.read, 12_176);
    assert_eq!(report.loaded + report.rejected.len() as u64, 12_176);
    let placed: u64 = report.placed.iter().map(|(_, rows)| rows).sum();
    let not_placed = report
        .rejected
        .iter()
        .filter(|row| matches!(row.problem, Problem::NotPlaced(_)))
        .count() as u64;
    // Every row was placed, or rejected because it could not be.
    assert_eq!(placed + not_placed, 12_176);
    // The same facility from either file: the same id (derived from the same name, address,
    // phone and point), the same levels and the same services.
    let by_id: HashMap<&str, &carefind::Facility> =
        csv.facilities.iter().map(|f| (f.id.as_str(), f)).collect();
    assert_eq!(matched.facilities.len(), csv.facilities.len());
    for facility in &matched.facilities {
        let twin = by_id[facility.id.as_str()];
        assert_eq!(facility.care, twin.care, "{}", facility.name);
        assert_eq!(facility.services, twin.services, "{}", facility.name);
        assert_eq!(facility.kinds, twin.kinds, "{}", facility.name);
    }

    // At ZIP centroids, every row with a known ZIP is placed, at precision zip.
    let centroids = zip_centroids(&dir);
    let centroid = |zip: &str| centroids.get(zip).copied();
    let at_zip = national_directory::from_path(
        &workbook,
        &LoadOptions::lenient(),
        &Placement::ZipCentroid(&centroid),
    )
    .unwrap();
    assert_eq!(
        at_zip.report.loaded + at_zip.report.rejected.len() as u64,
        12_176
    );
    assert!(
        at_zip
            .facilities
            .iter()
            .all(|f| f.precision == Precision::Zip)
    );
    let count = |level| {
        at_zip
            .facilities
            .iter()
            .filter(|f| f.care.contains(level))
            .count()
    };
    // The gazetteer's ZIP code tabulation areas leave out some ZIP codes (post office
    // boxes, single buildings): those rows are rejected, and the IOPs are the CSV's at the
    // ZIP codes it has.
    let iop_with_centroid = csv
        .facilities
        .iter()
        .filter(|f| f.care.contains(CareLevel::Iop) && centroids.contains_key(&f.zip))
        .count();
    assert_eq!(count(CareLevel::Iop), iop_with_centroid);
}
