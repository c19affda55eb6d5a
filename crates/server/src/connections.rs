//! Accepting connections for `carefind serve`: a cap on how many are open, and on how many
//! one client may hold, a deadline for each request head (which also closes idle
//! keep-alive connections), and a shutdown that lets requests in flight finish, then drops
//! what is left.

use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

/// How connections are limited.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Open connections at most.
    pub max_connections: usize,
    /// Open connections one client may hold at most, so that one client cannot take the
    /// others' share. A client is an IPv4 address or an IPv6 /64 (what one host is given).
    /// Half the cap is the default ([`Limits::per_client_default`]): generous, because
    /// many phones reach a server from one carrier address.
    pub max_per_client: usize,
    /// Peers that are proxies of the operator's own (load balancers): a connection from
    /// one begins with a PROXY protocol v1 line naming the client, and that client is
    /// counted. A PROXY line from any other peer is not believed (nor read).
    pub trusted_proxies: Vec<Network>,
    /// Time to send a request head; also how long an idle connection is kept.
    pub idle_timeout: Duration,
    /// Time requests in flight get to finish once shutdown begins.
    pub shutdown_grace: Duration,
}

impl Limits {
    /// The default share of one client: half of `max_connections` (at least one).
    pub fn per_client_default(max_connections: usize) -> usize {
        (max_connections / 2).max(1)
    }
}

/// An address range, `ADDRESS/PREFIX` (a bare address is one host).
///
/// ```
/// use carefind_server::Network;
///
/// let proxies: Network = "10.0.0.0/8".parse()?;
/// assert!(proxies.contains("10.1.2.3".parse()?));
/// assert!(!proxies.contains("192.168.0.1".parse()?));
/// assert!("::1".parse::<Network>()?.contains("::1".parse()?));
/// assert!(proxies.contains("::ffff:10.0.0.1".parse()?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Network {
    address: IpAddr,
    prefix: u8,
}

impl Network {
    /// Whether `address` is in the range (an IPv4 address as a dual-stack listener sees
    /// it, `::ffff:10.0.0.1`, is the IPv4 address).
    pub fn contains(&self, address: IpAddr) -> bool {
        match (self.address, address.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                masked(u128::from(u32::from(net)), self.prefix, 32)
                    == masked(u128::from(u32::from(ip)), self.prefix, 32)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                masked(u128::from(net), self.prefix, 128)
                    == masked(u128::from(ip), self.prefix, 128)
            }
            _ => false,
        }
    }
}

/// The top `prefix` bits of a `bits`-bit number.
fn masked(value: u128, prefix: u8, bits: u32) -> u128 {
    let keep = u32::from(prefix).min(bits);
    if keep == 0 { 0 } else { value >> (bits - keep) }
}

impl std::str::FromStr for Network {
    type Err = String;

    fn from_str(text: &str) -> Result<Network, String> {
        let (address, prefix) = match text.trim().split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text.trim(), None),
        };
        let address: IpAddr = address
            .parse()
            .map_err(|_| format!("{text:?} is not an IP address or ADDRESS/PREFIX"))?;
        let most = if address.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => most,
            Some(prefix) => prefix
                .parse::<u8>()
                .ok()
                .filter(|prefix| *prefix <= most)
                .ok_or_else(|| format!("{text:?}: the prefix is a number from 0 to {most}"))?,
        };
        Ok(Network { address, prefix })
    }
}

/// Who a connection counts against: an IPv4 address, or the /64 of an IPv6 address.
/// The client a request came from (an IPv4 address or an IPv6 /64, as the connection cap
/// counts them), a request extension when [`serve`] accepted the connection. Kept in
/// memory by the rate limits and nowhere else: never logged, never stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Peer(pub(crate) IpAddr);

fn client_of(address: IpAddr) -> IpAddr {
    match address.to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6((u128::from(v6) >> 64 << 64).into()),
        v4 => v4,
    }
}

