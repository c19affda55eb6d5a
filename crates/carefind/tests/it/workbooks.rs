//! The National Directory workbook reader on small workbooks written here: placement at ZIP
//! centroids, and each kind of bad input named clearly with nothing lost.

use std::io::Write;

use carefind::load::LoadOptions;
use carefind::load::national_directory::{self, Placement};
use carefind::{CareLevel, Error, LatLon, Precision};

/// An .xlsx file whose first sheet holds `rows` (the first is the header), as inline
/// strings; removed on drop.
struct Workbook(std::path::PathBuf);

impl Workbook {
    fn new(name: &str, rows: &[&[&str]]) -> Workbook {
        let mut sheet = String::from(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
        );
        for (r, row) in rows.iter().enumerate() {
            sheet.push_str(&format!(r#"<row r="{}">"#, r + 1));
            for (c, cell) in row.iter().enumerate() {
                let column = (b'A' + c as u8) as char;
                sheet.push_str(&format!(
                    r#"<c r="{column}{}" t="inlineStr"><is><t>{cell}</t></is></c>"#,
                    r + 1
                ));
            }
            sheet.push_str("</row>");
        }
        sheet.push_str("</sheetData></worksheet>");
        Workbook::with_sheet(name, sheet)
    }

    /// An .xlsx file whose first sheet is the XML `sheet`, as written.
    fn with_sheet(name: &str, sheet: String) -> Workbook {
        let files = [
            (
                "[Content_Types].xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string(),
            ),
            (
                "_rels/.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string(),
            ),
            (
                "xl/workbook.xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Facilities List" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string(),
            ),
            (
                "xl/_rels/workbook.xml.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string(),
            ),
            ("xl/worksheets/sheet1.xml", sheet),
        ];
        let path =
            std::env::temp_dir().join(format!("carefind-{}-{name}.xlsx", std::process::id()));
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        for (name, text) in files {
            zip.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
        Workbook(path)
    }
}

impl Drop for Workbook {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn centroid(zip: &str) -> Option<LatLon> {
    (zip == "10001").then(|| LatLon::new(40.75, -73.99).unwrap())
}

const HEADER: &[&str] = &["name1", "street1", "zip", "service_code_info"];

#[test]
fn rows_are_placed_at_their_zip_centroid_or_rejected_with_the_reason() {
    let book = Workbook::new(
        "placed",
        &[
            HEADER,
            &["Hope House", "1 Main St", "10001", "SA * OP OIT * MD"],
            &["Far Away", "2 Elm St", "99999", "SA * OP ORT"],
            &["No Levels", "3 Oak St", "10001", "SA * MD"],
        ],
    );
    let loaded = national_directory::from_path(
        &book.0,
        &LoadOptions::lenient(),
        &Placement::ZipCentroid(&centroid),
    )
    .unwrap();
    let report = &loaded.report;
    assert_eq!((report.read, report.loaded), (3, 1));
    assert_eq!(report.placed, [("at the ZIP centroid".to_string(), 2)]);
    let problems: Vec<String> = report.rejected.iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        [
            r#"line 3, column "zip", value "99999": could not be placed: its ZIP code is not in the ZIP table"#,
            "line 4: names no level of care (a treatment directory's listing names at least one)",
        ]
    );
    let hope = &loaded.facilities[0];
    assert!(hope.care.contains(CareLevel::Iop));
    assert_eq!(hope.precision, Precision::Zip);
    assert_eq!(hope.location, centroid("10001").unwrap());
}

#[test]
fn bad_workbooks_are_named_clearly() {
    let options = LoadOptions::strict();
    let placement = Placement::ZipCentroid(&centroid);
    let not_a_workbook =
        std::env::temp_dir().join(format!("carefind-{}-text.xlsx", std::process::id()));
    std::fs::write(&not_a_workbook, "name1,zip\nHope,10001\n").unwrap();
    let error = national_directory::from_path(&not_a_workbook, &options, &placement).unwrap_err();
    std::fs::remove_file(&not_a_workbook).unwrap();
    assert!(matches!(error, Error::Workbook { .. }), "{error}");
    assert!(
        error
            .to_string()
            .contains("not a workbook carefind can read"),
        "{error}"
    );

    let empty = Workbook::new("empty", &[]);
    let error = national_directory::from_path(&empty.0, &options, &placement).unwrap_err();
    assert!(matches!(error, Error::EmptyFile { .. }), "{error}");

    let no_codes = Workbook::new(
        "no-codes",
        &[&["name1", "street1", "zip"], &["Hope", "1 Main", "10001"]],
    );
    let error = national_directory::from_path(&no_codes.0, &options, &placement).unwrap_err();
    assert!(
        error.to_string().contains("no column for service codes"),
        "{error}"
    );

    let no_zip = Workbook::new(
        "no-zip",
        &[&["name1", "service_code_info"], &["Hope", "SA * OIT"]],
    );
    let error = national_directory::from_path(&no_zip.0, &options, &placement).unwrap_err();
    assert!(error.to_string().contains("no column for zip"), "{error}");
}

/// A cell reference of many letters, as the fuzzer made one: it overflows the workbook
/// reader's column count (a panic in the dependency, in builds with overflow checks), and
/// is an error naming the file, never a crash.
#[test]
fn a_workbook_that_breaks_its_reader_is_an_error() {
    let sheet = concat!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
        r#"<row r="1"><c r="ZZZZZZZZZZZZZZZZ1" t="inlineStr"><is><t>name1</t></is></c></row>"#,
        "</sheetData></worksheet>"
    );
    let workbook = Workbook::with_sheet("long-reference", sheet.to_string());
    let bytes = std::fs::read(&workbook.0).unwrap();
    let nowhere = |_: &str| None;
    for options in [LoadOptions::strict(), LoadOptions::lenient()] {
        let outcome = national_directory::from_slice(
            &bytes,
            "fuzzed.xlsx",
            &options,
            &Placement::ZipCentroid(&nowhere),
        );
        match outcome {
            Err(Error::Workbook { file, .. }) => assert_eq!(file, "fuzzed.xlsx"),
            Err(other) => panic!("{other}"),
            Ok(loaded) => panic!("read: {}", loaded.report),
        }
    }
}
