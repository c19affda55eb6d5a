//! Accepting connections for `carefind serve`: a cap on how many are open, a deadline for
//! each request head (which also closes idle keep-alive connections), and a shutdown that
//! lets requests in flight finish, then drops what is left.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

/// How connections are limited.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Open connections at most.
    pub max_connections: usize,
    /// Time to send a request head; also how long an idle connection is kept.
    pub idle_timeout: Duration,
    /// Time requests in flight get to finish once shutdown begins.
    pub shutdown_grace: Duration,
}

/// The answer to a connection past the cap: it is closed right after.
const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\n\
content-type: application/json\r\n\
retry-after: 1\r\n\
connection: close\r\n\
content-length: 96\r\n\r\n\
{\"error\": \"the server has too many open connections; try again\", \"parameter\": null, \"status\": 503}";

/// Serves `app` on `listener` until `shutdown` resolves, then waits up to the grace period
/// for open connections to finish their requests, and drops the rest.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let open = Arc::new(Semaphore::new(limits.max_connections));
    let (closing, closed) = watch::channel(false);
    let last_cap_log = AtomicU64::new(0);
    let started = Instant::now();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            // Out of file descriptors, say: wait for connections to close, then go on.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(permit) = Arc::clone(&open).try_acquire_owned() else {
            let now = started.elapsed().as_secs();
            if last_cap_log.swap(now, Ordering::Relaxed) != now {
                eprintln!(
                    "carefind: {} connections are open, the most allowed (--max-connections); refusing new ones",
                    limits.max_connections
                );
            }
            tokio::spawn(async move {
                let mut stream = stream;
                let _ = tokio::time::timeout(Duration::from_secs(1), stream.write_all(BUSY)).await;
                let _ = stream.shutdown().await;
            });
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone());
        let mut closed = closed.clone();
        let idle_timeout = limits.idle_timeout;
        tokio::spawn(async move {
            let _permit = permit;
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(idle_timeout)
                .keep_alive(true);
            let connection = builder.serve_connection(TokioIo::new(stream), service);
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => {}
                () = async { let _ = closed.wait_for(|closing| *closing).await; } => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
        });
    }
    drop(listener);
    let _ = closing.send(true);
    let everyone = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    if tokio::time::timeout(limits.shutdown_grace, open.acquire_many(everyone))
        .await
        .is_err()
    {
        eprintln!(
            "carefind: {} connections still open after {} s; dropping them",
            limits.max_connections - open.available_permits(),
            limits.shutdown_grace.as_secs()
        );
    }
}
