//! carefind's HTTP service as a library: the `/v1` JSON API, the `/hsds` Open Referral
//! API and availability updates, as an [`axum::Router`] any program can serve or mount
//! inside its own.
//!
//! The `carefind serve` command is this crate and a listener. A service that already runs
//! axum merges the router into its own, or nests it under a path of its choosing: every
//! link, form action, `next` address and hint it writes is under the path it is mounted
//! at (the root page of `nest("/carefind", ..)` is `/carefind`).
//!
//! ```
//! use std::sync::Arc;
//! use carefind::{Index, Locator};
//! use carefind_server::{Config, Server};
//!
//! let locator = Arc::new(Locator::new(Index::sample()));
//! let server = Server::new(locator, Config::new().access_log(false))?;
//! let app: axum::Router = axum::Router::new()
//!     .route("/about", axum::routing::get(|| async { "our own page" }))
//!     .nest("/carefind", server.router());
//! # let _ = app;
//! # Ok::<(), carefind_server::ServerError>(())
//! ```
//!
//! What a request may do is bounded: its query string and body by size, its search by
//! units of work and a deadline, the queries waiting by a queue bound (see [`Config`]).
//! Searches run off the async threads, so `/healthz` answers however heavy they are.
//!
//! The access log names each request's route, status and latency, never its path or query
//! string or body: where a person searches from is health information.
//!
//! The parts, one concern each:
//!
//! | module | what it does |
//! |---|---|
//! | `params` | the parameters of a search, each error naming its parameter |
//! | `facilities` | `/v1/facilities`: pages of results, written from prepared JSON |
//! | `pathway`, `stats` | `/v1/pathway` and `/v1/stats` |
//! | `hsds` | the `/hsds` API |
//! | `updates` | availability updates: tokens, and the writer that owns the store |
//! | `follow` | keeping the table of reports true to a store other servers share; readiness |
//! | `compliance` | whether facilities keep their availability current (admin) |
//! | `reports` | the problem reports people sent (admin) |
//! | `session`, `throttle` | staff sessions (signed cookies, CSRF tokens); rate limits in memory |
//! | `reload` | swapping in new data, refusing a file that would lose too much |
//! | `access_log` | the deadline of each request, and a log free of places |
//! | `workers` | where searches run: a quick lane, and a heavy one at low priority |
//! | `connections` | the listener: a connection cap, header deadlines, a graceful stop |
//! | `mount` | where the router is mounted, for every address it writes |
//!
//! What the command line and Python share with it is the library's (`carefind::record`,
//! `carefind::polygon`, `carefind::words`, `carefind::analysis::counts`) or
//! `carefind-places`'.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use carefind::availability::store::Store;
use carefind::{Budget, Index, Locator};
use serde_json::{Value, json};

mod access_log;
mod compliance;
mod connections;
mod error;
mod facilities;
mod follow;
mod hsds;
mod media;
mod mount;
mod page;
mod params;
mod pathway;
mod reload;
mod reports;
mod session;
mod stats;
mod throttle;
mod transit;
mod updates;
mod workers;

pub use connections::{Limits, Network, serve};
pub use page::Pages;
pub use reload::ReloadError;
pub use updates::Tokens;

use access_log::AccessLog;
use error::ApiError;
use workers::{Lane, Refusal, Workers};

/// Limits on what one request may ask for.
const MAX_LIMIT: usize = 1_000;
const MAX_QUERY_BYTES: usize = 8 * 1024;
const MAX_BODY_BYTES: usize = 1024 * 1024;
const MAX_POLYGON_VERTICES: usize = 10_000;
const DEFAULT_LIMIT: usize = 10;
/// Pages longer than this run in the heavy lane.
const QUICK_LIMIT: usize = 100;

/// The OpenAPI 3 description of the `/v1` API, served at `/openapi.json`.
///
/// ```
/// let spec: serde_json::Value = serde_json::from_str(carefind_server::OPENAPI)?;
/// assert!(spec["paths"]["/v1/facilities"].is_object());
/// # Ok::<(), serde_json::Error>(())
/// ```
pub const OPENAPI: &str = include_str!("../openapi-v1.json");

/// Where a reload reads the facilities again: a file, a database, anything that makes an
/// index. Its error is said to whoever asked for the reload.
pub type Source = dyn Fn() -> Result<Index, String> + Send + Sync;

