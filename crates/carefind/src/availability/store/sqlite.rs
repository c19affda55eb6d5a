//! The SQLite backend: one file in WAL mode, with `synchronous=FULL` (see
//! [`Store::open`](super::Store::open)).

use std::path::Path;
use std::time::Duration;

use super::rows;
use jiff::Timestamp;
use rusqlite::{Connection, ErrorCode, OptionalExtension, TransactionBehavior, params};

use super::{
    Backend, Committed, HistoryEntry, HistoryRange, Loaded, Resolved, StoreError, StoreErrorKind,
};
use crate::availability::problems::{ProblemReport, Reason, Which};
use crate::availability::{Availability, Update};
use crate::care::CareLevel;

/// A database's schema version and how many tables, views and indexes it has, read in one
/// snapshot.
const STATE: &str =
    "SELECT (SELECT user_version FROM pragma_user_version), (SELECT count(*) FROM sqlite_master)";

/// The schema version this carefind writes (`PRAGMA user_version`).
const SCHEMA_VERSION: i64 = 4;

/// What each version added to the one before, from version 2: an older store is brought
/// up to date when it is opened, one step at a time (its rows then state nothing new).
const MIGRATIONS: [(i64, &str); 3] = [(2, SCHEMA_2), (3, SCHEMA_3), (4, SCHEMA_4)];

/// Version 4: problem reports from the public, and the server's secrets (the key staff
/// sessions are signed with, the same for every server sharing the store).
const SCHEMA_4: &str = "
CREATE TABLE IF NOT EXISTS problems (
    number INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    reason TEXT NOT NULL,
    details TEXT NOT NULL,
    received_s INTEGER NOT NULL,   -- to the minute: seconds since 1970 (UTC)
    resolved_s INTEGER,            -- NULL while open
    note TEXT,
    label TEXT                     -- who resolved it
);
CREATE INDEX IF NOT EXISTS problems_by_facility ON problems (id, number);
CREATE TABLE IF NOT EXISTS secrets (
    name TEXT PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;
";

/// Version 3: who sent each report (the label of the sender's token, or of an import).
const SCHEMA_3: &str = "
ALTER TABLE current ADD COLUMN label TEXT;
ALTER TABLE history ADD COLUMN label TEXT;
";

/// Version 2: the ways in, in both tables.
const SCHEMA_2: &str = "
ALTER TABLE current ADD COLUMN walk_in TEXT;
ALTER TABLE current ADD COLUMN same_day_medication INTEGER;
ALTER TABLE current ADD COLUMN counseling_required INTEGER;
ALTER TABLE current ADD COLUMN telehealth_intake INTEGER;
ALTER TABLE history ADD COLUMN walk_in TEXT;
ALTER TABLE history ADD COLUMN same_day_medication INTEGER;
ALTER TABLE history ADD COLUMN counseling_required INTEGER;
ALTER TABLE history ADD COLUMN telehealth_intake INTEGER;
";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS current (
    id TEXT NOT NULL,
    care TEXT NOT NULL,            -- '' for the whole facility
    accepting INTEGER,             -- 1 yes, 0 no, NULL unknown
    beds_available INTEGER,
    beds_total INTEGER,
    wait_days INTEGER,
    updated_s INTEGER NOT NULL,    -- updated_at: seconds since 1970 (UTC)
    updated_ns INTEGER NOT NULL,   -- and nanoseconds
    walk_in TEXT,                  -- yes, no or walk-in hours; NULL unknown
    same_day_medication INTEGER,   -- 1 yes, 0 no, NULL unknown (and the two below)
    counseling_required INTEGER,
    telehealth_intake INTEGER,
    label TEXT,                    -- who sent it: a token's or an import's label; NULL none
    PRIMARY KEY (id, care)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS history (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    care TEXT NOT NULL,
    accepting INTEGER,
    beds_available INTEGER,
    beds_total INTEGER,
    wait_days INTEGER,
    updated_s INTEGER NOT NULL,
    updated_ns INTEGER NOT NULL,
    received_at TEXT NOT NULL,     -- when the store took it (RFC 3339)
    applied INTEGER NOT NULL,      -- 1 when it became current, 0 when it was stale
    walk_in TEXT,
    same_day_medication INTEGER,
    counseling_required INTEGER,
    telehealth_intake INTEGER,
    label TEXT
);
CREATE INDEX IF NOT EXISTS history_by_facility ON history (id, seq);
";

/// A store in one SQLite file.
pub(super) struct Sqlite {
    pub(super) connection: Connection,
    pub(super) path: String,
}

/// The store's error for what SQLite reported at `path`.
pub(super) fn sqlite_error(path: &str, error: rusqlite::Error) -> StoreError {
    let kind = match error.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => StoreErrorKind::NotADatabase,
        Some(ErrorCode::ReadOnly | ErrorCode::PermissionDenied) => StoreErrorKind::ReadOnly,
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreErrorKind::Locked,
        Some(ErrorCode::CannotOpen) => StoreErrorKind::CannotOpen,
        Some(ErrorCode::DatabaseCorrupt) => StoreErrorKind::Corrupt,
        Some(ErrorCode::DiskFull) => StoreErrorKind::DiskFull,
        _ => StoreErrorKind::Sqlite,
    };
    // The kind's message says it all for the kinds carefind names; SQLite's own text
    // is kept as the source for the rest.
    let source = (kind == StoreErrorKind::Sqlite)
        .then(|| Box::new(error) as Box<dyn std::error::Error + Send + Sync>);
    StoreError::new(path, kind, source)
}

