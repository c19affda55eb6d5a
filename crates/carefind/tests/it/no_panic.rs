//! No input makes the library panic: arbitrary text into every parser, arbitrary bytes and
//! mangled rows into the loaders, and nonsense numbers into queries. Lenient loads still
//! account for every row.

use carefind::load::{LoadOptions, native};
use carefind::{
    AgeSet, BBox, CareGroup, CareSet, Cursor, Distance, Filter, Index, LanguageSet, LatLon,
    MedicationSet, PaymentSet, PopulationSet, Query,
};
use proptest::prelude::*;

/// Built once: a debug build parses the sample in about a quarter of a second.
fn sample() -> &'static Index {
    static SAMPLE: std::sync::OnceLock<Index> = std::sync::OnceLock::new();
    SAMPLE.get_or_init(Index::sample)
}

fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(-0.0),
        -200.0..200.0f64,
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parsers_return_errors_not_panics(text in "\\PC{0,40}") {
        let _ = text.parse::<Distance>();
        let _ = text.parse::<BBox>();
        let _ = text.parse::<Cursor>();
        let _ = text.parse::<CareSet>();
        let _ = text.parse::<CareGroup>();
        let _ = text.parse::<PaymentSet>();
        let _ = text.parse::<AgeSet>();
        let _ = text.parse::<PopulationSet>();
        let _ = text.parse::<LanguageSet>();
        let _ = text.parse::<MedicationSet>();
    }

    #[test]
    fn loaders_account_for_every_row_of_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let mut input = b"id,name,lat,lon,care\n".to_vec();
        input.extend(bytes);
        for loaded in [
            native::from_reader(&input[..], "fuzz", &LoadOptions::lenient()),
            native::from_slice(&input, "fuzz", &LoadOptions::lenient()),
        ] {
            // Input that is not text (a NUL byte, UTF-16) is refused whole, with its line.
            match loaded {
                Ok(loaded) => {
                    let report = loaded.report;
                    prop_assert_eq!(report.read, report.loaded + report.rejected.len() as u64);
                }
                Err(error) => prop_assert!(
                    matches!(error, carefind::Error::Input { .. }) && input.contains(&0),
                    "{}", error
                ),
            }
        }
        let _ = native::from_reader(&input[..], "fuzz", &LoadOptions::strict());
    }

    #[test]
    fn loaders_survive_mangled_rows(
        rows in prop::collection::vec(prop::collection::vec("[a-z0-9;.,\" \\-]{0,12}|\\PC{0,6}", 0..8), 0..20)
    ) {
        let mut input = String::from("id,name,lat,lon,care,payment,languages\n");
        for row in &rows {
            input.push_str(&row.join(","));
            input.push('\n');
        }
        let loaded = native::from_slice(input.as_bytes(), "fuzz", &LoadOptions::lenient()).unwrap();
        let report = loaded.report;
        prop_assert_eq!(report.read, report.loaded + report.rejected.len() as u64);
        prop_assert!(Index::new(loaded.facilities).is_ok());
    }

    #[test]
    fn queries_with_nonsense_numbers_are_errors_not_panics(
        lat in any_f64(), lon in any_f64(), meters in any_f64(), k in 0..3usize,
        west in any_f64(), south in any_f64(), east in any_f64(), north in any_f64(),
        cursor_distance in prop::option::of(any_f64()),
    ) {
        let index = sample();
        let origin = LatLon::new(lat, lon).ok();
        let mut query = Query::default().filter(Filter::new());
        query.origin = origin;
        query.max_distance = Some(Distance::from_meters(meters));
        query.limit = Some(k);
        query.after = Some(Cursor { distance_m: cursor_distance, id: "S00042".into() });
        let _ = index.search(&query);
        let _ = index.count(&query);
        if let Ok(bbox) = BBox::new(west, south, east, north) {
            let _ = index.search(&Query::in_box(bbox).limit(k));
        }
        let ring = vec![(west, south), (east, south), (east, north), (west, north)];
        let polygon = geo::Polygon::new(geo::LineString::from(ring), vec![]);
        let _ = index.search(&Query::in_polygon(polygon).limit(k));
    }
}
