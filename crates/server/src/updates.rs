//! Availability updates over HTTP: who may send them (tokens scoped to facilities), and
//! the one thread that writes them to the store, committing before anyone is answered.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use carefind::Locator;
use carefind::availability::feed::{self, Check, FeedError, FeedFormat};
use carefind::availability::store::{Store, StoreError, StoreErrorKind};
use carefind::availability::{Update, check_label};
use jiff::Timestamp;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::Shared;
use crate::error::{ApiError, json_body};
use crate::follow::Follow;
use crate::media::{is_json, media_type};
use crate::reload::constant_time_eq;
use crate::workers::Lane;

/// Jobs a commit takes at most: the updates of this many requests share one transaction
/// (and one flush to disk) when they arrive together.
const MAX_JOBS_PER_COMMIT: usize = 256;

/// Who may send updates: each token's SHA-256 and the facilities it may update, and the
/// file they were read from, which a reload reads again (a revoked token stops working
/// with the reload).
pub struct Tokens {
    entries: Vec<([u8; 32], Arc<Grant>)>,
    path: Option<PathBuf>,
}

/// What a token may do, and the label its updates are kept with.
pub(crate) struct Grant {
    scope: Scope,
    pub(crate) label: Option<String>,
}

enum Scope {
    Every,
    Only(HashSet<String>),
}

impl Tokens {
    /// Reads `token_sha256,facilities[,label]` rows: the hex SHA-256 of a token, `*` or
    /// `;`-separated facility ids, and optionally who the token is (a role or a system,
    /// kept with every update it sends; see [`check_label`]). A row that could only be a
    /// mistake is refused with its line: no id in the list (`;;`), `*` among ids, a token
    /// repeated, a label that could name a person.
    pub fn from_path(path: &Path) -> Result<Tokens, String> {
        let name = path.display();
        // Flexible: a row may leave the optional label off.
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_path(path)
            .map_err(|e| format!("{name}: {e}"))?;
        let header = reader
            .headers()
            .map_err(|e| format!("{name}: {e}"))?
            .clone();
        let column = |wanted: &str| {
            header
                .iter()
                .position(|name| name.trim() == wanted)
                .ok_or_else(|| {
                    format!("{name}: the header has no {wanted} column (token_sha256,facilities)")
                })
        };
        let (hash_at, scope_at) = (column("token_sha256")?, column("facilities")?);
        let label_at = header.iter().position(|name| name.trim() == "label");
        let mut entries = Vec::new();
        let mut lines: HashMap<[u8; 32], u64> = HashMap::new();
        for record in reader.records() {
            let record = record.map_err(|e| format!("{name}: {e}"))?;
            let line = record.position().map_or(0, |p| p.line());
            let hash = record.get(hash_at).unwrap_or_default().trim();
            let hash = parse_hex(hash).ok_or_else(|| {
                format!("{name}: line {line}: token_sha256 is not 64 hexadecimal digits")
            })?;
            if let Some(first) = lines.insert(hash, line) {
                return Err(format!(
                    "{name}: line {line}: the same token as line {first} (give each token one row)"
                ));
            }
            let scope = match record.get(scope_at).unwrap_or_default().trim() {
                "*" => Scope::Every,
                ids => {
                    let ids: HashSet<String> = ids
                        .split(';')
                        .map(|id| id.trim().to_string())
                        .filter(|id| !id.is_empty())
                        .collect();
                    if ids.is_empty() {
                        return Err(format!(
                            "{name}: line {line}: facilities names no id (give * or ids separated by ;)"
                        ));
                    }
                    if ids.contains("*") {
                        return Err(format!(
                            "{name}: line {line}: * stands alone, for every facility; it cannot be one id of a list"
                        ));
                    }
                    Scope::Only(ids)
                }
            };
            let label = label_at
                .and_then(|at| record.get(at))
                .map(str::trim)
                .filter(|label| !label.is_empty());
            if let Some(label) = label {
                check_label(label)
                    .map_err(|problem| format!("{name}: line {line}: label {label:?} {problem}"))?;
            }
            entries.push((
                hash,
                Arc::new(Grant {
                    scope,
                    label: label.map(str::to_string),
                }),
            ));
        }
        Ok(Tokens {
            entries,
            path: Some(path.to_path_buf()),
        })
    }

    /// The file these tokens were read from, read again: what a reload swaps in.
    pub(crate) fn reread(&self) -> Option<Result<Tokens, String>> {
        self.path.as_deref().map(Tokens::from_path)
    }

