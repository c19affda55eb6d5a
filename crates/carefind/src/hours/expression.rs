//! One opening-hours expression, parsed once and evaluated in local wall time.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use jiff::civil::{self, Date, DateTime};
use opening_hours::OpeningHours;
use opening_hours_syntax::rules::day::{HolidayKind, WeekDayRange};
use opening_hours_syntax::rules::time::Time;
use opening_hours_syntax::rules::{OpeningHoursExpression, RuleKind};

use super::holidays::{CALENDAR, irregular, is_federal_holiday};
use super::need::{EVENING, EVENING_MINUTES};

/// Minutes in a week.
const WEEK: u16 = 7 * 24 * 60;

/// Opening hours in the OpenStreetMap `opening_hours` syntax (`Mo-Fr 08:00-20:00; Sa
/// 09:00-13:00; PH off`), parsed and evaluated by the `opening-hours` crate, with `PH`
/// read as the United States federal holidays ([`is_federal_holiday`]).
///
/// Times are local wall times of the place the hours belong to; turning an instant into
/// one, across daylight-saving changes, is [`OpenNeed`](super::OpenNeed)'s work. Only
/// an open state counts as open: `unknown` and `closed` rules do not.
///
/// Most hours repeat every week (weekdays, times, holidays). Those are also compiled into
/// the open minutes of a week, which answer for every day that is not a holiday or one
/// of the two days after (a rule reaches at most 48:00), in a few nanoseconds; the
/// evaluator answers the rest.
///
/// ```
/// use carefind::hours::Hours;
/// use jiff::civil::date;
///
/// let hours: Hours = "Mo-Fr 08:00-20:00; Sa 09:00-13:00; PH off".parse()?;
/// assert!(hours.is_open(date(2026, 12, 7).at(18, 30, 0, 0))); // a Monday
/// assert!(!hours.is_open(date(2026, 12, 6).at(10, 0, 0, 0))); // a Sunday
/// assert!(!hours.is_open(date(2026, 12, 25).at(10, 0, 0, 0))); // Christmas
///
/// let error = "Mo-Fr 08:00-20:00; Sa 09:0-13:00".parse::<Hours>().unwrap_err();
/// assert_eq!(error.position, Some(26));
/// # Ok::<(), carefind::hours::HoursError>(())
/// ```
#[derive(Clone)]
pub struct Hours {
    text: Arc<str>,
    evaluator: OpeningHours,
    /// The open minutes of a regular week from Monday 00:00, merged and sorted; `None`
    /// when the hours do not simply repeat every week.
    week: Option<Arc<[(u16, u16)]>>,
    /// Of a regular week, the days (bit 0 Monday) open for an evening (see
    /// [`When::Evening`](super::When::Evening)): what an evening search reads in one step.
    evenings: u8,
}

/// Opening hours that cannot be read: where, and why.
///
/// ```
/// let error = "Mo-Fr 8-20h".parse::<carefind::hours::Hours>().unwrap_err();
/// assert!(error.to_string().starts_with("is not opening hours such as"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoursError {
    /// The character (from 1) where the expression stops making sense, when the parser
    /// can tell.
    pub position: Option<usize>,
    /// What the parser expected or refused there.
    pub reason: String,
}

impl fmt::Display for HoursError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "is not opening hours such as \"Mo-Fr 08:00-20:00; Sa 09:00-13:00; PH off\""
        )?;
        if let Some(position) = self.position {
            write!(f, " (at character {position})")?;
        }
        write!(f, ": {}", self.reason)
    }
}

impl std::error::Error for HoursError {}

impl FromStr for Hours {
    type Err = HoursError;

    fn from_str(text: &str) -> Result<Hours, HoursError> {
        let text = text.trim();
        let parsed: OpeningHours = text.parse().map_err(|error| syntax_error(&error))?;
        let context = opening_hours::Context::default().with_holidays(CALENDAR.clone());
        let evaluator = parsed.with_context(context);
        let week = weekly(&evaluator.get_expression()).then(|| compile(&evaluator));
        let evenings = week.as_deref().map_or(0, |week| {
            (0..7u16)
                .filter(|day| {
                    let (from, to) = (day * 1440 + EVENING.0, day * 1440 + EVENING.1);
                    week.iter()
                        .map(|span| u32::from(span.1.min(to).saturating_sub(span.0.max(from))))
                        .sum::<u32>()
                        >= EVENING_MINUTES
                })
                .fold(0u8, |days, day| days | 1 << day)
        });
        Ok(Hours {
            text: text.into(),
            evaluator,
            week,
            evenings,
        })
    }
}