impl Sqlite {
    /// Opens the store at `path`, creating it (and its tables) on first use.
    pub(super) fn open(path: impl AsRef<Path>) -> Result<Sqlite, StoreError> {
        let shown = path.as_ref().display().to_string();
        let fail = |error| sqlite_error(&shown, error);
        // Before SQLite maps the WAL index of a store this process has open already.
        writable(&shown)?;
        let connection = Connection::open(path.as_ref()).map_err(fail)?;
        connection
            .busy_timeout(super::Store::BUSY_TIMEOUT)
            .map_err(fail)?;
        // The first read of the header is where a file that is not SQLite shows itself.
        // Both in one statement, so one snapshot: a carefind creating the store now sets
        // its tables and its version in one transaction, never seen half done.
        let (version, tables): (i64, i64) = connection
            .query_row(STATE, [], |row| Ok((row.get(0)?, row.get(1)?)))
            .map_err(fail)?;
        let refuse = |kind| Err(StoreError::refused(&shown, kind));
        if !(0..=SCHEMA_VERSION).contains(&version) {
            return refuse(StoreErrorKind::Version(version));
        }
        // Before anything is written to it (WAL mode is written into the header).
        if version == 0 && tables > 0 {
            return refuse(StoreErrorKind::Foreign);
        }
        // A database that SQLite finds damaged is refused before anything is written to
        // it (a write could spread the damage); quick_check reads every page once.
        let verdict: String = connection
            .query_row("PRAGMA quick_check(1)", [], |row| row.get(0))
            .map_err(fail)?;
        if verdict != "ok" {
            return refuse(StoreErrorKind::Corrupt);
        }
        // Two carefinds opening a new store at once can meet in SQLite's switch to WAL,
        // which answers "busy" without waiting for the busy timeout: tried again until it.
        let started = std::time::Instant::now();
        loop {
            match prepare(&connection, version, &shown) {
                Err(error)
                    if error.kind == StoreErrorKind::Locked
                        && started.elapsed() < super::Store::BUSY_TIMEOUT =>
                {
                    std::thread::sleep(Duration::from_millis(20));
                }
                outcome => break outcome?,
            }
        }
        Ok(Sqlite {
            connection,
            path: shown,
        })
    }

    /// Whether the store's files can still be written, asked of the file system before a
    /// transaction touches them. SQLite keeps the WAL's index in the `-shm` file mapped
    /// into memory: if that file turns unwritable while the store is open (a file system
    /// remounted read-only, an immutable flag), SQLite's next write to the mapping is a
    /// bus error that kills the process, not an error it could return. Asking first
    /// whether each file may be written (`access(2)`, which honours read-only file systems
    /// and the immutable flag, for root too) turns that into [`StoreErrorKind::ReadOnly`].
    /// (A file that turns unwritable in the microseconds between this check and the write
    /// is not caught.)
    pub(super) fn writable(&self) -> Result<(), StoreError> {
        writable(&self.path)
    }
}