    /// The hash of `token` and what it may do, if it is one of these tokens (compared by
    /// hash in constant time).
    pub(crate) fn of_token(&self, token: &str) -> Option<([u8; 32], Arc<Grant>)> {
        let hash: [u8; 32] = Sha256::digest(token.trim().as_bytes()).into();
        self.of_hash(&hash).map(|grant| (hash, grant))
    }

    /// What the token hashed to `hash` may do, if it is still one of these tokens: a
    /// staff session's token, looked up on each request.
    pub(crate) fn of_hash(&self, hash: &[u8; 32]) -> Option<Arc<Grant>> {
        // Every entry is compared, so the time taken does not say which one matched.
        let mut found = None;
        for (entry, grant) in &self.entries {
            if constant_time_eq(entry, hash) && found.is_none() {
                found = Some(grant);
            }
        }
        found.cloned()
    }

    /// What the bearer token in `headers` may do, compared by hash in constant time;
    /// 401 when there is none or it is unknown.
    fn scope(&self, headers: &HeaderMap) -> Result<Arc<Grant>, ApiError> {
        let unauthorized = || {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                Some("authorization"),
                "give Authorization: Bearer <token> with a token the server knows",
            )
        };
        let given = bearer(headers).ok_or_else(unauthorized)?;
        let hash: [u8; 32] = Sha256::digest(given.as_bytes()).into();
        self.of_hash(&hash).ok_or_else(unauthorized)
    }
}

/// The token of an `Authorization: Bearer <token>` header. The scheme is matched in any
/// case (`bearer`, `BEARER`), as RFC 7235 has it, and the token trimmed.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim_start().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

impl Grant {
    pub(crate) fn allows(&self, id: &str) -> bool {
        match &self.scope {
            Scope::Every => true,
            Scope::Only(ids) => ids.contains(id),
        }
    }

    /// The facilities the token may update, sorted; `None` when it may update every one.
    pub(crate) fn facilities(&self) -> Option<Vec<&str>> {
        match &self.scope {
            Scope::Every => None,
            Scope::Only(ids) => {
                let mut ids: Vec<&str> = ids.iter().map(String::as_str).collect();
                ids.sort_unstable();
                Some(ids)
            }
        }
    }
}