/// How a [`Server`] behaves: its limits, its log, and what it may write.
///
/// ```
/// use std::time::Duration;
/// let config = carefind_server::Config::new()
///     .timeout(Duration::from_secs(5))
///     .max_work(1_000_000)
///     .access_log(false);
/// # let _ = config;
/// ```
pub struct Config {
    timeout: Duration,
    max_work: u64,
    max_queue: usize,
    reload_max_loss: f64,
    admin_token: Option<String>,
    access_log: bool,
    public_url: String,
    store: Option<Store>,
    tokens: Option<Tokens>,
    source: Option<Arc<Source>>,
    pages: Pages,
    transit: Option<Arc<carefind::transit::Timetable>>,
}

impl Default for Config {
    fn default() -> Self {
        Config::new()
    }
}

impl Config {
    /// The defaults of `carefind serve`: 10 s per request, 200,000,000 units of work per
    /// search, 64 queries waiting, a reload may lose at most half the facilities, an access
    /// log on stderr, no reload over HTTP, no availability, links to `http://localhost:8080`.
    pub fn new() -> Config {
        Config {
            timeout: Duration::from_secs(10),
            max_work: 200_000_000,
            max_queue: 64,
            reload_max_loss: 0.5,
            admin_token: None,
            access_log: true,
            public_url: "http://localhost:8080".into(),
            store: None,
            tokens: None,
            source: None,
            pages: Pages::default(),
            transit: None,
        }
    }

    /// The time a request may take, waiting and working (at least a second).
    pub fn timeout(mut self, timeout: Duration) -> Config {
        self.timeout = timeout.max(Duration::from_secs(1));
        self
    }

    /// The units of work one search may do before it is refused with 422.
    pub fn max_work(mut self, units: u64) -> Config {
        self.max_work = units;
        self
    }

    /// Requests that may wait for a query worker; more are refused with 503 at once.
    pub fn max_queue(mut self, requests: usize) -> Config {
        self.max_queue = requests;
        self
    }

    /// The largest share of the facilities a reload may lose unless forced (0 to 1).
    pub fn reload_max_loss(mut self, share: f64) -> Config {
        self.reload_max_loss = share;
        self
    }

    /// The bearer token `POST /v1/admin/reload` needs; without one, it is refused.
    pub fn admin_token(mut self, token: Option<String>) -> Config {
        self.admin_token = token.filter(|t| !t.is_empty());
        self
    }

    /// Whether to write the access log to stderr.
    pub fn access_log(mut self, on: bool) -> Config {
        self.access_log = on;
        self
    }

    /// Where people and clients reach the server (`https://find.example.org`, or with a
    /// path under a proxy): the absolute links of `/hsds` and of the pages' printed lists.
    pub fn public_url(mut self, url: impl Into<String>) -> Config {
        self.public_url = url.into();
        self
    }

    /// The availability store: its reports are loaded into the locator, searches may ask
    /// for open beds, and updates (with [`Config::tokens`]) are written to it.
    pub fn store(mut self, store: Store) -> Config {
        self.store = Some(store);
        self
    }

    /// Who may send availability updates; without tokens, updates are refused.
    pub fn tokens(mut self, tokens: Tokens) -> Config {
        self.tokens = Some(tokens);
        self
    }

    /// What the pages show beyond the data: a banner over the embedded sample's fictitious
    /// listings, tiles under the map.
    ///
    /// ```
    /// use carefind_server::{Config, Pages};
    /// let config = Config::new().pages(Pages { sample: true, tiles: None });
    /// # let _ = config;
    /// ```
    pub fn pages(mut self, pages: Pages) -> Config {
        self.pages = pages;
        self
    }

    /// A transit timetable: searches may then ask `by=transit` (`depart`, `arrive_by`,
    /// `window`), answered with the facilities reached soonest by its trips.
    pub fn transit(mut self, timetable: Arc<carefind::transit::Timetable>) -> Config {
        self.transit = Some(timetable);
        self
    }

    /// Where a reload (`POST /v1/admin/reload`, [`Server::reload`]) reads the facilities.
    pub fn reload_from(
        mut self,
        source: impl Fn() -> Result<Index, String> + Send + Sync + 'static,
    ) -> Config {
        self.source = Some(Arc::new(source));
        self
    }
}

/// Why a [`Server`] could not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum ServerError {
    /// The query worker threads could not start.
    Workers(std::io::Error),
    /// The availability store could not be read.
    Store(carefind::availability::store::StoreError),
    /// Tokens were given without a store, where updates are kept.
    TokensWithoutStore,
    /// The library failed (loading the data the server is to serve, say).
    Library(carefind::Error),
}

