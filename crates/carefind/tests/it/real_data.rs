//! The index on real data: the 14,034 SAMHSA substance-use facilities and the OTP directory
//! (with its duplicate points), queried from ZIP population centroids, equals brute force.
//!
//! The data lives in ../shared/datasets beside the repository (or in $CAREFIND_DATASETS):
//! these tests are ignored by default, and fail when run (`--include-ignored`) without it.

use std::path::PathBuf;

use crate::common;

use carefind::{CareLevel, Distance, Facility, Filter, Index, LatLon, Query};
use common::datasets;

/// Every row of a geocoded CSV as (row number, name, lat, lon); the files' bytes are not all
/// UTF-8, so names are decoded lossily. Panics on a row without usable coordinates, which
/// would mean the file is not the one the tests were written for.
fn geocoded(path: PathBuf, name: &str, lat: &str, lon: &str) -> Vec<(usize, String, LatLon)> {
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let headers = reader.byte_headers().unwrap().clone();
    let column = |wanted: &str| headers.iter().position(|h| h == wanted.as_bytes()).unwrap();
    let (name, lat, lon) = (column(name), column(lat), column(lon));
    reader
        .byte_records()
        .enumerate()
        .map(|(row, record)| {
            let record = record.unwrap();
            let number = |i: usize| {
                std::str::from_utf8(&record[i])
                    .unwrap()
                    .trim()
                    .parse::<f64>()
                    .unwrap()
            };
            let location = LatLon::new(number(lat), number(lon)).unwrap();
            (
                row,
                String::from_utf8_lossy(&record[name]).into_owned(),
                location,
            )
        })
        .collect()
}

fn real_index(dir: &std::path::Path) -> (Vec<Facility>, usize, usize) {
    let sa = geocoded(
        dir.join("samhsa_sa_facilities_2021.csv"),
        "name1",
        "latitude",
        "longitude",
    );
    let otp = geocoded(
        dir.join("samhsa_otp_directory.csv"),
        "ID",
        "Latitude",
        "Longitude",
    );
    let (sa_rows, otp_rows) = (sa.len(), otp.len());
    let facility = |prefix: &str, care: &str, (row, name, location): (usize, String, LatLon)| {
        let mut f = Facility::new(format!("{prefix}-{row:05}"), name, location);
        f.care = care.parse().unwrap();
        f
    };
    let facilities = sa
        .into_iter()
        .map(|row| facility("sa", "outpatient", row))
        .chain(otp.into_iter().map(|row| facility("otp", "otp", row)))
        .collect();
    (facilities, sa_rows, otp_rows)
}

fn brute_force<'a>(
    facilities: &'a [Facility],
    origin: LatLon,
    filter: &Filter,
    max: Option<f64>,
) -> Vec<(&'a str, f64)> {
    let mut all: Vec<(&str, f64)> = facilities
        .iter()
        .filter(|f| filter.matches(f))
        .map(|f| (f.id.as_str(), origin.distance_m(f.location)))
        .filter(|(_, d)| max.is_none_or(|max| *d <= max))
        .collect();
    all.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(b.0)));
    all
}

#[test]
#[ignore = "needs the real datasets (../shared/datasets or CAREFIND_DATASETS)"]
fn real_facilities_answer_like_brute_force() {
    let dir = datasets();
    let (facilities, sa_rows, otp_rows) = real_index(&dir);
    assert_eq!(sa_rows, 14_034, "every SAMHSA row has usable coordinates");
    assert!(otp_rows > 1_800, "{otp_rows}");
    let index = Index::new(facilities.clone()).unwrap();
    assert_eq!(index.len(), sa_rows + otp_rows);

    let origins: Vec<LatLon> = geocoded(dir.join("zcta_population_2010.csv"), "GEOID", "Y", "X")
        .into_iter()
        .step_by(97)
        .map(|(_, _, location)| location)
        .collect();
    assert!(origins.len() > 300);

    let otp = Filter::new().care(CareLevel::Otp);
    let radius = Distance::from_miles(25.0).as_meters();
    let mut tied_otp_origins = 0;
    for origin in origins {
        let nearest: Vec<(&str, f64)> = index
            .search(&Query::nearest(origin, 10))
            .unwrap()
            .iter()
            .map(|h| (h.facility.id(), h.distance_m.unwrap()))
            .collect();
        let expected = brute_force(&facilities, origin, &Filter::new(), None);
        assert_eq!(nearest, expected[..10], "nearest 10 from {origin}");

        let otp_hits = index
            .search(&Query::nearest(origin, 3).filter(otp.clone()))
            .unwrap();
        let expected = brute_force(&facilities, origin, &otp, None);
        let got: Vec<(&str, f64)> = otp_hits
            .iter()
            .map(|h| (h.facility.id(), h.distance_m.unwrap()))
            .collect();
        assert_eq!(got, expected[..3], "nearest 3 OTPs from {origin}");
        if expected[0].1 == expected[1].1 {
            tied_otp_origins += 1;
        }

        let within = index
            .search(&Query::within(origin, Distance::from_meters(radius)))
            .unwrap();
        let expected = brute_force(&facilities, origin, &Filter::new(), Some(radius));
        let got: Vec<&str> = within.iter().map(|h| h.facility.id()).collect();
        let want: Vec<&str> = expected.iter().map(|(id, _)| *id).collect();
        assert_eq!(got, want, "within 25 mi of {origin}");
    }
    println!(
        "real data: {sa_rows} SA + {otp_rows} OTP facilities; {tied_otp_origins} sampled origins with tied nearest OTPs"
    );
}
