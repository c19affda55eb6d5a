//! The PostgreSQL backend (feature `postgres`): one database several servers share (see
//! [`Store::postgres`](super::Store::postgres)).
//!
//! The tables are SQLite's, in a schema of their own (`carefind`), plus one row,
//! `carefind.changes`, that every writer updates first: its row lock makes writers take
//! turns until they commit, so the change numbers it gives out are committed in order
//! and without gaps, and a reader that has seen number `n` misses nothing by reading
//! what is after `n`.
//!
//! Migrations are carefind's own numbered steps, as SQLite's are, rather than a tool's:
//! refinery, which serves both databases, needs Rust 1.92 from its 0.10 (the workspace
//! builds with 1.88), and its 0.8 links rusqlite 0.33 or older, a second `sqlite3` beside
//! the store's, which Cargo does not allow.

use std::cell::{Cell, RefCell, RefMut};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use postgres::error::SqlState;
use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, Config, IsolationLevel, Statement};

use super::rows::{self, Bad};
use super::{
    Backend, Committed, HistoryEntry, HistoryRange, Loaded, Resolved, StoreError, StoreErrorKind,
    redact,
};
use crate::availability::problems::{ProblemReport, Reason, Which, to_the_minute};
use crate::availability::{Availability, Update};
use crate::care::CareLevel;

/// The channel every commit of updates notifies, with its last change number.
const CHANGES: &str = "carefind_changes";
/// The channel a reload announced to every server is sent on.
const RELOAD: &str = "carefind_reload";

/// The advisory lock migrations run under ("carefind" in ASCII), so that of several
/// servers starting together one migrates and the others then see it done.
const MIGRATION_LOCK: i64 = 0x6361_7265_6669_6e64;

/// carefind's schema, version by version: a database is brought from the version it
/// has to the last, one step at a time, each in the transaction that records it.
const MIGRATIONS: [(i32, &str); 1] = [(1, SCHEMA_1)];

/// Version 1: what SQLite's version 4 holds, and the change counter.
const SCHEMA_1: &str = "
CREATE TABLE carefind.current (
    id TEXT NOT NULL,
    care TEXT NOT NULL,            -- '' for the whole facility
    accepting BOOLEAN,             -- NULL unknown (and the counts, and the ways in)
    beds_available BIGINT,
    beds_total BIGINT,
    wait_days BIGINT,
    updated_s BIGINT NOT NULL,     -- updated_at: seconds since 1970 (UTC)
    updated_ns INTEGER NOT NULL,   -- and nanoseconds
    walk_in TEXT,                  -- yes, no or walk-in hours
    same_day_medication BOOLEAN,
    counseling_required BOOLEAN,
    telehealth_intake BOOLEAN,
    label TEXT,                    -- who sent it
    PRIMARY KEY (id, care)
);
CREATE TABLE carefind.history (
    seq BIGINT PRIMARY KEY,        -- the change number
    id TEXT NOT NULL,
    care TEXT NOT NULL,
    accepting BOOLEAN,
    beds_available BIGINT,
    beds_total BIGINT,
    wait_days BIGINT,
    updated_s BIGINT NOT NULL,
    updated_ns INTEGER NOT NULL,
    walk_in TEXT,
    same_day_medication BOOLEAN,
    counseling_required BOOLEAN,
    telehealth_intake BOOLEAN,
    received_at TEXT NOT NULL,     -- when the store took it (RFC 3339)
    applied BOOLEAN NOT NULL,      -- whether it became current
    label TEXT
);
CREATE INDEX history_by_facility ON carefind.history (id, seq);
CREATE INDEX history_by_time ON carefind.history (updated_s);
CREATE TABLE carefind.changes (
    one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
    last BIGINT NOT NULL           -- the last change number given out
);
INSERT INTO carefind.changes (last) VALUES (0);
CREATE TABLE carefind.problems (
    number BIGSERIAL PRIMARY KEY,
    id TEXT NOT NULL,
    reason TEXT NOT NULL,
    details TEXT NOT NULL,
    received_s BIGINT NOT NULL,
    resolved_s BIGINT,
    note TEXT,
    label TEXT
);
CREATE INDEX problems_by_facility ON carefind.problems (id, number);
CREATE TABLE carefind.secrets (
    name TEXT PRIMARY KEY,
    value BYTEA NOT NULL
);
";

