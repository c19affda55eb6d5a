//! The durable availability store (feature `store`): an embedded SQLite file by default,
//! or a shared PostgreSQL database (feature `postgres`) for several servers that must
//! agree.
//!
//! A store keeps the current report per facility and level and every update ever
//! accepted, stale ones included (the history), each with the label of who sent it, and
//! the problem reports people send. A write that [`Store::apply`] has returned from is
//! durable: it survives the process being killed and the machine losing power.
//!
//! Every update in the history has a **change number**, given in the order the writes
//! were committed, with no gaps a reader could fall into: [`Store::changes_since`] reads
//! what was committed after a number a reader has seen. That is how a server that shares
//! its store with others ([`Store::wait`] says when to look) keeps its table of reports
//! true without missing an update or applying one twice.
//!
//! [`Store::connect`] takes where the store is as one string, the way the command line's
//! `--store` and `CAREFIND_STORE` do:
//!
//! | spec | store |
//! |---|---|
//! | `availability.db`, `sqlite:availability.db` | an SQLite file (see [`Store::open`]) |
//! | `postgres://user@host:5432/db?sslmode=require` | a PostgreSQL database (feature `postgres`) |
//!
//! Both are behind the one [`Backend`] trait; a program may bring its own
//! ([`Store::from_backend`]).
//!
//! ```
//! use carefind::availability::store::Store;
//! use carefind::availability::Update;
//!
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("availability.db");
//! let mut store = Store::open(&path)?;
//! let mut update = Update::new("f1", "2026-06-01T08:00:00Z".parse()?);
//! update.beds_available = Some(4);
//! let tally = store.apply(&[update.clone()], jiff::Timestamp::now())?;
//! assert_eq!((tally.applied, tally.stale), (1, 0));
//! drop(store);
//!
//! let store = Store::connect(&format!("sqlite:{}", path.display()))?;
//! assert_eq!(store.load()?.reports("f1"), [update.clone()]);
//! assert_eq!(store.changes_since(0, 10)?, [(1, update)]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::path::Path;
use std::time::Duration;

use jiff::Timestamp;

use super::problems::{ProblemReport, Reason, Which};
use super::{Availability, Update};

#[cfg(feature = "postgres")]
mod postgres;
mod rows;
mod sqlite;
mod sqlite_problems;

/// The table of reports a store held at one moment, and the change number it was read
/// at: [`Store::changes_since`] that number reads what came after.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The current reports, remembering recent update times (see [`Store::load`]).
    pub table: Availability,
    /// The number of the last change the table holds (0 for an empty store).
    pub change: u64,
}

/// What a [`Store::wait`] heard.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Heard {
    /// Another writer committed changes (read them with [`Store::changes_since`]). A
    /// backend that cannot tell says so at every wait.
    pub changes: bool,
    /// The last change number the commits heard announce, when they announce one.
    pub latest: Option<u64>,
    /// Who asked every server to reload ([`Store::announce_reload`]), in order.
    pub reloads: Vec<String>,
}

/// What [`Store::resolve_problem`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolved {
    /// The report, resolved now.
    Now(ProblemReport),
    /// The report, which had been resolved before (and is left as it was).
    Already(ProblemReport),
    /// No report has that number.
    Missing,
}

/// Which updates of the history to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HistoryRange<'a> {
    /// The latest `limit` of facility `id`, newest first.
    Latest {
        /// The facility.
        id: &'a str,
        /// How many at most.
        limit: usize,
    },
    /// Every update true from `since` until `until` (exclusive), by facility id and then
    /// as received.
    Between {
        /// The first second.
        since: Timestamp,
        /// The end, not included.
        until: Timestamp,
    },
}

