//! Opening hours as HSDS `schedule` objects, both ways.
//!
//! HSDS 3.1 schedules are iCalendar-like recurrences. carefind writes a facility's hours
//! as one `WEEKLY` schedule per set of days sharing an opening time (`byday`, `opens_at`,
//! `closes_at`, local wall times at the location, a stretch past midnight closing at
//! `00:00` of the next day), and the whole expression in each one's `description`, which
//! is what carries what weekly recurrences cannot: public holidays (`PH off`), hours that
//! differ by month or date. Reading, that expression is used when it parses; otherwise
//! the weekly schedules are joined into one. Schedules with dates (`valid_from`,
//! `dtstart`, `until`, `count`), other recurrences (`MONTHLY`, `byweekno`, `bymonthday`,
//! `byyearday`, `interval` above 1) or no times are not carried, and the import report
//! counts them. HSDS gives a time zone only as a UTC offset, which cannot follow daylight
//! saving time: carefind writes none (the location's coordinates name the zone) and reads
//! times as local wall times.

use serde_json::{Value, json};

use super::id_of;
use crate::facility_ref::FacilityRef;
use crate::hours::Hours;

/// What a schedule's description says before the expression it carries.
const PREFIX: &str = "Opening hours (OpenStreetMap opening_hours syntax, local time): ";

const DAYS: [(&str, &str); 7] = [
    ("MO", "Mo"),
    ("TU", "Tu"),
    ("WE", "We"),
    ("TH", "Th"),
    ("FR", "Fr"),
    ("SA", "Sa"),
    ("SU", "Su"),
];

fn clock(minutes: u16) -> String {
    format!("{:02}:{:02}:00", minutes / 60 % 24, minutes % 60)
}

/// The facility's hours as HSDS `schedule` objects of its service (`service_id`); none
/// when it lists no hours.
///
/// ```
/// use carefind::{Facility, LatLon, hsds};
///
/// let mut facility = Facility::new("f1", "F", LatLon::new(40.7, -74.0).unwrap());
/// facility.hours = "Mo-Fr 09:00-17:00; Sa 10:00-14:00; PH off".into();
/// let schedules = hsds::schedules(&facility, "service-1");
/// assert_eq!(schedules.len(), 2);
/// assert_eq!(schedules[0]["byday"], "MO,TU,WE,TH,FR");
/// assert_eq!(schedules[0]["opens_at"], "09:00:00");
/// assert!(schedules[1]["description"].as_str().unwrap().ends_with("PH off"));
/// ```
pub fn schedules<'f>(facility: impl Into<FacilityRef<'f>>, service_id: &str) -> Vec<Value> {
    let mut schedules = unlinked(facility.into());
    for schedule in &mut schedules {
        schedule["service_id"] = service_id.into();
    }
    schedules
}

/// The facility's hours as [`schedules`] gives them, naming no service: what a service
/// nests.
pub(crate) fn unlinked(facility: FacilityRef<'_>) -> Vec<Value> {
    let Ok(hours) = facility.hours().parse::<Hours>() else {
        return Vec::new();
    };
    let description = format!("{PREFIX}{}", hours.as_str());
    let id = |n: usize| id_of("schedule", &format!("{}/{n}", facility.id()));
    let Some(week) = hours.regular_week() else {
        // Not weekly: the expression alone says it.
        return vec![json!({"id": id(0), "description": description})];
    };
    // Days sharing a stretch, in the week's order of first appearance.
    let mut stretches: Vec<((u16, u16), Vec<&str>)> = Vec::new();
    for (day, open) in week.iter().enumerate() {
        for stretch in open {
            match stretches.iter_mut().find(|(s, _)| s == stretch) {
                Some((_, days)) => days.push(DAYS[day].0),
                None => stretches.push((*stretch, vec![DAYS[day].0])),
            }
        }
    }
    stretches
        .iter()
        .enumerate()
        .map(|(n, ((opens, closes), days))| {
            json!({
                "id": id(n),
                "freq": "WEEKLY",
                "byday": days.join(","),
                "opens_at": clock(*opens),
                "closes_at": clock(*closes),
                "description": description,
            })
        })
        .collect()
}

/// Hours read from schedule objects, and how many could not be carried.
pub(crate) struct Read {
    /// The expression, when any schedule said one.
    pub(crate) hours: Option<String>,
    /// Schedules with dates, other recurrences or no times.
    pub(crate) not_carried: usize,
}

/// The hours `schedules` describe.
pub(crate) fn read<'v>(schedules: impl IntoIterator<Item = &'v Value>) -> Read {
    let schedules: Vec<&Value> = schedules.into_iter().collect();
    if let Some(hours) = schedules.iter().find_map(|schedule| {
        let text = schedule
            .get("description")?
            .as_str()?
            .strip_prefix(PREFIX)?;
        text.parse::<Hours>().ok().map(|_| text.to_string())
    }) {
        return Read {
            hours: Some(hours),
            not_carried: 0,
        };
    }
    let mut rules = Vec::new();
    let mut not_carried = 0;
    for schedule in schedules {
        match weekly_rule(schedule) {
            Some(rule) => rules.push(rule),
            None => not_carried += 1,
        }
    }
    let hours = (!rules.is_empty())
        .then(|| rules.join(", "))
        .filter(|text| text.parse::<Hours>().is_ok());
    Read { hours, not_carried }
}