/// The columns an update is read from, in [`read_update`]'s order.
const UPDATE_COLUMNS: &str = "id, care, accepting, beds_available, beds_total, wait_days, updated_s, updated_ns, \
     walk_in, same_day_medication, counseling_required, telehealth_intake";

/// The changes after a number, at most a number of them ([`Backend::changes_since`]):
/// asked at every commit of every server, so prepared once a connection.
const CHANGES_SINCE: &str = "SELECT id, care, accepting, beds_available, beds_total, wait_days, updated_s, \
     updated_ns, walk_in, same_day_medication, counseling_required, telehealth_intake, seq \
     FROM carefind.history WHERE seq > $1 ORDER BY seq LIMIT $2";

/// The first statement of every write of updates: takes the writers' turn and the
/// change numbers.
const TAKE_NUMBERS: &str = "UPDATE carefind.changes SET last = last + $1 RETURNING last";

/// One update: current unless the current report is later, and into the history either
/// way, saying which.
const APPLY_ONE: &str = "WITH made AS (
   INSERT INTO carefind.current AS held (id, care, accepting, beds_available, beds_total,
     wait_days, updated_s, updated_ns, walk_in, same_day_medication,
     counseling_required, telehealth_intake, label)
   VALUES ($2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
   ON CONFLICT (id, care) DO UPDATE SET accepting = EXCLUDED.accepting,
     beds_available = EXCLUDED.beds_available, beds_total = EXCLUDED.beds_total,
     wait_days = EXCLUDED.wait_days, updated_s = EXCLUDED.updated_s,
     updated_ns = EXCLUDED.updated_ns, walk_in = EXCLUDED.walk_in,
     same_day_medication = EXCLUDED.same_day_medication,
     counseling_required = EXCLUDED.counseling_required,
     telehealth_intake = EXCLUDED.telehealth_intake, label = EXCLUDED.label
   WHERE (held.updated_s, held.updated_ns) <= (EXCLUDED.updated_s, EXCLUDED.updated_ns)
   RETURNING 1
 )
 INSERT INTO carefind.history (seq, id, care, accepting, beds_available, beds_total,
   wait_days, updated_s, updated_ns, walk_in, same_day_medication,
   counseling_required, telehealth_intake, label, received_at, applied)
 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
   EXISTS (SELECT 1 FROM made))
 RETURNING applied";

/// A store in a PostgreSQL database.
pub(super) struct Postgres {
    config: Config,
    location: String,
    /// `None` once the connection is lost: the next call connects again.
    client: RefCell<Option<Client>>,
    /// Whether this connection listens to the channels (a new one does not).
    listening: Cell<bool>,
    /// The statements prepared on this connection, by their text.
    statements: RefCell<HashMap<&'static str, Statement>>,
}