fn parse_hex(text: &str) -> Option<[u8; 32]> {
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    let mut bytes = [0u8; 32];
    for (i, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(bytes)
}

/// One request's updates, waiting for their commit.
struct Sent {
    updates: Vec<Update>,
    /// The sending token's label.
    label: Option<String>,
    reply: tokio::sync::oneshot::Sender<Result<Vec<bool>, Arc<StoreError>>>,
}

/// What the writer thread is asked to do: commit updates (several requests' in one
/// transaction), or anything else that writes to the store (a problem report), alone.
enum Job {
    Updates(Sent),
    Other(Box<dyn FnOnce(&mut Store) + Send>),
}

/// The writer: one thread owns the store; requests hand it their updates and wait until
/// the transaction holding them is committed.
pub struct Writer {
    jobs: mpsc::SyncSender<Job>,
    /// A connection of its own for long reads (a compliance report), which should
    /// neither wait behind the writes nor hold them up.
    reader: Arc<Mutex<Store>>,
}

/// Commits `batch` in one transaction, brings `locator`'s table up to date with the store
/// (this commit, and any other writer's before it), then answers each request.
fn commit(store: &mut Store, locator: &Locator, follow: &Follow, batch: Vec<Sent>) {
    let sent = batch.iter().flat_map(|job| {
        job.updates
            .iter()
            .map(|update| (update, job.label.as_deref()))
    });
    match store.commit_from(sent, Timestamp::now()) {
        Ok(committed) => {
            // Committed: a table that cannot be brought up to date now is by the
            // follower once the store can be read again, and the update stands.
            let own = batch.iter().flat_map(|job| job.updates.iter().cloned());
            let _ = follow.publish_own(store, locator, committed.first_change, own);
            let mut outcomes = committed.outcomes.into_iter();
            for job in batch {
                let mine = outcomes.by_ref().take(job.updates.len()).collect();
                let _ = job.reply.send(Ok(mine));
            }
        }
        Err(error) => {
            let error = Arc::new(error);
            for job in batch {
                let _ = job.reply.send(Err(Arc::clone(&error)));
            }
        }
    }
}

impl Writer {
    /// Starts the writer thread over `store`, bringing `locator`'s availability up to
    /// date after each commit; `reader` is another connection to the store, for long reads.
    pub(crate) fn start(
        mut store: Store,
        reader: Store,
        locator: Arc<Locator>,
        follow: Arc<Follow>,
    ) -> Writer {
        let (jobs, queue) = mpsc::sync_channel::<Job>(4096);
        std::thread::Builder::new()
            .name("availability-writer".into())
            .spawn(move || {
                while let Ok(first) = queue.recv() {
                    let mut batch = match first {
                        Job::Updates(sent) => vec![sent],
                        Job::Other(work) => {
                            work(&mut store);
                            continue;
                        }
                    };
                    let mut after = None;
                    while batch.len() < MAX_JOBS_PER_COMMIT {
                        match queue.try_recv() {
                            Ok(Job::Updates(sent)) => batch.push(sent),
                            // In the order they came: the batch is committed first.
                            Ok(Job::Other(work)) => {
                                after = Some(work);
                                break;
                            }
                            Err(_) => break,
                        }
                    }
                    commit(&mut store, &locator, &follow, batch);
                    if let Some(work) = after {
                        work(&mut store);
                    }
                }
            })
            .expect("a thread starts");
        Writer {
            jobs,
            reader: Arc::new(Mutex::new(reader)),
        }
    }

    /// The connection for long reads (a compliance report): SQLite's WAL and
    /// PostgreSQL's snapshots let it read while the writer goes on.
    pub(crate) fn reader(&self) -> Arc<Mutex<Store>> {
        Arc::clone(&self.reader)
    }

    /// Commits `updates`, sent by the token labelled `label`, and says of each whether
    /// it became current.
    pub(crate) async fn commit(
        &self,
        updates: Vec<Update>,
        label: Option<String>,
    ) -> Result<Vec<bool>, ApiError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.jobs
            .try_send(Job::Updates(Sent {
                updates,
                label,
                reply,
            }))
            .map_err(|_| ApiError::busy("too many updates are waiting to be written; try again"))?;
        match answer.await {
            Ok(Ok(outcomes)) => Ok(outcomes),
            Ok(Err(error)) => Err(not_stored(&error)),
            Err(_) => Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                None,
                "the update was not stored",
            )),
        }
    }
}

impl Writer {
    /// Runs `work` on the writer thread, in turn with the updates, and answers what it
    /// returned: a write that is on disk when this returns `Ok`.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job = Job::Other(Box::new(move |store: &mut Store| {
            let _ = reply.send(work(store));
        }));
        self.jobs
            .try_send(job)
            .map_err(|_| ApiError::busy("too many writes are waiting; try again"))?;
        match answer.await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(not_stored(&error)),
            Err(_) => Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                None,
                "the write was not made",
            )),
        }
    }
}

/// 503 for a write the store could not make, saying why and when to try again: the
/// store's trouble (a full disk, a file turned read-only, another writer) is the
/// server's, not the request's, and passes.
fn not_stored(error: &StoreError) -> ApiError {
    let retry_after = match error.kind() {
        StoreErrorKind::Locked | StoreErrorKind::Unreachable => 5,
        StoreErrorKind::DiskFull | StoreErrorKind::ReadOnly => 60,
        _ => 30,
    };
    ApiError {
        retry_after: Some(retry_after),
        ..ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            None,
            &format!(
                "the update was not stored: {}",
                carefind::error::chain(error)
            ),
        )
    }
}

/// The writer and the tokens of the moment, or why updates are refused.
pub(crate) fn updates_on(shared: &Shared) -> Result<(&Writer, Arc<Tokens>), ApiError> {
    let Some(writer) = &shared.writer else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            None,
            "this server keeps no availability store to write to (carefind serve --store FILE; Config::store)",
        ));
    };
    let Some(tokens) = &shared.tokens else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            Some("authorization"),
            "updates over HTTP are off: start the server with --tokens FILE",
        ));
    };
    Ok((writer, tokens.load_full()))
}

fn body_of(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::body_too_large(),
        status => ApiError::new(status, Some("body"), &rejection.body_text()),
    })
}

/// Rows with problems as a 422 naming the first field, listing every problem.
fn unprocessable(feed: &feed::Feed) -> ApiError {
    let first = &feed.problems[0];
    let mut error = ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        Some(first.field),
        &format!("{} bad rows; nothing was applied: {first}", feed.rejected()),
    );
    error.details = Some(json!(
        feed.problems
            .iter()
            .map(|p| json!({"place": p.place.to_string(), "field": p.field, "value": p.value, "problem": p.problem}))
            .collect::<Vec<_>>()
    ));
    error
}