/// Each says what failed; the cause is the [source](std::error::Error::source), so that
/// whoever prints the chain prints it once.
///
/// ```
/// use std::error::Error;
/// let error = carefind_server::ServerError::from(carefind::Error::from(carefind::CoordinateError::Latitude(91.0)));
/// assert!(error.source().is_some());
/// ```
impl std::fmt::Display for ServerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServerError::Workers(_) => f.write_str("cannot start the query workers"),
            ServerError::Store(_) => f.write_str("the availability store cannot be used"),
            ServerError::TokensWithoutStore => {
                f.write_str("tokens need a store: updates are kept in the store")
            }
            ServerError::Library(_) => f.write_str("the data cannot be served"),
        }
    }
}

impl std::error::Error for ServerError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ServerError::Workers(error) => Some(error),
            ServerError::Store(error) => Some(error),
            ServerError::TokensWithoutStore => None,
            ServerError::Library(error) => Some(error),
        }
    }
}

impl From<carefind::Error> for ServerError {
    fn from(error: carefind::Error) -> Self {
        ServerError::Library(error)
    }
}

/// The service: a locator, what it prepared for each facility, its workers and its
/// writer. Cheap to clone; every clone serves the same data.
#[derive(Clone)]
pub struct Server {
    shared: Arc<Shared>,
}

struct Shared {
    locator: Arc<Locator>,
    /// Writes availability updates to the store (`None` without a store).
    writer: Option<updates::Writer>,
    /// Where the table of reports stands against the store (`None` without a store).
    follow: Option<Arc<follow::Follow>>,
    /// Woken when another server sharing the store announces a reload, and when the
    /// server is dropped (so that [`Server::follow_reloads`] ends).
    reload_notice: Arc<tokio::sync::Notify>,
    /// Who may send updates (`None` without tokens: updates are refused), swapped by a
    /// reload.
    tokens: Option<arc_swap::ArcSwap<Tokens>>,
    /// Where a reload reads; `None` when there is nothing to reload.
    source: Option<Arc<Source>>,
    /// The admin token; reload over HTTP is refused without one.
    token: Option<String>,
    /// `None` when the log is off.
    access_log: Option<AccessLog>,
    timeout: Duration,
    /// Where query work runs.
    workers: Workers,
    /// Units of work one search may do.
    max_work: u64,
    /// The largest share of facilities a reload may lose unless forced.
    reload_max_loss: f64,
    /// One reload at a time.
    reloading: tokio::sync::Mutex<()>,
    /// Each facility's record JSON, for the index it was made from.
    prepared: arc_swap::ArcSwap<facilities::Prepared>,
    /// Each facility's HSDS objects and ids, for the index they were made from.
    hsds: arc_swap::ArcSwap<hsds::Prepared>,
    /// Where people and clients reach the server, for absolute links.
    public_url: String,
    /// What the pages show beyond the data.
    pages: Pages,
    /// Signs staff sessions, with the key kept in the store (`None` without a store
    /// and tokens: the staff pages are off).
    keys: Option<session::Keys>,
    /// The rate limits of problem reports and staff sign-ins.
    guards: throttle::Guards,
    /// The transit timetable, when the server has one.
    transit: Option<Arc<transit::Transit>>,
}

impl Server {
    /// A server answering from `locator`. With a store, its reports replace the
    /// locator's availability table.
    pub fn new(locator: Arc<Locator>, config: Config) -> Result<Server, ServerError> {
        let mut keys = None;
        let (writer, follow, follower) = match config.store {
            Some(mut store) => {
                let loaded = store.load_at().map_err(ServerError::Store)?;
                locator.replace_availability(loaded.table);
                if config.tokens.is_some() {
                    let key = store
                        .secret(session::KEY_NAME)
                        .map_err(ServerError::Store)?;
                    keys = Some(session::Keys::new(key));
                }
                let follow = Arc::new(follow::Follow::new(loaded.change, store.kind()));
                let reader = store.reopen().map_err(ServerError::Store)?;
                let follower = store.reopen().map_err(ServerError::Store)?;
                let writer = updates::Writer::start(
                    store,
                    reader,
                    Arc::clone(&locator),
                    Arc::clone(&follow),
                );
                (Some(writer), Some(follow), Some(follower))
            }
            None if config.tokens.is_some() => return Err(ServerError::TokensWithoutStore),
            None => (None, None, None),
        };
        let index = locator.index();
        let shared = Arc::new(Shared {
            prepared: arc_swap::ArcSwap::from_pointee(facilities::Prepared::of(&index)),
            hsds: arc_swap::ArcSwap::from_pointee(hsds::Prepared::of(&index)),
            public_url: config.public_url,
            pages: config.pages,
            locator,
            writer,
            follow,
            reload_notice: Arc::default(),
            tokens: config.tokens.map(arc_swap::ArcSwap::from_pointee),
            source: config.source,
            token: config.admin_token,
            access_log: config.access_log.then(AccessLog::default),
            timeout: config.timeout,
            workers: Workers::new(config.max_queue).map_err(ServerError::Workers)?,
            max_work: config.max_work,
            reload_max_loss: config.reload_max_loss,
            reloading: tokio::sync::Mutex::new(()),
            keys,
            guards: throttle::Guards::default(),
            transit: config
                .transit
                .map(|timetable| Arc::new(transit::Transit::new(timetable))),
        });
        if shared.access_log.is_some() {
            flush_access_log_while_alive(Arc::downgrade(&shared));
        }
        if let Some(store) = follower {
            follow::start(store, Arc::downgrade(&shared));
        }
        Ok(Server { shared })
    }