impl Postgres {
    /// Connects to `url`, creating or migrating carefind's schema.
    pub(super) fn connect(url: &str) -> Result<Postgres, StoreError> {
        let location = redact(url);
        let mut config: Config = url.parse().map_err(|error| {
            StoreError::new(
                &location,
                StoreErrorKind::Spec("not a PostgreSQL URL"),
                Some(Box::new(error)),
            )
        })?;
        if config.get_password().is_none()
            && let Some(password) = password(&location)?
        {
            config.password(password);
        }
        if config.get_application_name().is_none() {
            config.application_name("carefind");
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(5));
        }
        // A connection to a database that vanished without a word (a machine gone) is
        // found out in seconds, not in the kernel's two hours.
        config.keepalives_idle(Duration::from_secs(10));
        config.tcp_user_timeout(Duration::from_secs(15));
        let store = Postgres {
            config,
            location,
            client: RefCell::new(None),
            listening: Cell::new(false),
            statements: RefCell::default(),
        };
        store.migrate()?;
        Ok(store)
    }

    /// The connection, made again when it was lost.
    fn client(&self) -> Result<RefMut<'_, Client>, StoreError> {
        let mut slot = self.client.borrow_mut();
        if slot.as_ref().is_none_or(Client::is_closed) {
            *slot = Some(dial(&self.config, &self.location)?);
            self.statements.borrow_mut().clear();
            self.listening.set(false);
        }
        Ok(RefMut::map(slot, |slot| {
            slot.as_mut()
                .unwrap_or_else(|| unreachable!("connected just above"))
        }))
    }

    /// `sql` prepared on `client` (this store's connection), once a connection.
    fn prepared(&self, client: &mut Client, sql: &'static str) -> Result<Statement, StoreError> {
        if let Some(statement) = self.statements.borrow().get(sql) {
            return Ok(statement.clone());
        }
        let statement = client.prepare(sql).map_err(self.fail())?;
        self.statements.borrow_mut().insert(sql, statement.clone());
        Ok(statement)
    }

    fn fail(&self) -> impl Fn(postgres::Error) -> StoreError + '_ {
        |error| pg_error(&self.location, error)
    }

    /// Brings the schema to the last version, under the advisory lock.
    fn migrate(&self) -> Result<(), StoreError> {
        let fail = self.fail();
        let mut client = self.client()?;
        let mut transaction = client.transaction().map_err(&fail)?;
        transaction
            .execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .map_err(&fail)?;
        transaction
            .batch_execute(
                "CREATE SCHEMA IF NOT EXISTS carefind;
                 CREATE TABLE IF NOT EXISTS carefind.schema_version (
                     version INTEGER PRIMARY KEY,
                     applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                 );",
            )
            .map_err(&fail)?;
        let version: i32 = transaction
            .query_one(
                "SELECT coalesce(max(version), 0) FROM carefind.schema_version",
                &[],
            )
            .map_err(&fail)?
            .get(0);
        let last = MIGRATIONS.last().map_or(0, |(version, _)| *version);
        if version > last {
            return Err(StoreError::new(
                &self.location,
                StoreErrorKind::Version(i64::from(version)),
                None,
            ));
        }
        for (to, step) in MIGRATIONS.iter().filter(|(to, _)| *to > version) {
            transaction.batch_execute(step).map_err(&fail)?;
            transaction
                .execute(
                    "INSERT INTO carefind.schema_version (version) VALUES ($1)",
                    &[to],
                )
                .map_err(&fail)?;
        }
        transaction.commit().map_err(&fail)
    }

    fn history_rows(
        &self,
        rest: &str,
        parameters: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Vec<HistoryEntry>, StoreError> {
        let rows = self
            .client()?
            .query(
                &format!(
                    "SELECT {UPDATE_COLUMNS}, received_at, applied, label FROM carefind.history {rest}"
                ),
                parameters,
            )
            .map_err(self.fail())?;
        rows.iter()
            .map(|row| {
                let update = rows::update(row)?;
                let received: String = row.try_get(12)?;
                Ok(HistoryEntry {
                    update,
                    received_at: received
                        .parse()
                        .map_err(|_| Bad("a received_at that is not a time"))?,
                    applied: row.try_get(13)?,
                    label: row.try_get(14)?,
                })
            })
            .collect::<Result<_, Bad>>()
            .map_err(|bad| self.bad(bad))
    }

    fn bad(&self, bad: Bad) -> StoreError {
        StoreError::bad_row(&self.location, bad.0)
    }
}

