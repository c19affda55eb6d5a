//! `carefind serve`: the locator as a JSON HTTP API, with hot reload and an access log that
//! never records where anybody searched from.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{DefaultBodyLimit, MatchedPath, Path, RawQuery, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use carefind::analysis::pathway::{self as library_pathway, PathwayQuery, Stage};
use carefind::{
    Area, BBox, Budget, CareLevel, Cursor, Distance, Filter, Hit, Index, Locator, Query,
    QueryError, Set, Term, Unit,
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::args::{ServeArgs, StatsBy};
use crate::connections::{self, Limits};
use crate::failure::Failure;
use crate::find::{Outcome, polygon_of};
use crate::output::{Record, Shown};
use crate::workers::{Lane, Refusal, Workers};
use crate::{dataset, pathway, place, stats};

mod hsds;
mod updates;

/// Limits on what one request may ask for.
const MAX_LIMIT: usize = 1_000;
const MAX_QUERY_BYTES: usize = 8 * 1024;
const MAX_BODY_BYTES: usize = 1024 * 1024;
const MAX_POLYGON_VERTICES: usize = 10_000;
const DEFAULT_LIMIT: usize = 10;
/// Pages longer than this run in the heavy lane.
const QUICK_LIMIT: usize = 100;

/// The OpenAPI 3 description of this API, served at /openapi.json.
pub const OPENAPI: &str = include_str!("openapi-v1.json");

struct Shared {
    locator: Arc<Locator>,
    /// Writes availability updates to the store (`None` without --store).
    writer: Option<updates::Writer>,
    /// Who may send updates (`None` without --tokens: updates are refused).
    tokens: Option<updates::Tokens>,
    /// The file read again on reload; `None` for the embedded sample.
    data: Option<String>,
    /// The admin token from CAREFIND_ADMIN_TOKEN; reload over HTTP is refused without one.
    token: Option<String>,
    /// `None` with --quiet.
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
    prepared: arc_swap::ArcSwap<Prepared>,
    /// Each facility's HSDS objects and ids, for the index they were made from.
    hsds: arc_swap::ArcSwap<hsds::Prepared>,
    /// Where clients reach the server, for the links of `/hsds`.
    hsds_base_url: String,
}

/// The facility part of every record of one index (see `Record::facility_json`), made
/// once per dataset: escaping the same strings on every request was a tenth of the
/// server's time.
struct Prepared {
    /// The index, by address: answers from any other index take the slow path.
    index: usize,
    json: Vec<String>,
}

impl Prepared {
    fn of(index: &Arc<Index>) -> Prepared {
        Prepared {
            index: Arc::as_ptr(index) as usize,
            json: index
                .facilities()
                .iter()
                .map(Record::facility_json)
                .collect(),
        }
    }

    fn for_index(&self, index: &Arc<Index>) -> Option<&Prepared> {
        (self.index == Arc::as_ptr(index) as usize).then_some(self)
    }
}

pub fn run(args: &ServeArgs) -> Result<Outcome, Failure> {
    if !(0.0..=1.0).contains(&args.reload_max_loss) {
        return Err(Failure::flag(
            "--reload-max-loss",
            format!("{} is not a share from 0 to 1", args.reload_max_loss),
        ));
    }
    let index = dataset::load(args.data.as_deref())?;
    index.warm_up();
    let facilities = index.len();
    let locator = Arc::new(Locator::new(index));
    let prepared = arc_swap::ArcSwap::from_pointee(Prepared::of(&locator.index()));
    let tokens = match &args.tokens {
        Some(path) => Some(updates::Tokens::from_path(path).map_err(Failure::usage)?),
        None => None,
    };
    let writer = match &args.store {
        Some(path) => {
            let store = carefind::availability::store::Store::open(path)
                .map_err(|e| Failure::flag("--store", e))?;
            let table = store.load().map_err(|e| Failure::flag("--store", e))?;
            eprintln!(
                "carefind: {} availability reports from {}",
                table.len(),
                path.display()
            );
            locator.replace_availability(table);
            Some(updates::Writer::start(store, Arc::clone(&locator)))
        }
        None if tokens.is_some() => {
            return Err(Failure::usage(
                "--tokens needs --store: updates are kept in the store",
            ));
        }
        None => None,
    };
    let hsds_prepared = arc_swap::ArcSwap::from_pointee(hsds::Prepared::of(&locator.index()));
    let shared = Arc::new(Shared {
        hsds: hsds_prepared,
        hsds_base_url: args
            .hsds_base_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", args.addr)),
        locator,
        writer,
        tokens,
        prepared,
        data: args.data.clone(),
        token: std::env::var("CAREFIND_ADMIN_TOKEN")
            .ok()
            .filter(|t| !t.is_empty()),
        access_log: (!args.quiet).then(AccessLog::default),
        timeout: Duration::from_secs(args.timeout.max(1)),
        workers: Workers::new(args.max_queue)
            .map_err(|e| Failure::usage(format!("cannot start the query workers: {e}")))?,
        max_work: args.max_work,
        reload_max_loss: args.reload_max_loss,
        reloading: tokio::sync::Mutex::new(()),
    });
    let limits = Limits {
        max_connections: args.max_connections.max(1),
        idle_timeout: Duration::from_secs(args.idle_timeout.max(1)),
        shutdown_grace: Duration::from_secs(args.shutdown_grace),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::usage(format!("cannot start the server: {e}")))?;
    let served = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&args.addr)
            .await
            .map_err(|e| Failure::flag("--addr", format!("cannot listen on {}: {e}", args.addr)))?;
        let address: SocketAddr = listener
            .local_addr()
            .map_err(|e| Failure::usage(format!("cannot listen: {e}")))?;
        eprintln!("carefind: serving {facilities} facilities on http://{address}");
        if shared.token.is_none() {
            eprintln!("carefind: POST /v1/admin/reload is refused: CAREFIND_ADMIN_TOKEN is not set (SIGHUP reloads)");
        }
        tokio::spawn(reload_on_hangup(Arc::clone(&shared)));
        let flusher = Arc::clone(&shared);
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(Duration::from_millis(100));
                if let Some(log) = &flusher.access_log {
                    log.flush();
                }
            }
        });
        connections::serve(listener, router(Arc::clone(&shared)), limits, shutdown()).await;
        if let Some(log) = &shared.access_log {
            log.flush();
        }
        eprintln!("carefind: stopped");
        Ok(Outcome::Found)
    });
    // Queries still running stop at their own deadline; none is waited for.
    runtime.shutdown_timeout(Duration::from_millis(100));
    served
}