/// Where a store keeps its data: SQLite and PostgreSQL are the two carefind brings. Each
/// method is one of [`Store`]'s, which documents what it must do; every write is durable
/// when it returns `Ok`, and nothing of a write that fails is kept.
pub trait Backend: Send {
    /// Where the store is, for messages: a file, or a database's address without its
    /// password.
    fn location(&self) -> &str;
    /// What keeps it, in a word (`sqlite`, `postgres`).
    fn kind(&self) -> &'static str;
    /// See [`Store::commit_from`].
    fn apply(
        &mut self,
        sent: &[(&Update, Option<&str>)],
        received_at: Timestamp,
    ) -> Result<Committed, StoreError>;
    /// See [`Store::load_at`].
    fn load(&self) -> Result<Loaded, StoreError>;
    /// The current reports of facility `id`, or of all, with the label of who sent each,
    /// by facility id then level (the whole facility first).
    fn current(&self, id: Option<&str>) -> Result<Vec<(Update, Option<String>)>, StoreError>;
    /// See [`Store::history_of`] and [`Store::history_between`].
    fn history(&self, range: HistoryRange<'_>) -> Result<Vec<HistoryEntry>, StoreError>;
    /// See [`Store::changes_since`].
    fn changes_since(&self, after: u64, limit: usize) -> Result<Vec<(u64, Update)>, StoreError>;
    /// See [`Store::wait`]. The default sleeps for `timeout` and says there may be changes.
    fn wait(&mut self, timeout: Duration) -> Result<Heard, StoreError> {
        std::thread::sleep(timeout);
        Ok(Heard {
            changes: true,
            ..Heard::default()
        })
    }
    /// See [`Store::announce_reload`]. The default does nothing: a store only one server
    /// uses has no one to tell.
    fn announce_reload(&mut self, _by: &str) -> Result<(), StoreError> {
        Ok(())
    }
    /// See [`Store::reopen`].
    fn reopen(&self) -> Result<Box<dyn Backend>, StoreError>;
    /// See [`Store::set_busy_timeout`]. The default does nothing.
    fn set_busy_timeout(&mut self, _timeout: Duration) -> Result<(), StoreError> {
        Ok(())
    }
    /// See [`Store::add_problem`].
    fn add_problem(
        &mut self,
        id: &str,
        reason: Reason,
        details: &str,
        received_at: Timestamp,
    ) -> Result<u64, StoreError>;
    /// See [`Store::problems`].
    fn problems(&self, which: Which, id: Option<&str>) -> Result<Vec<ProblemReport>, StoreError>;
    /// See [`Store::resolve_problem`].
    fn resolve_problem(
        &mut self,
        number: u64,
        note: &str,
        label: Option<&str>,
        at: Timestamp,
    ) -> Result<Resolved, StoreError>;
    /// See [`Store::secret`].
    fn secret(&mut self, name: &str) -> Result<[u8; 32], StoreError>;
}

/// A durable store of availability updates: an SQLite file or a PostgreSQL database.
pub struct Store {
    backend: Box<dyn Backend>,
}

/// What [`Store::apply`] did with a batch of updates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Updates that became the current report of their facility and level.
    pub applied: u64,
    /// Updates older than the current report: kept in the history only.
    pub stale: u64,
}

/// What one transaction of updates did ([`Store::commit_from`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Committed {
    /// Of each update, whether it became current (`false`: it was stale).
    pub outcomes: Vec<bool>,
    /// The change number of the first update; the others follow it one by one (0 when
    /// there were no updates).
    pub first_change: u64,
}

/// An update as the history holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryEntry {
    /// The update.
    pub update: Update,
    /// When the store took it.
    pub received_at: Timestamp,
    /// Whether it became current (false: it was stale on arrival).
    pub applied: bool,
    /// Who sent it (the label of the sender's token or of the import), if labelled.
    pub label: Option<String>,
}