impl Backend for Sqlite {
    fn kind(&self) -> &'static str {
        "sqlite"
    }

    fn location(&self) -> &str {
        &self.path
    }

    fn set_busy_timeout(&mut self, timeout: Duration) -> Result<(), StoreError> {
        self.connection
            .busy_timeout(timeout)
            .map_err(|error| sqlite_error(&self.path, error))
    }

    fn reopen(&self) -> Result<Box<dyn Backend>, StoreError> {
        Ok(Box::new(Sqlite::open(&self.path)?))
    }

    fn apply(
        &mut self,
        sent: &[(&Update, Option<&str>)],
        received_at: Timestamp,
    ) -> Result<Committed, StoreError> {
        let path = self.path.clone();
        let fail = |error| sqlite_error(&path, error);
        self.writable()?;
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(fail)?;
        let mut outcomes = Vec::new();
        {
            let mut held = transaction
                .prepare_cached(
                    "SELECT updated_s, updated_ns FROM current WHERE id = ?1 AND care = ?2",
                )
                .map_err(fail)?;
            let mut upsert = transaction
                .prepare_cached(
                    "INSERT INTO current (id, care, accepting, beds_available, beds_total, wait_days, updated_s, updated_ns,
                       walk_in, same_day_medication, counseling_required, telehealth_intake, label)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
                     ON CONFLICT (id, care) DO UPDATE SET accepting = ?3, beds_available = ?4,
                       beds_total = ?5, wait_days = ?6, updated_s = ?7, updated_ns = ?8,
                       walk_in = ?9, same_day_medication = ?10, counseling_required = ?11,
                       telehealth_intake = ?12, label = ?13",
                )
                .map_err(fail)?;
            let mut record = transaction
                .prepare_cached(
                    "INSERT INTO history (id, care, accepting, beds_available, beds_total, wait_days, updated_s, updated_ns,
                       walk_in, same_day_medication, counseling_required, telehealth_intake, label, received_at, applied)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                )
                .map_err(fail)?;
            let received = received_at.to_string();
            for &(update, label) in sent {
                let care = update.care.map_or("", CareLevel::name);
                let at = (
                    update.updated_at.as_second(),
                    update.updated_at.subsec_nanosecond(),
                );
                let current: Option<(i64, i32)> = held
                    .query_row(params![update.id, care], |row| {
                        Ok((row.get(0)?, row.get(1)?))
                    })
                    .optional()
                    .map_err(fail)?;
                let applies = current.is_none_or(|current| current <= at);
                let walk_in = update.walk_in.as_ref().map(ToString::to_string);
                // The report's thirteen columns, in both statements' order; the history
                // adds when it came and whether it became current.
                let report: [&dyn rusqlite::ToSql; 13] = [
                    &update.id,
                    &care,
                    &update.accepting,
                    &update.beds_available,
                    &update.beds_total,
                    &update.wait_days,
                    &at.0,
                    &at.1,
                    &walk_in,
                    &update.same_day_medication,
                    &update.counseling_required,
                    &update.telehealth_intake,
                    &label,
                ];
                if applies {
                    upsert.execute(&report[..]).map_err(fail)?;
                }
                outcomes.push(applies);
                let mut row = report.to_vec();
                row.extend([&received as &dyn rusqlite::ToSql, &applies]);
                record.execute(&row[..]).map_err(fail)?;
            }
        }
        // Under the write lock, the history's new rows took the numbers after the
        // largest, one by one.
        let last = transaction.last_insert_rowid() as u64;
        transaction.commit().map_err(fail)?;
        let first_change = if outcomes.is_empty() {
            0
        } else {
            last + 1 - outcomes.len() as u64
        };
        Ok(Committed {
            outcomes,
            first_change,
        })
    }

    fn load(&self) -> Result<Loaded, StoreError> {
        // One read transaction: the reports, their times and the last change number
        // are of one moment, so following the store from that number misses nothing.
        self.writable()?;
        let snapshot = self
            .connection
            .unchecked_transaction()
            .map_err(|error| sqlite_error(&self.path, error))?;
        let table = Availability::new()
            .with(self.current(None)?.into_iter().map(|(update, _)| update))
            .table;
        let recent: Vec<(String, Timestamp)> = self.rows(
            "SELECT id, updated_s, updated_ns FROM history WHERE updated_s >= ?1",
            params![super::recent_since().as_second()],
            |row| {
                let (id, seconds, nanos): (String, i64, i32) =
                    (row.get(0)?, row.get(1)?, row.get(2)?);
                Ok(Timestamp::new(seconds, nanos)
                    .map(|at| (id, at))
                    .map_err(|_| "an updated_at out of range"))
            },
        )?;
        let change = self.latest_change()?;
        snapshot
            .commit()
            .map_err(|error| sqlite_error(&self.path, error))?;
        Ok(Loaded {
            table: table.with_times(recent.iter().map(|(id, at)| (id.as_str(), *at))),
            change,
        })
    }

    fn current(&self, id: Option<&str>) -> Result<Vec<(Update, Option<String>)>, StoreError> {
        self.rows(
            "SELECT id, care, accepting, beds_available, beds_total, wait_days, updated_s, updated_ns,
               walk_in, same_day_medication, counseling_required, telehealth_intake, label
             FROM current WHERE ?1 IS NULL OR id = ?1 ORDER BY id, care",
            params![id],
            |row| {
                let label: Option<String> = row.get(12)?;
                Ok(rows::update(row).map_err(|bad| bad.0).map(|update| (update, label)))
            },
        )
    }

    fn history(&self, range: HistoryRange<'_>) -> Result<Vec<HistoryEntry>, StoreError> {
        match range {
            HistoryRange::Latest { id, limit } => {
                let limit = i64::try_from(limit).unwrap_or(i64::MAX);
                self.history_rows(
                    "WHERE id = ?1 ORDER BY seq DESC LIMIT ?2",
                    params![id, limit],
                )
            }
            HistoryRange::Between { since, until } => self.history_rows(
                "WHERE updated_s >= ?1 AND updated_s < ?2 ORDER BY id, seq",
                params![since.as_second(), until.as_second()],
            ),
        }
    }

    fn changes_since(&self, after: u64, limit: usize) -> Result<Vec<(u64, Update)>, StoreError> {
        // SQLite gives history's rowid in the order writers commit (one writes at a
        // time) and never reuses one, since no row is ever deleted.
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.rows(
            "SELECT id, care, accepting, beds_available, beds_total, wait_days, updated_s, updated_ns,
               walk_in, same_day_medication, counseling_required, telehealth_intake, seq
             FROM history WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            params![after, limit],
            |row| {
                let seq: i64 = row.get(12)?;
                Ok(rows::update(row).map_err(|bad| bad.0).map(|update| (seq as u64, update)))
            },
        )
    }

    fn add_problem(
        &mut self,
        id: &str,
        reason: Reason,
        details: &str,
        received_at: Timestamp,
    ) -> Result<u64, StoreError> {
        Sqlite::add_problem(self, id, reason, details, received_at)
    }

    fn problems(&self, which: Which, id: Option<&str>) -> Result<Vec<ProblemReport>, StoreError> {
        Sqlite::problems(self, which, id)
    }

    fn resolve_problem(
        &mut self,
        number: u64,
        note: &str,
        label: Option<&str>,
        at: Timestamp,
    ) -> Result<Resolved, StoreError> {
        Sqlite::resolve_problem(self, number, note, label, at)
    }

    fn secret(&mut self, name: &str) -> Result<[u8; 32], StoreError> {
        Sqlite::secret(self, name)
    }
}