impl Shared {
    /// The locator whose availability queries read, when the server keeps availability.
    fn availability(&self) -> Option<&Locator> {
        self.writer.is_some().then_some(&*self.locator)
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

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/openapi.json", get(openapi))
        .route("/v1/facilities", get(list))
        .route("/v1/facilities/search", post(search))
        .route("/v1/facilities/{id}", get(one))
        .route(
            "/v1/facilities/{id}/availability",
            axum::routing::put(updates::put_one),
        )
        .route("/v1/availability", post(updates::post_feed))
        .route("/v1/pathway", get(pathway_route))
        .route("/v1/stats", get(stats_route))
        .route("/v1/admin/reload", post(reload_route))
        .merge(hsds::routes())
        .fallback(|| async {
            ApiError::new(
                StatusCode::NOT_FOUND,
                None,
                "no such endpoint; see /openapi.json",
            )
        })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                None,
                "this endpoint does not take that method",
            )
        })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(Arc::clone(&shared), guard))
        .with_state(shared)
}

/// What the access log calls a request's path: the route it matched, such as
/// `/v1/facilities/{id}`, never the path as sent, which may hold a place.
fn logged_path(request: &Request) -> String {
    request.extensions().get::<MatchedPath>().map_or_else(
        || "<unmatched>".to_string(),
        |path| path.as_str().to_string(),
    )
}

/// Times each request out, and logs it: method, path without the query string, status and
/// latency. The query string and bodies hold places, so they are never written.
async fn guard(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = logged_path(&request);
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|length| length.to_str().ok()?.trim().parse::<u64>().ok());
    let response = if declared.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        // Said at once, rather than after waiting for a body that will be refused.
        ApiError::body_too_large().into_response()
    } else {
        // Query work stops itself at the request's deadline; this only catches a request
        // whose body arrives too slowly.
        let backstop = shared.timeout + Duration::from_secs(1);
        match tokio::time::timeout(backstop, next.run(request)).await {
            Ok(response) => response,
            Err(_) => ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                None,
                "the request took too long",
            )
            .into_response(),
        }
    };
    if let Some(log) = &shared.access_log {
        let micros = started.elapsed().as_micros();
        log.record(format_args!(
            "{method} {path} {} {}.{:03}ms",
            response.status().as_u16(),
            micros / 1000,
            micros % 1000
        ));
    }
    response
}

