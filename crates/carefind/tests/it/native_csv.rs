//! The native CSV loader and writer: every bad input gets an error naming its line, column
//! and value; every row is loaded or reported; load → save → load is the identity.

use carefind::error::{CoordinateError, Problem, RowError};
use carefind::load::{LoadOptions, Loaded, native};
use carefind::{CareSet, Error, Facility, LatLon, save};
use proptest::prelude::*;

const HEADER: &str = "id,name,lat,lon,care";

fn strict(csv: &[u8]) -> Result<Loaded, Error> {
    native::from_reader(csv, "test.csv", &LoadOptions::strict())
}

fn lenient(csv: &[u8]) -> Loaded {
    native::from_reader(csv, "test.csv", &LoadOptions::lenient()).unwrap()
}

/// The row error of a strict load, checking that it names the file.
fn row_error(csv: &str) -> RowError {
    match strict(csv.as_bytes()) {
        Err(Error::Row { file, row }) => {
            assert_eq!(file, "test.csv");
            row
        }
        other => panic!("expected a row error for {csv:?}, got {other:?}"),
    }
}

fn assert_rejects(data_row: &str, column: &str, value: &str, problem: Problem) {
    let csv = format!("{HEADER}\nok,Fine,1,1,iop\n{data_row}\n");
    let error = row_error(&csv);
    assert_eq!(error.line, 3, "{data_row}");
    assert_eq!(error.column.as_deref(), Some(column), "{data_row}");
    assert_eq!(error.value, value, "{data_row}");
    assert_eq!(error.problem, problem, "{data_row}");

    let loaded = lenient(csv.as_bytes());
    assert_eq!((loaded.report.read, loaded.report.loaded), (2, 1));
    assert_eq!(loaded.report.rejected, [error]);
}

#[test]
fn coordinates_out_of_range_or_not_finite() {
    assert_rejects(
        "a,A,91.5,1,iop",
        "lat",
        "91.5",
        Problem::Coordinate(CoordinateError::Latitude(91.5)),
    );
    assert_rejects(
        "a,A,-90.01,1,iop",
        "lat",
        "-90.01",
        Problem::Coordinate(CoordinateError::Latitude(-90.01)),
    );
    assert_rejects(
        "a,A,1,180.2,iop",
        "lon",
        "180.2",
        Problem::Coordinate(CoordinateError::Longitude(180.2)),
    );
    assert_rejects(
        "a,A,1,-181,iop",
        "lon",
        "-181",
        Problem::Coordinate(CoordinateError::Longitude(-181.0)),
    );
    assert_rejects(
        "a,A,1,inf,iop",
        "lon",
        "inf",
        Problem::Coordinate(CoordinateError::Longitude(f64::INFINITY)),
    );
    assert_rejects("a,A,1,abc,iop", "lon", "abc", Problem::NotANumber);
    assert_rejects("a,A,,1,iop", "lat", "", Problem::Empty);
    // NaN is not equal to itself, so check its shape.
    let error = row_error(&format!("{HEADER}\na,A,NaN,1,iop\n"));
    assert_eq!((error.line, error.column.as_deref()), (2, Some("lat")));
    assert!(
        matches!(error.problem, Problem::Coordinate(CoordinateError::Latitude(x)) if x.is_nan())
    );
}

