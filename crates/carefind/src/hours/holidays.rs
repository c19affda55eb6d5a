//! The calendar `PH` means: United States federal holidays, on the days they are observed.

use std::sync::{Arc, LazyLock};

use jiff::civil::{Date, Weekday, date};

/// The first and last years the calendar holds; outside them no day is a holiday.
pub const YEARS: std::ops::RangeInclusive<i16> = 1971..=2199;

/// Whether `day` is a United States federal holiday as observed (5 U.S.C. 6103): New
/// Year's Day, Martin Luther King Jr. Day (from 1986), Washington's Birthday, Memorial
/// Day, Juneteenth (from 2021), Independence Day, Labor Day, Columbus Day, Veterans Day,
/// Thanksgiving and Christmas. A holiday on a Saturday is observed the Friday before,
/// one on a Sunday the Monday after, so New Year's Day 2022 was observed on 31 December
/// 2021. This is the calendar the `PH` of an opening-hours expression reads.
///
/// ```
/// use carefind::hours::is_federal_holiday;
/// use jiff::civil::date;
///
/// assert!(is_federal_holiday(date(2026, 7, 3))); // 4 July 2026 is a Saturday
/// assert!(!is_federal_holiday(date(2026, 7, 4)));
/// assert!(is_federal_holiday(date(2026, 10, 12))); // Columbus Day
/// assert!(is_federal_holiday(date(2021, 12, 31))); // New Year's Day 2022, observed
/// ```
pub fn is_federal_holiday(day: Date) -> bool {
    DAYS.binary_search(&day).is_ok()
}

/// Whether a day's hours may differ from its weekday's regular ones: it or one of the two
/// days before is a holiday (a rule's hours reach at most 48:00, into the second day), or
/// it lies outside [`YEARS`].
pub(crate) fn irregular(day: Date) -> bool {
    let Some(index) = day_index(day) else {
        return true;
    };
    NEAR.get(index / 64)
        .is_none_or(|word| word >> (index % 64) & 1 == 1)
}

fn day_index(day: Date) -> Option<usize> {
    let first = date(*YEARS.start(), 1, 1);
    let days = (day - first).get_days();
    usize::try_from(days)
        .ok()
        .filter(|_| day.year() <= *YEARS.end())
}

/// Every observed holiday of [`YEARS`], sorted.
static DAYS: LazyLock<Vec<Date>> = LazyLock::new(|| {
    let mut days: Vec<Date> = YEARS.flat_map(observed).collect();
    days.sort_unstable();
    days.dedup();
    days
});

/// One bit a day of [`YEARS`]: set when the day or one of the two before is a holiday.
static NEAR: LazyLock<Vec<u64>> = LazyLock::new(|| {
    let total = day_index(date(*YEARS.end(), 12, 31)).unwrap_or(0) + 1;
    let mut bits = vec![0u64; total.div_ceil(64)];
    for holiday in DAYS.iter() {
        for after in 0..3 {
            let Some(index) = holiday
                .checked_add(jiff::Span::new().days(after))
                .ok()
                .and_then(day_index)
            else {
                continue;
            };
            if let Some(word) = bits.get_mut(index / 64) {
                *word |= 1 << (index % 64);
            }
        }
    }
    bits
});

/// The calendar as the opening-hours evaluator takes it.
pub(crate) static CALENDAR: LazyLock<opening_hours::ContextHolidays> = LazyLock::new(|| {
    let mut public = compact_calendar::CompactCalendar::default();
    for day in DAYS.iter() {
        if let Some(naive) =
            chrono::NaiveDate::from_ymd_opt(day.year().into(), day.month() as u32, day.day() as u32)
        {
            public.insert(naive);
        }
    }
    opening_hours::ContextHolidays::new(Arc::new(public), Arc::default())
});

/// The holidays of `year`, each on the day it is observed (which, for New Year's Day, can
/// be the last day of the year before).
fn observed(year: i16) -> Vec<Date> {
    let fixed = |month, day| shift(date(year, month, day));
    let mut days = vec![
        fixed(1, 1),
        nth(year, 2, Weekday::Monday, 3),
        last_monday_of_may(year),
        fixed(7, 4),
        nth(year, 9, Weekday::Monday, 1),
        nth(year, 10, Weekday::Monday, 2),
        fixed(11, 11),
        nth(year, 11, Weekday::Thursday, 4),
        fixed(12, 25),
    ];
    if year >= 1986 {
        days.push(nth(year, 1, Weekday::Monday, 3));
    }
    if year >= 2021 {
        days.push(fixed(6, 19));
    }
    days
}

/// A Saturday holiday is observed the day before, a Sunday one the day after.
fn shift(day: Date) -> Date {
    let by = match day.weekday() {
        Weekday::Saturday => -1,
        Weekday::Sunday => 1,
        _ => 0,
    };
    day.checked_add(jiff::Span::new().days(by)).unwrap_or(day)
}

/// The `n`th `weekday` of `month`.
fn nth(year: i16, month: i8, weekday: Weekday, n: i8) -> Date {
    date(year, month, 1)
        .nth_weekday_of_month(n, weekday)
        .unwrap_or(date(year, month, 1))
}

fn last_monday_of_may(year: i16) -> Date {
    date(year, 5, 1)
        .nth_weekday_of_month(-1, Weekday::Monday)
        .unwrap_or(date(year, 5, 31))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_2026_calendar_is_the_office_of_personnel_managements() {
        let listed: Vec<Date> = DAYS.iter().copied().filter(|d| d.year() == 2026).collect();
        let published = [
            date(2026, 1, 1),
            date(2026, 1, 19),
            date(2026, 2, 16),
            date(2026, 5, 25),
            date(2026, 6, 19),
            date(2026, 7, 3),
            date(2026, 9, 7),
            date(2026, 10, 12),
            date(2026, 11, 11),
            date(2026, 11, 26),
            date(2026, 12, 25),
        ];
        assert_eq!(listed, published);
    }

    #[test]
    fn irregular_days_are_holidays_and_the_two_days_after() {
        for day in date(2025, 12, 1)
            .series(jiff::Span::new().days(1))
            .take(500)
        {
            let expected = (0..3).any(|back| {
                is_federal_holiday(day.checked_sub(jiff::Span::new().days(back)).unwrap())
            });
            assert_eq!(irregular(day), expected, "{day}");
        }
        assert!(irregular(date(1960, 3, 3)) && irregular(date(2300, 3, 3)));
    }
}
