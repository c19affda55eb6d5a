//! Errors as the API answers them: a status and a JSON body naming the parameter at fault.

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use carefind::QueryError;
use serde_json::{Value, json};

use crate::MAX_BODY_BYTES;

/// A 4xx (or 5xx) answer with a JSON body naming the parameter at fault.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) parameter: Option<String>,
    pub(crate) message: String,
    /// Seconds after which a retry may succeed (503 answers).
    pub(crate) retry_after: Option<u64>,
    /// More about the error, such as every problem of a feed.
    pub(crate) details: Option<Value>,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, parameter: Option<&str>, message: &str) -> Self {
        ApiError {
            status,
            parameter: parameter.map(String::from),
            message: message.to_string(),
            retry_after: None,
            details: None,
        }
    }

    /// 413: the body is over the limit.
    pub(crate) fn body_too_large() -> Self {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            Some("body"),
            &format!("the body is larger than {MAX_BODY_BYTES} bytes"),
        )
    }

    /// 503: the server is too busy now; try again in a second.
    pub(crate) fn busy(message: &str) -> Self {
        ApiError {
            retry_after: Some(1),
            ..ApiError::new(StatusCode::SERVICE_UNAVAILABLE, None, message)
        }
    }

    /// A query the library would not answer: too much work (422, naming what to narrow),
    /// past its deadline (503), or malformed (400).
    pub(crate) fn query(error: QueryError, parameter: &str) -> Self {
        match error {
            QueryError::TooMuchWork { .. } => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(parameter),
                &error.to_string(),
            ),
            QueryError::DeadlinePassed => {
                ApiError::busy("the query ran past the request's deadline; try again")
            }
            // The server reads its snapshots whole, so this is a library caller's index
            // served as it is: the fault is the data's, not the request's.
            QueryError::Damaged(_) => {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, None, &error.to_string())
            }
            other => ApiError::bad(parameter, other),
        }
    }

    pub(crate) fn bad(parameter: &str, message: impl std::fmt::Display) -> Self {
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

/// A JSON response serialized straight from `value` (answers that borrow the index cannot
/// outlive the handler as `Json<T>`, and a `serde_json::Value` is a copy for nothing).
pub(crate) fn json_body(value: &impl serde::Serialize) -> Response {
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
