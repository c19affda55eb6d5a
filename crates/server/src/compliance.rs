//! `GET /v1/availability/compliance`: whether each facility kept its availability current
//! (admin token), the same report as `carefind availability compliance`.

use std::sync::Arc;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use carefind::availability::compliance::{self, Rule, Window};
use jiff::Timestamp;
use serde_json::Value;

use crate::Shared;
use crate::error::ApiError;
use crate::params::pairs;
use crate::reload::require_admin;
use crate::workers::Lane;

pub(crate) async fn route(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    require_admin(&shared, &headers, "the compliance report")?;
    let Some(writer) = &shared.writer else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            None,
            "this server keeps no availability store (carefind serve --store FILE)",
        ));
    };
    let (mut since, mut until) = (None, None);
    let mut rule = Rule::COLORADO;
    for (key, value) in pairs(raw.as_deref())? {
        let day = |value: &str| {
            value.parse::<jiff::civil::Date>().map_err(|e| {
                ApiError::bad(&key, format!("{value:?} is not a date (2026-05-31): {e}"))
            })
        };
        let days = |value: &str| {
            value.parse::<u32>().map_err(|_| {
                ApiError::bad(&key, format!("{value:?} is not a whole number of days"))
            })
        };
        match key.as_str() {
            "since" => since = Some(day(&value)?),
            "until" => until = Some(day(&value)?),
            "rule" if value == "colorado" => rule = Rule::COLORADO,
            "rule" => return Err(ApiError::bad("rule", "the rules known are: colorado")),
            "max_gap_days" => rule.max_gap_days = days(&value)?,
            "max_missed_in_month" => rule.max_missed_in_month = days(&value)?,
            other => {
                return Err(ApiError::bad(
                    other,
                    "unknown parameter; this endpoint takes since, until, rule, max_gap_days and max_missed_in_month",
                ));
            }
        }
    }
    let window = Window::asked(since, until, Timestamp::now())
        .map_err(|e| ApiError::bad(if since.is_some() { "since" } else { "until" }, e))?;
    let reader = writer.reader();
    let index = shared.locator.index();
    shared
        .compute(Lane::Heavy, move |_| {
            let unreadable = |error: carefind::availability::store::StoreError| {
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    None,
                    &format!(
                        "the store cannot be read: {}",
                        carefind::error::chain(&error)
                    ),
                )
            };
            let store = reader
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let report = compliance::report_of_store(&store, index.facilities(), &window, &rule)
                .map_err(unreadable)?;
            Ok(Json(
                serde_json::to_value(report).expect("reports serialize"),
            ))
        })
        .await
}