/// Access log lines, written to stderr in batches every 100 ms by a thread of their own:
/// a write per request would put a system call on every request's path.
#[derive(Default)]
struct AccessLog {
    pending: std::sync::Mutex<String>,
}

impl AccessLog {
    fn record(&self, line: std::fmt::Arguments) {
        use std::fmt::Write as _;
        if let Ok(mut pending) = self.pending.lock() {
            let _ = writeln!(pending, "{line}");
        }
    }

    fn flush(&self) {
        use std::io::Write as _;
        let text = match self.pending.lock() {
            Ok(mut pending) if !pending.is_empty() => std::mem::take(&mut *pending),
            _ => return,
        };
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }
}

async fn shutdown() {
    let terminate = async {
        #[cfg(unix)]
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
            return;
        }
        std::future::pending::<()>().await
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {},
        () = terminate => {},
    }
    eprintln!("carefind: stopping after the requests in flight");
}

async fn reload_on_hangup(shared: Arc<Shared>) {
    #[cfg(unix)]
    if let Ok(mut hangup) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) {
        while hangup.recv().await.is_some() {
            match reload(&shared, false).await {
                Ok(count) => eprintln!("carefind: reloaded {count} facilities (SIGHUP)"),
                Err(error) => eprintln!(
                    "carefind: reload failed, still serving the old data: {}",
                    error.message
                ),
            }
        }
    }
}

/// Reads the data file again and swaps it in; queries in flight finish on the old data.
/// Unless `force`, a file that would empty the service or lose more than its share of the
/// facilities is refused and the old data stays live.
async fn reload(shared: &Arc<Shared>, force: bool) -> Result<usize, ApiError> {
    let Some(data) = shared.data.clone() else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            None,
            "started on the embedded sample: there is no file to reload",
        ));
    };
    let _one_at_a_time = shared.reloading.lock().await;
    let index = tokio::task::spawn_blocking(move || -> Result<Index, Failure> {
        let index = dataset::load(Some(&data))?;
        index.warm_up();
        Ok(index)
    })
    .await
    .map_err(|_| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            None,
            "the reload did not finish",
        )
    })?
    .map_err(|failure| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, None, &failure.to_string())
    })?;
    let count = index.len();
    let before = shared.locator.index().len();
    let lost = before.saturating_sub(count);
    let too_many_lost = before > 0 && lost as f64 > shared.reload_max_loss * before as f64;
    if !force && (count == 0 || too_many_lost) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            Some("force"),
            &format!(
                "refused: the file has {count} facilities where {before} are served ({lost} fewer, more than the {}% --reload-max-loss allows); the old data stays live. Fix the file, or reload with force=true",
                shared.reload_max_loss * 100.0
            ),
        ));
    }
    shared.locator.replace(index);
    // Until this is done, answers from the new index take the slow path.
    let current = shared.locator.index();
    let prepared = tokio::task::spawn_blocking(move || Prepared::of(&current))
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                None,
                "the reload did not finish",
            )
        })?;
    shared.prepared.store(Arc::new(prepared));
    Ok(count)
}

/// A 4xx (or 5xx) answer with a JSON body naming the parameter at fault.
#[derive(Debug)]
struct ApiError {
    status: StatusCode,
    parameter: Option<String>,
    message: String,
    /// Seconds after which a retry may succeed (503 answers).
    retry_after: Option<u64>,
    /// More about the error, such as every problem of a feed.
    details: Option<Value>,
}

impl ApiError {
    fn new(status: StatusCode, parameter: Option<&str>, message: &str) -> Self {
        ApiError {
            status,
            parameter: parameter.map(String::from),
            message: message.to_string(),
            retry_after: None,
            details: None,
        }
    }

    /// 413: the body is over the limit.
    fn body_too_large() -> Self {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            Some("body"),
            &format!("the body is larger than {MAX_BODY_BYTES} bytes"),
        )
    }

    /// 503: the server is too busy now; try again in a second.
    fn busy(message: &str) -> Self {
        ApiError {
            retry_after: Some(1),
            ..ApiError::new(StatusCode::SERVICE_UNAVAILABLE, None, message)
        }
    }

    /// A query the library would not answer: too much work (422, naming what to narrow),
    /// past its deadline (503), or malformed (400).
    fn query(error: QueryError, parameter: &str) -> Self {
        match error {
            QueryError::TooMuchWork { .. } => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(parameter),
                &error.to_string(),
            ),
            QueryError::DeadlinePassed => {
                ApiError::busy("the query ran past the request's deadline; try again")
            }
            other => ApiError::bad(parameter, other),
        }
    }

    fn bad(parameter: &str, message: impl std::fmt::Display) -> Self {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            Some(parameter),
            &message.to_string(),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({"error": self.message, "parameter": self.parameter, "status": self.status.as_u16()});
        if let Some(details) = self.details {
            body["problems"] = details;
        }
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
        }
        response
    }
}

