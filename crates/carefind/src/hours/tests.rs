//! The time filters against brute force: every answer of [`OpenNeed`] (the compiled week,
//! the clock changes, the evenings) is held to the evaluator asked minute by minute.

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

use super::*;

const ZONES: [&str; 10] = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Puerto_Rico",
    "Europe/London",
    // Half-hour clock changes.
    "Australia/Lord_Howe",
];

const DAYS: [&str; 9] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su", "Mo-Fr", "Sa-Su"];

fn span() -> impl Strategy<Value = String> {
    (0u16..24, 0u16..4, 1u16..40).prop_map(|(hour, quarter, length)| {
        let start = hour * 60 + quarter * 15;
        // Up to 10 hours, past midnight at times (22:00-26:00 or 22:00-02:00).
        let end = start + length * 15;
        let wrap = end > 1440 && length % 2 == 0;
        let end = if wrap { end - 1440 } else { end.min(48 * 60) };
        format!(
            "{:02}:{:02}-{:02}:{:02}",
            start / 60,
            start % 60,
            end / 60,
            end % 60
        )
    })
}

/// Expressions that repeat every week (weekdays, times past midnight, holidays, closed
/// and additional rules), and now and then one that does not.
fn expression() -> impl Strategy<Value = String> {
    let rule = (
        prop::sample::select(DAYS.to_vec()),
        prop::collection::vec(span(), 1..3),
        0u8..10,
    )
        .prop_map(|(days, spans, kind)| match kind {
            0 => format!("{days} off"),
            1 => "PH off".to_string(),
            2 => format!("PH {}", spans[0]),
            3 => format!("Jan-Mar {days} {}", spans.join(",")),
            _ => format!("{days} {}", spans.join(",")),
        });
    prop::collection::vec((rule, any::<bool>()), 1..4).prop_map(|rules| {
        let mut text = String::new();
        for (at, (rule, additional)) in rules.into_iter().enumerate() {
            if at > 0 {
                text.push_str(if additional { ", " } else { "; " });
            }
            text.push_str(&rule);
        }
        text
    })
}

/// Instants near what makes time hard: clock changes, midnights, holidays.
fn instant() -> impl Strategy<Value = Timestamp> {
    let anchors: Vec<Timestamp> = [
        "2026-03-08T07:00:00Z", // New York springs forward
        "2026-11-01T06:00:00Z", // New York falls back
        "2026-03-29T01:00:00Z", // London
        "2026-10-25T01:00:00Z",
        "2026-04-04T15:00:00Z", // Lord Howe, half an hour back
        "2026-10-03T15:30:00Z",
        "2026-12-25T05:00:00Z", // Christmas
        "2026-07-03T04:00:00Z", // Independence Day, observed
        "2026-12-07T23:30:00Z", // a Monday evening in New York
        "2027-01-01T00:00:00Z",
    ]
    .iter()
    .map(|text| text.parse().unwrap())
    .collect();
    // On quarter hours mostly, where the hours begin and end.
    (
        prop::sample::select(anchors),
        -200i64..200,
        prop::sample::select(vec![0i64, 0, 0, 7]),
    )
        .prop_map(|(anchor, quarters, minutes)| {
            anchor + SignedDuration::from_mins(quarters * 15 + minutes)
        })
}

fn brute_open(hours: &Hours, zone: &TimeZone, at: Timestamp) -> bool {
    hours.evaluator_is_open(zone.to_datetime(at))
}

fn brute_open_for(hours: &Hours, zone: &TimeZone, at: Timestamp, minutes: i64) -> bool {
    (0..minutes.max(1))
        .all(|minute| brute_open(hours, zone, at + SignedDuration::from_mins(minute)))
}

fn brute_minutes(hours: &Hours, day: Date, from: u16, to: u16) -> u32 {
    (from..to)
        .filter(|minute| {
            hours.evaluator_is_open(day.at((minute / 60) as i8, (minute % 60) as i8, 0, 0))
        })
        .count() as u32
}