/// A weekly schedule as one opening-hours rule (`Mo,Tu 09:00-17:00`); `None` for what a
/// weekly rule cannot say.
fn weekly_rule(schedule: &Value) -> Option<String> {
    let text = |key: &str| {
        schedule
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or("")
            .trim()
    };
    let dated = [
        "valid_from",
        "valid_to",
        "dtstart",
        "until",
        "byweekno",
        "bymonthday",
        "byyearday",
    ]
    .iter()
    .any(|key| !text(key).is_empty())
        || schedule.get("count").is_some_and(|count| !count.is_null());
    let interval = schedule
        .get("interval")
        .and_then(Value::as_f64)
        .unwrap_or(1.0);
    if dated || interval != 1.0 || !matches!(text("freq"), "" | "WEEKLY") {
        return None;
    }
    let minutes = |time: &str| -> Option<u16> {
        // Any offset or Z after HH:MM(:SS) is left: times are the location's wall time.
        let (hour, rest) = time.split_once(':')?;
        let hour: u16 = hour.parse().ok()?;
        let minute: u16 = rest.get(..2)?.parse().ok()?;
        (hour < 24 && minute < 60).then_some(hour * 60 + minute)
    };
    let (opens, closes) = (minutes(text("opens_at"))?, minutes(text("closes_at"))?);
    // Closing at or before opening runs past midnight.
    let closes = if closes <= opens {
        closes + 1440
    } else {
        closes
    };
    let days = match text("byday") {
        "" => "Mo-Su".to_string(),
        byday => byday
            .split(',')
            .map(|day| {
                DAYS.iter()
                    .find(|(ical, _)| ical.eq_ignore_ascii_case(day.trim()))
                    .map(|(_, osm)| *osm)
            })
            .collect::<Option<Vec<_>>>()?
            .join(","),
    };
    Some(format!(
        "{days} {:02}:{:02}-{:02}:{:02}",
        opens / 60,
        opens % 60,
        closes / 60,
        closes % 60
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::LoadOptions;
    use crate::{Facility, LatLon};

    const HOURS: [&str; 6] = [
        "Mo-Fr 08:00-20:00; Sa 09:00-13:00; PH off",
        "24/7",
        "Mo,We,Th 18:00-21:00; Sa 22:00-02:00",
        "Mo-Th 08:00-12:00,13:00-21:00; Fr 08:00-17:00",
        "Jan-Mar Mo 10:00-12:00",
        "Tu 23:00-26:00; PH 10:00-12:00",
    ];

    fn facilities() -> Vec<Facility> {
        HOURS
            .iter()
            .enumerate()
            .map(|(n, hours)| {
                let mut facility =
                    Facility::new(format!("f{n}"), "F", LatLon::new(41.88, -87.63).unwrap());
                facility.care = "outpatient".parse().unwrap();
                facility.hours = hours.to_string();
                facility.timezone = "America/Chicago".into();
                facility
            })
            .collect()
    }

    fn read_back(document: &Value) -> Vec<Facility> {
        let bytes = serde_json::to_vec(document).unwrap();
        let loaded = crate::hsds::from_slice(&bytes, "doc.json", &LoadOptions::strict()).unwrap();
        loaded.loaded.facilities
    }

    #[test]
    fn hours_out_then_back_are_the_same_hours() {
        let document = crate::hsds::to_json(&facilities(), None);
        let back = read_back(&document);
        let hours: Vec<&str> = back.iter().map(|f| f.hours.as_str()).collect();
        assert_eq!(hours, HOURS);
        assert!(back.iter().all(|f| f.timezone == "America/Chicago"));
    }

    /// Without the expression, the weekly schedules alone give the same open times on
    /// every day of a regular week (holidays are what they cannot say).
    #[test]
    fn weekly_schedules_alone_keep_the_week() {
        let mut document = crate::hsds::to_json(&facilities(), None);
        for sal in document.as_array_mut().unwrap() {
            for schedule in sal["service"]["schedules"].as_array_mut().unwrap() {
                schedule.as_object_mut().unwrap().remove("description");
            }
        }
        let back = read_back(&document);
        for (facility, original) in back.iter().zip(HOURS) {
            let original: Hours = original.parse().unwrap();
            if !original.is_weekly() {
                assert!(facility.hours.is_empty(), "{}", facility.hours);
                continue;
            }
            let hours: Hours = facility.hours.parse().unwrap();
            let monday = jiff::civil::date(2026, 3, 2).at(0, 0, 0, 0);
            for quarter in 0..7 * 96 {
                let at = monday
                    .checked_add(jiff::SignedDuration::from_mins(quarter * 15))
                    .unwrap();
                assert_eq!(
                    hours.is_open(at),
                    original.is_open(at),
                    "{original} / {hours} at {at}"
                );
            }
        }
    }

    #[test]
    fn weekly_schedules_of_another_directory_become_one_expression() {
        let schedules = [
            json!({"freq": "WEEKLY", "byday": "MO,WE", "opens_at": "09:00:00", "closes_at": "17:00:00"}),
            json!({"byday": "SA", "opens_at": "22:00-05:00", "closes_at": "02:00-05:00"}),
            json!({"freq": "MONTHLY", "byday": "1MO", "opens_at": "09:00", "closes_at": "12:00"}),
            json!({"valid_from": "2026-01-01", "opens_at": "09:00", "closes_at": "12:00"}),
            json!({"description": "Call for hours"}),
        ];
        let read = read(&schedules);
        assert_eq!(
            read.hours.as_deref(),
            Some("Mo,We 09:00-17:00, Sa 22:00-26:00")
        );
        assert_eq!(read.not_carried, 3);
    }
}