fn syntax_error(error: &opening_hours_syntax::Error) -> HoursError {
    match error {
        opening_hours_syntax::Error::Syntax(pest) => HoursError {
            position: match pest.line_col {
                pest::error::LineColLocation::Pos((_, column))
                | pest::error::LineColLocation::Span((_, column), _) => Some(column),
            },
            reason: pest.variant.message().replace('_', " "),
        },
        other => HoursError {
            position: None,
            reason: other.to_string(),
        },
    }
}

/// Whether every rule of `expression` selects only weekdays and public holidays, at fixed
/// times: hours that repeat every week, holidays aside.
fn weekly(expression: &OpeningHoursExpression) -> bool {
    expression.rules.iter().all(|rule| {
        let days = &rule.day_selector;
        days.year.is_empty()
            && days.monthday.is_empty()
            && days.week.is_empty()
            && days.weekday.iter().all(|range| match range {
                WeekDayRange::Fixed {
                    offset,
                    nth_from_start,
                    nth_from_end,
                    ..
                } => {
                    *offset == 0
                        && !nth_from_start.contains(&false)
                        && !nth_from_end.contains(&false)
                }
                WeekDayRange::Holiday { kind, offset } => {
                    *kind == HolidayKind::Public && *offset == 0
                }
            })
            && rule.time_selector.spans.iter().all(|span| {
                !span.open_end
                    && span.repeats.is_none()
                    && matches!(span.range.start, Time::Fixed(_))
                    && matches!(span.range.end, Time::Fixed(_))
            })
    })
}

/// The open minutes of a week in which no day (nor the two before it) is a holiday, as the
/// evaluator gives them.
fn compile(evaluator: &OpeningHours) -> Arc<[(u16, u16)]> {
    let monday = regular_monday();
    let start = naive(monday.at(0, 0, 0, 0));
    let end = start + chrono::Duration::days(7);
    let mut spans: Vec<(u16, u16)> = Vec::new();
    for range in evaluator.iter_range(start, end) {
        if range.kind != RuleKind::Open {
            continue;
        }
        let minute =
            |at: chrono::NaiveDateTime| ((at - start).num_minutes().clamp(0, WEEK.into())) as u16;
        let (from, to) = (minute(range.range.start), minute(range.range.end));
        match spans.last_mut() {
            Some(last) if last.1 >= from => last.1 = last.1.max(to),
            _ if from < to => spans.push((from, to)),
            _ => {}
        }
    }
    spans.into()
}

/// A Monday such that no day from the Saturday before to the Sunday after is a holiday.
fn regular_monday() -> Date {
    let mut monday = civil::date(2025, 1, 6);
    while (-2..7).any(|offset| {
        monday
            .checked_add(jiff::Span::new().days(offset))
            .is_ok_and(is_federal_holiday)
    }) {
        monday = monday
            .checked_add(jiff::Span::new().weeks(1))
            .unwrap_or(monday);
    }
    monday
}

/// A wall time with what the compiled week needs of it, worked out once: a search asks
/// about the same instant in the same zone for facility after facility.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Moment {
    pub(crate) wall: DateTime,
    /// The week's minute (from Monday 00:00).
    minute: u16,
    /// Whether the day is a holiday or near one (see `holidays::irregular`).
    irregular: bool,
}

impl Moment {
    /// Whether the day is a holiday or near one, when the compiled week does not hold.
    pub(crate) fn irregular(&self) -> bool {
        self.irregular
    }

    pub(crate) fn of(wall: DateTime) -> Moment {
        Moment {
            wall,
            minute: minute_of_week(wall),
            irregular: irregular(wall.date()),
        }
    }
}

/// The week's minute of `at` (from Monday 00:00).
fn minute_of_week(at: DateTime) -> u16 {
    let day = at.weekday().to_monday_zero_offset() as u16;
    day * 1440 + at.hour() as u16 * 60 + at.minute() as u16
}

/// The span of `week` holding `minute`.
fn span_at(week: &[(u16, u16)], minute: u16) -> Option<(u16, u16)> {
    let after = week.partition_point(|span| span.0 <= minute);
    after
        .checked_sub(1)
        .map(|at| week[at])
        .filter(|span| minute < span.1)
}

pub(crate) fn naive(at: DateTime) -> chrono::NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(at.year().into(), at.month() as u32, at.day() as u32)
        .and_then(|day| day.and_hms_opt(at.hour() as u32, at.minute() as u32, at.second() as u32))
        .unwrap_or(chrono::NaiveDateTime::MAX)
}