async fn healthz(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!({"status": "ok", "facilities": shared.locator.index().len()}))
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

/// What a search asks, from a query string or a JSON body.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    near: Option<String>,
    within: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
    after: Option<String>,
    #[serde(default)]
    care: Words,
    #[serde(default)]
    payment: Words,
    #[serde(default)]
    age: Words,
    #[serde(default)]
    population: Words,
    #[serde(default)]
    language: Words,
    #[serde(default)]
    medication: Words,
    #[serde(default)]
    kind: Words,
    min_precision: Option<String>,
    include_closed: Option<bool>,
    verified_within: Option<String>,
    accepting: Option<bool>,
    open_beds: Option<u32>,
    max_wait: Option<u32>,
    fresh_within: Option<String>,
    bbox: Option<String>,
    /// GeoJSON (bodies only).
    polygon: Option<Value>,
    units: Option<String>,
}

/// A list given as `"a,b"` or `["a", "b"]`.
#[derive(Debug, Default, Deserialize)]
#[serde(untagged)]
enum Words {
    #[default]
    None,
    Text(String),
    List(Vec<String>),
}

impl Words {
    fn joined(&self) -> String {
        match self {
            Words::None => String::new(),
            Words::Text(text) => text.clone(),
            Words::List(words) => words.join(","),
        }
    }

    fn push(&mut self, word: String) {
        *self = match std::mem::take(self) {
            Words::None => Words::Text(word),
            Words::Text(text) => Words::Text(format!("{text},{word}")),
            Words::List(mut words) => {
                words.push(word);
                Words::List(words)
            }
        };
    }
}

/// The pairs of a query string, refusing one that is too long.
fn pairs(raw: Option<&str>) -> Result<Vec<(String, String)>, ApiError> {
    let raw = raw.unwrap_or_default();
    if raw.len() > MAX_QUERY_BYTES {
        return Err(ApiError::new(
            StatusCode::URI_TOO_LONG,
            Some("query"),
            &format!(
                "the query string is {} bytes; at most {MAX_QUERY_BYTES}",
                raw.len()
            ),
        ));
    }
    serde_urlencoded::from_str(raw).map_err(|e| ApiError::bad("query", e))
}

/// Refuses a query string that gives one of `single` (parameters that take one value)
/// twice: which one was meant cannot be known.
fn refuse_repeats(pairs: &[(String, String)], single: &[&str]) -> Result<(), ApiError> {
    for name in single {
        if pairs.iter().filter(|(key, _)| key == name).count() > 1 {
            return Err(ApiError::bad(
                name,
                "given more than once; it takes one value",
            ));
        }
    }
    Ok(())
}

fn boolean(parameter: &str, value: &str) -> Result<bool, ApiError> {
    match value.trim() {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        other => Err(ApiError::bad(
            parameter,
            format!("{other:?} is not true or false"),
        )),
    }
}

fn count(parameter: &str, value: &str) -> Result<u32, ApiError> {
    value.trim().parse().map_err(|_| {
        ApiError::bad(
            parameter,
            format!("{value:?} is not a whole number from 0 to 4294967295"),
        )
    })
}

fn number(parameter: &str, value: &str) -> Result<usize, ApiError> {
    value.trim().parse().map_err(|_| {
        ApiError::bad(
            parameter,
            format!("{value:?} is not a whole number of at least 0"),
        )
    })
}

