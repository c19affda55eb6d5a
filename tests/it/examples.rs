//! The examples run to the end on the embedded sample, as `cargo run --example` runs them.

#[path = "../../examples/coverage.rs"]
mod coverage;
#[path = "../../examples/http_service.rs"]
#[allow(dead_code)] // its main serves forever; the test calls its app
mod http_service;
#[path = "../../examples/nearest.rs"]
#[allow(dead_code)] // its main reads the arguments; the test calls near
mod nearest;
#[path = "../../examples/step_down.rs"]
mod step_down;

#[test]
fn step_down_runs() {
    step_down::main().unwrap();
}

#[test]
fn coverage_runs() {
    coverage::main().unwrap();
}

#[test]
fn nearest_runs() {
    // Not `main`, which reads the process's arguments: here, the test runner's own.
    nearest::near(carefind::LatLon::new(40.7506, -73.9972).unwrap()).unwrap();
}

#[test]
fn http_service_nests_the_api_beside_its_own_routes() {
    use tower::ServiceExt;
    let locator = std::sync::Arc::new(carefind::Locator::new(carefind::Index::sample()));
    let app = http_service::app(locator).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let get = |path: &str| {
        let request = axum::http::Request::get(path)
            .body(axum::body::Body::empty())
            .unwrap();
        runtime.block_on(async {
            let response = app.clone().oneshot(request).await.unwrap();
            let status = response.status().as_u16();
            let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            (status, String::from_utf8(body.to_vec()).unwrap())
        })
    };
    assert_eq!(
        get("/about"),
        (200, "a clinic network's own service".to_string())
    );
    let (status, body) = get("/carefind/v1/facilities?near=10001&care=iop&limit=3");
    assert_eq!(status, 200, "{body}");
    let page: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(page["count"], 3);
    assert!(
        page["next"]
            .as_str()
            .unwrap()
            .starts_with("/carefind/v1/facilities?")
    );
    let (status, body) = get("/carefind");
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("href=\"/carefind/static/style.css\""),
        "{body}"
    );
}
