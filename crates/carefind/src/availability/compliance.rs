//! Whether facilities keep their availability current: the days with an update, the
//! longest run without one, and a rule such as Colorado's.
//!
//! A bed registry is only as true as its updates. Colorado's statute (C.R.S.
//! 27-60-104.5) calls it "consistent noncompliance" when a facility goes 2 or more
//! consecutive days, or 5 or more days in a month, without an update: [`Rule::COLORADO`].
//! Days are the facility's own local days (an update at 23:30 in New York counts for that
//! day, though it is the next day in UTC), across clock changes.
//!
//! ```
//! use carefind::availability::compliance::{Rule, Window, judge};
//! use jiff::civil::date;
//!
//! let zone = carefind::hours::time_zone("America/New_York")?;
//! let window = Window::new(date(2026, 3, 1), date(2026, 3, 10))?;
//! // Updated every day but the 4th and the 5th.
//! let updates = [1, 2, 3, 6, 7, 8, 9, 10]
//!     .map(|day| zone.to_timestamp(date(2026, 3, day).at(9, 0, 0, 0)).unwrap());
//! let judged = judge(&zone, updates, &window, &Rule::COLORADO);
//! assert_eq!((judged.days, judged.days_updated, judged.longest_gap), (10, 8, 2));
//! assert!(judged.noncompliant);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::facility_ref::FacilityRef;

/// When a facility is noncompliant: `max_gap_days` or more consecutive days without an
/// update, or `max_missed_in_month` or more days without one in a calendar month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Consecutive days without an update that make a facility noncompliant.
    pub max_gap_days: u32,
    /// Days without an update in one calendar month that make it noncompliant.
    pub max_missed_in_month: u32,
}

impl Rule {
    /// Colorado's: 2 or more consecutive days, or 5 or more days in a month.
    pub const COLORADO: Rule = Rule {
        max_gap_days: 2,
        max_missed_in_month: 5,
    };
}

/// The days a report covers: from `since` to `until`, both included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    since: Date,
    until: Date,
}

/// The most days a window may cover (ten years): a report is read day by day.
pub const MAX_WINDOW_DAYS: i32 = 3_660;

impl Window {
    /// The days from `since` to `until`, both included; an error when `until` comes
    /// before `since` or the window is longer than [`MAX_WINDOW_DAYS`].
    pub fn new(since: Date, until: Date) -> Result<Window, String> {
        let days = (until - since).get_days() + 1;
        if days < 1 {
            return Err(format!("{until} is before {since}"));
        }
        if days > MAX_WINDOW_DAYS {
            return Err(format!(
                "{since} to {until} is {days} days, more than {MAX_WINDOW_DAYS}"
            ));
        }
        Ok(Window { since, until })
    }

    /// The window a report covers when asked with `since` and `until` (either may be
    /// missing): `until` defaults to yesterday in UTC as of `now` (today is not over),
    /// `since` to 29 days before `until` (30 days in all).
    ///
    /// ```
    /// use carefind::availability::compliance::Window;
    /// use jiff::civil::date;
    ///
    /// let now = "2026-06-15T08:00:00Z".parse()?;
    /// let window = Window::asked(None, None, now)?;
    /// assert_eq!((window.since(), window.until()), (date(2026, 5, 16), date(2026, 6, 14)));
    /// assert_eq!(window.days(), 30);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn asked(
        since: Option<Date>,
        until: Option<Date>,
        now: Timestamp,
    ) -> Result<Window, String> {
        let until = match until {
            Some(until) => until,
            None => TimeZone::UTC
                .to_datetime(now)
                .date()
                .yesterday()
                .map_err(|e| e.to_string())?,
        };
        let since = match since {
            Some(since) => since,
            None => until
                .checked_sub(jiff::Span::new().days(29))
                .map_err(|e| format!("{until}: {e}"))?,
        };
        Window::new(since, until)
    }

    /// The first day.
    pub fn since(&self) -> Date {
        self.since
    }

    /// The last day.
    pub fn until(&self) -> Date {
        self.until
    }

    /// How many days it covers.
    pub fn days(&self) -> u32 {
        ((self.until - self.since).get_days() + 1) as u32
    }

    /// The instants any zone's days of the window can start and end at (a day early and
    /// a day late, as zones run from UTC-12 to UTC+14): what to read of a history.
    pub fn instants(&self) -> (Timestamp, Timestamp) {
        let at = |day: Date| {
            TimeZone::UTC
                .to_timestamp(day.into())
                .unwrap_or(Timestamp::MIN)
        };
        let pad = jiff::SignedDuration::from_hours(26);
        (
            at(self.since).saturating_sub(pad).unwrap_or(Timestamp::MIN),
            at(self.until).saturating_add(pad).unwrap_or(Timestamp::MAX),
        )
    }
}