/// Why the store could not be used; the message names the file or the database (never
/// its password).
#[derive(Debug, thiserror::Error)]
#[error("{path}: {kind}")]
pub struct StoreError {
    path: String,
    kind: StoreErrorKind,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

/// What went wrong with a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreErrorKind {
    /// The file exists but is not an SQLite database.
    #[error("is not an availability store (not an SQLite database)")]
    NotADatabase,
    /// The file (or its folder) cannot be written, or the database takes no writes (a
    /// PostgreSQL standby).
    #[error(
        "is read-only: the store must be writable (an SQLite file and its -wal beside it; a PostgreSQL primary, not a standby)"
    )]
    ReadOnly,
    /// Another writer held the store for longer than the busy timeout.
    #[error("is locked by another writer (waited for it and gave up); try again")]
    Locked,
    /// The file cannot be opened or created.
    #[error("cannot be opened or created")]
    CannotOpen,
    /// The database is damaged.
    #[error("is damaged (SQLite reports a malformed database)")]
    Corrupt,
    /// The database was written by a carefind with another schema.
    #[error("has schema version {0}, which this carefind does not know: use a newer carefind")]
    Version(i64),
    /// The database holds a value this carefind cannot read.
    #[error("holds an unreadable row: {0}")]
    BadRow(&'static str),
    /// The disk (or the file system's quota) is full: nothing of the write was kept.
    #[error("is on a full disk: nothing was written; free space and try again")]
    DiskFull,
    /// An SQLite database of another program: carefind adds its tables to no one else's.
    #[error(
        "is an SQLite database of another program (it has tables carefind did not make): give the store a file of its own"
    )]
    Foreign,
    /// The operating system gave no random bytes for a new secret.
    #[error("cannot make a secret: the system gave no random bytes")]
    NoRandomness,
    /// Anything else SQLite reported (the source says what).
    #[error("SQLite failed")]
    Sqlite,
    /// The database server cannot be reached, or the connection to it was lost: nothing
    /// of a write that fails so was kept unless it was committed (see the source).
    #[error("cannot be reached (the connection failed or was lost); try again")]
    Unreachable,
    /// The database server refused the connection: a wrong user, password or database.
    #[error("refused the connection (user, password or database)")]
    Refused,
    /// The store is not a store carefind can open: a URL of another kind, or one this
    /// build cannot reach.
    #[error("is not a store carefind can open: {0}")]
    Spec(&'static str),
    /// Anything else PostgreSQL reported (the source says what).
    #[error("PostgreSQL failed")]
    Postgres,
}

impl StoreError {
    /// What went wrong.
    pub fn kind(&self) -> StoreErrorKind {
        self.kind
    }

    /// The store's file, or the database's address without its password.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// An error of `kind` at `path`, with what the backend reported as its source.
    pub fn new(
        path: &str,
        kind: StoreErrorKind,
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    ) -> StoreError {
        StoreError {
            path: path.to_string(),
            kind,
            source,
        }
    }

    /// An error of `kind` that the backend did not report (so with no source).
    fn refused(path: &str, kind: StoreErrorKind) -> StoreError {
        StoreError::new(path, kind, None)
    }

    fn bad_row(path: &str, reason: &'static str) -> StoreError {
        StoreError::refused(path, StoreErrorKind::BadRow(reason))
    }
}

impl Store {
    /// How long a write waits for another writer before giving up.
    pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

    /// Opens the SQLite store at `path`, creating it (and its tables) on first use.
    ///
    /// The database runs in WAL mode with `synchronous=FULL`. Several processes may write
    /// to one file; each transaction waits its turn (up to [`Store::BUSY_TIMEOUT`]). The
    /// database, its `-wal` and the WAL index `-shm` must be writable: SQLite maps the
    /// `-shm` into memory, and a write to that mapping once the file has turned
    /// unwritable (a file system remounted read-only, an immutable flag) is a bus error
    /// that kills the process. So every read and write first asks the file system
    /// (`access(2)`, opening nothing) whether the three files can still be written, and
    /// answers [`StoreErrorKind::ReadOnly`] when not. Opening refuses a database SQLite
    /// finds damaged (`PRAGMA quick_check`) and one that another program made.
    pub fn open(path: impl AsRef<Path>) -> Result<Store, StoreError> {
        Ok(Store::from_backend(Box::new(sqlite::Sqlite::open(path)?)))
    }

    /// Opens the store `spec` names: a file (`availability.db`, `sqlite:availability.db`)
    /// or a PostgreSQL URL (`postgres://` or `postgresql://`, with the `postgres`
    /// feature). A PostgreSQL store is created or migrated on first use; see the
    /// `postgres` backend's documentation in [`Store::postgres`].
    pub fn connect(spec: &str) -> Result<Store, StoreError> {
        if let Some(path) = file_of(spec) {
            return Store::open(path);
        }
        if spec.starts_with("postgres://") || spec.starts_with("postgresql://") {
            return Store::postgres(spec);
        }
        Err(StoreError::refused(
            &redact(spec),
            StoreErrorKind::Spec("give a file, sqlite:FILE or postgres://…"),
        ))
    }