impl Params {
    fn from_pairs(pairs: &[(String, String)]) -> Result<Params, ApiError> {
        let mut params = Params::default();
        refuse_repeats(
            pairs,
            &[
                "near",
                "within",
                "limit",
                "offset",
                "after",
                "bbox",
                "units",
                "min_precision",
                "include_closed",
                "verified_within",
                "accepting",
                "open_beds",
                "max_wait",
                "fresh_within",
            ],
        )?;
        for (key, value) in pairs {
            let value = value.clone();
            match key.as_str() {
                "near" => params.near = Some(value),
                "within" => params.within = Some(value),
                "limit" => params.limit = Some(number("limit", &value)?),
                "offset" => params.offset = Some(number("offset", &value)?),
                "after" => params.after = Some(value),
                "care" => params.care.push(value),
                "payment" => params.payment.push(value),
                "age" => params.age.push(value),
                "population" => params.population.push(value),
                "language" => params.language.push(value),
                "medication" => params.medication.push(value),
                "kind" => params.kind.push(value),
                "min_precision" => params.min_precision = Some(value),
                "include_closed" => params.include_closed = Some(boolean(key, &value)?),
                "verified_within" => params.verified_within = Some(value),
                "accepting" => params.accepting = Some(boolean(key, &value)?),
                "open_beds" => params.open_beds = Some(count(key, &value)?),
                "max_wait" => params.max_wait = Some(count(key, &value)?),
                "fresh_within" => params.fresh_within = Some(value),
                "bbox" => params.bbox = Some(value),
                "units" => params.units = Some(value),
                "polygon" => {
                    return Err(ApiError::bad(
                        "polygon",
                        "send polygons in the body of POST /v1/facilities/search",
                    ));
                }
                other => return Err(ApiError::bad(other, "unknown parameter; see /openapi.json")),
            }
        }
        Ok(params)
    }

    fn unit(&self) -> Result<Unit, ApiError> {
        unit(self.units.as_deref())
    }

    /// The lane a search runs in: an area to scan or a long page may walk much of the
    /// index; a nearest page or a radius with a short page walks a few tree nodes.
    fn lane(&self) -> Lane {
        let long_page = self.limit.unwrap_or(DEFAULT_LIMIT) > QUICK_LIMIT;
        if self.polygon.is_some() || self.bbox.is_some() || long_page {
            Lane::Heavy
        } else {
            Lane::Quick
        }
    }

    /// The availability shown and filtered by, with the table of `locator` (`None` when
    /// the server keeps no availability).
    fn shown(&self, locator: Option<&Locator>) -> Result<Option<Shown>, ApiError> {
        let fresh_within = match &self.fresh_within {
            None => carefind::availability::Need::FRESH_WITHIN,
            Some(age) => crate::availability::parse_age(age, None)
                .map_err(|e| ApiError::bad("fresh_within", e))?,
        };
        let mut need = carefind::availability::Need::now().fresh_within(fresh_within);
        if self.accepting == Some(true) {
            need = need.accepting();
        }
        if let Some(beds) = self.open_beds {
            need = need.open_beds(beds);
        }
        if let Some(days) = self.max_wait {
            need = need.max_wait_days(days);
        }
        let Some(locator) = locator else {
            if need.asks_anything() {
                let parameter = if self.accepting == Some(true) {
                    "accepting"
                } else if self.open_beds.is_some() {
                    "open_beds"
                } else {
                    "max_wait"
                };
                return Err(ApiError::bad(
                    parameter,
                    "this server keeps no availability (it was started without --store)",
                ));
            }
            return Ok(None);
        };
        Ok(Some(Shown {
            table: locator.availability(),
            care: Set::parse_list(&self.care.joined()).unwrap_or_default(),
            need,
        }))
    }

    fn filter(&self) -> Result<Filter, ApiError> {
        fn set<T: Term>(parameter: &str, words: &Words) -> Result<Set<T>, ApiError> {
            Set::parse_list(&words.joined()).map_err(|e| ApiError::bad(parameter, e))
        }
        let filter = Filter::new()
            .care(set::<CareLevel>("care", &self.care)?)
            .payment(set("payment", &self.payment)?)
            .ages(set("age", &self.age)?)
            .populations(set("population", &self.population)?)
            .languages(set("language", &self.language)?)
            .medications(set("medication", &self.medication)?)
            .kinds(set("kind", &self.kind)?);
        let filter = match &self.min_precision {
            None => filter,
            Some(precision) => filter.min_precision(
                precision
                    .parse()
                    .map_err(|e| ApiError::bad("min_precision", e))?,
            ),
        };
        crate::availability::listing_filter(filter, self.include_closed == Some(true), None)
            .and_then(|filter| match &self.verified_within {
                None => Ok(filter),
                Some(age) => crate::availability::listing_filter(filter, false, Some(age)),
            })
            .map_err(|e| {
                ApiError::bad(
                    "verified_within",
                    e.to_string().trim_start_matches("--verified-within: "),
                )
            })
    }

