//! Random facility sets, filters and points for the property tests: points cluster in a
//! city, crowd the antimeridian and the poles, and repeat.
#![allow(dead_code)] // each test file uses its own part

use std::sync::Arc;

use carefind::availability::{Availability, Need, Unknown, Update};
use carefind::{
    CareLevel, CareSet, Distance, Facility, FacilityKind, Filter, KindSet, Language, LanguageSet,
    LatLon, Payment, PaymentSet, Precision, Set, Status, Term,
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
        (
            prop::sample::select(vec![
                Status::Active,
                Status::Active,
                Status::Active,
                Status::TemporarilyClosed,
                Status::Closed,
            ]),
            prop::option::of(0..40i64),
        ),
        (
            0..HOURS.len(),
            0..LEVEL_HOURS.len(),
            0..WALK_IN.len(),
            0..27u8,
        ),
    );
    prop::collection::vec(one, 0..120).prop_map(|rows| {
        let mut points: Vec<((f64, f64), usize)> = Vec::with_capacity(rows.len());
        rows.into_iter()
            .enumerate()
            .map(
                |(
                    i,
                    (
                        point,
                        duplicate_of,
                        care,
                        payment,
                        languages,
                        (kinds, at_zip),
                        (status, verified),
                        (hours, level_hours, walk_in, flags),
                    ),
                )| {
                    // A listing at an earlier one's point is another listing of that place:
                    // the same street and phone.
                    let (point, place) = match duplicate_of {
                        Some(earlier) if !points.is_empty() => points[earlier.index(points.len())],
                        _ => (point, i),
                    };
                    points.push((point, place));
                    let id = format!("f{:05}", (i * 7919) % 10007);
                    let mut facility = Facility::new(
                        id,
                        format!("Facility {i}"),
                        LatLon::new(point.0, point.1).unwrap(),
                    );
                    facility.street = format!("{place} Main St");
                    facility.phone = format!("212-555-{place:04}");
                    facility.care = set_from_bits(care);
                    facility.payment = set_from_bits(payment);
                    facility.languages = set_from_bits(languages);
                    facility.kinds = set_from_bits(kinds);
                    if at_zip {
                        facility.precision = Precision::Zip;
                    }
                    facility.status = status;
                    facility.verified = verified.map(day);
                    facility.hours = HOURS[hours].into();
                    facility.level_hours = LEVEL_HOURS[level_hours].into();
                    facility.walk_in = WALK_IN[walk_in].into();
                    let flag = |at: u32| {
                        [None, Some(false), Some(true)][(flags / 3u8.pow(at) % 3) as usize]
                    };
                    facility.same_day_medication = flag(0);
                    facility.counseling_required = flag(1);
                    facility.telehealth_intake = flag(2);
                    facility
                },
            )
            .collect()
    })
}

/// Opening hours the random facilities list (often none): past midnight, weekends,
/// evenings, holidays.
pub const HOURS: [&str; 8] = [
    "",
    "",
    "24/7",
    "Mo-Fr 08:00-17:00; PH off",
    "Mo-Th 17:00-21:00",
    "Sa-Su 10:00-14:00",
    "Mo-Fr 22:00-02:00",
    "Tu,Th 18:00-20:00",
];

/// Hours of single levels the random facilities list.
pub const LEVEL_HOURS: [&str; 6] = [
    "",
    "",
    "",
    r#"{"iop":"Mo,We,Th 18:00-21:00"}"#,
    r#"{"outpatient":"Sa 09:00-12:00"}"#,
    r#"{"iop":"Mo-Fr 07:00-09:00","otp":"Mo-Su 05:00-10:00"}"#,
];

/// Walk-in intake as the random facilities state it.
pub const WALK_IN: [&str; 5] = ["", "", "yes", "no", "Mo-Fr 08:00-10:00"];

/// Instants the time filters ask about: weekday evenings and mornings, a weekend, a
/// holiday, a clock change.
pub fn moments() -> impl Strategy<Value = jiff::Timestamp> {
    prop::sample::select(vec![
        "2026-06-01T23:30:00Z",
        "2026-06-02T13:00:00Z",
        "2026-06-06T16:00:00Z",
        "2026-12-25T15:00:00Z",
        "2026-11-01T06:30:00Z",
        "2026-03-08T03:00:00Z",
    ])
    .prop_map(|text| text.parse().unwrap())
}

/// What a search asks of hours and of getting in: often nothing.
pub fn when() -> impl Strategy<Value = (carefind::hours::OpenNeed, carefind::hours::GettingIn)> {
    use carefind::hours::{Days, GettingIn, OpenNeed, When};
    let unknown = prop::sample::select(vec![
        Unknown::Leave,
        Unknown::Leave,
        Unknown::Keep,
        Unknown::Only,
    ]);
    (
        moments(),
        0..6usize,
        prop::sample::select(vec![0i64, 0, 90]),
        unknown.clone(),
        (0..16u8, prop::bool::weighted(0.3), unknown),
    )
        .prop_map(
            |(at, which, open_for, unknown, (asks, walk_in_now, getting_unknown))| {
                let mut need =
                    OpenNeed::from(at).open_for(jiff::SignedDuration::from_mins(open_for));
                need = match which {
                    0 | 1 => need,
                    2 => need.when(When::At(at)),
                    3 => need.when(When::Evening),
                    4 => need.when(When::On(Days::WEEKEND)),
                    _ => need.when(When::Local(jiff::civil::date(2026, 6, 2).at(18, 30, 0, 0))),
                };
                need.unknown = unknown;
                let getting_in = GettingIn {
                    walk_in: asks & 1 != 0 && asks & 8 != 0,
                    walk_in_at: (walk_in_now && asks & 8 != 0).then_some(at),
                    same_day_medication: asks & 2 != 0 && asks & 8 != 0,
                    no_counseling_requirement: asks & 4 != 0 && asks & 8 != 0,
                    unknown: getting_unknown,
                };
                (need, getting_in)
            },
        )
}