impl Backend for Postgres {
    fn kind(&self) -> &'static str {
        "postgres"
    }

    fn location(&self) -> &str {
        &self.location
    }

    fn reopen(&self) -> Result<Box<dyn Backend>, StoreError> {
        let client = dial(&self.config, &self.location)?;
        Ok(Box::new(Postgres {
            config: self.config.clone(),
            location: self.location.clone(),
            client: RefCell::new(Some(client)),
            listening: Cell::new(false),
            statements: RefCell::default(),
        }))
    }

    fn apply(
        &mut self,
        sent: &[(&Update, Option<&str>)],
        received_at: Timestamp,
    ) -> Result<Committed, StoreError> {
        if sent.is_empty() {
            return Ok(Committed::default());
        }
        let fail = self.fail();
        let mut client = self.client()?;
        let (take, statement) = (
            self.prepared(&mut client, TAKE_NUMBERS)?,
            self.prepared(&mut client, APPLY_ONE)?,
        );
        let mut transaction = client.transaction().map_err(&fail)?;
        // First: the row lock that makes writers take turns until they commit.
        let count = sent.len() as i64;
        let last: i64 = transaction
            .query_one(&take, &[&count])
            .map_err(&fail)?
            .get(0);
        let received = received_at.to_string();
        let mut outcomes = Vec::with_capacity(sent.len());
        for (seq, &(update, label)) in (last - count + 1..).zip(sent) {
            let care = update.care.map_or("", CareLevel::name);
            let walk_in = update.walk_in.as_ref().map(ToString::to_string);
            let count = |value: Option<u32>| value.map(i64::from);
            let applied: bool = transaction
                .query_one(
                    &statement,
                    &[
                        &seq,
                        &update.id,
                        &care,
                        &update.accepting,
                        &count(update.beds_available),
                        &count(update.beds_total),
                        &count(update.wait_days),
                        &update.updated_at.as_second(),
                        &update.updated_at.subsec_nanosecond(),
                        &walk_in,
                        &update.same_day_medication,
                        &update.counseling_required,
                        &update.telehealth_intake,
                        &label,
                        &received,
                    ],
                )
                .map_err(&fail)?
                .get(0);
            outcomes.push(applied);
        }
        // Delivered at the commit, and only if it commits.
        transaction
            .execute("SELECT pg_notify($1, $2)", &[&CHANGES, &last.to_string()])
            .map_err(&fail)?;
        transaction.commit().map_err(&fail)?;
        Ok(Committed {
            outcomes,
            first_change: (last - count + 1) as u64,
        })
    }

    fn load(&self) -> Result<Loaded, StoreError> {
        let fail = self.fail();
        let mut client = self.client()?;
        // One snapshot: the reports, their times and the last change number are of one
        // moment, so following the store from that number misses nothing.
        let mut snapshot = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(&fail)?;
        let current = snapshot
            .query(
                &format!(
                    "SELECT {UPDATE_COLUMNS} FROM carefind.current ORDER BY id COLLATE \"C\", care COLLATE \"C\""
                ),
                &[],
            )
            .map_err(&fail)?;
        let recent = snapshot
            .query(
                "SELECT id, updated_s, updated_ns FROM carefind.history WHERE updated_s >= $1",
                &[&super::recent_since().as_second()],
            )
            .map_err(&fail)?;
        let change: i64 = snapshot
            .query_one("SELECT last FROM carefind.changes", &[])
            .map_err(&fail)?
            .get(0);
        snapshot.commit().map_err(&fail)?;
        let updates = current
            .iter()
            .map(rows::update)
            .collect::<Result<Vec<_>, Bad>>()
            .map_err(|bad| self.bad(bad))?;
        let times = recent
            .iter()
            .map(|row| {
                let id: &str = row.try_get(0)?;
                let at = Timestamp::new(row.try_get(1)?, row.try_get(2)?)
                    .map_err(|_| Bad("an updated_at out of range"))?;
                Ok((id, at))
            })
            .collect::<Result<Vec<_>, Bad>>()
            .map_err(|bad| self.bad(bad))?;
        Ok(Loaded {
            table: Availability::new().with(updates).table.with_times(times),
            change: change as u64,
        })
    }

    fn current(&self, id: Option<&str>) -> Result<Vec<(Update, Option<String>)>, StoreError> {
        let rows = self
            .client()?
            .query(
                &format!(
                    "SELECT {UPDATE_COLUMNS}, label FROM carefind.current WHERE $1::TEXT IS NULL OR id = $1
                     ORDER BY id COLLATE \"C\", care COLLATE \"C\""
                ),
                &[&id],
            )
            .map_err(self.fail())?;
        rows.iter()
            .map(|row| Ok((rows::update(row)?, row.try_get(12)?)))
            .collect::<Result<_, Bad>>()
            .map_err(|bad| self.bad(bad))
    }

    fn history(&self, range: HistoryRange<'_>) -> Result<Vec<HistoryEntry>, StoreError> {
        match range {
            HistoryRange::Latest { id, limit } => {
                let limit = i64::try_from(limit).unwrap_or(i64::MAX);
                self.history_rows("WHERE id = $1 ORDER BY seq DESC LIMIT $2", &[&id, &limit])
            }
            HistoryRange::Between { since, until } => self.history_rows(
                "WHERE updated_s >= $1 AND updated_s < $2 ORDER BY id COLLATE \"C\", seq",
                &[&since.as_second(), &until.as_second()],
            ),
        }
    }

    fn changes_since(&self, after: u64, limit: usize) -> Result<Vec<(u64, Update)>, StoreError> {
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut client = self.client()?;
        let statement = self.prepared(&mut client, CHANGES_SINCE)?;
        let rows = client
            .query(&statement, &[&after, &limit])
            .map_err(self.fail())?;
        rows.iter()
            .map(|row| {
                let seq: i64 = row.try_get(12)?;
                Ok((seq as u64, rows::update(row)?))
            })
            .collect::<Result<_, Bad>>()
            .map_err(|bad| self.bad(bad))
    }

    fn wait(&mut self, timeout: Duration) -> Result<super::Heard, StoreError> {
        let fail = |error| pg_error(&self.location, error);
        let mut client = self.client()?;
        if !self.listening.get() {
            client
                .batch_execute(&format!("LISTEN {CHANGES}; LISTEN {RELOAD};"))
                .map_err(fail)?;
            self.listening.set(true);
            // Whatever came before the LISTEN was not heard: look.
            return Ok(super::Heard {
                changes: true,
                ..super::Heard::default()
            });
        }
        let mut heard = super::Heard::default();
        let mut notifications = client.notifications();
        let first = notifications.timeout_iter(timeout).next().map_err(fail)?;
        let rest: Vec<_> = notifications.iter().collect().map_err(fail)?;
        for notification in first.into_iter().chain(rest) {
            match notification.channel() {
                RELOAD => heard.reloads.push(notification.payload().to_string()),
                _ => {
                    heard.changes = true;
                    if let Ok(last) = notification.payload().parse::<u64>() {
                        heard.latest = heard.latest.max(Some(last));
                    }
                }
            }
        }
        Ok(heard)
    }

    fn announce_reload(&mut self, by: &str) -> Result<(), StoreError> {
        self.client()?
            .execute("SELECT pg_notify($1, $2)", &[&RELOAD, &by])
            .map_err(self.fail())?;
        Ok(())
    }

    fn add_problem(
        &mut self,
        id: &str,
        reason: Reason,
        details: &str,
        received_at: Timestamp,
    ) -> Result<u64, StoreError> {
        let number: i64 = self
            .client()?
            .query_one(
                "INSERT INTO carefind.problems (id, reason, details, received_s) VALUES ($1, $2, $3, $4)
                 RETURNING number",
                &[
                    &id,
                    &reason.name(),
                    &details,
                    &to_the_minute(received_at).as_second(),
                ],
            )
            .map_err(self.fail())?
            .get(0);
        Ok(number as u64)
    }

    fn problems(&self, which: Which, id: Option<&str>) -> Result<Vec<ProblemReport>, StoreError> {
        let rows = self
            .client()?
            .query(
                "SELECT number, id, reason, details, received_s, resolved_s, note, label FROM carefind.problems
                 WHERE ($1::TEXT IS NULL OR id = $1) AND (NOT $2 OR resolved_s IS NULL) ORDER BY number",
                &[&id, &(which == Which::Open)],
            )
            .map_err(self.fail())?;
        rows.iter()
            .map(rows::problem)
            .collect::<Result<_, Bad>>()
            .map_err(|bad| self.bad(bad))
    }

    fn resolve_problem(
        &mut self,
        number: u64,
        note: &str,
        label: Option<&str>,
        at: Timestamp,
    ) -> Result<Resolved, StoreError> {
        let Ok(number) = i64::try_from(number) else {
            return Ok(Resolved::Missing);
        };
        let fail = self.fail();
        let mut client = self.client()?;
        let mut transaction = client.transaction().map_err(&fail)?;
        let select = "SELECT number, id, reason, details, received_s, resolved_s, note, label
                      FROM carefind.problems WHERE number = $1 FOR UPDATE";
        let Some(row) = transaction.query_opt(select, &[&number]).map_err(&fail)? else {
            return Ok(Resolved::Missing);
        };
        let report = rows::problem(&row).map_err(|bad| self.bad(bad))?;
        if report.resolved.is_some() {
            return Ok(Resolved::Already(report));
        }
        let row = transaction
            .query_one(
                "UPDATE carefind.problems SET resolved_s = $2, note = $3, label = $4 WHERE number = $1
                 RETURNING number, id, reason, details, received_s, resolved_s, note, label",
                &[&number, &at.as_second(), &note, &label],
            )
            .map_err(&fail)?;
        let report = rows::problem(&row).map_err(|bad| self.bad(bad))?;
        transaction.commit().map_err(&fail)?;
        Ok(Resolved::Now(report))
    }

    fn secret(&mut self, name: &str) -> Result<[u8; 32], StoreError> {
        let mut fresh = [0u8; 32];
        getrandom::fill(&mut fresh)
            .map_err(|_| StoreError::new(&self.location, StoreErrorKind::NoRandomness, None))?;
        let fail = self.fail();
        let mut client = self.client()?;
        // Of servers starting together, the first to insert sets the secret for all.
        client
            .execute(
                "INSERT INTO carefind.secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
                &[&name, &fresh.as_slice()],
            )
            .map_err(&fail)?;
        let kept: Vec<u8> = client
            .query_one(
                "SELECT value FROM carefind.secrets WHERE name = $1",
                &[&name],
            )
            .map_err(&fail)?
            .get(0);
        <[u8; 32]>::try_from(kept.as_slice())
            .map_err(|_| self.bad(Bad("a secret that is not 32 bytes")))
    }
}