    /// The locator the server answers from.
    ///
    /// Swap datasets with [`Server::replace`] rather than [`Locator::replace`]: both give
    /// right answers (what the server prepares from an index is kept under its
    /// [`Index::generation`]), but only `Server::replace` prepares the new dataset's
    /// records first, so that its answers keep the fast path.
    pub fn locator(&self) -> &Arc<Locator> {
        &self.shared.locator
    }

    /// Makes `index` the dataset served, and returns the one it replaces; queries in
    /// flight finish on the old one. The records' JSON is prepared before the swap (this
    /// blocks for about a millisecond per thousand facilities: from async code, call it
    /// in `spawn_blocking`), and nothing prepared from the old index is ever used with
    /// the new one.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use carefind::{Facility, Index, LatLon, Locator};
    /// use carefind_server::{Config, Server};
    ///
    /// let server = Server::new(Arc::new(Locator::new(Index::sample())), Config::new().access_log(false))?;
    /// let here = LatLon::new(40.75, -73.99)?;
    /// let old = server.replace(Index::new(vec![Facility::new("a", "Alpha", here)])?);
    /// assert!(old.len() > 1);
    /// assert_eq!(server.locator().index().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn replace(&self, index: Index) -> Arc<Index> {
        self.shared.swap(index)
    }

    /// The API's routes, with the server as their state. Mount it with
    /// [`Router::nest`] or serve it with [`serve`].
    pub fn router(&self) -> Router {
        router(self.clone())
    }

    /// Reads the token file ([`Config::tokens`]) and the facilities again (from the
    /// [`Config::reload_from`] source) and swaps them in; queries in flight finish on the
    /// old data, and a token removed from the file is refused from then on. A token file
    /// that no longer reads refuses the whole reload. Unless `force`, data that would
    /// empty the service or lose more than [`Config::reload_max_loss`] is refused and the
    /// old data stays live. Answers the number of facilities now served.
    ///
    /// With a store other servers share, they are asked to reload too (see
    /// [`Server::follow_reloads`]).
    pub async fn reload(&self, force: bool) -> Result<usize, ReloadError> {
        let count = reload::reload(&self.shared, force)
            .await
            .map_err(ReloadError::from)?;
        reload::announce(&self.shared).await;
        Ok(count)
    }

    /// Reloads whenever another server sharing the store announces a reload (its
    /// [`Server::reload`], its `POST /v1/admin/reload`): a new directory release or token
    /// file reaches every replica. Spawn the future beside [`serve`]
    /// (`tokio::spawn(server.follow_reloads())`); it holds no strong reference to the
    /// server, and ends once the server is dropped. A reload refused here (the data would
    /// lose too much) leaves the old data live, as anywhere.
    pub fn follow_reloads(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let (shared, notice) = (
            Arc::downgrade(&self.shared),
            Arc::clone(&self.shared.reload_notice),
        );
        async move {
            loop {
                notice.notified().await;
                let Some(shared) = shared.upgrade() else {
                    return;
                };
                let _ = reload::reload(&shared, false).await;
            }
        }
    }

    /// Whether [`Config::admin_token`] was given, so that reload over HTTP is possible.
    pub fn reloads_over_http(&self) -> bool {
        self.shared.token.is_some()
    }

    /// Writes the access log lines not yet written.
    pub fn flush_access_log(&self) {
        if let Some(log) = &self.shared.access_log {
            log.flush();
        }
    }
}

/// Access log lines go out in batches every 100 ms, from a thread that ends with the
/// server.
fn flush_access_log_while_alive(shared: Weak<Shared>) {
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_millis(100));
            let Some(shared) = shared.upgrade() else {
                return;
            };
            if let Some(log) = &shared.access_log {
                log.flush();
            }
        }
    });
}