pub(crate) fn civil_of(at: chrono::NaiveDateTime) -> Option<DateTime> {
    use chrono::{Datelike, Timelike};
    let year = i16::try_from(at.year()).ok()?;
    DateTime::new(
        year,
        at.month() as i8,
        at.day() as i8,
        at.hour() as i8,
        at.minute() as i8,
        at.second() as i8,
        0,
    )
    .ok()
}

impl Hours {
    /// The expression as written (trimmed).
    ///
    /// ```
    /// let hours: carefind::hours::Hours = " 24/7 ".parse()?;
    /// assert_eq!(hours.as_str(), "24/7");
    /// # Ok::<(), carefind::hours::HoursError>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the hours repeat every week, holidays aside (so that they are answered
    /// from the compiled week on most days).
    ///
    /// ```
    /// use carefind::hours::Hours;
    /// assert!("Mo-Fr 09:00-17:00; PH off".parse::<Hours>()?.is_weekly());
    /// assert!(!"Jan-Mar Mo 10:00-12:00".parse::<Hours>()?.is_weekly());
    /// # Ok::<(), carefind::hours::HoursError>(())
    /// ```
    pub fn is_weekly(&self) -> bool {
        self.week.is_some()
    }

    /// The days of a regular week (bit 0 Monday) open for an evening; `None` when the
    /// hours do not simply repeat every week.
    pub(crate) fn evenings(&self) -> Option<u8> {
        self.week.as_ref().map(|_| self.evenings)
    }

    /// Whether the hours say open at the local wall time `at`.
    pub fn is_open(&self, at: DateTime) -> bool {
        self.is_open_at(&Moment::of(at))
    }

    /// [`Hours::is_open`] of a moment worked out already.
    pub(crate) fn is_open_at(&self, at: &Moment) -> bool {
        match &self.week {
            Some(week) if !at.irregular => span_at(week, at.minute).is_some(),
            _ => self.evaluator.is_open(naive(at.wall)),
        }
    }

    /// When open at the local wall time `at`, the first wall time after it that is not
    /// open, or `horizon` if it is still open then; `None` when closed at `at`.
    ///
    /// ```
    /// use carefind::hours::Hours;
    /// use jiff::civil::date;
    ///
    /// let hours: Hours = "Mo-Fr 17:00-21:00".parse()?;
    /// let monday = date(2026, 12, 7);
    /// let horizon = monday.at(23, 0, 0, 0);
    /// assert_eq!(hours.open_until(monday.at(18, 30, 0, 0), horizon), Some(monday.at(21, 0, 0, 0)));
    /// assert_eq!(hours.open_until(monday.at(12, 0, 0, 0), horizon), None);
    /// # Ok::<(), carefind::hours::HoursError>(())
    /// ```
    pub fn open_until(&self, at: DateTime, horizon: DateTime) -> Option<DateTime> {
        if let Some(week) = &self.week
            && let Some(until) = week_until(week, at, horizon)
        {
            return until;
        }
        let mut ranges = self.evaluator.iter_from(naive(at));
        let first = ranges.next()?;
        if first.kind != RuleKind::Open {
            return None;
        }
        let mut end = first.range.end;
        let horizon_naive = naive(horizon);
        while end < horizon_naive {
            match ranges.next() {
                Some(next) if next.kind == RuleKind::Open && next.range.start == end => {
                    end = next.range.end
                }
                _ => break,
            }
        }
        Some(civil_of(end).map_or(horizon, |end| end.min(horizon)))
    }

    /// How many minutes the hours are open on `day` between the wall times `from` and `to`
    /// (minutes from midnight, `to` at most 1440).
    ///
    /// ```
    /// use carefind::hours::Hours;
    /// use jiff::civil::date;
    ///
    /// let hours: Hours = "Mo,We,Th 18:00-21:00".parse()?;
    /// assert_eq!(hours.open_minutes(date(2026, 12, 7), 17 * 60, 22 * 60), 180);
    /// assert_eq!(hours.open_minutes(date(2026, 12, 8), 0, 1440), 0);
    /// # Ok::<(), carefind::hours::HoursError>(())
    /// ```
    pub fn open_minutes(&self, day: Date, from: u16, to: u16) -> u32 {
        self.open_minutes_at(&Moment::of(day.at(0, 0, 0, 0)), from, to)
    }

    /// [`Hours::open_minutes`] of the day whose midnight is `day`, worked out already.
    pub(crate) fn open_minutes_at(&self, day: &Moment, from: u16, to: u16) -> u32 {
        let to = to.min(1440);
        if from >= to {
            return 0;
        }
        if let Some(week) = &self.week
            && !day.irregular
        {
            let base = day.minute;
            let (from, to) = (base + from, base + to);
            return week
                .iter()
                .map(|span| u32::from(span.1.min(to).saturating_sub(span.0.max(from))))
                .sum();
        }
        self.open_ranges(day.wall.date(), from, to)
            .map(|(start, end)| u32::from(end - start))
            .sum()
    }

