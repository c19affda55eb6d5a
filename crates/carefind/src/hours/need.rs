//! What a search asks of opening hours: open at a moment (for how long), on a day, in the
//! evenings, at the weekend, judged in each facility's own time zone.

use std::fmt;

use jiff::civil::{DateTime, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Span, Timestamp};

use super::expression::{Hours, Moment};
use crate::availability::Unknown;

/// Evenings, for [`When::Evening`]: from 17:00 to 22:00 (minutes from midnight).
pub const EVENING: (u16, u16) = (17 * 60, 22 * 60);
/// The open time an evening needs, in minutes.
pub const EVENING_MINUTES: u32 = 120;
/// How many weekday evenings of the coming week [`When::Evening`] needs.
pub const EVENINGS: usize = 3;

/// Days of the week, as a set: which [`When::On`] asks for.
///
/// ```
/// use carefind::hours::Days;
/// use jiff::civil::Weekday;
///
/// let days: Days = "sa,su".parse()?;
/// assert!(days.contains(Weekday::Sunday) && !days.contains(Weekday::Monday));
/// assert_eq!("mo-fr".parse::<Days>()?.len(), 5);
/// assert!("someday".parse::<Days>().is_err());
/// # Ok::<(), carefind::hours::DaysError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Days(u8);

/// A day of the week that cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DaysError {
    /// The word as typed.
    pub text: String,
}

impl fmt::Display for DaysError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not a day of the week such as sa, saturday or mo-fr",
            self.text
        )
    }
}

impl std::error::Error for DaysError {}

const NAMES: [(&str, &str); 7] = [
    ("mo", "monday"),
    ("tu", "tuesday"),
    ("we", "wednesday"),
    ("th", "thursday"),
    ("fr", "friday"),
    ("sa", "saturday"),
    ("su", "sunday"),
];

fn day_of(word: &str) -> Option<u8> {
    let word = word.trim().to_ascii_lowercase();
    NAMES
        .iter()
        .position(|(short, long)| {
            word == *short || word == *long || (word.len() >= 3 && long.starts_with(&word))
        })
        .map(|at| at as u8)
}

impl std::str::FromStr for Days {
    type Err = DaysError;

    fn from_str(text: &str) -> Result<Days, DaysError> {
        let mut days = Days::default();
        for word in text
            .split([',', ';'])
            .map(str::trim)
            .filter(|w| !w.is_empty())
        {
            let wrong = || DaysError {
                text: word.to_string(),
            };
            let (first, last) = match word.split_once('-') {
                Some((first, last)) => (day_of(first), day_of(last)),
                None => (day_of(word), day_of(word)),
            };
            let (first, last) = (first.ok_or_else(wrong)?, last.ok_or_else(wrong)?);
            let mut day = first;
            loop {
                days.0 |= 1 << day;
                if day == last {
                    break;
                }
                day = (day + 1) % 7;
            }
        }
        Ok(days)
    }
}

impl Days {
    /// Whether the set holds `day`.
    pub fn contains(self, day: Weekday) -> bool {
        self.0 >> day.to_monday_zero_offset() & 1 == 1
    }

    /// How many days the set holds.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Whether the set holds no day.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Saturday and Sunday.
    pub const WEEKEND: Days = Days(0b110_0000);
}

/// When a facility must be open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum When {
    /// At this instant (open now; open at a time given with its offset), and still open
    /// [`OpenNeed::open_for`] after it.
    At(Timestamp),
    /// At this wall time in each facility's own time zone ("18:30 wherever it is"), made
    /// an instant as RFC 9557 does: a time that a clock change skips counts as the same
    /// time after the change, one it repeats as the first.
    Local(DateTime),
    /// At some time on the next of each of these days (today counts), in the facility's
    /// time zone.
    On(Days),
    /// Evenings: open at least two hours between 17:00 and 22:00 on at least three
    /// weekdays of the coming seven days (today first).
    Evening,
}