impl From<postgres::Error> for Bad {
    fn from(_: postgres::Error) -> Self {
        super::rows::MISTYPED
    }
}

/// The password when the URL gives none: `PGPASSWORD`, or the file
/// `CAREFIND_STORE_PASSWORD_FILE` names (its first line).
fn password(location: &str) -> Result<Option<String>, StoreError> {
    if let Ok(password) = std::env::var("PGPASSWORD") {
        return Ok(Some(password));
    }
    let Some(file) = std::env::var_os("CAREFIND_STORE_PASSWORD_FILE") else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(&file).map_err(|error| {
        StoreError::new(
            location,
            StoreErrorKind::Spec("CAREFIND_STORE_PASSWORD_FILE cannot be read"),
            Some(Box::new(error)),
        )
    })?;
    Ok(Some(text.lines().next().unwrap_or_default().to_string()))
}

/// A new connection, over TLS when the server offers it (unless `sslmode=disable`).
fn dial(config: &Config, location: &str) -> Result<Client, StoreError> {
    let tls = tls(location)?;
    config
        .connect(tls)
        .map_err(|error| pg_error(location, error))
}

/// rustls with the system's certificates (or those of the file `SSL_CERT_FILE` names),
/// made once.
fn tls(location: &str) -> Result<tokio_postgres_rustls::MakeRustlsConnect, StoreError> {
    static CONFIG: std::sync::OnceLock<Result<rustls::ClientConfig, String>> =
        std::sync::OnceLock::new();
    let made = CONFIG.get_or_init(|| {
        let mut roots = rustls::RootCertStore::empty();
        for certificate in rustls_native_certs::load_native_certs().certs {
            // A certificate rustls cannot use is one fewer root, not a failure.
            let _ = roots.add(certificate);
        }
        // ring, though rustls marks it deprecated for lacking post-quantum key exchange:
        // it builds with a C compiler alone, where aws-lc-rs needs CMake on every
        // machine that builds carefind.
        #[allow(deprecated)]
        let provider = rustls::crypto::ring::default_provider();
        rustls::ClientConfig::builder_with_provider(Arc::new(provider))
            .with_safe_default_protocol_versions()
            .map(|builder| builder.with_root_certificates(roots).with_no_client_auth())
            .map_err(|error| error.to_string())
    });
    match made {
        Ok(config) => Ok(tokio_postgres_rustls::MakeRustlsConnect::new(
            config.clone(),
        )),
        Err(message) => Err(StoreError::new(
            location,
            StoreErrorKind::Postgres,
            Some(message.clone().into()),
        )),
    }
}