    /// Connects to the PostgreSQL store at `url` (`postgres://user@host:port/db`, with
    /// libpq's `sslmode`, `connect_timeout` and the other key words tokio-postgres reads),
    /// creating carefind's schema (`carefind`) or bringing it up to date under an advisory
    /// lock, so that servers starting together migrate it once.
    ///
    /// The password comes from the URL, else from `PGPASSWORD`, else from the file
    /// `CAREFIND_STORE_PASSWORD_FILE` names; it is never part of a message. With
    /// `sslmode=prefer` (the default) or `require`, TLS is used when the server offers it,
    /// checked against the system's certificates (or the file `SSL_CERT_FILE` names).
    ///
    /// Writers take turns on one row of the database, so change numbers are given in
    /// the order the writes commit, and every commit notifies the channel
    /// `carefind_changes` (`LISTEN/NOTIFY`), which [`Store::wait`] listens on.
    #[cfg(feature = "postgres")]
    pub fn postgres(url: &str) -> Result<Store, StoreError> {
        Ok(Store::from_backend(Box::new(postgres::Postgres::connect(
            url,
        )?)))
    }

    /// Without the `postgres` feature, a PostgreSQL URL is refused.
    #[cfg(not(feature = "postgres"))]
    pub fn postgres(url: &str) -> Result<Store, StoreError> {
        Err(StoreError::refused(
            &redact(url),
            StoreErrorKind::Spec("this carefind was built without the postgres feature"),
        ))
    }

    /// A store kept by `backend`.
    pub fn from_backend(backend: Box<dyn Backend>) -> Store {
        Store { backend }
    }

    /// Another connection to the same store: for a reader that should neither wait behind
    /// this store's writes nor hold them up (a long report), or a thread that follows it.
    pub fn reopen(&self) -> Result<Store, StoreError> {
        self.backend.reopen().map(Store::from_backend)
    }