fn coming_days(zone: &TimeZone, now: Timestamp) -> Vec<Date> {
    let today = zone.to_datetime(now).date();
    (0..7)
        .map(|offset| today.checked_add(jiff::Span::new().days(offset)).unwrap())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn open_is_the_evaluator_at_every_quarter_hour_of_two_weeks(
        text in expression(),
        start in instant(),
    ) {
        let hours: Hours = text.parse().unwrap();
        let start = jiff::tz::TimeZone::UTC.to_datetime(start);
        for quarter in 0..2 * 7 * 96 {
            let at = start.checked_add(SignedDuration::from_mins(quarter * 15)).unwrap();
            prop_assert_eq!(hours.is_open(at), hours.evaluator_is_open(at), "{} at {}", text, at);
        }
    }

    #[test]
    fn open_at_and_open_for_are_the_evaluator_minute_by_minute(
        text in expression(),
        zone in prop::sample::select(ZONES.to_vec()),
        at in instant(),
        minutes in prop::sample::select(vec![0i64, 1, 30, 90, 240, 600]),
    ) {
        let hours: Hours = text.parse().unwrap();
        let zone = time_zone(zone).unwrap();
        let need = OpenNeed::at(at).open_for(SignedDuration::from_mins(minutes));
        prop_assert_eq!(need.meets(&hours, &zone), brute_open_for(&hours, &zone, at, minutes), "{} at {}", text, at);
    }

    #[test]
    fn a_wall_time_is_the_instant_it_names_in_each_zone(
        text in expression(),
        zone in prop::sample::select(ZONES.to_vec()),
        at in instant(),
    ) {
        let hours: Hours = text.parse().unwrap();
        let zone = time_zone(zone).unwrap();
        let wall: DateTime = zone.to_datetime(at);
        let instant = zone.to_ambiguous_timestamp(wall).compatible().unwrap();
        let need = OpenNeed::from(at).when(When::Local(wall));
        prop_assert_eq!(need.meets(&hours, &zone), brute_open(&hours, &zone, instant));
    }

    #[test]
    fn days_and_evenings_are_the_evaluator_minute_by_minute(
        text in expression(),
        zone in prop::sample::select(ZONES.to_vec()),
        now in instant(),
        days in prop::sample::select(vec!["sa", "su", "sa,su", "mo-fr", "we"]),
    ) {
        let hours: Hours = text.parse().unwrap();
        let zone = time_zone(zone).unwrap();
        let coming = coming_days(&zone, now);
        let wanted: Days = days.parse().unwrap();
        let on = coming
            .iter()
            .any(|day| wanted.contains(day.weekday()) && brute_minutes(&hours, *day, 0, 1440) > 0);
        prop_assert_eq!(OpenNeed::from(now).when(When::On(wanted)).meets(&hours, &zone), on);
        let evenings = coming
            .iter()
            .filter(|day| day.weekday().to_monday_zero_offset() < 5)
            .filter(|day| brute_minutes(&hours, **day, EVENING.0, EVENING.1) >= EVENING_MINUTES)
            .count();
        prop_assert_eq!(
            OpenNeed::from(now).when(When::Evening).meets(&hours, &zone),
            evenings >= EVENINGS,
            "{}", text
        );
    }
}

#[test]
fn the_compiled_week_is_used_for_weekly_hours_only() {
    for (text, weekly) in [
        ("Mo-Fr 08:00-20:00; Sa 09:00-13:00; PH off", true),
        ("24/7", true),
        ("Mo-Fr 22:00-02:00", true),
        ("Jan-Mar Mo 10:00-12:00", false),
        ("Mo[1] 10:00-12:00", false),
        ("Mo-Fr sunrise-sunset", false),
        ("Mo-Fr 17:00+", false),
    ] {
        assert_eq!(text.parse::<Hours>().unwrap().is_weekly(), weekly, "{text}");
    }
}