/// The id `facilities` gives its `i`th facility.
pub fn facility_id(i: usize) -> String {
    format!("f{:05}", (i * 7919) % 10007)
}

/// Day `n` of the days listings are verified on (2026-01-01 onward).
pub fn day(n: i64) -> jiff::civil::Date {
    jiff::civil::date(2026, 1, 1) + jiff::Span::new().days(n)
}

/// The instant availability is judged at in the property tests.
pub fn now() -> jiff::Timestamp {
    "2026-06-01T12:00:00Z".parse().unwrap()
}

/// Availability reports for the ids `facilities` gives, some for the whole facility and
/// some per level, fresh and stale, with every measure sometimes missing; some state ways
/// in, a few of those from the days the listings were verified on (so that listing and
/// report each win sometimes).
pub fn availability() -> impl Strategy<Value = Availability> {
    let one = (
        0..120usize,
        prop::option::of(prop::sample::select(CareLevel::ALL.to_vec())),
        prop::option::of(any::<bool>()),
        prop::option::of(0..4u32),
        prop::option::of(0..10u32),
        0..(6 * 24i64),
        (0..WALK_IN.len(), 0..27u8, prop::option::of(0..40i64)),
    );
    prop::collection::vec(one, 0..150).prop_map(|rows| {
        let updates = rows.into_iter().map(
            |(i, care, accepting, beds, wait, hours_ago, (walk_in, flags, on_day))| {
                let at = match on_day {
                    Some(n) => {
                        jiff::tz::TimeZone::UTC.to_timestamp(day(n).into()).unwrap()
                            + jiff::SignedDuration::from_hours(hours_ago % 24 - 12)
                    }
                    None => now() - jiff::SignedDuration::from_hours(hours_ago),
                };
                let mut update = Update::new(facility_id(i), at);
                update.care = care;
                update.accepting = accepting;
                update.beds_available = beds;
                update.wait_days = wait;
                update.walk_in = Some(WALK_IN[walk_in])
                    .filter(|w| !w.is_empty())
                    .map(|w| w.parse().unwrap());
                let flag = |at: u32| match flags / 3u8.pow(at) % 3 {
                    0 => None,
                    1 => Some(true),
                    _ => Some(false),
                };
                update.same_day_medication = flag(0);
                update.counseling_required = flag(1);
                update.telehealth_intake = flag(2);
                update
            },
        );
        Availability::new().with(updates).table
    })
}

/// What a search asks of availability: sometimes nothing.
pub fn needs() -> impl Strategy<Value = Need> {
    (
        any::<bool>(),
        prop::option::of(0..3u32),
        prop::option::of(0..8u32),
        prop::sample::select(vec![24i64, 72, 200]),
        prop::sample::select(vec![
            Unknown::Leave,
            Unknown::Leave,
            Unknown::Keep,
            Unknown::Only,
        ]),
    )
        .prop_map(|(accepting, beds, wait, fresh_hours, unknown)| {
            let mut need =
                Need::at(now()).fresh_within(jiff::SignedDuration::from_hours(fresh_hours));
            need.accepting = accepting;
            need.open_beds = beds;
            need.max_wait_days = wait;
            need.unknown = unknown;
            need
        })
}

pub fn filters() -> impl Strategy<Value = Filter> {
    let listing = (
        prop::bool::weighted(0.5),
        prop::option::of(0..40i64),
        prop::option::of((availability(), needs())),
        when(),
    );
    (base_filters(), listing).prop_map(
        |(mut filter, (include_closed, verified_since, available, (open, getting_in)))| {
            filter = filter.open(open).getting_in(getting_in);
            if include_closed {
                filter = filter.include_closed();
            }
            if let Some(n) = verified_since {
                filter = filter.verified_since(day(n));
            }
            if let Some((table, need)) = available {
                filter = filter.available(Arc::new(table), need);
            }
            filter
        },
    )
}

fn base_filters() -> impl Strategy<Value = Filter> {
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
    let asam = prop_oneof![
        3 => Just(carefind::AsamSet::EMPTY),
        1 => prop::sample::select(carefind::Asam::ALL.to_vec()).prop_map(carefind::AsamSet::from),
    ];
    // "All of": two or three levels, ways to pay or languages that must all be offered.
    let all_of = prop_oneof![
        4 => Just(carefind::AllOf::default()),
        1 => (
            prop::collection::vec(prop::sample::select(CareLevel::ALL.to_vec()), 0..3),
            prop::collection::vec(prop::sample::select(Payment::ALL[..4].to_vec()), 0..3),
            prop::collection::vec(prop::sample::select(Language::ALL[..3].to_vec()), 0..2),
        )
            .prop_map(|(care, payment, languages)| carefind::AllOf {
                care: care.into_iter().collect(),
                payment: payment.into_iter().collect(),
                languages: languages.into_iter().collect(),
                ..carefind::AllOf::default()
            }),
    ];
    (
        care,
        payment,
        languages,
        (kinds, precision, asam, all_of),
        prop::bool::weighted(0.15),
    )
        .prop_map(
            |(care, payment, languages, (kinds, precision, asam, all_of), odd_only)| {
                let mut filter = Filter::new()
                    .care(care)
                    .payment(payment)
                    .languages(languages)
                    .kinds(kinds)
                    .asam(asam)
                    .all_of(all_of);
                if let Some(precision) = precision {
                    filter = filter.min_precision(precision);
                }
                if odd_only {
                    filter = filter.predicate(|f| f.id().ends_with(['1', '3', '5', '7', '9']));
                }
                filter
            },
        )
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
