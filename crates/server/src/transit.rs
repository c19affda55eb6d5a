//! `/v1/facilities?by=transit`: the facilities reached soonest by public transit, with
//! the timetable the server was started with.

use std::sync::Arc;

use carefind::availability::Judgement;
use carefind::jiff::{SignedDuration, Timestamp};
use carefind::record::{Record, Reported, Shown};
use carefind::transit::{
    KeptPlacement, Timetable, TransitHit, TransitOptions, TransitQuery, Window,
};
use carefind::{Hit, Index, LatLon};
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::params::Params;
use carefind_places as place;

/// A timetable, and where the facilities of the dataset last searched stand beside its
/// stations (made again when the dataset is swapped).
pub(crate) struct Transit {
    timetable: Arc<Timetable>,
    placement: KeptPlacement,
}

impl Transit {
    pub(crate) fn new(timetable: Arc<Timetable>) -> Transit {
        Transit {
            timetable,
            placement: KeptPlacement::default(),
        }
    }

    /// The timetable.
    pub(crate) fn timetable(&self) -> &Timetable {
        &self.timetable
    }

    /// The kinds of vehicle of the timetable, most trips first ("subway", "bus").
    pub(crate) fn modes(&self) -> Vec<&'static str> {
        self.timetable
            .modes()
            .into_iter()
            .map(|mode| mode.as_str())
            .collect()
    }
}

/// A time in minutes: `within`, `window` and `open_for` (`45min`, `1h`, a bare number of
/// minutes).
fn seconds(parameter: &str, text: &str) -> Result<f64, ApiError> {
    carefind::words::parse_age(text, Some(SignedDuration::from_mins(1)))
        .map(|age| age.as_secs_f64())
        .map_err(|e| ApiError::bad(parameter, e))
}

/// Every facility reached by transit as `params` ask, soonest first, where from, and the
/// timetable's owner.
pub(crate) fn search<'a>(
    transit: Option<&'a Transit>,
    index: &'a Index,
    params: &Params,
    shown: Option<&Shown>,
) -> Result<(Vec<TransitHit<'a>>, LatLon, &'a Transit), ApiError> {
    let Some(transit) = transit else {
        return Err(ApiError::bad(
            "by",
            "this server has no transit timetable (it is started with --gtfs FEED)",
        ));
    };
    if params.bbox.is_some() || params.polygon.is_some() {
        return Err(ApiError::bad(
            "by",
            "by=transit searches from a place: give near, not bbox or polygon",
        ));
    }
    if params.after.is_some() {
        return Err(ApiError::bad(
            "after",
            "by=transit pages with offset, not after",
        ));
    }
    let Some(near) = &params.near else {
        return Err(ApiError::bad("near", "by=transit needs near (a place)"));
    };
    let origin: LatLon = place::resolve(near).map_err(|e| ApiError::bad("near", e))?;
    let timetable = &transit.timetable;
    let (parameter, text) = match (&params.depart, &params.arrive_by) {
        (Some(_), Some(_)) => {
            return Err(ApiError::bad(
                "arrive_by",
                "give depart or arrive_by, not both",
            ));
        }
        (Some(depart), None) => ("depart", depart),
        (None, Some(by)) => ("arrive_by", by),
        (None, None) => {
            return Err(ApiError::bad(
                "depart",
                "by=transit needs depart (or arrive_by), such as 2026-09-15T07:30",
            ));
        }
    };
    let at = timetable
        .moment(text)
        .map_err(|e| ApiError::bad(parameter, e))?;
    let day = timetable
        .day(timetable.time_zone().to_datetime(at).date())
        .map_err(|e| ApiError::bad(parameter, e))?;
    let mut filter = params.filter_without_hours()?;
    if let Some(shown) = shown {
        filter = filter.available(shown.table.clone(), shown.need);
    }
    let options = TransitOptions {
        max_s: match &params.within {
            Some(within) => seconds("within", within)?,
            None => TransitOptions::default().max_s,
        },
        open_for: Some(match &params.open_for {
            Some(text) => SignedDuration::from_secs(seconds("open_for", text)? as i64),
            None => SignedDuration::ZERO,
        }),
        ..TransitOptions::default()
    };
    let window = match &params.window {
        Some(text) if params.arrive_by.is_some() => {
            return Err(ApiError::bad(
                "window",
                format!("{text:?}: a window goes with depart, not arrive_by"),
            ));
        }
        Some(text) => Some(Window {
            minutes: (seconds("window", text)? / 60.0).round().clamp(1.0, 240.0) as u32,
            percentile: match params.percentile {
                Some(p) if (0.0..=100.0).contains(&p) => p,
                Some(p) => {
                    return Err(ApiError::bad(
                        "percentile",
                        format!("{p} is not from 0 to 100"),
                    ));
                }
                None => 75.0,
            },
        }),
        None => None,
    };
    let query = TransitQuery {
        origin,
        limit: usize::MAX,
        filter: &filter,
        options,
    };
    let search = transit
        .placement
        .index(timetable, index, query.options.walking);
    let all = match (params.arrive_by.is_some(), window) {
        (true, _) => search.arrive_by(&day, &query, at),
        (false, Some(window)) => search.window(&day, &query, at, window),
        (false, None) => search.nearest(&day, &query, at),
    };
    Ok((all, origin, transit))
}

