//! `GET /v1/reports`: the problem reports people sent from the facility pages (admin
//! token), with counts per facility; the same as `carefind reports list`.

use std::sync::Arc;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use carefind::availability::problems::{self, Which};
use serde_json::{Value, json};

use crate::Shared;
use crate::error::ApiError;
use crate::params::pairs;
use crate::reload::require_admin;

pub(crate) async fn route(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    require_admin(&shared, &headers, "reading problem reports")?;
    let Some(writer) = &shared.writer else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            None,
            "this server keeps no availability store (carefind serve --store FILE)",
        ));
    };
    let mut which = Which::Open;
    let mut id = None;
    for (key, value) in pairs(raw.as_deref())? {
        match key.as_str() {
            "status" if value == "open" => which = Which::Open,
            "status" if value == "all" => which = Which::All,
            "status" => return Err(ApiError::bad("status", "give open or all")),
            "facility" => id = Some(value),
            other => {
                return Err(ApiError::bad(
                    other,
                    "unknown parameter; this endpoint takes status and facility",
                ));
            }
        }
    }
    let reports = writer
        .run(move |store| store.problems(which, id.as_deref()))
        .await?;
    Ok(Json(json!({
        "reports": reports,
        "counts": problems::counts(&reports),
    })))
}