    /// The library query, and the page size asked for.
    fn query(&self, shown: Option<&Shown>) -> Result<(Query, usize), ApiError> {
        let unit = self.unit()?;
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if limit > MAX_LIMIT {
            return Err(ApiError::bad(
                "limit",
                format!("{limit} is more than {MAX_LIMIT}; page with next"),
            ));
        }
        let mut filter = self.filter()?;
        if let Some(shown) = shown {
            filter = filter.available(shown.table.clone(), shown.need);
        }
        let mut query = Query::default()
            .filter(filter)
            .offset(self.offset.unwrap_or(0));
        query.limit = Some(limit);
        if let Some(near) = &self.near {
            query.origin = Some(place::resolve(near).map_err(|e| ApiError::bad("near", e))?);
        }
        if let Some(within) = &self.within {
            let distance =
                Distance::parse(within, Some(unit)).map_err(|e| ApiError::bad("within", e))?;
            query = query.max_distance(distance);
        }
        if let Some(bbox) = &self.bbox {
            query.area = Area::Box(bbox.parse::<BBox>().map_err(|e| ApiError::bad("bbox", e))?);
        }
        if let Some(polygon) = &self.polygon {
            if self.bbox.is_some() {
                return Err(ApiError::bad("polygon", "give bbox or polygon, not both"));
            }
            let polygon =
                polygon_of(&polygon.to_string()).map_err(|e| ApiError::bad("polygon", e))?;
            let vertices = geo::CoordsIter::coords_count(&polygon);
            if vertices > MAX_POLYGON_VERTICES {
                return Err(ApiError::bad(
                    "polygon",
                    format!("{vertices} vertices; at most {MAX_POLYGON_VERTICES}"),
                ));
            }
            query.area = Area::Polygon(polygon);
        }
        if let Some(after) = &self.after {
            query = query.after(
                after
                    .parse::<Cursor>()
                    .map_err(|e| ApiError::bad("after", e))?,
            );
        }
        if query.origin.is_none() && matches!(query.area, Area::Everywhere) {
            return Err(ApiError::bad(
                "near",
                "give near (a place), bbox or polygon",
            ));
        }
        Ok((query, limit))
    }
}

/// The `units` parameter, parsed as `Distance` parses units (mi by default).
fn unit(units: Option<&str>) -> Result<Unit, ApiError> {
    units
        .map_or(Ok(Unit::Miles), str::parse)
        .map_err(|e| ApiError::bad("units", e))
}

/// A page of results as JSON, written into one buffer that becomes the response body.
struct Page {
    /// `{"total":…,"count":…,"results":[…]`, to be closed by `into_response`.
    body: Vec<u8>,
    next_cursor: Option<String>,
    next: Option<String>,
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        let mut body = self.body;
        body.extend_from_slice(b",\"next_cursor\":");
        let _ = serde_json::to_writer(&mut body, &self.next_cursor);
        body.extend_from_slice(b",\"next\":");
        let _ = serde_json::to_writer(&mut body, &self.next);
        body.push(b'}');
        ([(header::CONTENT_TYPE, "application/json")], body).into_response()
    }
}

/// The page of results, with the total and the cursor of the next page.
fn answer(
    index: &Arc<Index>,
    prepared: Option<&Prepared>,
    params: &Params,
    shown: Option<&Shown>,
    budget: Budget,
) -> Result<Page, ApiError> {
    let (query, limit) = params.query(shown)?;
    let query = query.budget(budget);
    let unit = params.unit()?;
    // What to narrow when a query needs too much work.
    let area = if params.polygon.is_some() {
        "polygon"
    } else {
        "query"
    };
    let refused = |error: QueryError| match error {
        QueryError::InvalidCursor(_) => ApiError::bad("after", error),
        other => ApiError::query(other, area),
    };
    let mut total_query = query.clone();
    (total_query.limit, total_query.offset, total_query.after) = (None, 0, None);
    let total = index.count(&total_query).map_err(refused)?;
    // One more than the page tells whether there is a next one.
    let mut page_query = query;
    page_query.limit = Some(limit + 1);
    let mut hits: Vec<Hit> = index.search(&page_query).map_err(refused)?;
    let more = hits.len() > limit;
    hits.truncate(limit);
    let next_cursor = more
        .then(|| hits.last().map(|hit| hit.cursor().to_string()))
        .flatten();
    let first_rank = page_query.offset.saturating_add(1);
    let mut body = Vec::with_capacity(1024 * hits.len() + 256);
    let head = format!("{{\"total\":{total},\"count\":{},\"results\":[", hits.len());
    body.extend_from_slice(head.as_bytes());
    for (i, hit) in hits.iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        let report = shown.and_then(|shown| shown.of(hit.facility));
        match (prepared, index.position_of(hit.facility)) {
            (Some(prepared), Some(position)) => {
                let json = &prepared.json[position];
                let rank = first_rank.saturating_add(i);
                Record::write_prepared(&mut body, rank, json, hit, unit, report);
            }
            _ => {
                let record = Record::new(None, first_rank.saturating_add(i), hit, unit, report);
                let _ = serde_json::to_writer(&mut body, &record);
            }
        }
    }
    body.push(b']');
    Ok(Page {
        body,
        next_cursor,
        next: None,
    })
}