/// The client a trusted proxy names in the PROXY protocol v1 line it opens with
/// (`PROXY TCP4 SOURCE DEST SPORT DPORT\r\n`), the line consumed; `None` (the proxy
/// itself counted) for `PROXY UNKNOWN` or a connection that does not begin with one.
async fn proxied_client(stream: &mut tokio::net::TcpStream, wait: Duration) -> Option<IpAddr> {
    use tokio::io::AsyncReadExt;
    // The longest v1 line is 107 bytes.
    let mut head = [0u8; 107];
    let line = tokio::time::timeout(wait, async {
        loop {
            let seen = stream.peek(&mut head).await.ok()?;
            if seen == 0 {
                return None;
            }
            if let Some(end) = head[..seen].windows(2).position(|pair| pair == b"\r\n") {
                return Some(end + 2);
            }
            if !b"PROXY ".starts_with(&head[..seen.min(6)]) || seen == head.len() {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .ok()??;
    let text = std::str::from_utf8(&head[..line - 2]).ok()?;
    let mut parts = text.split(' ');
    if parts.next() != Some("PROXY") {
        return None;
    }
    let family = parts.next()?;
    let mut consumed = vec![0u8; line];
    stream.read_exact(&mut consumed).await.ok()?;
    match family {
        "TCP4" | "TCP6" => parts.next()?.parse().ok(),
        _ => None,
    }
}

/// Open connections by client, and the share each may hold.
struct Clients {
    open: Mutex<HashMap<IpAddr, usize>>,
    share: usize,
}

/// A connection counted against its client until it closes.
struct Held {
    clients: Arc<Clients>,
    client: IpAddr,
}

impl Clients {
    /// Counts a new connection of `client`, unless it holds its share already.
    fn take(self: &Arc<Self>, client: IpAddr) -> Option<Held> {
        let mut open = self
            .open
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let count = open.entry(client).or_insert(0);
        if *count >= self.share {
            return None;
        }
        *count += 1;
        Some(Held {
            clients: Arc::clone(self),
            client,
        })
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let mut open = self
            .clients
            .open
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(count) = open.get_mut(&self.client) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.client);
            }
        }
    }
}

/// A 503 for a connection that is closed right after it: JSON saying `message`, with
/// Retry-After, its length counted (a constant once declared 96 bytes of 98).
fn refusal(message: &str) -> Vec<u8> {
    let body = serde_json::json!({"error": message, "parameter": null, "status": 503}).to_string();
    format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 1\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Writes `answer` to a connection this server will not serve, and closes it.
async fn refuse(mut stream: tokio::net::TcpStream, answer: Vec<u8>) {
    let _ = tokio::time::timeout(Duration::from_secs(1), stream.write_all(&answer)).await;
    let _ = stream.shutdown().await;
}

/// Serves `app` on `listener` until `shutdown` resolves, then waits up to the grace period
/// for open connections to finish their requests, and drops the rest.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let open = Arc::new(Semaphore::new(limits.max_connections));
    let clients = Arc::new(Clients {
        open: Mutex::new(HashMap::new()),
        share: limits.max_per_client.max(1),
    });
    let (closing, closed) = watch::channel(false);
    let last_cap_log = AtomicU64::new(0);
    let started = Instant::now();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let (stream, peer) = match accepted {
            Ok((stream, peer)) => (stream, peer),
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
            tokio::spawn(refuse(
                stream,
                refusal("the server has too many open connections; try again"),
            ));
            continue;
        };
        let _ = stream.set_nodelay(true);
        let mut closed = closed.clone();
        let idle_timeout = limits.idle_timeout;
        let clients = Arc::clone(&clients);
        let trusted = limits
            .trusted_proxies
            .iter()
            .any(|network| network.contains(peer.ip()));
        let app = app.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let mut stream = stream;
            let client = match trusted {
                true => proxied_client(&mut stream, idle_timeout).await,
                false => None,
            };
            let client = client_of(client.unwrap_or(peer.ip()));
            // Rate limits (problem reports, staff sign-in) count by client, in memory.
            let service = TowerToHyperService::new(tower::ServiceExt::map_request(
                app,
                move |mut request: axum::http::Request<hyper::body::Incoming>| {
                    request.extensions_mut().insert(Peer(client));
                    request
                },
            ));
            let Some(_held) = clients.take(client) else {
                let message = "your address holds as many connections as one client may; try again";
                return refuse(stream, refusal(message)).await;
            };
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