/// What a search asks of opening hours (every [`When`] of it), and what it does with
/// facilities whose hours are not listed.
///
/// ```
/// use carefind::hours::{Hours, OpenNeed, When, time_zone};
///
/// let hours: Hours = "Mo-Fr 09:00-21:00".parse()?;
/// let new_york = time_zone("America/New_York")?;
/// // Monday 7 December 2026, 18:30 in New York, is 23:30 UTC.
/// let monday_evening = "2026-12-07T23:30:00Z".parse()?;
/// let open_now = OpenNeed::at(monday_evening);
/// assert!(open_now.meets(&hours, &new_york));
/// let for_hours = |hours| open_now.clone().open_for(jiff::SignedDuration::from_hours(hours));
/// assert!(for_hours(2).meets(&hours, &new_york)); // until 20:30, before 21:00
/// assert!(!for_hours(3).meets(&hours, &new_york));
/// assert!(OpenNeed::at(monday_evening).when(When::Evening).meets(&hours, &new_york));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct OpenNeed {
    /// The moments and days asked about, all of which must hold.
    pub when: Vec<When>,
    /// How long after [`When::At`] and [`When::Local`] a facility must still be open.
    pub open_for: SignedDuration,
    /// The present: what "the coming week", "the next Saturday" count from.
    pub now: Timestamp,
    /// What to do with facilities whose hours are not listed.
    pub unknown: Unknown,
}

impl OpenNeed {
    /// Open at `now`, which is also the present the other [`When`]s count from.
    pub fn at(now: Timestamp) -> OpenNeed {
        OpenNeed {
            when: vec![When::At(now)],
            open_for: SignedDuration::ZERO,
            now,
            unknown: Unknown::Leave,
        }
    }

    /// Asks nothing yet, with `now` as the present.
    ///
    /// ```
    /// let need = carefind::hours::OpenNeed::from(jiff::Timestamp::UNIX_EPOCH);
    /// assert!(!need.asks_anything());
    /// ```
    pub fn from(now: Timestamp) -> OpenNeed {
        OpenNeed {
            when: Vec::new(),
            ..OpenNeed::at(now)
        }
    }

    /// Also asks `when`.
    pub fn when(mut self, when: When) -> OpenNeed {
        self.when.push(when);
        self
    }

    /// Still open `duration` after the moments asked about.
    pub fn open_for(mut self, duration: SignedDuration) -> OpenNeed {
        self.open_for = duration;
        self
    }

    /// Keeps facilities whose hours are not listed too, beside those open (the list to
    /// call).
    pub fn or_unknown(mut self) -> OpenNeed {
        self.unknown = Unknown::Keep;
        self
    }

    /// The same need, keeping only the facilities whose hours are not listed.
    pub fn only_unknown(mut self) -> OpenNeed {
        self.unknown = Unknown::Only;
        self
    }

    /// Whether the need asks anything of hours.
    pub fn asks_anything(&self) -> bool {
        !self.when.is_empty()
    }

    /// Whether `hours`, kept in `zone`, meet every [`When`] of the need.
    pub fn meets(&self, hours: &Hours, zone: &TimeZone) -> bool {
        self.meets_in(hours, zone, false)
    }

    /// [`OpenNeed::meets`], for zones of the bundled database (`remember`): the wall time
    /// of an instant in a zone is then remembered by the zone's name, as the next
    /// facility asked about is most often in the same zone, and converting cost more
    /// than the rest of the test. (A zone made by a program may reuse a bundled name
    /// with other rules: those are not remembered.)
    pub(crate) fn meets_in(&self, hours: &Hours, zone: &TimeZone, remember: bool) -> bool {
        let coming_days = || match remember {
            true => days_in(zone, self.now),
            false => days_of(zone, self.now),
        };
        self.when.iter().all(|when| match *when {
            When::At(at) if remember && self.open_for <= SignedDuration::ZERO => {
                hours.is_open_at(&moment_in(zone, at))
            }
            When::At(at) => self.open_from(hours, zone, at),
            When::Local(at) => zone
                .to_ambiguous_timestamp(at)
                .compatible()
                .is_ok_and(|at| self.open_from(hours, zone, at)),
            When::On(days) => coming_days().iter().any(|day| {
                days.contains(day.wall.weekday()) && hours.open_minutes_at(day, 0, 1440) > 0
            }),
            When::Evening => {
                let days = coming_days();
                match hours.evenings() {
                    // A regular week's five weekdays, each once in the coming seven.
                    Some(evenings) if !days.iter().any(Moment::irregular) => {
                        (evenings & 0b1_1111).count_ones() as usize >= EVENINGS
                    }
                    _ => {
                        days.iter()
                            .filter(|day| day.wall.weekday().to_monday_zero_offset() < 5)
                            .filter(|day| {
                                hours.open_minutes_at(day, EVENING.0, EVENING.1) >= EVENING_MINUTES
                            })
                            .count()
                            >= EVENINGS
                    }
                }
            }
        })
    }