/// How one facility kept its availability current over a window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Judged {
    /// Days in the window.
    pub days: u32,
    /// Days (local) with at least one update.
    pub days_updated: u32,
    /// The longest run of days without an update.
    pub longest_gap: u32,
    /// The most days without an update in one calendar month of the window.
    pub most_missed_in_a_month: u32,
    /// Whether the rule finds the facility noncompliant.
    pub noncompliant: bool,
}

/// How a facility whose hours are in `zone` kept its availability current over
/// `window`, judged by `rule`, from the times its updates were true (in any order; those
/// outside the window are not counted).
pub fn judge(
    zone: &TimeZone,
    updates: impl IntoIterator<Item = Timestamp>,
    window: &Window,
    rule: &Rule,
) -> Judged {
    let days = window.days();
    let mut updated = vec![false; days as usize];
    for at in updates {
        let day = zone.to_datetime(at).date();
        let offset = (day - window.since).get_days();
        if let Some(slot) = usize::try_from(offset)
            .ok()
            .and_then(|at| updated.get_mut(at))
        {
            *slot = true;
        }
    }
    let (mut gap, mut longest_gap) = (0, 0);
    let mut month = (window.since.year(), window.since.month());
    let (mut missed, mut most_missed) = (0, 0);
    for (day, updated) in window.since.series(jiff::Span::new().days(1)).zip(&updated) {
        if (day.year(), day.month()) != month {
            month = (day.year(), day.month());
            missed = 0;
        }
        if *updated {
            gap = 0;
        } else {
            gap += 1;
            missed += 1;
            longest_gap = longest_gap.max(gap);
            most_missed = most_missed.max(missed);
        }
    }
    Judged {
        days,
        days_updated: updated.iter().filter(|u| **u).count() as u32,
        longest_gap,
        most_missed_in_a_month: most_missed,
        noncompliant: longest_gap >= rule.max_gap_days || most_missed >= rule.max_missed_in_month,
    }
}

/// One facility's line of a [`Report`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    /// The facility's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its state.
    pub state: String,
    /// The zone its days are counted in.
    pub zone: String,
    /// How it kept its availability current.
    #[serde(flatten)]
    pub judged: Judged,
    /// When its latest report was true, at any time.
    pub last_update: Option<Timestamp>,
    /// Who sent that report.
    pub last_label: Option<String>,
}

/// Facilities of one state, or whose latest report came from one sender.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    /// The state, or the label ("" for none).
    pub key: String,
    /// Facilities.
    pub facilities: u32,
    /// Of those, noncompliant.
    pub noncompliant: u32,
    /// Their days in the window, all told.
    pub days: u64,
    /// Of those, days with an update.
    pub days_updated: u64,
}

/// Every facility of a directory judged over one window by one rule, with summaries.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// The rule.
    pub rule: Rule,
    /// The first day of the window.
    pub since: Date,
    /// The last day.
    pub until: Date,
    /// One row per facility, in the directory's order, those that never updated too.
    pub facilities: Vec<Row>,
    /// By state, in order of the state.
    pub by_state: Vec<Summary>,
    /// By the label of the latest report, in order of the label.
    pub by_label: Vec<Summary>,
}

impl Report {
    /// How many facilities the rule finds noncompliant.
    pub fn noncompliant(&self) -> usize {
        self.facilities
            .iter()
            .filter(|row| row.judged.noncompliant)
            .count()
    }
}

