//! Following the store: every server sharing one store keeps its own immutable table of
//! reports (queries never wait on the database) and brings it up to date by change
//! number, from its own commits and from everyone else's.
//!
//! Each commit's changes reach the table through [`Follow::catch_up`], which reads what
//! the store committed after the last change number the table holds and applies it in
//! order: a change is applied once, whoever wrote it, and none is missed, whether the
//! notice of it arrived, came late or was lost with a connection. The writer publishes
//! its own commit right after it ([`Follow::publish_own`], so the next query sees its
//! own update); a follower thread
//! catches up when the store says another writer committed ([`Store::wait`]: PostgreSQL's
//! `LISTEN`), and at least every second in any case.
//!
//! The follower also keeps the replica's health for `/readyz`: when it last reached the
//! store, and how many changes it is behind. A replica that cannot reach the store goes
//! on answering from its last table and says, there, that the table is stale.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{Duration, Instant};

use carefind::Locator;
use carefind::availability::store::{Store, StoreError};

use crate::Shared;

/// How long a follower waits for a notice before it looks anyway.
const POLL: Duration = Duration::from_millis(500);
/// The least time between two catch-ups of a follower: the commits of other servers that
/// arrive meanwhile are applied together, in one new table, so that a stream of updates
/// costs a few tables a second, not one a commit, well within the second replicas promise.
const COALESCE: Duration = Duration::from_millis(50);
/// Changes read at a time while catching up.
const BATCH: usize = 10_000;
/// A replica that has not reached its store for this long says its table is stale.
pub(crate) const STALE_AFTER: Duration = Duration::from_secs(3);

/// Where this server's table stands against the store.
pub(crate) struct Follow {
    /// The last change number the table holds; held while a catch-up applies changes,
    /// so that the writer and the follower never apply the same change twice.
    applied: Mutex<u64>,
    /// The same number, for readers that must not wait behind a catch-up (`/readyz`
    /// answers while the store hangs).
    published: AtomicU64,
    health: Mutex<Health>,
    /// Who this server is in reload notices: its own are not acted on twice.
    pub(crate) replica: String,
    /// Which kind of store, for `/readyz`.
    pub(crate) kind: &'static str,
}

/// The replica's last contact with its store.
#[derive(Clone, Debug)]
struct Health {
    /// When the store last answered a catch-up.
    contact: Instant,
    /// The last change number a notice announced then.
    latest: u64,
    /// Why the last attempt failed, if it did (no address or password in it).
    error: Option<String>,
}

impl Follow {
    /// Follows a store whose table was loaded at change `change`.
    pub(crate) fn new(change: u64, kind: &'static str) -> Follow {
        Follow {
            applied: Mutex::new(change),
            published: AtomicU64::new(change),
            health: Mutex::new(Health {
                contact: Instant::now(),
                latest: change,
                error: None,
            }),
            replica: replica_name(),
            kind,
        }
    }

