//! The smallest useful embedding: a service that links carefind and answers
//! `GET /nearest?lat=40.75&lon=-73.99&care=iop` with the five nearest facilities as JSON.
//!
//! ```text
//! cargo run --example http_service      # then: curl 'localhost:3000/nearest?lat=40.75&lon=-73.99&care=iop'
//! ```

use std::sync::Arc;

use axum::extract::{Query as Params, State};
use axum::{Json, Router, http::StatusCode, routing::get};
use carefind::{CareSet, Filter, Index, LatLon, Locator, Query};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
struct Nearest {
    lat: f64,
    lon: f64,
    #[serde(default)]
    care: String,
}

async fn nearest(
    State(locator): State<Arc<Locator>>,
    Params(asked): Params<Nearest>,
) -> Result<Json<Value>, (StatusCode, String)> {
    let bad = |e: &dyn std::fmt::Display| (StatusCode::BAD_REQUEST, e.to_string());
    let origin = LatLon::new(asked.lat, asked.lon).map_err(|e| bad(&e))?;
    let care: CareSet = asked.care.parse().map_err(|e| bad(&e))?;
    let index = locator.index(); // this request's dataset, even if another is swapped in
    let hits = index
        .search(&Query::nearest(origin, 5).filter(Filter::new().care(care)))
        .map_err(|e| bad(&e))?;
    let found: Vec<Value> = hits
        .iter()
        .map(|hit| json!({"id": hit.facility.id, "name": hit.facility.name, "meters": hit.distance_m}))
        .collect();
    Ok(Json(json!(found)))
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    // Swap in a fresh dataset at any time with `locator.replace(Index::new(..)?)`.
    let locator = Arc::new(Locator::new(Index::sample()));
    let app = Router::new()
        .route("/nearest", get(nearest))
        .with_state(locator);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await
}