/// A page of facilities reached by transit, as `/v1/facilities` answers, with beside the
/// records a `transit` list of their journeys in the same order (minutes, rides,
/// transfers, walking, departure, arrival, whether the hours show the facility open at
/// the arrival); and the offset of the next page, if any.
pub(crate) fn answer(
    transit: Option<&Transit>,
    index: &Index,
    params: &Params,
    shown: Option<&Shown>,
) -> Result<(serde_json::Map<String, Value>, Option<usize>), ApiError> {
    let (all, origin, transit) = search(transit, index, params, shown)?;
    let limit = params.limit.unwrap_or(crate::DEFAULT_LIMIT);
    if limit > crate::MAX_LIMIT {
        return Err(ApiError::bad(
            "limit",
            format!("{limit} is more than {}", crate::MAX_LIMIT),
        ));
    }
    let offset = params.offset.unwrap_or(0);
    let timetable = &transit.timetable;
    let unit = params.unit()?;
    let zone = timetable.time_zone();
    let wall = |at: Timestamp| at.display_with_offset(zone.to_offset(at)).to_string();
    let minutes = |s: f64| (s / 6.0).round() / 10.0;
    let page: Vec<&TransitHit<'_>> = all.iter().skip(offset).take(limit).collect();
    let mut results = Vec::with_capacity(page.len());
    let mut journeys = Vec::with_capacity(page.len());
    for (i, found) in page.iter().enumerate() {
        let hit = Hit {
            facility: found.facility,
            distance_m: Some(origin.distance_m(found.facility.location())),
            origin: Some(origin),
        };
        let record = Record::new(
            None,
            offset + i + 1,
            &hit,
            unit,
            Reported::of(shown, found.facility),
        );
        results.push(serde_json::to_value(&record).map_err(|e| {
            ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                None,
                &e.to_string(),
            )
        })?);
        journeys.push(json!({
            "id": found.facility.id(),
            "minutes": minutes(found.seconds),
            "rides": found.rides,
            "transfers": found.rides.saturating_sub(1),
            "walk_minutes": minutes(found.walk_s),
            "depart": wall(found.departure),
            "arrive": wall(found.arrival),
            "open_at_arrival": match found.open {
                Some(Judgement::Meets) => "yes",
                Some(Judgement::Fails) => "no",
                _ => "unknown",
            },
            "percentile_minutes": found.percentile_s.filter(|p| p.is_finite()).map(minutes),
            "reached_share": found.reached_share,
        }));
    }
    let mut body = serde_json::Map::new();
    body.insert("total".into(), json!(all.len()));
    body.insert("left_out".into(), json!(carefind::LeftOut::default()));
    body.insert("count".into(), json!(results.len()));
    body.insert("results".into(), Value::Array(results));
    body.insert("transit".into(), Value::Array(journeys));
    body.insert("modes".into(), json!(transit.modes()));
    body.insert("time_zone".into(), json!(timetable.time_zone_name()));
    let next = Some(offset + limit).filter(|next| *next < all.len());
    Ok((body, next))
}