async fn list(
    State(shared): State<Arc<Shared>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let pairs = pairs(raw.as_deref())?;
    let params = Params::from_pairs(&pairs)?;
    let shown = params.shown(shared.availability())?;
    let index = shared.locator.index();
    let prepared = shared.prepared.load_full();
    let lane = params.lane();
    let mut page = shared
        .compute(lane, move |budget| {
            let prepared = prepared.for_index(&index);
            answer(&index, prepared, &params, shown.as_ref(), budget)
        })
        .await?;
    if let Some(cursor) = &page.next_cursor {
        let mut kept: Vec<(String, String)> = pairs
            .into_iter()
            .filter(|(k, _)| k != "after" && k != "offset")
            .collect();
        kept.push(("after".into(), cursor.clone()));
        let query = serde_urlencoded::to_string(&kept).unwrap_or_default();
        page.next = Some(format!("/v1/facilities?{query}"));
    }
    Ok(page.into_response())
}

async fn search(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::body_too_large(),
        status => ApiError::new(status, Some("body"), &rejection.body_text()),
    })?;
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(is_json_media_type);
    if !is_json {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Some("body"),
            "send the search as application/json",
        ));
    }
    let params: Params = serde_json::from_slice(&body).map_err(|e| {
        let parameter = e.to_string().split('`').nth(1).map(String::from);
        ApiError::new(
            StatusCode::BAD_REQUEST,
            Some(parameter.as_deref().unwrap_or("body")),
            &format!("body: {e}"),
        )
    })?;
    let shown = params.shown(shared.availability())?;
    let index = shared.locator.index();
    let prepared = shared.prepared.load_full();
    let lane = params.lane();
    let page = shared
        .compute(lane, move |budget| {
            let prepared = prepared.for_index(&index);
            answer(&index, prepared, &params, shown.as_ref(), budget)
        })
        .await?;
    Ok(page.into_response())
}

/// Whether a Content-Type names JSON: `application/json` or a `+json` type, with any
/// parameters (`application/jsonx` is not JSON).
fn is_json_media_type(value: &str) -> bool {
    let essence = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || essence
            .strip_prefix("application/")
            .is_some_and(|subtype| subtype.ends_with("+json"))
}

async fn one(
    State(shared): State<Arc<Shared>>,
    id: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let Path(id) = id.map_err(|rejection| ApiError::bad("id", rejection.body_text()))?;
    let pairs = pairs(raw.as_deref())?;
    refuse_repeats(&pairs, &["units"])?;
    let mut units = None;
    for (key, value) in &pairs {
        match key.as_str() {
            "units" => units = Some(value.as_str()),
            other => {
                return Err(ApiError::bad(
                    other,
                    "unknown parameter; this endpoint takes units",
                ));
            }
        }
    }
    let unit = unit(units)?;
    let index = shared.locator.index();
    let facility = index.get(&id).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            Some("id"),
            &format!("no facility has id {id:?}"),
        )
    })?;
    let hit = Hit {
        facility,
        distance_m: None,
        origin: None,
    };
    let shown = Params::default().shown(shared.availability())?;
    let report = shown.as_ref().and_then(|shown| shown.of(facility));
    Ok(json_body(&Record::new(None, 1, &hit, unit, report)))
}

