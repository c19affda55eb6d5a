//! The deadline of each request, and the access log: method, route, status and latency,
//! never the path as sent, its query string or its body, which hold places.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::{MAX_BODY_BYTES, Shared};

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
pub(crate) async fn guard(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
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
pub(crate) struct AccessLog {
    pending: std::sync::Mutex<String>,
}

impl AccessLog {
    pub(crate) fn record(&self, line: std::fmt::Arguments) {
        use std::fmt::Write as _;
        if let Ok(mut pending) = self.pending.lock() {
            let _ = writeln!(pending, "{line}");
        }
    }

    pub(crate) fn flush(&self) {
        use std::io::Write as _;
        let text = match self.pending.lock() {
            Ok(mut pending) if !pending.is_empty() => std::mem::take(&mut *pending),
            _ => return,
        };
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }
}