    /// What keeps the store, in a word: `sqlite` or `postgres` (or a backend's own).
    pub fn kind(&self) -> &'static str {
        self.backend.kind()
    }

    /// Waits up to `timeout` for another writer, instead of [`Store::BUSY_TIMEOUT`].
    pub fn set_busy_timeout(&mut self, timeout: Duration) -> Result<(), StoreError> {
        self.backend.set_busy_timeout(timeout)
    }

    /// Where the store is: its file as given, or the database's address without its
    /// password.
    pub fn path(&self) -> &str {
        self.backend.location()
    }

    /// Applies `updates` in one transaction: each becomes current unless the current
    /// report of its facility and level is later (then it is stale), and every one goes
    /// into the history. When this returns `Ok`, the transaction is durable; on an error,
    /// nothing of it is.
    pub fn apply(
        &mut self,
        updates: &[Update],
        received_at: Timestamp,
    ) -> Result<Tally, StoreError> {
        self.apply_labelled(updates, None, received_at)
    }

    /// Like [`Store::apply`], recording `label` (who sent them: see
    /// [`check_label`](super::check_label)) with every update.
    pub fn apply_labelled(
        &mut self,
        updates: &[Update],
        label: Option<&str>,
        received_at: Timestamp,
    ) -> Result<Tally, StoreError> {
        let applied = self.apply_from(updates.iter().map(|update| (update, label)), received_at)?;
        let count = applied.iter().filter(|applied| **applied).count() as u64;
        Ok(Tally {
            applied: count,
            stale: applied.len() as u64 - count,
        })
    }

    /// Like [`Store::apply`], saying of each update whether it became current (`true`) or
    /// was stale.
    pub fn apply_each(
        &mut self,
        updates: &[Update],
        received_at: Timestamp,
    ) -> Result<Vec<bool>, StoreError> {
        self.apply_from(updates.iter().map(|update| (update, None)), received_at)
    }

    /// Like [`Store::apply_each`], each update with the label of who sent it (a server
    /// commits several senders' updates in one transaction).
    pub fn apply_from<'u>(
        &mut self,
        sent: impl IntoIterator<Item = (&'u Update, Option<&'u str>)>,
        received_at: Timestamp,
    ) -> Result<Vec<bool>, StoreError> {
        Ok(self.commit_from(sent, received_at)?.outcomes)
    }

    /// Like [`Store::apply_from`], with the change numbers the updates were given: a
    /// server that holds the table up to the number before them can apply them itself,
    /// without reading them back.
    pub fn commit_from<'u>(
        &mut self,
        sent: impl IntoIterator<Item = (&'u Update, Option<&'u str>)>,
        received_at: Timestamp,
    ) -> Result<Committed, StoreError> {
        let sent: Vec<(&Update, Option<&str>)> = sent.into_iter().collect();
        self.backend.apply(&sent, received_at)
    }

    /// The current reports, as a table for queries, remembering when the updates of the
    /// last [`RECENT_DAYS`](super::RECENT_DAYS) days (and two more) were true, for
    /// [`Availability::kept`].
    pub fn load(&self) -> Result<Availability, StoreError> {
        Ok(self.load_at()?.table)
    }

    /// Like [`Store::load`], with the number of the last change the table holds, read in
    /// the same snapshot: [`Store::changes_since`] that number misses nothing.
    pub fn load_at(&self) -> Result<Loaded, StoreError> {
        self.backend.load()
    }

    /// The current reports of facility `id` (the whole facility first, then by level).
    pub fn current_of(&self, id: &str) -> Result<Vec<Update>, StoreError> {
        let labelled = self.backend.current(Some(id))?;
        Ok(labelled.into_iter().map(|(update, _)| update).collect())
    }

    /// The current reports with the label of who sent each (as [`Store::load`] reads
    /// them, by facility id then level).
    pub fn current_labelled(&self) -> Result<Vec<(Update, Option<String>)>, StoreError> {
        self.backend.current(None)
    }

    /// The current reports of facility `id` with the label of who sent each (the whole
    /// facility first, then by level).
    pub fn current_labelled_of(
        &self,
        id: &str,
    ) -> Result<Vec<(Update, Option<String>)>, StoreError> {
        self.backend.current(Some(id))
    }

    /// The latest `limit` updates of facility `id`, newest first, stale ones included.
    pub fn history_of(&self, id: &str, limit: usize) -> Result<Vec<HistoryEntry>, StoreError> {
        self.backend.history(HistoryRange::Latest { id, limit })
    }

    /// Every update of every facility true from `since` until `until` (exclusive), by
    /// facility id and then as received, stale ones included: what a compliance report
    /// reads.
    pub fn history_between(
        &self,
        since: Timestamp,
        until: Timestamp,
    ) -> Result<Vec<HistoryEntry>, StoreError> {
        self.backend.history(HistoryRange::Between { since, until })
    }

    /// The updates committed after change `after`, at most `limit` of them, each with its
    /// change number, in the order they were committed (stale ones included, as
    /// [`Availability::with`] wants them). Applying them in order to the table loaded at
    /// `after` gives the table as the store holds it.
    pub fn changes_since(
        &self,
        after: u64,
        limit: usize,
    ) -> Result<Vec<(u64, Update)>, StoreError> {
        self.backend.changes_since(after, limit)
    }

    /// Waits up to `timeout` for another writer's changes or a reload announced by another
    /// server, and says which it heard. On PostgreSQL it listens (`LISTEN`) on the
    /// channels `carefind_changes` and `carefind_reload`; a notice missed while the
    /// connection was down is no loss, since [`Store::changes_since`] reads by number. On
    /// SQLite it sleeps and says there may be changes.
    pub fn wait(&mut self, timeout: Duration) -> Result<Heard, StoreError> {
        self.backend.wait(timeout)
    }

    /// Asks every server following this store to reload its data and tokens (PostgreSQL:
    /// `NOTIFY carefind_reload`, with `by` as the payload so that the sender can tell its
    /// own notice). Does nothing on SQLite.
    pub fn announce_reload(&mut self, by: &str) -> Result<(), StoreError> {
        self.backend.announce_reload(by)
    }

    /// Keeps a problem report about facility `id` and answers its number; when this
    /// returns, the report is on disk. `details` should have passed
    /// [`check_details`](crate::availability::problems::check_details); the time is kept
    /// to the minute.
    ///
    /// ```
    /// use carefind::availability::problems::{Reason, Which};
    /// use carefind::availability::store::Store;
    ///
    /// let dir = tempfile::tempdir()?;
    /// let mut store = Store::open(dir.path().join("av.db"))?;
    /// let number = store.add_problem("f1", Reason::Closed, "sign on the door", jiff::Timestamp::now())?;
    /// let open = store.problems(Which::Open, None)?;
    /// assert_eq!((open[0].number, open[0].reason), (number, Reason::Closed));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_problem(
        &mut self,
        id: &str,
        reason: Reason,
        details: &str,
        received_at: Timestamp,
    ) -> Result<u64, StoreError> {
        self.backend.add_problem(id, reason, details, received_at)
    }

    /// The reports `which` asks for, of facility `id` or of all, in the order they
    /// arrived.
    pub fn problems(
        &self,
        which: Which,
        id: Option<&str>,
    ) -> Result<Vec<ProblemReport>, StoreError> {
        self.backend.problems(which, id)
    }

    /// Resolves report `number` at `at` with `note`, by `label` (who resolved it). A
    /// report resolved before keeps its first resolution.
    pub fn resolve_problem(
        &mut self,
        number: u64,
        note: &str,
        label: Option<&str>,
        at: Timestamp,
    ) -> Result<Resolved, StoreError> {
        self.backend.resolve_problem(number, note, label, at)
    }

    /// The 32-byte secret called `name`, made from the system's random bytes the first
    /// time it is asked for and kept in the store from then on: every server sharing
    /// the store signs with the same key.
    pub fn secret(&mut self, name: &str) -> Result<[u8; 32], StoreError> {
        self.backend.secret(name)
    }
}

