//! Swapping in new data: from `POST /v1/admin/reload` (with the admin token) or
//! [`Server::reload`](crate::Server::reload).

use std::sync::Arc;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use carefind::Index;
use serde_json::{Value, json};

use crate::Shared;
use crate::error::ApiError;
use crate::params::pairs;

/// Why a reload was refused or failed; the old data stays live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReloadError {
    message: String,
    refused: bool,
}

impl ReloadError {
    /// Whether the new data was refused (it would lose too many facilities, or there is
    /// nothing to reload) rather than unreadable.
    pub fn refused(&self) -> bool {
        self.refused
    }
}

impl From<ApiError> for ReloadError {
    fn from(error: ApiError) -> Self {
        ReloadError {
            refused: error.status == StatusCode::CONFLICT,
            message: error.message,
        }
    }
}

impl std::fmt::Display for ReloadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ReloadError {}

/// Reads the source again and swaps it in; queries in flight finish on the old data.
/// Unless `force`, data that would empty the service or lose more than its share of the
/// facilities is refused and the old data stays live.
pub(crate) async fn reload(shared: &Arc<Shared>, force: bool) -> Result<usize, ApiError> {
    // The token file first: a revoked token stops working with the reload, and a file
    // that no longer reads stops the reload before anything is swapped.
    let tokens = match shared.tokens.as_ref().map(|tokens| tokens.load().reread()) {
        Some(Some(Err(message))) => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                &format!("the tokens were not reloaded, nor the data: {message}"),
            ));
        }
        Some(Some(Ok(tokens))) => Some(tokens),
        _ => None,
    };
    let Some(source) = shared.source.clone() else {
        if let (Some(tokens), Some(current)) = (tokens, &shared.tokens) {
            current.store(Arc::new(tokens));
            return Ok(shared.locator.index().len());
        }
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            None,
            "started on the embedded sample: there is no file to reload",
        ));
    };
    let _one_at_a_time = shared.reloading.lock().await;
    let index = tokio::task::spawn_blocking(move || -> Result<Index, String> {
        let index = source()?;
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
    .map_err(|message| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, None, &message))?;
    let count = index.len();
    let before = shared.locator.index().len();
    if let (Some(tokens), Some(current)) = (tokens, &shared.tokens) {
        current.store(Arc::new(tokens));
    }
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
    let swapping = Arc::clone(shared);
    tokio::task::spawn_blocking(move || swapping.swap(index))
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                None,
                "the reload did not finish",
            )
        })?;
    Ok(count)
}

pub(crate) async fn route(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    require_admin(&shared, &headers, "reload")?;
    let force = pairs(raw.as_deref())?
        .iter()
        .any(|(key, value)| key == "force" && value == "true");
    let count = reload(&shared, force).await?;
    announce(&shared).await;
    Ok(Json(json!({"reloaded": true, "facilities": count})))
}

/// Asks the other servers sharing the store to reload too. The reload here stands
/// whether or not they can be told (a store they cannot reach now).
pub(crate) async fn announce(shared: &Shared) {
    let (Some(writer), Some(follow)) = (&shared.writer, &shared.follow) else {
        return;
    };
    let by = follow.replica.clone();
    let _ = writer.run(move |store| store.announce_reload(&by)).await;
}

/// Refuses a request without the admin token: 403 when the server has none (`what`
/// over HTTP is off), 401 when it is not given.
pub(crate) fn require_admin(
    shared: &Shared,
    headers: &HeaderMap,
    what: &str,
) -> Result<(), ApiError> {
    let Some(token) = &shared.token else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            Some("authorization"),
            &format!("{what} over HTTP is off: the server has no CAREFIND_ADMIN_TOKEN"),
        ));
    };
    let given = crate::updates::bearer(headers);
    if !given.is_some_and(|given| constant_time_eq(given.as_bytes(), token.as_bytes())) {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            Some("authorization"),
            "give Authorization: Bearer <CAREFIND_ADMIN_TOKEN>",
        ));
    }
    Ok(())
}

/// Compares secrets in time that does not depend on where they differ.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