async fn pathway_route(
    State(shared): State<Arc<Shared>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let pairs = pairs(raw.as_deref())?;
    refuse_repeats(
        &pairs,
        &[
            "near",
            "from",
            "within",
            "pair_within",
            "units",
            "limit",
            "pairs",
        ],
    )?;
    let mut filters: Vec<(String, String)> = Vec::new();
    let (mut near, mut from, mut within, mut pair_within, mut units) =
        (None, None, None, None, None);
    let (mut limit, mut pairs_wanted) = (3, 5);
    for (key, value) in &pairs {
        match key.as_str() {
            "near" => near = Some(value.clone()),
            "from" => from = Some(value.clone()),
            "within" => within = Some(value.clone()),
            "pair_within" => pair_within = Some(value.clone()),
            "units" => units = Some(value.clone()),
            "limit" => limit = number("limit", value)?,
            "pairs" => pairs_wanted = number("pairs", value)?,
            "payment" | "age" | "population" | "language" | "medication" | "kind"
            | "min_precision" | "include_closed" | "verified_within" | "accepting"
            | "open_beds" | "max_wait" | "fresh_within" => {
                filters.push((key.clone(), value.clone()))
            }
            other => return Err(ApiError::bad(other, "unknown parameter; see /openapi.json")),
        }
    }
    if limit > MAX_LIMIT || pairs_wanted > MAX_LIMIT {
        let parameter = if limit > MAX_LIMIT { "limit" } else { "pairs" };
        return Err(ApiError::bad(parameter, format!("at most {MAX_LIMIT}")));
    }
    let unit = unit(units.as_deref())?;
    let near = near.ok_or_else(|| ApiError::bad("near", "give near, a place"))?;
    let origin = place::resolve(&near).map_err(|e| ApiError::bad("near", e))?;
    let params = Params::from_pairs(&filters)?;
    let shown = params.shown(shared.availability())?;
    let mut filter = params.filter()?;
    if let Some(shown) = &shown {
        filter = filter.available(shown.table.clone(), shown.need);
    }
    let mut query = PathwayQuery::new(origin)
        .filter(filter)
        .per_step(limit)
        .pairs(pairs_wanted);
    if let Some(from) = from {
        let stage: Stage = from.parse().map_err(|e| ApiError::bad("from", e))?;
        query = query.from(stage);
    }
    if let Some(within) = within {
        query = query
            .within(Distance::parse(&within, Some(unit)).map_err(|e| ApiError::bad("within", e))?);
    }
    if let Some(pair_within) = pair_within {
        query = query.pair_within(
            Distance::parse(&pair_within, Some(unit))
                .map_err(|e| ApiError::bad("pair_within", e))?,
        );
    }
    let index = shared.locator.index();
    shared
        .compute(Lane::Quick, move |_| {
            let path = library_pathway::pathway(&index, &query)
                .map_err(|e| ApiError::query(e, "query"))?;
            Ok(json_body(&pathway::document(
                &path,
                &query,
                unit,
                shown.as_ref(),
            )))
        })
        .await
}

/// A JSON response serialized straight from `value` (answers that borrow the index cannot
/// outlive the handler as `Json<T>`, and a `serde_json::Value` is a copy for nothing).
fn json_body(value: &impl serde::Serialize) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => ([(header::CONTENT_TYPE, "application/json")], bytes).into_response(),
        Err(_) => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            None,
            "the answer did not serialize",
        )
        .into_response(),
    }
}

async fn stats_route(
    State(shared): State<Arc<Shared>>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let mut by = StatsBy::Care;
    for (key, value) in pairs(raw.as_deref())? {
        match key.as_str() {
            "by" => {
                by = clap::ValueEnum::from_str(&value, true)
                    .map_err(|_| ApiError::bad("by", format!("{value:?}: use care, state, payment, language, age, population, medication, kind, mh-type or precision")))?;
            }
            other => {
                return Err(ApiError::bad(
                    other,
                    "unknown parameter; this endpoint takes by",
                ));
            }
        }
    }
    let index = shared.locator.index();
    shared
        .compute(Lane::Heavy, move |_| {
            let counts = stats::count(index.facilities(), by);
            Ok(Json(json!({"facilities": index.len(), "counts": counts})))
        })
        .await
}

async fn reload_route(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let Some(token) = &shared.token else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            Some("authorization"),
            "reload over HTTP is off: the server has no CAREFIND_ADMIN_TOKEN",
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if !given.is_some_and(|given| constant_time_eq(given.as_bytes(), token.as_bytes())) {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            Some("authorization"),
            "give Authorization: Bearer <CAREFIND_ADMIN_TOKEN>",
        ));
    }
    let force = pairs(raw.as_deref())?
        .iter()
        .any(|(key, value)| key == "force" && value == "true");
    let count = reload(&shared, force).await?;
    Ok(Json(json!({"reloaded": true, "facilities": count})))
}

/// Compares secrets in time that does not depend on where they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
