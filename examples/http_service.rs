//! carefind's API inside another axum service: the service keeps its own routes and
//! mounts carefind's (the pages, `/v1/...`, `/hsds/...`, `/healthz`, `/openapi.json`) under
//! `/carefind`, where every link and `next` address carefind writes stays.
//!
//! ```text
//! cargo run --example http_service      # then: curl 'localhost:3000/carefind/v1/facilities?near=10001&care=iop'
//! ```

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use carefind::{Index, Locator};
use carefind_server::{Config, Server};

/// The host service: its own page, and carefind's routes nested under `/carefind`. A `Locator` swaps in
/// fresh data at any time (`locator.replace(Index::new(..)?)`) with no restart.
pub fn app(locator: Arc<Locator>) -> Result<Router, carefind_server::ServerError> {
    let carefind = Server::new(locator, Config::new().access_log(false))?;
    Ok(Router::new()
        .route("/about", get(|| async { "a clinic network's own service" }))
        .nest("/carefind", carefind.router()))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let locator = Arc::new(Locator::new(Index::sample()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    println!("listening on http://{}/carefind", listener.local_addr()?);
    axum::serve(listener, app(locator)?).await?;
    Ok(())
}