/// `PUT /v1/facilities/{id}/availability`: one update, as a JSON object.
pub async fn put_one(
    State(shared): State<Arc<Shared>>,
    id: Result<UrlPath<String>, PathRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let UrlPath(id) = id.map_err(|rejection| ApiError::bad("id", rejection.body_text()))?;
    let (writer, tokens) = updates_on(&shared)?;
    let scope = tokens.scope(&headers)?;
    if !scope.allows(&id) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            Some("id"),
            &format!("this token may not update facility {id:?}"),
        ));
    }
    let body = body_of(body)?;
    if !media_type(&headers)?.is_none_or(|essence| is_json(&essence)) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Some("body"),
            "send the update as application/json",
        ));
    }
    let mut object: serde_json::Map<String, serde_json::Value> = match serde_json::from_slice(&body)
    {
        Ok(serde_json::Value::Object(object)) => object,
        Ok(_) => return Err(ApiError::bad("body", "an update is one JSON object")),
        Err(e) => return Err(ApiError::bad("body", format!("not JSON: {e}"))),
    };
    match object.get("id") {
        None => {
            object.insert("id".into(), id.clone().into());
        }
        Some(given) if given.as_str() == Some(id.as_str()) => {}
        Some(_) => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("id"),
                "the body's id differs from the one in the path",
            ));
        }
    }
    let index = shared.locator.index();
    if index.get(&id).is_none() {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            Some("id"),
            &format!("no facility has id {id:?}"),
        ));
    }
    let bytes = serde_json::to_vec(&object).expect("a map serializes");
    let feed = feed::read(&bytes, FeedFormat::Json, &Check::at(Timestamp::now()))
        .map_err(|e| ApiError::bad("body", e))?;
    if !feed.problems.is_empty() {
        return Err(unprocessable(&feed));
    }
    let update = feed.updates.into_iter().next().expect("one good row");
    let updated_at = update.updated_at;
    let applied = writer.commit(vec![update], scope.label.clone()).await?;
    Ok(json_body(&json!({
        "id": id,
        "applied": applied.first().copied().unwrap_or(false),
        "stale": !applied.first().copied().unwrap_or(false),
        "updated_at": updated_at.to_string(),
    })))
}

/// `POST /v1/availability`: a feed (JSON array, NDJSON or CSV), all or nothing.
pub async fn post_feed(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let (writer, tokens) = updates_on(&shared)?;
    let scope = tokens.scope(&headers)?;
    let body = body_of(body)?;
    let essence = media_type(&headers)?;
    let format = match essence.as_deref() {
        Some("text/csv") => FeedFormat::Csv,
        Some("application/x-ndjson" | "application/ndjson" | "application/jsonl") => {
            FeedFormat::Ndjson
        }
        Some(value) if is_json(value) => FeedFormat::Json,
        None => FeedFormat::sniff(&body),
        Some(_) => {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                Some("body"),
                "send a feed as application/json, application/x-ndjson or text/csv",
            ));
        }
    };
    // Read off the async threads (a feed may be large), the token's scope checked row
    // by row: the read stops at the first row outside it.
    let index = shared.locator.index();
    let label = scope.label.clone();
    let feed = shared
        .compute(Lane::Heavy, move |_| {
            let known = |id: &str| index.get(id).is_some();
            let allowed = |id: &str| scope.allows(id);
            let check = Check::at(Timestamp::now())
                .known_ids(&known)
                .allowed_ids(&allowed);
            feed::read(&body, format, &check).map_err(|error| match error {
                FeedError::NotAllowed { id, .. } => ApiError::new(
                    StatusCode::FORBIDDEN,
                    Some("id"),
                    &format!("this token may not update facility {id:?}; nothing was applied"),
                ),
                other => ApiError::bad("body", other),
            })
        })
        .await?;
    if !feed.problems.is_empty() {
        return Err(unprocessable(&feed));
    }
    let read = feed.read;
    let outcomes = writer.commit(feed.updates, label).await?;
    let applied = outcomes.iter().filter(|applied| **applied).count();
    Ok(json_body(&json!({
        "read": read,
        "applied": applied,
        "stale": outcomes.len() - applied,
        "rejected": 0,
    })))
}