impl Sqlite {
    /// The number of the last change committed (0 for an empty store).
    fn latest_change(&self) -> Result<u64, StoreError> {
        let latest = self.rows("SELECT coalesce(max(seq), 0) FROM history", [], |row| {
            Ok(Ok(row.get::<_, i64>(0)?))
        })?;
        Ok(latest.first().map_or(0, |&seq| seq as u64))
    }

    fn history_rows(
        &self,
        rest: &str,
        parameters: impl rusqlite::Params,
    ) -> Result<Vec<HistoryEntry>, StoreError> {
        self.rows(
            &format!(
                "SELECT id, care, accepting, beds_available, beds_total, wait_days, updated_s, updated_ns,
                   walk_in, same_day_medication, counseling_required, telehealth_intake, received_at, applied, label
                 FROM history {rest}"
            ),
            parameters,
            |row| {
                let received: String = row.get(12)?;
                let applied: bool = row.get(13)?;
                let label: Option<String> = row.get(14)?;
                Ok(rows::update(row).map_err(|bad| bad.0).and_then(|update| {
                    let received_at = received
                        .parse()
                        .map_err(|_| "a received_at that is not a time")?;
                    Ok(HistoryEntry {
                        update,
                        received_at,
                        applied,
                        label,
                    })
                }))
            },
        )
    }

    /// Every row of `sql`, each read by `read` (which names a row it cannot take).
    pub(super) fn rows<T>(
        &self,
        sql: &str,
        parameters: impl rusqlite::Params,
        read: impl FnMut(&rusqlite::Row) -> rusqlite::Result<Result<T, &'static str>>,
    ) -> Result<Vec<T>, StoreError> {
        // Reading marks the WAL index as well: the same bus error waits there.
        self.writable()?;
        let path = &self.path;
        let fail = |error| sqlite_error(path, error);
        let mut statement = self.connection.prepare(sql).map_err(fail)?;
        let rows = statement.query_map(parameters, read).map_err(fail)?;
        let mut all = Vec::new();
        for row in rows {
            all.push(
                row.map_err(fail)?
                    .map_err(|reason| StoreError::bad_row(path, reason))?,
            );
        }
        Ok(all)
    }
}

