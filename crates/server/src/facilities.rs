//! `/v1/facilities`: searches by query string or JSON body, and one facility by id.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use carefind::{Budget, Hit, Index, LeftOut, QueryError};

use crate::Shared;
use crate::error::{ApiError, json_body};
use crate::media::{is_json, media_type};
use crate::mount::Mount;
use crate::params::{Params, pairs, refuse_repeats, unit};
use carefind::record::{Record, Reported, Shown};

/// The facility part of every record of one index (see `Record::facility_json`), made
/// once per dataset: escaping the same strings on every request was a tenth of the
/// server's time.
pub(crate) struct Prepared {
    /// The [`Index::generation`] it was made from: answers from any other index take the
    /// slow path. (Never the index's address: a later index can be allocated there.)
    generation: u64,
    json: Vec<String>,
}

impl Prepared {
    pub(crate) fn of(index: &Index) -> Prepared {
        Prepared {
            generation: index.generation(),
            json: index.facilities().map(Record::facility_json).collect(),
        }
    }

    fn for_index(&self, index: &Index) -> Option<&Prepared> {
        (self.generation == index.generation()).then_some(self)
    }
}

/// A page of results as JSON, written into one buffer that becomes the response body.
struct Page {
    /// `{"total":…,"count":…,"results":[…]`, to be closed by `into_response`.
    body: Vec<u8>,
    next_cursor: Option<String>,
    /// Where the next page starts, for searches paged by offset (by transit).
    next_offset: Option<usize>,
    next: Option<String>,
}

impl Page {
    /// The page of a search by transit: its object, to be closed with the links, and the
    /// offset of the next page.
    fn of(
        (object, next_offset): (serde_json::Map<String, serde_json::Value>, Option<usize>),
    ) -> Page {
        let mut body = serde_json::to_vec(&object).unwrap_or_else(|_| b"{}".to_vec());
        // Reopen the object for the links `into_response` adds.
        body.pop();
        Page {
            body,
            next_cursor: None,
            next_offset,
            next: None,
        }
    }
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

/// One page of a search's hits, with what a page says about them.
pub(crate) struct Found<'a> {
    /// Every facility the search matches, on any page.
    pub(crate) total: usize,
    pub(crate) hits: Vec<Hit<'a>>,
    /// The rank of the first hit.
    pub(crate) first_rank: usize,
    /// Where the next page starts; `None` on the last page.
    pub(crate) next_cursor: Option<String>,
    /// Where the search was from, if from a place.
    pub(crate) origin: Option<carefind::LatLon>,
    /// What the search left out because the data does not say.
    pub(crate) left_out: LeftOut,
}

/// The page of hits `params` asks for, and the total, within `budget`.
pub(crate) fn found<'a>(
    index: &'a Index,
    params: &Params,
    shown: Option<&Shown>,
    budget: Budget,
) -> Result<Found<'a>, ApiError> {
    let (query, limit) = params.query(shown)?;
    let query = query.budget(budget);
    let origin = query.origin;
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
    let left_out = index.left_out(&total_query).map_err(refused)?;
    // One more than the page tells whether there is a next one.
    let mut page_query = query;
    page_query.limit = Some(limit + 1);
    let mut hits: Vec<Hit> = index.search(&page_query).map_err(refused)?;
    let more = hits.len() > limit;
    hits.truncate(limit);
    let next_cursor = more
        .then(|| hits.last().map(|hit| hit.cursor().to_string()))
        .flatten();
    Ok(Found {
        total,
        hits,
        first_rank: page_query.offset.saturating_add(1),
        next_cursor,
        origin,
        left_out,
    })
}

/// The page of results, with the total and the cursor of the next page.
fn answer(
    index: &Arc<Index>,
    prepared: Option<&Prepared>,
    params: &Params,
    shown: Option<&Shown>,
    budget: Budget,
) -> Result<Page, ApiError> {
    let unit = params.unit()?;
    let Found {
        total,
        hits,
        first_rank,
        next_cursor,
        left_out,
        ..
    } = found(index, params, shown, budget)?;
    let mut body = Vec::with_capacity(1024 * hits.len() + 256);
    let left_out = serde_json::to_string(&left_out).unwrap_or_else(|_| "{}".into());
    let head = format!(
        "{{\"total\":{total},\"left_out\":{left_out},\"count\":{},\"results\":[",
        hits.len()
    );
    body.extend_from_slice(head.as_bytes());
    for (i, hit) in hits.iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        let report = Reported::of(shown, hit.facility);
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
        next_offset: None,
        next: None,
    })
}

/// Runs a search on a worker: by distance, or by transit.
async fn run(shared: &Arc<Shared>, params: Params, shown: Option<Shown>) -> Result<Page, ApiError> {
    let index = shared.locator.index();
    let lane = params.lane();
    if params.by_transit()? {
        let transit = shared.transit.clone();
        return shared
            .compute(lane, move |_| {
                crate::transit::answer(transit.as_deref(), &index, &params, shown.as_ref())
                    .map(Page::of)
            })
            .await;
    }
    let prepared = shared.prepared.load_full();
    shared
        .compute(lane, move |budget| {
            let prepared = prepared.for_index(&index);
            answer(&index, prepared, &params, shown.as_ref(), budget)
        })
        .await
}

pub(crate) async fn list(
    State(shared): State<Arc<Shared>>,
    mount: Mount,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let pairs = pairs(raw.as_deref())?;
    let params = Params::from_pairs(&pairs)?;
    let shown = params.shown(shared.availability())?;
    let page = run(&shared, params, shown).await?;
    let mut page = page;
    let next = match (&page.next_cursor, page.next_offset) {
        (Some(cursor), _) => Some(("after", cursor.clone())),
        (None, Some(offset)) => Some(("offset", offset.to_string())),
        (None, None) => None,
    };
    if let Some((name, value)) = next {
        let mut kept: Vec<(String, String)> = pairs
            .into_iter()
            .filter(|(k, _)| k != "after" && k != "offset")
            .collect();
        kept.push((name.into(), value));
        let query = serde_urlencoded::to_string(&kept).unwrap_or_default();
        page.next = Some(mount.link(&format!("/v1/facilities?{query}")));
    }
    Ok(page.into_response())
}

pub(crate) async fn search(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::body_too_large(),
        status => ApiError::new(status, Some("body"), &rejection.body_text()),
    })?;
    if !media_type(&headers)?.is_none_or(|essence| is_json(&essence)) {
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
    let page = run(&shared, params, shown).await?;
    Ok(page.into_response())
}

pub(crate) async fn one(
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
    let report = Reported::of(shown.as_ref(), facility);
    Ok(json_body(&Record::new(None, 1, &hit, unit, report)))
}