    fn open_from(&self, hours: &Hours, zone: &TimeZone, at: Timestamp) -> bool {
        match at.checked_add(self.open_for.max(SignedDuration::ZERO)) {
            Ok(end) if self.open_for > SignedDuration::ZERO => open_through(hours, zone, at, end),
            _ => hours.is_open(zone.to_datetime(at)),
        }
    }
}

/// What was last worked out for a zone (by name) and an instant, on one thread.
type Remembered<T> = std::cell::RefCell<Option<(String, Timestamp, T)>>;

thread_local! {
    /// The moment an instant is in a zone: see [`moment_in`].
    static LAST_MOMENT: Remembered<Moment> = const { std::cell::RefCell::new(None) };
    /// The seven days from an instant in a zone: see [`days_in`].
    static LAST_DAYS: Remembered<[Moment; 7]> = const { std::cell::RefCell::new(None) };
}

/// `make(zone, at)`, or what it made last on this thread for the same zone (a zone of
/// the bundled database, named) and instant.
fn remembered<T: Copy>(
    last: &'static std::thread::LocalKey<Remembered<T>>,
    zone: &TimeZone,
    at: Timestamp,
    make: impl FnOnce() -> T,
) -> T {
    let Some(name) = zone.iana_name() else {
        return make();
    };
    last.with_borrow_mut(|last| match last {
        Some((last_name, last_at, value)) if *last_at == at && last_name == name => *value,
        _ => {
            let value = make();
            match last {
                Some((last_name, last_at, last_value)) => {
                    last_name.clear();
                    last_name.push_str(name);
                    (*last_at, *last_value) = (at, value);
                }
                None => *last = Some((name.to_string(), at, value)),
            }
            value
        }
    })
}

/// The moment `at` is in `zone`, a zone of the bundled database.
fn moment_in(zone: &TimeZone, at: Timestamp) -> Moment {
    remembered(&LAST_MOMENT, zone, at, || Moment::of(zone.to_datetime(at)))
}

/// [`days_of`], for a zone of the bundled database.
fn days_in(zone: &TimeZone, now: Timestamp) -> [Moment; 7] {
    remembered(&LAST_DAYS, zone, now, || days_of(zone, now))
}

/// The midnights of today and the six days after it in `zone` as of `now`.
fn days_of(zone: &TimeZone, now: Timestamp) -> [Moment; 7] {
    let today = zone.to_datetime(now).date();
    let mut days = [Moment::of(today.at(0, 0, 0, 0)); 7];
    for (day, date) in days.iter_mut().zip(today.series(Span::new().days(1))) {
        *day = Moment::of(date.at(0, 0, 0, 0));
    }
    days
}

/// Whether `hours`, kept in `zone`, are open at every instant from `start` until `end`
/// (exclusive), across clock changes: the wall clock runs on between changes, and after
/// one the hours are asked again at the new wall time.
pub fn open_through(hours: &Hours, zone: &TimeZone, start: Timestamp, end: Timestamp) -> bool {
    let mut now = start;
    // Each turn either answers or passes a clock change; no zone changes its clocks
    // more than a few times in the longest stretch asked about.
    for _ in 0..64 {
        let wall = zone.to_datetime(now);
        let Ok(horizon) = wall.checked_add(end.duration_since(now)) else {
            return false;
        };
        let Some(until) = hours.open_until(wall, horizon) else {
            return false;
        };
        let Ok(closes) = now.checked_add(wall.duration_until(until)) else {
            return false;
        };
        match zone.following(now).next().map(|change| change.timestamp()) {
            Some(change) if change < closes && change < end => now = change,
            _ => return closes >= end,
        }
    }
    false
}
