//! A report and a problem report read from a row, the same for every backend: which
//! column holds what, and what each may hold, is one rule.

use jiff::Timestamp;

use crate::availability::Update;
use crate::availability::problems::{ProblemReport, Reason, Resolution};
use crate::care::CareLevel;

/// Why a row cannot be read (said by [`StoreErrorKind::BadRow`](super::StoreErrorKind)).
pub(super) struct Bad(pub(super) &'static str);

/// What a value of another type than the schema's says.
pub(super) const MISTYPED: Bad = Bad("a value of another type than carefind's schema says");

/// A row of a backend, read by column position.
pub(super) trait Columns {
    fn text(&self, at: usize) -> Result<String, Bad>;
    fn maybe_text(&self, at: usize) -> Result<Option<String>, Bad>;
    fn integer(&self, at: usize) -> Result<i64, Bad>;
    fn maybe_integer(&self, at: usize) -> Result<Option<i64>, Bad>;
    fn maybe_flag(&self, at: usize) -> Result<Option<bool>, Bad>;
}

/// An update from a row's first twelve columns: id, care ('' for the whole facility),
/// accepting, beds_available, beds_total, wait_days, updated_s, updated_ns, walk_in,
/// same_day_medication, counseling_required, telehealth_intake.
pub(super) fn update(row: &impl Columns) -> Result<Update, Bad> {
    let care = match row.text(1)?.as_str() {
        "" => None,
        name => Some(
            name.parse::<CareLevel>()
                .map_err(|_| Bad("an unknown level of care"))?,
        ),
    };
    let count = |at: usize| -> Result<Option<u32>, Bad> {
        row.maybe_integer(at)?
            .map(|value| u32::try_from(value).map_err(|_| Bad("a count out of range")))
            .transpose()
    };
    let walk_in = match row.maybe_text(8)? {
        None => None,
        Some(text) => Some(
            text.parse()
                .map_err(|_| Bad("a walk_in that is not yes, no or walk-in hours"))?,
        ),
    };
    let nanos = i32::try_from(row.integer(7)?).map_err(|_| Bad("an updated_at out of range"))?;
    Ok(Update {
        id: row.text(0)?,
        care,
        accepting: row.maybe_flag(2)?,
        beds_available: count(3)?,
        beds_total: count(4)?,
        wait_days: count(5)?,
        walk_in,
        same_day_medication: row.maybe_flag(9)?,
        counseling_required: row.maybe_flag(10)?,
        telehealth_intake: row.maybe_flag(11)?,
        updated_at: Timestamp::new(row.integer(6)?, nanos)
            .map_err(|_| Bad("an updated_at out of range"))?,
    })
}

/// A problem report from a row: number, id, reason, details, received_s, resolved_s,
/// note, label.
pub(super) fn problem(row: &impl Columns) -> Result<ProblemReport, Bad> {
    let reason = row
        .text(2)?
        .parse::<Reason>()
        .map_err(|_| Bad("an unknown problem reason"))?;
    let received_at =
        Timestamp::from_second(row.integer(4)?).map_err(|_| Bad("a received time out of range"))?;
    let resolved = match row.maybe_integer(5)? {
        None => None,
        Some(seconds) => Some(Resolution {
            at: Timestamp::from_second(seconds).map_err(|_| Bad("a resolved time out of range"))?,
            note: row.maybe_text(6)?.unwrap_or_default(),
            label: row.maybe_text(7)?,
        }),
    };
    Ok(ProblemReport {
        number: row.integer(0)? as u64,
        id: row.text(1)?,
        reason,
        details: row.text(3)?,
        received_at,
        resolved,
    })
}

impl Columns for rusqlite::Row<'_> {
    fn text(&self, at: usize) -> Result<String, Bad> {
        self.get(at).map_err(|_| MISTYPED)
    }
    fn maybe_text(&self, at: usize) -> Result<Option<String>, Bad> {
        self.get(at).map_err(|_| MISTYPED)
    }
    fn integer(&self, at: usize) -> Result<i64, Bad> {
        self.get(at).map_err(|_| MISTYPED)
    }
    fn maybe_integer(&self, at: usize) -> Result<Option<i64>, Bad> {
        self.get(at).map_err(|_| MISTYPED)
    }
    fn maybe_flag(&self, at: usize) -> Result<Option<bool>, Bad> {
        self.get(at).map_err(|_| MISTYPED)
    }
}

#[cfg(feature = "postgres")]
impl Columns for postgres::Row {
    fn text(&self, at: usize) -> Result<String, Bad> {
        self.try_get(at).map_err(|_| MISTYPED)
    }
    fn maybe_text(&self, at: usize) -> Result<Option<String>, Bad> {
        self.try_get(at).map_err(|_| MISTYPED)
    }
    // BIGINT or INTEGER (updated_ns).
    fn integer(&self, at: usize) -> Result<i64, Bad> {
        self.try_get::<_, i64>(at)
            .or_else(|_| self.try_get::<_, i32>(at).map(i64::from))
            .map_err(|_| MISTYPED)
    }
    fn maybe_integer(&self, at: usize) -> Result<Option<i64>, Bad> {
        self.try_get(at).map_err(|_| MISTYPED)
    }
    fn maybe_flag(&self, at: usize) -> Result<Option<bool>, Bad> {
        self.try_get(at).map_err(|_| MISTYPED)
    }
}