#[test]
fn ids_names_and_care_levels() {
    assert_rejects(" ,A,1,1,iop", "id", "", Problem::Empty);
    assert_rejects(
        "ok,Again,1,1,iop",
        "id",
        "ok",
        Problem::DuplicateId { first_line: 2 },
    );
    assert_rejects("a,,1,1,iop", "name", "", Problem::Empty);
    // A facility may name no level (an HSDS directory of services): it loads, and only
    // filters other than levels find it.
    let loaded = strict(format!("{HEADER}\na,A,1,1,\nb,B,1,1, ; \n").as_bytes()).unwrap();
    assert_eq!(loaded.report.loaded, 2);
    assert!(loaded.facilities.iter().all(|f| f.care.is_empty()));
    let unknown = row_error(&format!("{HEADER}\na,A,1,1,iop;intensive\n"));
    assert_eq!(
        (
            unknown.line,
            unknown.column.as_deref(),
            unknown.value.as_str()
        ),
        (2, Some("care"), "iop;intensive")
    );
    match unknown.problem {
        Problem::Unknown(term) => {
            assert_eq!(term.value, "intensive");
            assert_eq!(term.suggestion, Some("iop"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn unknown_codes_in_every_list_column() {
    let header = "id,name,lat,lon,care,payment,ages,populations,languages,medications";
    for (column, row) in [
        ("payment", "a,A,1,1,iop,bitcoin,,,,"),
        ("ages", "a,A,1,1,iop,,toddlers,,,"),
        ("populations", "a,A,1,1,iop,,,astronauts,,"),
        ("languages", "a,A,1,1,iop,,,,klingon,"),
        ("medications", "a,A,1,1,iop,,,,,aspirin"),
    ] {
        let error = row_error(&format!("{header}\n{row}\n"));
        assert_eq!(error.column.as_deref(), Some(column));
        assert!(matches!(error.problem, Problem::Unknown(_)), "{column}");
    }
}

#[test]
fn a_row_with_the_wrong_number_of_fields_is_reported() {
    let error = row_error(&format!("{HEADER}\na,A,1,1\n"));
    assert_eq!(error.line, 2);
    assert_eq!(
        error.problem,
        Problem::FieldCount {
            expected: 5,
            found: 4
        }
    );
}

#[test]
fn bom_crlf_and_quoted_fields() {
    let csv = "\u{feff}care,lon,lat,name,id,city\r\n\
               \"iop;otp\",-74,40.5,\"Hope, Inc.\",f1,\"New\r\nYork\"\r\n\
               OP,-75,41,\"Say \"\"hi\"\"\",f2,Albany\r\n";
    let loaded = strict(csv.as_bytes()).unwrap();
    let [first, second] = &loaded.facilities[..] else {
        panic!("{loaded:?}")
    };
    assert_eq!(first.id, "f1");
    assert_eq!(first.name, "Hope, Inc.");
    assert_eq!(first.city, "New\r\nYork");
    assert_eq!(first.care, "iop;otp".parse::<CareSet>().unwrap());
    assert_eq!(second.name, "Say \"hi\"");
    assert_eq!(second.care.len(), 3);
}

#[test]
fn lines_count_the_newlines_inside_quoted_fields() {
    let csv = format!("{HEADER},city\na,A,1,1,iop,\"two\nlines\"\nb,B,95,1,iop,x\n");
    assert_eq!(row_error(&csv).line, 4);
}

#[test]
fn invalid_utf8_names_the_line_and_column() {
    let mut csv = format!("{HEADER},city\na,A,1,1,iop,Ok\nb,B,1,1,iop,").into_bytes();
    csv.extend_from_slice(b"Caf\xe9\n");
    let Err(Error::Row { row, .. }) = strict(&csv) else {
        panic!()
    };
    assert_eq!(
        (row.line, row.column.as_deref(), row.problem),
        (3, Some("city"), Problem::InvalidUtf8)
    );
    let loaded = lenient(&csv);
    assert_eq!(
        (
            loaded.report.read,
            loaded.report.loaded,
            loaded.report.rejected.len()
        ),
        (2, 1, 1)
    );
}

#[test]
fn missing_columns_empty_files_and_header_only_files() {
    match strict(b"id,name,lat,care\na,A,1,iop\n") {
        Err(Error::MissingColumn { column, found, .. }) => {
            assert_eq!(column, "lon");
            assert_eq!(found, "id,name,lat,care");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(strict(b""), Err(Error::EmptyFile { .. })));
    assert!(matches!(
        strict(b"id,name,lat,lon,care,id\n"),
        Err(Error::DuplicateColumn { .. })
    ));
    let header_only = strict(format!("{HEADER}\r\n").as_bytes()).unwrap();
    assert!(header_only.facilities.is_empty());
    assert_eq!(header_only.report.read, 0);
}

#[test]
fn a_missing_file_is_an_io_error_naming_it() {
    let error =
        native::from_path("/no/such/dir/facilities.csv", &LoadOptions::strict()).unwrap_err();
    assert!(matches!(error, Error::Io { .. }));
    assert!(
        error
            .to_string()
            .starts_with("/no/such/dir/facilities.csv: "),
        "{error}"
    );
}

#[test]
fn lenient_loads_account_for_every_row() {
    let csv = format!(
        "{HEADER}\na,A,1,1,iop\nb,B,99,1,iop\na,Dup,1,1,iop\nc,C,1,1,zzz\nd,D,1,1\ne,E,2,2,otp\n"
    );
    let loaded = lenient(csv.as_bytes());
    let report = &loaded.report;
    assert_eq!(report.read, 6);
    assert_eq!(report.loaded, 2);
    assert_eq!(report.read, report.loaded + report.rejected.len() as u64);
    let lines: Vec<u64> = report.rejected.iter().map(|r| r.line).collect();
    assert_eq!(lines, [3, 4, 5, 6]);
}

#[test]
fn the_writer_refuses_what_it_could_not_read_back() {
    let mut facility = Facility::new("a", "A", LatLon::new(0.0, 0.0).unwrap());
    facility.care = "iop".parse().unwrap();
    facility.services = vec!["one; two".into()];
    let error = save::to_writer(Vec::new(), "out", [&facility]).unwrap_err();
    assert!(error.to_string().contains("list separator"), "{error}");
}

/// Past a few thousand facilities the writer formats rows on every core: the bytes must
/// be those of one row at a time, and a facility it refuses must leave exactly the rows
/// before it, wherever it falls.
#[test]
fn a_large_file_is_written_as_row_by_row_and_stops_at_the_same_row() {
    let facilities: Vec<Facility> = (0..20_000)
        .map(|i| {
            let point = LatLon::new(f64::from(i % 180) - 89.5, f64::from(i % 360) - 179.5);
            let mut f = Facility::new(format!("f{i}"), format!("Place, {i}"), point.unwrap());
            f.care = from_bits(1 + u64::try_from(i).unwrap() % 4095);
            f.services = vec![format!("service \"{i}\"")];
            f
        })
        .collect();
    let mut expected = csv::Writer::from_writer(Vec::new());
    expected
        .write_record(carefind::load::native::COLUMNS)
        .unwrap();
    let mut lengths = vec![];
    for facility in &facilities {
        expected.write_record(save::row(facility)).unwrap();
        expected.flush().unwrap();
        lengths.push(expected.get_ref().len());
    }
    let expected = expected.into_inner().unwrap();
    assert_eq!(save_to_vec(&facilities), expected);
    // At the start, inside and at the edges of a parallel batch, and in the last rows.
    for bad in [0, 1, 1023, 1024, 5000, 8191, 8192, 8193, 16_383, 19_999] {
        let mut facilities = facilities.clone();
        facilities[bad].services.push("one; two".into());
        let mut out = Vec::new();
        let error = save::to_writer(&mut out, "out", &facilities).unwrap_err();
        assert!(error.to_string().contains(&format!("f{bad}")), "{error}");
        let before = if bad == 0 {
            expected.iter().position(|&b| b == b'\n').unwrap() + 1
        } else {
            lengths[bad - 1]
        };
        assert_eq!(out.len(), before, "a refused row at {bad}");
        assert_eq!(out, expected[..before]);
    }
}

// ---------------------------------------------------------------------------------------
// Round trips.

fn text() -> impl Strategy<Value = String> {
    prop_oneof![Just(String::new()), "[ a-zA-Z0-9,\"'#é\n-]{0,16}"]
}

fn facility() -> impl Strategy<Value = Facility> {
    let names = (
        "[a-zA-Z0-9_-]{1,10}",
        "[a-zA-Z][ a-zA-Z0-9,\"]{0,20}",
        text(),
        text(),
        text(),
    );
    let point = (-90.0..=90.0f64, -180.0..=180.0f64);
    let sets = (
        1u64..(1 << 12),
        any::<u64>(),
        any::<u64>(),
        any::<u64>(),
        any::<u64>(),
        any::<u64>(),
    );
    let services = prop::collection::vec("[a-z ]{0,12}", 0..4);
    (names, point, sets, services).prop_map(
        |((id, name, name2, street, city), (lat, lon), bits, services)| {
            let mut f = Facility::new(id, name, LatLon::new(lat, lon).unwrap());
            (f.name2, f.street, f.city) = (name2, street, city);
            f.care = from_bits(bits.0);
            f.payment = from_bits(bits.1);
            f.ages = from_bits(bits.2);
            f.populations = from_bits(bits.3);
            f.languages = from_bits(bits.4);
            f.medications = from_bits(bits.5);
            f.services = services;
            f
        },
    )
}

fn from_bits<T: carefind::Term>(bits: u64) -> carefind::Set<T> {
    T::ALL
        .iter()
        .copied()
        .filter(|t| bits & (1 << t.index()) != 0)
        .collect()
}

fn save_to_vec(facilities: &[Facility]) -> Vec<u8> {
    let mut out = Vec::new();
    save::to_writer(&mut out, "memory", facilities).unwrap();
    out
}

proptest! {
    #[test]
    fn load_save_load_is_the_identity(facilities in prop::collection::vec(facility(), 0..20)) {
        // Unique ids, so that the strict load accepts every row.
        let mut facilities = facilities;
        for (i, f) in facilities.iter_mut().enumerate() {
            f.id = format!("{i}-{}", f.id);
        }
        let first = strict(&save_to_vec(&facilities)).unwrap().facilities;
        prop_assert_eq!(first.len(), facilities.len());
        for (loaded, original) in first.iter().zip(&facilities) {
            prop_assert_eq!(loaded.location, original.location);
            prop_assert_eq!(loaded.care, original.care);
            prop_assert_eq!(&loaded.city, original.city.trim());
        }
        let second = strict(&save_to_vec(&first)).unwrap().facilities;
        prop_assert_eq!(first, second);
    }
}

#[cfg(feature = "sample")]
#[test]
fn the_sample_round_trips_byte_for_byte() {
    let loaded = strict(carefind::sample::CSV.as_bytes()).unwrap();
    assert!(loaded.report.is_clean());
    assert!(loaded.report.ignored_columns.is_empty());
    assert_eq!(
        String::from_utf8(save_to_vec(&loaded.facilities)).unwrap(),
        carefind::sample::CSV
    );
}

/// datasets/README.md documents every canonical name; a new term must be documented too.
#[test]
fn the_format_documentation_names_every_term() {
    fn documented<T: carefind::Term>(readme: &str) {
        for term in T::ALL {
            assert!(
                readme.contains(&format!("`{}`", term.name())),
                "{} {}",
                T::KIND,
                term.name()
            );
            for code in term.codes() {
                assert!(readme.contains(code), "{} code {code}", T::KIND);
            }
        }
        for group in T::GROUPS {
            assert!(
                readme.contains(&format!("`{}`", group.name)),
                "group {}",
                group.name
            );
        }
    }
    let readme = include_str!("../../../../datasets/README.md");
    documented::<carefind::CareLevel>(readme);
    documented::<carefind::Payment>(readme);
    documented::<carefind::AgeGroup>(readme);
    documented::<carefind::Population>(readme);
    documented::<carefind::Language>(readme);
    documented::<carefind::Medication>(readme);
}

/// csv's default CRLF handling put record positions one line early; lines must be the
/// editor's lines in CRLF files too, blank lines and quoted line breaks included.
#[test]
fn crlf_files_report_the_right_lines() {
    let csv = "id,name,lat,lon,care,city\r\na,A,1,1,iop,x\r\n\r\nb,B,1,1,iop,\"two\r\nlines\"\r\nc,C,95,1,iop,y\r\n";
    let error = row_error(csv);
    assert_eq!((error.line, error.column.as_deref()), (6, Some("lat")));
    let loaded = lenient(csv.as_bytes());
    assert_eq!((loaded.report.read, loaded.report.loaded), (3, 2));
    assert_eq!(loaded.facilities[1].city, "two\r\nlines");
}

/// A file of `rows` data rows in which the name opened on line 57 (the 56th row) is closed
/// only on line 80, so that the rows between read as that name's text.
fn runaway_quote_csv(rows: usize) -> String {
    let mut csv = format!("{HEADER}\n");
    for i in 1..=rows {
        let name = match i {
            56 => "\"Fac 56 opened".to_string(),
            79 => "Fac 79 closed\"".to_string(),
            _ => format!("Fac {i}"),
        };
        csv.push_str(&format!("f{i},{name},40.{i:03},-74,iop\n"));
    }
    csv
}

#[test]
fn a_quote_left_open_reports_the_rows_it_swallowed_in_every_loader() {
    let csv = runaway_quote_csv(119);
    let expected = Problem::RunawayQuote {
        last_line: 80,
        swallowed: 23,
    };
    let error = row_error(&csv);
    assert_eq!((error.line, error.column.as_deref()), (57, Some("name")));
    assert_eq!(error.problem, expected);
    assert!(error.to_string().contains("to line 80"), "{error}");

    let loaded = lenient(csv.as_bytes());
    assert_eq!(loaded.report.rejected.len(), 1);
    assert_eq!(loaded.report.rejected[0].problem, expected);
    // Every line is accounted for: the 95 rows loaded on a line each, and the rejected
    // row on its 24 lines, beside the header.
    assert_eq!(loaded.report.loaded, 95);
    assert_eq!(loaded.report.read, loaded.report.loaded + 1);
    assert_eq!(
        1 + loaded.report.loaded + (expected_lines(&expected, 57)),
        1 + 119
    );

    let stored =
        native::store_from_reader(csv.as_bytes(), "test.csv", &LoadOptions::lenient()).unwrap();
    assert_eq!(stored.report.rejected, loaded.report.rejected);
    assert_eq!(stored.report.loaded, 95);

    let geocoded = carefind::load::geocoded::from_reader(
        csv.as_bytes(),
        "test.csv",
        &LoadOptions::lenient().with_care("iop".parse().unwrap()),
    )
    .unwrap();
    assert_eq!(geocoded.report.rejected.len(), 1, "{:?}", geocoded.report);
    assert_eq!(geocoded.report.rejected[0].line, 57);
    assert_eq!(geocoded.report.rejected[0].problem, expected);
}

/// The lines a rejected row spans, from its first line and its problem.
fn expected_lines(problem: &Problem, first_line: u64) -> u64 {
    match problem {
        Problem::RunawayQuote { last_line, .. } => last_line - first_line + 1,
        _ => 1,
    }
}

#[test]
fn a_field_over_two_lines_without_a_rows_worth_of_commas_still_loads() {
    let csv = format!(
        "{HEADER},street\nf1,\"Two\nlines, one comma\",40,-74,iop,\"1 Main St\nSuite 2\"\n"
    );
    let loaded = strict(csv.as_bytes()).unwrap();
    assert_eq!(loaded.facilities[0].name, "Two\nlines, one comma");
}
