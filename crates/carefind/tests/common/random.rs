//! Random facility sets, filters and points for the property tests: points cluster in a
//! city, crowd the antimeridian and the poles, and repeat.
#![allow(dead_code)] // each test file uses its own part

use carefind::{
    CareLevel, CareSet, Distance, Facility, FacilityKind, Filter, KindSet, Language, LanguageSet,
    LatLon, Payment, PaymentSet, Precision, Set, Term,
};
use proptest::prelude::*;

pub fn any_point() -> impl Strategy<Value = (f64, f64)> {
    prop_oneof![
        3 => (-90.0..=90.0, -180.0..=180.0),
        // Near the antimeridian, on both sides.
        2 => (-80.0..=80.0f64, prop_oneof![179.9..=180.0, -180.0..=-179.9]),
        // Near the poles.
        2 => (prop_oneof![89.9..=90.0, -90.0..=-89.9], -180.0..=180.0),
        // A dense city-sized cluster.
        3 => (40.0..41.0f64, -75.0..-74.0f64),
    ]
}

pub fn sparse_bits(width: u32) -> impl Strategy<Value = u64> {
    let mask = (1u64 << width) - 1;
    (any::<u64>(), any::<u64>()).prop_map(move |(a, b)| a & b & mask)
}

pub fn set_from_bits<T: Term>(bits: u64) -> Set<T> {
    T::ALL
        .iter()
        .copied()
        .filter(|t| bits & (1 << t.index()) != 0)
        .collect()
}

/// Facilities with random points (some duplicated) and random attributes; ids are unique but
/// not in insertion order.
pub fn facilities() -> impl Strategy<Value = Vec<Facility>> {
    let one = (
        any_point(),
        any::<Option<prop::sample::Index>>(),
        sparse_bits(12),
        sparse_bits(4),
        sparse_bits(3),
        (sparse_bits(2), prop::bool::weighted(0.2)),
    );
    prop::collection::vec(one, 0..120).prop_map(|rows| {
        let mut points: Vec<(f64, f64)> = Vec::with_capacity(rows.len());
        rows.into_iter()
            .enumerate()
            .map(
                |(i, (point, duplicate_of, care, payment, languages, (kinds, at_zip)))| {
                    let point = match duplicate_of {
                        Some(earlier) if !points.is_empty() => points[earlier.index(points.len())],
                        _ => point,
                    };
                    points.push(point);
                    let id = format!("f{:05}", (i * 7919) % 10007);
                    let mut facility = Facility::new(
                        id,
                        format!("Facility {i}"),
                        LatLon::new(point.0, point.1).unwrap(),
                    );
                    facility.care = set_from_bits(care);
                    facility.payment = set_from_bits(payment);
                    facility.languages = set_from_bits(languages);
                    facility.kinds = set_from_bits(kinds);
                    if at_zip {
                        facility.precision = Precision::Zip;
                    }
                    facility
                },
            )
            .collect()
    })
}

pub fn filters() -> impl Strategy<Value = Filter> {
    let care = prop_oneof![
        2 => Just(CareSet::EMPTY),
        3 => prop::sample::select(CareLevel::ALL.to_vec()).prop_map(CareSet::from),
        2 => prop::collection::vec(prop::sample::select(CareLevel::ALL.to_vec()), 2..5)
            .prop_map(|levels| levels.into_iter().collect::<CareSet>()),
    ];
    let payment = prop_oneof![
        Just(PaymentSet::EMPTY),
        prop::sample::select(Payment::ALL[..4].to_vec()).prop_map(PaymentSet::from)
    ];
    let languages = prop_oneof![3 => Just(LanguageSet::EMPTY), 1 => prop::sample::select(Language::ALL[..3].to_vec()).prop_map(LanguageSet::from)];
    let kinds = prop_oneof![3 => Just(KindSet::EMPTY), 1 => prop::sample::select(FacilityKind::ALL.to_vec()).prop_map(KindSet::from)];
    let precision = prop_oneof![
        3 => Just(None),
        1 => Just(Some(Precision::Point)),
        1 => Just(Some(Precision::Zip)),
    ];
    (
        care,
        payment,
        languages,
        (kinds, precision),
        prop::bool::weighted(0.15),
    )
        .prop_map(|(care, payment, languages, (kinds, precision), odd_only)| {
            let mut filter = Filter::new()
                .care(care)
                .payment(payment)
                .languages(languages)
                .kinds(kinds);
            if let Some(precision) = precision {
                filter = filter.min_precision(precision);
            }
            if odd_only {
                filter = filter.predicate(|f| f.id.ends_with(['1', '3', '5', '7', '9']));
            }
            filter
        })
}

pub fn origin() -> impl Strategy<Value = LatLon> {
    any_point().prop_map(|(lat, lon)| LatLon::new(lat, lon).unwrap())
}

pub fn radius() -> impl Strategy<Value = Distance> {
    prop_oneof![
        Just(Distance::from_meters(0.0)),
        (0.0..50_000.0).prop_map(Distance::from_meters),
        (0.0..3_000_000.0).prop_map(Distance::from_meters),
        (0.0..25_000_000.0).prop_map(Distance::from_meters),
    ]
}