/// The store's error for what PostgreSQL (or the connection to it) reported.
fn pg_error(location: &str, error: postgres::Error) -> StoreError {
    let kind = match error.code() {
        Some(code) if *code == SqlState::DISK_FULL => StoreErrorKind::DiskFull,
        Some(code) if *code == SqlState::READ_ONLY_SQL_TRANSACTION => StoreErrorKind::ReadOnly,
        Some(code)
            if *code == SqlState::INVALID_PASSWORD
                || *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION
                || *code == SqlState::INVALID_CATALOG_NAME =>
        {
            StoreErrorKind::Refused
        }
        Some(code)
            if *code == SqlState::T_R_SERIALIZATION_FAILURE
                || *code == SqlState::T_R_DEADLOCK_DETECTED
                || *code == SqlState::LOCK_NOT_AVAILABLE =>
        {
            StoreErrorKind::Locked
        }
        // Connection exceptions (08) and the server shutting down (57P).
        Some(code) if code.code().starts_with("08") || code.code().starts_with("57P") => {
            StoreErrorKind::Unreachable
        }
        Some(_) => StoreErrorKind::Postgres,
        None => {
            let io = std::error::Error::source(&error)
                .is_some_and(|source| source.downcast_ref::<std::io::Error>().is_some());
            if error.is_closed() || io {
                StoreErrorKind::Unreachable
            } else {
                StoreErrorKind::Postgres
            }
        }
    };
    StoreError::new(location, kind, Some(Box::new(error)))
}