/// Judges every one of `facilities` (each in its own zone: see
/// [`zone_of`](crate::hours::zone_of)) over `window` by `rule`, from `updates` (a
/// facility's id and when an update of it was true: a history, stale updates included)
/// and `latest` (each facility's latest report and its sender's label, at any time).
///
/// ```
/// use carefind::availability::compliance::{Rule, Window, report};
/// use carefind::Index;
/// use jiff::civil::date;
///
/// let index = Index::sample();
/// let window = Window::new(date(2026, 5, 1), date(2026, 5, 31))?;
/// let at = "2026-05-15T12:00:00Z".parse()?;
/// let report = report(index.facilities(), [("S00001", at)], [("S00001", at, Some("staff"))], &window, &Rule::COLORADO);
/// assert_eq!(report.facilities.len(), index.len());
/// assert_eq!(report.facilities[1].judged.days_updated, 1);
/// assert_eq!(report.noncompliant(), index.len());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn report<'f, 'u>(
    facilities: impl IntoIterator<Item = FacilityRef<'f>>,
    updates: impl IntoIterator<Item = (&'u str, Timestamp)>,
    latest: impl IntoIterator<Item = (&'u str, Timestamp, Option<&'u str>)>,
    window: &Window,
    rule: &Rule,
) -> Report {
    let mut times: HashMap<&str, Vec<Timestamp>> = HashMap::new();
    for (id, at) in updates {
        times.entry(id).or_default().push(at);
    }
    let mut last: HashMap<&str, (Timestamp, Option<&str>)> = HashMap::new();
    for (id, at, label) in latest {
        let held = last.entry(id).or_insert((at, label));
        if at > held.0 {
            *held = (at, label);
        }
    }
    let mut zones: HashMap<String, TimeZone> = HashMap::new();
    let rows: Vec<Row> = facilities
        .into_iter()
        .map(|f| {
            let zone = crate::hours::zone_of(f);
            let name = zone.iana_name().unwrap_or("UTC").to_string();
            let zone = zones.entry(name.clone()).or_insert(zone);
            let updates = times.get(f.id()).map_or(&[][..], Vec::as_slice);
            let (last_update, last_label) = last.get(f.id()).map_or((None, None), |(at, label)| {
                (Some(*at), label.map(str::to_string))
            });
            Row {
                id: f.id().to_string(),
                name: f.name().to_string(),
                state: f.state().to_string(),
                zone: name,
                judged: judge(zone, updates.iter().copied(), window, rule),
                last_update,
                last_label,
            }
        })
        .collect();
    let summarize = |key: &dyn Fn(&Row) -> String| -> Vec<Summary> {
        let mut by: BTreeMap<String, Summary> = BTreeMap::new();
        for row in &rows {
            let key = key(row);
            let summary = by.entry(key.clone()).or_insert_with(|| Summary {
                key,
                ..Summary::default()
            });
            summary.facilities += 1;
            summary.noncompliant += u32::from(row.judged.noncompliant);
            summary.days += u64::from(row.judged.days);
            summary.days_updated += u64::from(row.judged.days_updated);
        }
        by.into_values().collect()
    };
    let by_state = summarize(&|row| row.state.clone());
    let by_label = summarize(&|row| row.last_label.clone().unwrap_or_default());
    Report {
        rule: *rule,
        since: window.since,
        until: window.until,
        facilities: rows,
        by_state,
        by_label,
    }
}

