//! Problem reports and secrets in the SQLite store: each report committed before it is
//! acknowledged, as updates are.

use jiff::Timestamp;
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::sqlite::{Sqlite, sqlite_error};
use super::{Resolved, StoreError, StoreErrorKind};
use crate::availability::problems::{ProblemReport, Reason, Which, to_the_minute};

impl Sqlite {
    /// See [`Store::add_problem`](super::Store::add_problem).
    pub(super) fn add_problem(
        &mut self,
        id: &str,
        reason: Reason,
        details: &str,
        received_at: Timestamp,
    ) -> Result<u64, StoreError> {
        self.writable()?;
        let path = &self.path;
        let fail = |error| sqlite_error(path, error);
        self.connection
            .execute(
                "INSERT INTO problems (id, reason, details, received_s) VALUES (?1, ?2, ?3, ?4)",
                params![
                    id,
                    reason.name(),
                    details,
                    to_the_minute(received_at).as_second()
                ],
            )
            .map_err(fail)?;
        Ok(self.connection.last_insert_rowid() as u64)
    }

    /// The reports `which` asks for, of facility `id` or of all, in the order they
    /// arrived.
    pub(super) fn problems(
        &self,
        which: Which,
        id: Option<&str>,
    ) -> Result<Vec<ProblemReport>, StoreError> {
        let open_only = which == Which::Open;
        self.rows(
            "SELECT number, id, reason, details, received_s, resolved_s, note, label FROM problems
             WHERE (?1 IS NULL OR id = ?1) AND (NOT ?2 OR resolved_s IS NULL) ORDER BY number",
            params![id, open_only],
            read_problem,
        )
    }

    /// Resolves report `number` at `at` with `note`, by `label` (who resolved it). A
    /// report resolved before keeps its first resolution.
    pub(super) fn resolve_problem(
        &mut self,
        number: u64,
        note: &str,
        label: Option<&str>,
        at: Timestamp,
    ) -> Result<Resolved, StoreError> {
        self.writable()?;
        let path = self.path.clone();
        let fail = |error| sqlite_error(&path, error);
        let Ok(number) = i64::try_from(number) else {
            return Ok(Resolved::Missing);
        };
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(fail)?;
        let read = |transaction: &rusqlite::Transaction| {
            transaction
                .query_row(
                    "SELECT number, id, reason, details, received_s, resolved_s, note, label FROM problems WHERE number = ?1",
                    params![number],
                    read_problem,
                )
                .optional()
                .map_err(fail)?
                .transpose()
                .map_err(|reason| StoreError::bad_row(&path, reason))
        };
        let outcome = match read(&transaction)? {
            None => Resolved::Missing,
            Some(report) if report.resolved.is_some() => Resolved::Already(report),
            Some(_) => {
                transaction
                    .execute(
                        "UPDATE problems SET resolved_s = ?2, note = ?3, label = ?4 WHERE number = ?1",
                        params![number, at.as_second(), note, label],
                    )
                    .map_err(fail)?;
                match read(&transaction)? {
                    Some(report) => Resolved::Now(report),
                    None => Resolved::Missing,
                }
            }
        };
        transaction.commit().map_err(fail)?;
        Ok(outcome)
    }

    /// The 32-byte secret called `name`, made from the system's random bytes the first
    /// time it is asked for and kept in the store from then on: every server sharing
    /// the store signs with the same key.
    pub(super) fn secret(&mut self, name: &str) -> Result<[u8; 32], StoreError> {
        self.writable()?;
        let path = self.path.clone();
        let fail = |error| sqlite_error(&path, error);
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(fail)?;
        let kept: Option<Vec<u8>> = transaction
            .query_row(
                "SELECT value FROM secrets WHERE name = ?1",
                params![name],
                |row| row.get(0),
            )
            .optional()
            .map_err(fail)?;
        let secret = match kept {
            Some(value) => <[u8; 32]>::try_from(value.as_slice())
                .map_err(|_| StoreError::bad_row(&path, "a secret that is not 32 bytes"))?,
            None => {
                let mut fresh = [0u8; 32];
                getrandom::fill(&mut fresh)
                    .map_err(|_| StoreError::refused(&path, StoreErrorKind::NoRandomness))?;
                transaction
                    .execute(
                        "INSERT INTO secrets (name, value) VALUES (?1, ?2)",
                        params![name, fresh.as_slice()],
                    )
                    .map_err(fail)?;
                fresh
            }
        };
        transaction.commit().map_err(fail)?;
        Ok(secret)
    }
}

fn read_problem(row: &rusqlite::Row) -> rusqlite::Result<Result<ProblemReport, &'static str>> {
    Ok(super::rows::problem(row).map_err(|bad| bad.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::availability::store::Store;

    #[test]
    fn reports_are_kept_resolved_once_and_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("av.db");
        let at: Timestamp = "2026-06-01T08:30:45Z".parse().unwrap();
        let mut store = Store::open(&path).unwrap();
        let first = store
            .add_problem("f1", Reason::PhoneDoesNotWork, "", at)
            .unwrap();
        let second = store
            .add_problem("f2", Reason::Other, "moved\nupstairs", at)
            .unwrap();
        assert!(second > first);
        drop(store);

        let mut store = Store::open(&path).unwrap();
        let all = store.problems(Which::Open, None).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].received_at.to_string(), "2026-06-01T08:30:00Z");
        assert_eq!(all[1].details, "moved\nupstairs");
        assert_eq!(store.problems(Which::Open, Some("f2")).unwrap().len(), 1);

        let later = at.checked_add(jiff::SignedDuration::from_hours(2)).unwrap();
        let Resolved::Now(done) = store
            .resolve_problem(first, "number fixed", Some("county-coordinator"), later)
            .unwrap()
        else {
            panic!("resolved now");
        };
        let resolution = done.resolved.unwrap();
        assert_eq!(resolution.note, "number fixed");
        assert_eq!(resolution.label.as_deref(), Some("county-coordinator"));
        assert!(matches!(
            store.resolve_problem(first, "again", None, later).unwrap(),
            Resolved::Already(report) if report.resolved.as_ref().unwrap().note == "number fixed"
        ));
        assert_eq!(
            store.resolve_problem(999, "", None, later).unwrap(),
            Resolved::Missing
        );
        assert_eq!(store.problems(Which::Open, None).unwrap().len(), 1);
        assert_eq!(store.problems(Which::All, None).unwrap().len(), 2);
    }

    #[test]
    fn a_secret_is_made_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("av.db");
        let key = Store::open(&path).unwrap().secret("sessions").unwrap();
        assert_ne!(key, [0u8; 32]);
        let mut again = Store::open(&path).unwrap();
        assert_eq!(again.secret("sessions").unwrap(), key);
        assert_ne!(again.secret("other").unwrap(), key);
    }
}