/// Since how long ago [`Store::load`] remembers update times: the recent days a
/// [`Kept`](super::Kept) judgement reads, and two more.
fn recent_since() -> Timestamp {
    let days = i64::from(super::RECENT_DAYS) + 2;
    Timestamp::now()
        .checked_sub(jiff::SignedDuration::from_hours(24 * days))
        .unwrap_or(Timestamp::MIN)
}

/// The SQLite file a store spec names (`FILE` or `sqlite:FILE`), or `None` for a URL
/// (`postgres://…`), as [`Store::connect`] reads it.
///
/// ```
/// use carefind::availability::store::file_of;
/// assert_eq!(file_of("sqlite:/var/lib/carefind/av.db"), Some(std::path::Path::new("/var/lib/carefind/av.db")));
/// assert_eq!(file_of("av.db"), Some(std::path::Path::new("av.db")));
/// assert_eq!(file_of("postgres://carefind@db/carefind"), None);
/// ```
pub fn file_of(spec: &str) -> Option<&Path> {
    match spec.strip_prefix("sqlite:") {
        Some(path) => Some(Path::new(path.strip_prefix("//").unwrap_or(path))),
        None if spec.contains("://") => None,
        None => Some(Path::new(spec)),
    }
}

/// `spec` without a password: what messages say of a store.
pub fn redact(spec: &str) -> String {
    let Some((scheme, rest)) = spec.split_once("://") else {
        return spec.to_string();
    };
    let (authority, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let authority = match authority.rsplit_once('@') {
        Some((user, host)) => match user.split_once(':') {
            Some((user, _password)) => format!("{user}:***@{host}"),
            None => format!("{user}@{host}"),
        },
        None => authority.to_string(),
    };
    // The query string may carry `password=` too.
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let kept: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => {
                        format!("{key}=***")
                    }
                    _ => pair.to_string(),
                })
                .collect();
            format!("{path}?{}", kept.join("&"))
        }
        None => tail.to_string(),
    };
    format!("{scheme}://{authority}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_never_shows() {
        for (spec, shown) in [
            (
                "postgres://carefind:s3cret@db.example.org:5432/carefind",
                "postgres://carefind:***@db.example.org:5432/carefind",
            ),
            (
                "postgresql://u@h/db?sslmode=require&password=s3cret",
                "postgresql://u@h/db?sslmode=require&password=***",
            ),
            ("postgres://h", "postgres://h"),
            ("availability.db", "availability.db"),
        ] {
            assert_eq!(redact(spec), shown);
        }
        let error = Store::connect("mysql://u:s3cret@h/db").err().unwrap();
        assert!(!error.to_string().contains("s3cret"), "{error}");
        assert!(matches!(error.kind(), StoreErrorKind::Spec(_)), "{error}");
    }
}
