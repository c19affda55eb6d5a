//! `/v1/stats`: the counts of `carefind::analysis::counts` as JSON.

use std::sync::Arc;

use axum::Json;
use axum::extract::{RawQuery, State};
use carefind::analysis::counts::{By, count};
use serde_json::{Value, json};

use crate::Shared;
use crate::error::ApiError;
use crate::params::pairs;
use crate::workers::Lane;

pub(crate) async fn route(
    State(shared): State<Arc<Shared>>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let mut by = By::Care;
    for (key, value) in pairs(raw.as_deref())? {
        match key.as_str() {
            "by" => {
                by = value.parse().map_err(|e| ApiError::bad("by", e))?;
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
            let counts = count(index.facilities(), by);
            Ok(Json(json!({"facilities": index.len(), "counts": counts})))
        })
        .await
}