#[test]
fn a_clock_change_inside_the_stretch_is_followed() {
    let zone = time_zone("America/New_York").unwrap();
    let hours: Hours = "Su 00:00-03:00".parse().unwrap();
    // 8 March 2026: clocks go from 02:00 to 03:00. From 01:30 EST, the wall clock reads
    // 03:00 (closed) 30 minutes later.
    let half_past_one: Timestamp = "2026-03-08T06:30:00Z".parse().unwrap();
    let need = |minutes| OpenNeed::at(half_past_one).open_for(SignedDuration::from_mins(minutes));
    assert!(need(30).meets(&hours, &zone));
    assert!(!need(31).meets(&hours, &zone));
    // 1 November 2026: 01:00-02:00 happens twice. Open until 01:30, from 01:15 EDT, closes
    // 15 minutes later and opens again an hour after that.
    let hours: Hours = "Su 00:00-01:30".parse().unwrap();
    let quarter_past: Timestamp = "2026-11-01T05:15:00Z".parse().unwrap();
    let need = |minutes| OpenNeed::at(quarter_past).open_for(SignedDuration::from_mins(minutes));
    assert!(need(15).meets(&hours, &zone));
    assert!(!need(16).meets(&hours, &zone));
    assert!(OpenNeed::at(quarter_past + SignedDuration::from_mins(60)).meets(&hours, &zone));
}

#[test]
fn a_skipped_wall_time_is_read_after_the_change() {
    let zone = time_zone("America/New_York").unwrap();
    // 02:30 on 8 March 2026 does not exist; it is read as 03:30 EDT.
    let hours: Hours = "Su 03:00-04:00".parse().unwrap();
    let skipped = jiff::civil::date(2026, 3, 8).at(2, 30, 0, 0);
    let now: Timestamp = "2026-03-07T12:00:00Z".parse().unwrap();
    assert!(
        OpenNeed::from(now)
            .when(When::Local(skipped))
            .meets(&hours, &zone)
    );
}

#[test]
fn a_stretch_runs_on_across_the_end_of_the_week() {
    let zone = time_zone("America/Chicago").unwrap();
    let hours: Hours = "Su 22:00-24:00; Mo 00:00-04:00".parse().unwrap();
    // Sunday 6 December 2026, 23:00 in Chicago: open until Monday 04:00.
    let sunday_night: Timestamp = "2026-12-07T05:00:00Z".parse().unwrap();
    let need = |minutes| OpenNeed::at(sunday_night).open_for(SignedDuration::from_mins(minutes));
    assert!(need(300).meets(&hours, &zone));
    assert!(!need(301).meets(&hours, &zone));
    assert_eq!(
        need(300).meets(&hours, &zone),
        brute_open_for(&hours, &zone, sunday_night, 300)
    );
}

/// Evenings of a regular week are read from the days compiled at parse time: weekdays
/// only, two hours within 17:00-22:00, past midnight counted on the day it starts.
#[test]
fn a_regular_weeks_evenings_are_its_weekdays_with_two_evening_hours() {
    let zone = time_zone("America/New_York").unwrap();
    // A Monday with no holiday in the coming week.
    let now: Timestamp = "2026-03-09T15:00:00Z".parse().unwrap();
    for (text, evening) in [
        ("Mo,We,Th 18:00-21:00", true),
        // Saturday's evening is not a weekday's.
        ("Mo,We 18:00-21:00; Sa 17:00-22:00", false),
        ("Mo-Fr 17:00-18:30", false),
        ("Mo-Fr 20:00-02:00", true),
        ("Mo-Fr 21:00-23:00", false),
        ("Mo-We 16:00-19:00", true),
    ] {
        let hours: Hours = text.parse().unwrap();
        assert!(hours.is_weekly(), "{text}");
        let need = OpenNeed::from(now).when(When::Evening);
        assert_eq!(need.meets(&hours, &zone), evening, "{text}");
        let coming = coming_days(&zone, now);
        let brute = coming
            .iter()
            .filter(|day| day.weekday().to_monday_zero_offset() < 5)
            .filter(|day| brute_minutes(&hours, **day, EVENING.0, EVENING.1) >= EVENING_MINUTES)
            .count();
        assert_eq!(brute >= EVENINGS, evening, "{text}: the evaluator agrees");
    }
}
