//! A step-down pathway as JSON: `/v1/pathway` and `carefind pathway --format json`.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::response::Response;
use carefind::Distance;
use carefind::analysis::pathway::{PathwayQuery, Stage};
use carefind::record::pathway::document;

use crate::error::{ApiError, json_body};
use crate::params::{Params, number, pairs, refuse_repeats, unit};
use crate::workers::Lane;

/// The availability parameters a pathway passes on with its filters.
const AVAILABILITY: [&str; 4] = ["accepting", "open_beds", "max_wait", "fresh_within"];
use crate::{MAX_LIMIT, Shared};
use carefind_places as place;

pub(crate) async fn route(
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
            // The library's filter words (care aside: the pathway picks each step's) and
            // the availability parameters.
            word if word != "care"
                && (carefind::Filter::WORDS.contains(&word)
                    || AVAILABILITY.contains(&word)
                    || word == "no_counselling_requirement") =>
            {
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
            let path = carefind::analysis::pathway::pathway(&index, &query)
                .map_err(|e| ApiError::query(e, "query"))?;
            Ok(json_body(&document(&path, &query, unit, shown.as_ref())))
        })
        .await
}