    /// Applies to `locator`'s table every change `store` committed after the last one
    /// it holds, in order, and answers the number of the last.
    pub(crate) fn catch_up(&self, store: &Store, locator: &Locator) -> Result<u64, StoreError> {
        let mut applied = self.applied.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            let changes = store.changes_since(*applied, BATCH)?;
            if changes.is_empty() {
                break;
            }
            let whole = changes.len() < BATCH;
            // The store numbers its changes without gaps: counting them is numbering.
            self.publish(&mut applied, locator, changes.into_iter().map(|(_, u)| u));
            if whole {
                break;
            }
        }
        Ok(*applied)
    }

    /// Applies the writer's own commit, `updates` numbered from `first`, to `locator`'s
    /// table without reading it back when the table holds every change before it;
    /// otherwise catches up from `store` (another server committed in between).
    pub(crate) fn publish_own(
        &self,
        store: &Store,
        locator: &Locator,
        first: u64,
        updates: impl Iterator<Item = carefind::availability::Update>,
    ) -> Result<u64, StoreError> {
        let mut applied = self.applied.lock().unwrap_or_else(PoisonError::into_inner);
        if *applied + 1 == first {
            self.publish(&mut applied, locator, updates);
            return Ok(*applied);
        }
        drop(applied);
        self.catch_up(store, locator)
    }

    /// Applies `updates`, the changes after `applied` in order, to `locator`'s table,
    /// and counts them into `applied` (the lock's number) and the published one.
    fn publish(
        &self,
        applied: &mut u64,
        locator: &Locator,
        updates: impl Iterator<Item = carefind::availability::Update>,
    ) {
        let next = locator.availability().with(updates);
        *applied += (next.applied + next.stale) as u64;
        locator.replace_availability(next.table);
        self.published.store(*applied, Ordering::Release);
    }

    /// The replica's health as of now.
    fn health(&self) -> Health {
        self.health
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The store answered; `latest` is the last change a notice announced (0 when none
    /// did).
    fn reached(&self, latest: u64) {
        *self.health.lock().unwrap_or_else(PoisonError::into_inner) = Health {
            contact: Instant::now(),
            latest,
            error: None,
        };
    }

    fn failed(&self, error: &StoreError) {
        self.health
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .error = Some(error.kind().to_string());
    }
}

/// Starts the thread that follows `store` for the server `shared` points to, until the
/// server is dropped. Reload notices from other servers wake [`Shared::reload_notice`].
pub(crate) fn start(mut store: Store, shared: Weak<Shared>) {
    let spawned = std::thread::Builder::new()
        .name("availability-follower".into())
        .spawn(move || {
            // Others' commits may wait for the queries: they have a second to be seen,
            // and the tables they make are what a replica spends beside its queries.
            crate::workers::lowest_priority();
            let mut caught_up_at = Instant::now();
            loop {
                let heard = store.wait(POLL);
                let Some(shared) = shared.upgrade() else {
                    return;
                };
                let Some(follow) = shared.follow.as_ref() else {
                    return;
                };
                let latest = match heard {
                    Ok(heard) => {
                        if heard.reloads.iter().any(|by| *by != follow.replica) {
                            shared.reload_notice.notify_one();
                        }
                        heard.latest.unwrap_or(0)
                    }
                    Err(error) => {
                        follow.failed(&error);
                        drop(shared);
                        // The backend connects again at the next call.
                        std::thread::sleep(POLL);
                        continue;
                    }
                };
                if let Some(rest) = COALESCE.checked_sub(caught_up_at.elapsed()) {
                    std::thread::sleep(rest);
                }
                caught_up_at = Instant::now();
                match follow.catch_up(&store, &shared.locator) {
                    Ok(_) => follow.reached(latest),
                    Err(error) => follow.failed(&error),
                }
            }
        });
    // Without the thread the server still answers, and its own writes still reach its
    // table; /readyz then says the table is stale.
    drop(spawned);
}

/// A name for this server in reload notices: its process and start time.
fn replica_name() -> String {
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    format!("{}-{started}", std::process::id())
}

/// The readiness of `shared`'s replica: ready when its table is at most
/// [`STALE_AFTER`] old and nothing is left to catch up.
pub(crate) fn readiness(shared: &Arc<Shared>) -> (bool, serde_json::Value) {
    let facilities = shared.locator.index().len();
    let Some(follow) = shared.follow.as_ref() else {
        return (
            facilities > 0,
            serde_json::json!({"ready": facilities > 0, "facilities": facilities}),
        );
    };
    let health = follow.health();
    let applied = follow.published.load(Ordering::Acquire);
    let age = health.contact.elapsed();
    let stale = age > STALE_AFTER;
    let behind = health.latest.saturating_sub(applied);
    let ready = facilities > 0 && !stale && behind == 0;
    (
        ready,
        serde_json::json!({
            "ready": ready,
            "facilities": facilities,
            "availability": {
                "store": follow.kind,
                "change": applied,
                "behind": behind,
                "seconds_since_contact": (age.as_millis() as f64 / 1000.0),
                "stale": stale,
                "error": health.error,
            }
        }),
    )
}