    /// The open stretches of `day` between the wall times `from` and `to` (minutes from
    /// midnight), as the evaluator gives them: what a page lists for a day.
    ///
    /// ```
    /// use carefind::hours::Hours;
    /// use jiff::civil::date;
    ///
    /// let hours: Hours = "Mo-Fr 08:00-12:00,13:00-17:00".parse()?;
    /// let monday: Vec<_> = hours.open_ranges(date(2026, 12, 7), 0, 1440).collect();
    /// assert_eq!(monday, [(480, 720), (780, 1020)]);
    /// # Ok::<(), carefind::hours::HoursError>(())
    /// ```
    pub fn open_ranges(&self, day: Date, from: u16, to: u16) -> impl Iterator<Item = (u16, u16)> {
        let midnight = naive(day.at(0, 0, 0, 0));
        let start = midnight + chrono::Duration::minutes(from.into());
        let end = midnight + chrono::Duration::minutes(to.min(1440).into());
        let minute =
            move |at: chrono::NaiveDateTime| (at - midnight).num_minutes().clamp(0, 1440) as u16;
        let ranges: Vec<(u16, u16)> = if start < end {
            self.evaluator
                .iter_range(start, end)
                .filter(|range| range.kind == RuleKind::Open)
                .map(|range| (minute(range.range.start), minute(range.range.end)))
                .filter(|(start, end)| start < end)
                .collect()
        } else {
            Vec::new()
        };
        ranges.into_iter()
    }

    /// The open stretches of each day of a regular week (Monday first; no holiday near),
    /// as minutes from midnight, each day's ending at 1440 at most: the hours as weekly
    /// schedules carry them. `None` when the hours do not simply repeat every week.
    ///
    /// ```
    /// use carefind::hours::Hours;
    ///
    /// let week = "Mo-Fr 09:00-17:00; Sa 22:00-02:00; PH off".parse::<Hours>()?.regular_week().unwrap();
    /// assert_eq!(week[0], [(540, 1020)]);
    /// assert_eq!(week[5], [(1320, 1440)]);
    /// assert_eq!(week[6], [(0, 120)]);
    /// # Ok::<(), carefind::hours::HoursError>(())
    /// ```
    pub fn regular_week(&self) -> Option<[Vec<(u16, u16)>; 7]> {
        let week = self.week.as_ref()?;
        let mut days: [Vec<(u16, u16)>; 7] = Default::default();
        for &(start, end) in week.iter() {
            let mut from = start;
            while from < end {
                let day = from / 1440;
                let to = end.min((day + 1) * 1440);
                days[usize::from(day)].push((from - day * 1440, to - day * 1440));
                from = to;
            }
        }
        Some(days)
    }

    /// Whether `at` is open by the evaluator alone, never the compiled week: what the
    /// tests hold the fast answer to.
    #[cfg(test)]
    pub(crate) fn evaluator_is_open(&self, at: DateTime) -> bool {
        self.evaluator.is_open(naive(at))
    }
}

/// [`Hours::open_until`] from the compiled week: `None` when a day it crosses is not
/// regular (the evaluator answers then); `Some(None)` when closed at `at`.
fn week_until(week: &[(u16, u16)], at: DateTime, horizon: DateTime) -> Option<Option<DateTime>> {
    if irregular(at.date()) {
        return None;
    }
    let minute = minute_of_week(at);
    let Some(mut span) = span_at(week, minute) else {
        return Some(None);
    };
    let start = at.date().at(at.hour(), at.minute(), 0, 0);
    let mut open = i64::from(span.1 - minute);
    // A span that runs to the end of the week goes on in the next week's first.
    while span.1 == WEEK && week.first().is_some_and(|first| first.0 == 0) && open < 15 * 1440 {
        span = week[0];
        open += i64::from(span.1);
        if span.1 == WEEK {
            break;
        }
    }
    let until = start
        .checked_add(jiff::SignedDuration::from_mins(open))
        .ok()?;
    let end = until.min(horizon);
    let mut day = at.date();
    while day <= end.date() {
        if irregular(day) {
            return None;
        }
        day = day.tomorrow().ok()?;
    }
    Some(Some(end))
}

impl fmt::Debug for Hours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Hours").field(&self.text).finish()
    }
}

impl fmt::Display for Hours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl PartialEq for Hours {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for Hours {}