/// Puts an opened store in WAL mode with its settings, and creates its tables when
/// `version` says it has none.
fn prepare(connection: &Connection, version: i64, shown: &str) -> Result<(), StoreError> {
    let fail = |error| sqlite_error(shown, error);
    let refuse = |kind| Err(StoreError::refused(shown, kind));
    let mode: String = connection
        .query_row("PRAGMA journal_mode=WAL", [], |row| row.get(0))
        .map_err(fail)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return refuse(StoreErrorKind::ReadOnly);
    }
    connection
        .execute_batch("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")
        .map_err(fail)?;
    if (1..SCHEMA_VERSION).contains(&version) {
        // Under the write lock, so that of two carefinds opening it at once one adds the
        // columns and the other sees them added.
        connection.execute_batch("BEGIN IMMEDIATE").map_err(fail)?;
        let upgraded = (|| {
            let version: i64 = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
            for (to, step) in MIGRATIONS.iter().filter(|(to, _)| *to > version) {
                connection.execute_batch(&format!("{step} PRAGMA user_version = {to};"))?;
            }
            connection.execute_batch("COMMIT")
        })();
        if let Err(error) = upgraded {
            let _ = connection.execute_batch("ROLLBACK");
            return Err(fail(error));
        }
    }
    if version == 0 {
        // Decided under the write lock: another carefind may be creating the store
        // at this moment (its tables then are carefind's, and the version says so).
        connection.execute_batch("BEGIN IMMEDIATE").map_err(fail)?;
        let decided = (|| {
            let (version, tables): (i64, i64) =
                connection.query_row(STATE, [], |row| Ok((row.get(0)?, row.get(1)?)))?;
            Ok::<_, rusqlite::Error>(match (version, tables) {
                (0, 0) => {
                    connection.execute_batch(&format!(
                        "{SCHEMA} {SCHEMA_4} PRAGMA user_version = {SCHEMA_VERSION};"
                    ))?;
                    None
                }
                (0, _) => Some(StoreErrorKind::Foreign),
                (SCHEMA_VERSION, _) => None,
                (other, _) => Some(StoreErrorKind::Version(other)),
            })
        })();
        match decided {
            Ok(None) => connection.execute_batch("COMMIT").map_err(fail)?,
            Ok(Some(kind)) => {
                let _ = connection.execute_batch("ROLLBACK");
                return refuse(kind);
            }
            Err(error) => {
                let _ = connection.execute_batch("ROLLBACK");
                return Err(fail(error));
            }
        }
    }
    Ok(())
}

/// Whether the files of the store at `path` can be written (see `Store::writable`),
/// asked with `access(2)`: no descriptor is opened, since closing one this process had
/// opened on a database file would release every POSIX lock SQLite holds on it (and a
/// second process would then take the WAL index for its own and truncate it).
fn writable(path: &str) -> Result<(), StoreError> {
    use rustix::fs::{Access, access};
    for file in [
        path.to_string(),
        format!("{path}-wal"),
        format!("{path}-shm"),
    ] {
        match access(file.as_str(), Access::WRITE_OK) {
            Ok(()) => {}
            // The WAL and its index come and go with connections.
            Err(rustix::io::Errno::NOENT) => {}
            Err(errno) => {
                let kind = match errno {
                    rustix::io::Errno::ROFS
                    | rustix::io::Errno::PERM
                    | rustix::io::Errno::ACCESS => StoreErrorKind::ReadOnly,
                    _ => StoreErrorKind::CannotOpen,
                };
                return Err(StoreError::refused(path, kind));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A full disk is said to be one: SQLite's SQLITE_FULL, here from a page limit on the
    /// store's own connection (a small file system would need root to mount).
    #[test]
    fn a_full_disk_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Sqlite::open(dir.path().join("full.db")).unwrap();
        let at = |id: usize| Update::new(format!("f{id}"), Timestamp::UNIX_EPOCH);
        store
            .apply(&[(&at(0), None)], Timestamp::UNIX_EPOCH)
            .unwrap();
        let pages: i64 = store
            .connection
            .query_row("PRAGMA page_count", [], |row| row.get(0))
            .unwrap();
        store
            .connection
            .pragma_update(None, "max_page_count", pages + 1)
            .unwrap();
        let many: Vec<Update> = (1..5_000).map(at).collect();
        let sent: Vec<_> = many.iter().map(|update| (update, None)).collect();
        let error = store.apply(&sent, Timestamp::UNIX_EPOCH).unwrap_err();
        assert_eq!(error.kind(), StoreErrorKind::DiskFull, "{error}");
        assert!(error.to_string().contains("full disk"), "{error}");
        assert!(
            store.current(Some("f1")).unwrap().is_empty(),
            "nothing kept"
        );
    }
}