/// [`report`] of the updates held in `store`: its history over the window (padded by a
/// day each way for the zones) and its current reports for the latest of each.
#[cfg(feature = "store")]
pub fn report_of_store<'f>(
    store: &super::store::Store,
    facilities: impl IntoIterator<Item = FacilityRef<'f>>,
    window: &Window,
    rule: &Rule,
) -> Result<Report, super::store::StoreError> {
    let (from, to) = window.instants();
    let history = store.history_between(from, to)?;
    let current = store.current_labelled()?;
    Ok(report(
        facilities,
        history
            .iter()
            .map(|entry| (entry.update.id.as_str(), entry.update.updated_at)),
        current
            .iter()
            .map(|(update, label)| (update.id.as_str(), update.updated_at, label.as_deref())),
        window,
        rule,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn zone(name: &str) -> TimeZone {
        crate::hours::time_zone(name).unwrap()
    }

    fn at(zone: &TimeZone, day: Date, hour: i8, minute: i8) -> Timestamp {
        zone.to_timestamp(day.at(hour, minute, 0, 0)).unwrap()
    }

    /// Every day of the window but `missing`, at noon.
    fn all_but(zone: &TimeZone, window: &Window, missing: &[Date]) -> Vec<Timestamp> {
        window
            .since
            .series(jiff::Span::new().days(1))
            .take(window.days() as usize)
            .filter(|day| !missing.contains(day))
            .map(|day| at(zone, day, 12, 0))
            .collect()
    }

    #[test]
    fn one_missed_day_at_a_time_is_compliant_until_five_in_a_month() {
        let ny = zone("America/New_York");
        let window = Window::new(date(2026, 1, 1), date(2026, 2, 28)).unwrap();
        // Four single days in January, four in February: never two in a row, never five
        // in a month.
        let missing = [3, 10, 17, 24].map(|d| date(2026, 1, d));
        let missing: Vec<Date> = missing
            .into_iter()
            .chain([2, 9, 16, 23].map(|d| date(2026, 2, d)))
            .collect();
        let judged = judge(
            &ny,
            all_but(&ny, &window, &missing),
            &window,
            &Rule::COLORADO,
        );
        assert_eq!(
            judged,
            Judged {
                days: 59,
                days_updated: 51,
                longest_gap: 1,
                most_missed_in_a_month: 4,
                noncompliant: false
            }
        );
        // A fifth missed day in January.
        let mut five = missing.clone();
        five.push(date(2026, 1, 29));
        let judged = judge(&ny, all_but(&ny, &window, &five), &window, &Rule::COLORADO);
        assert_eq!(
            (judged.most_missed_in_a_month, judged.noncompliant),
            (5, true)
        );
    }

    #[test]
    fn a_gap_across_a_month_end_counts_as_one_gap_and_in_each_month_apart() {
        let utc = TimeZone::UTC;
        let window = Window::new(date(2026, 1, 20), date(2026, 2, 10)).unwrap();
        let missing = [date(2026, 1, 31), date(2026, 2, 1)];
        let judged = judge(
            &utc,
            all_but(&utc, &window, &missing),
            &window,
            &Rule::COLORADO,
        );
        assert_eq!((judged.longest_gap, judged.most_missed_in_a_month), (2, 1));
        assert!(judged.noncompliant, "two consecutive days");
        let lenient = Rule {
            max_gap_days: 3,
            max_missed_in_month: 2,
        };
        let judged = judge(&utc, all_but(&utc, &window, &missing), &window, &lenient);
        assert!(!judged.noncompliant);
    }

    #[test]
    fn days_are_the_facilitys_own_across_clock_changes() {
        let ny = zone("America/New_York");
        let window = Window::new(date(2026, 10, 31), date(2026, 11, 1)).unwrap();
        // 23:30 on 1 November in New York, after the clocks went back (UTC-5): 04:30 UTC
        // on the 2nd. Taken at the summer offset, it would fall on the 2nd too.
        let late = "2026-11-02T04:30:00Z".parse().unwrap();
        let updates = [at(&ny, date(2026, 10, 31), 9, 0), late];
        let judged = judge(&ny, updates, &window, &Rule::COLORADO);
        assert_eq!((judged.days_updated, judged.longest_gap), (2, 0));
        // In UTC, or in Tokyo, the late update is on the 2nd, outside the window.
        for other in [TimeZone::UTC, zone("Asia/Tokyo")] {
            let judged = judge(&other, updates, &window, &Rule::COLORADO);
            assert_eq!((judged.days_updated, judged.longest_gap), (1, 1));
        }
        // The spring day of 23 hours is a day like another.
        let spring = Window::new(date(2026, 3, 7), date(2026, 3, 9)).unwrap();
        let updates = all_but(&ny, &spring, &[]);
        assert_eq!(
            judge(&ny, updates, &spring, &Rule::COLORADO).days_updated,
            3
        );
    }

    #[test]
    fn a_facility_that_never_updated_missed_every_day() {
        let window = Window::new(date(2026, 2, 1), date(2026, 2, 28)).unwrap();
        let judged = judge(&TimeZone::UTC, [], &window, &Rule::COLORADO);
        assert_eq!(
            (
                judged.days_updated,
                judged.longest_gap,
                judged.most_missed_in_a_month
            ),
            (0, 28, 28)
        );
        assert!(judged.noncompliant);
        assert!(Window::new(date(2026, 2, 2), date(2026, 2, 1)).is_err());
    }
}