/// The API's routes on `server`: `carefind_server::router(server)` is
/// [`Server::router`].
pub fn router(server: Server) -> Router {
    let shared = server.shared;
    Router::new()
        .route("/healthz", get(healthz))
        .route("/livez", get(livez))
        .route("/readyz", get(readyz))
        .route("/openapi.json", get(openapi))
        .route("/v1/facilities", get(facilities::list))
        .route("/v1/facilities/search", post(facilities::search))
        .route("/v1/facilities/{id}", get(facilities::one))
        .route("/v1/facilities/{id}/availability", put(updates::put_one))
        .route("/v1/availability", post(updates::post_feed))
        .route("/v1/pathway", get(pathway::route))
        .route("/v1/stats", get(stats::route))
        .route("/v1/admin/reload", post(reload::route))
        .route("/v1/availability/compliance", get(compliance::route))
        .route("/v1/reports", get(reports::route))
        .merge(hsds::routes())
        .merge(page::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                None,
                "this endpoint does not take that method",
            )
        })
        .layer(middleware::map_response(no_store))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(
            Arc::clone(&shared),
            access_log::guard,
        ))
        .with_state(shared)
}

impl Drop for Shared {
    fn drop(&mut self) {
        // Ends a `follow_reloads` waiting on a server that no longer exists.
        self.reload_notice.notify_one();
    }
}

impl Shared {
    /// Prepares `index`'s records, then makes it current. A request that meets the new
    /// index before its records are stored (or the old records with the new index) sees
    /// generations that differ and takes the slow path.
    fn swap(&self, index: Index) -> Arc<Index> {
        let prepared = Arc::new(facilities::Prepared::of(&index));
        let old = self.locator.replace(index);
        self.prepared.store(prepared);
        old
    }

    /// The locator whose availability queries read, when the server has availability: a
    /// store it writes to, or reports a program gave its locator
    /// ([`Locator::replace_availability`]), which need no store.
    /// `path` (already under the mount) as an absolute address, at the public URL's
    /// scheme and host.
    fn public_link(&self, path: &str) -> String {
        let base = self.public_url.trim_end_matches('/');
        let origin = match base.split_once("://") {
            Some((scheme, rest)) => {
                let host = rest.split('/').next().unwrap_or(rest);
                format!("{scheme}://{host}")
            }
            None => base.to_string(),
        };
        format!("{origin}{path}")
    }

    fn availability(&self) -> Option<&Locator> {
        (self.writer.is_some() || !self.locator.availability().is_empty()).then_some(&*self.locator)
    }

    /// Runs `work` on a query worker of `lane`, with the request's budget: the work it may
    /// do, and the deadline by which it gives up, whether still waiting or working.
    async fn compute<T: Send + 'static>(
        &self,
        lane: Lane,
        work: impl FnOnce(Budget) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let deadline = Instant::now() + self.timeout;
        let budget = Budget::new().max_work(self.max_work).deadline(deadline);
        match self.workers.run(lane, deadline, move || work(budget)).await {
            Ok(answer) => answer,
            Err(Refusal::Busy(why)) => Err(ApiError::busy(why)),
            Err(Refusal::Lost) => Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                None,
                "the query did not finish",
            )),
        }
    }
}

/// `Cache-Control: no-store` on every answer that does not say how it may be kept: the
/// API's answers carry places (a search's origin is in its URL, its results say where the
/// person is), which no cache between them and the person should keep. The pages set it
/// themselves; the stylesheet, script and icon may be kept.
async fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(header::HeaderValue::from_static("no-store"));
    response
}

/// A path no route serves: a page for a browser, JSON for everything else.
async fn not_found(
    State(shared): State<Arc<Shared>>,
    mount: mount::Mount,
    headers: HeaderMap,
) -> Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if wants_html {
        return page::not_found(&shared, &mount, &headers);
    }
    ApiError::new(
        StatusCode::NOT_FOUND,
        None,
        &format!("no such endpoint; see {}", mount.link("/openapi.json")),
    )
    .into_response()
}

async fn healthz(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!({"status": "ok", "facilities": shared.locator.index().len()}))
}

/// Liveness, for a load balancer or an orchestrator: the process answers.
async fn livez() -> Json<Value> {
    Json(json!({"alive": true}))
}

/// Readiness: 200 when the replica has data and its table of reports is current with
/// its store; 503, saying how far behind or how long out of touch, when not. A replica
/// that is not ready still answers (from its last table) if asked.
async fn readyz(State(shared): State<Arc<Shared>>) -> Response {
    let (ready, body) = follow::readiness(&shared);
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}
