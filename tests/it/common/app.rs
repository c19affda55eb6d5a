//! The server's router called in-process, request by request, with no socket: the same
//! answers `carefind serve` gives, as `tower::ServiceExt::oneshot` hands them back.

use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use carefind::{Index, Locator};
use carefind_server::{Config, Server};
use serde_json::Value;
use tower::ServiceExt;

/// A server on the embedded sample, and a runtime to call it on.
pub struct App {
    pub server: Server,
    /// The path the router is nested under, as a program embedding it would (`None`: the
    /// root).
    nest: Option<&'static str>,
    runtime: tokio::runtime::Runtime,
}

impl App {
    /// The embedded sample, with no access log.
    pub fn sample() -> App {
        App::with(Config::new())
    }

    /// The embedded sample with `config` (its access log turned off).
    pub fn with(config: Config) -> App {
        let locator = Arc::new(Locator::new(Index::sample()));
        App::on(Server::new(locator, config.access_log(false)).unwrap())
    }

    /// A server made elsewhere.
    pub fn on(server: Server) -> App {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        App {
            server,
            nest: None,
            runtime,
        }
    }

    /// The embedded sample's router nested under `prefix` in an app of its own, as
    /// `Router::nest` mounts it.
    pub fn nested(prefix: &'static str) -> App {
        App::nested_with(prefix, Config::new())
    }

    /// The embedded sample with `config`, nested under `prefix`.
    pub fn nested_with(prefix: &'static str, config: Config) -> App {
        App {
            nest: Some(prefix),
            ..App::with(config)
        }
    }

    pub fn get(&self, path: &str) -> (u16, Value) {
        self.json("GET", path, &[], b"")
    }

    pub fn post(&self, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, Value) {
        self.json("POST", path, headers, body)
    }

    pub fn put(&self, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, Value) {
        self.json("PUT", path, headers, body)
    }

    /// The status and the body parsed as JSON (null when it is not JSON).
    pub fn json(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> (u16, Value) {
        let (status, _, body) = self.send(method, path, headers, body);
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    /// One request through the router: the status, the headers and the body.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> (u16, axum::http::HeaderMap, Vec<u8>) {
        let mut request = Request::builder().method(method).uri(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request.body(Body::from(body.to_vec())).unwrap();
        let router = match self.nest {
            Some(prefix) => axum::Router::new().nest(prefix, self.server.router()),
            None => self.server.router(),
        };
        self.runtime.block_on(async move {
            let response = router.oneshot(request).await.unwrap();
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            (status, headers, body.to_vec())
        })
    }
}
