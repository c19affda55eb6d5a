//! A bounded load test of `carefind serve` on loopback: 64 keep-alive connections send
//! nearest-10 queries from random US points for 30 s, then the throughput and the latency
//! percentiles are printed. It starts the release binary itself (on a free port) and stops it.
//!
//! With `--expensive N`, N more connections POST a 9,999-vertex polygon with `limit=1000`
//! (answered 200, or refused 422/503 by the server's bounds) and one more asks `/healthz`
//! every 10 ms: the soak test of the hardening, whose figures are `/healthz`'s p99 and the
//! cheap queries' throughput beside a run without the expensive ones. `--data FILE` serves a
//! dataset other than the embedded sample.
//!
//! With `--updates N`, N more connections PUT availability updates for random sample
//! facilities (the server runs with a fresh `--store` and a token that may update every
//! facility), and their throughput and latency are printed beside the queries'; with
//! `--update-rate R` they share R updates a second, else they send as fast as they are
//! answered. `--store` alone starts the store without updates, for the queries' baseline.
//! `--hsds` asks the HSDS API instead of `/v1/facilities`, and `--pages` the results page.
//!
//! With `--replicas N`, N servers share one store and every kind of connection is dealt
//! among them in turn; `--postgres` makes that store a PostgreSQL database in a cluster of
//! the run's own (Debian's `postgresql`, as the replica tests start it). `--probe` adds
//! one more connection that every 100 ms updates one facility through one replica and
//! times until another replica shows it: the update-to-visible latency. `--query-rate R`
//! paces the query connections to R queries a second in all, for a fixed offered load.
//!
//! ```text
//! cargo build --release && cargo run --release --example load_test
//! cargo run --release --example load_test -- --seconds 10 --connections 16 --quiet-server
//! cargo run --release --example load_test -- --seconds 60 --connections 16 --expensive 6 --quiet-server
//! cargo run --release --example load_test -- --seconds 30 --connections 16 --updates 16 --update-rate 1000 --quiet-server
//! cargo run --release --example load_test -- --seconds 30 --replicas 2 --postgres --connections 8 --query-rate 4000 --updates 16 --update-rate 1000 --probe --quiet-server
//! ```

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn option(args: &[String], name: &str, default: u64) -> u64 {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(default)
}

/// What a connection asks.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// Nearest 10 from random US points.
    Nearest,
    /// The whole contiguous US as a 9,999-vertex polygon, 1,000 results a page.
    Polygon,
    /// `/healthz`, every 10 ms.
    Health,
    /// An availability update for a random sample facility.
    Update,
    /// HSDS service_at_locations within 10 km of a random sample ZIP code, 10 a page.
    Hsds,
    /// The locator's results page (HTML, with its map) for the nearest 10 from random US
    /// points.
    Page,
}

/// The token the update connections send; the server's tokens file has its hash.
const TOKEN: &str = "load-test-token";

fn polygon_request() -> String {
    let mut ring: Vec<String> = (0..9_999)
        .map(|i| {
            let angle = std::f64::consts::TAU * i as f64 / 9_999.0;
            format!(
                "[{:.6},{:.6}]",
                -98.0 + 25.0 * angle.cos(),
                38.0 + 12.0 * angle.sin()
            )
        })
        .collect();
    ring.push(ring[0].clone());
    let body = format!(
        "{{\"polygon\":{{\"type\":\"Polygon\",\"coordinates\":[[{}]]}},\"limit\":1000}}",
        ring.join(",")
    );
    format!(
        "POST /v1/facilities/search HTTP/1.1\r\nHost: load\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// Sends requests on one connection until the deadline; returns each latency in µs.
async fn connection(
    address: String,
    seed: u64,
    deadline: Instant,
    kind: Kind,
    period: Option<Duration>,
) -> std::io::Result<Vec<u32>> {
    let polygon = polygon_request();
    let zips: Vec<String> = carefind::Index::sample()
        .facilities()
        .step_by(7)
        .map(|f| f.zip().to_string())
        .collect();
    let mut stream = TcpStream::connect(&address).await?;
    stream.set_nodelay(true)?;
    let (mut state, mut latencies, mut buffer) = (seed | 1, Vec::new(), vec![0u8; 1 << 16]);
    let mut next = tokio::time::Instant::now();
    while Instant::now() < deadline {
        if let Some(period) = period {
            tokio::time::sleep_until(next).await;
            next += period;
        }
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let (lat, lon) = (
            25.0 + (state % 24_000) as f64 / 1000.0,
            -124.0 + (state >> 20) as f64 % 57_000.0 / 1000.0,
        );
        let request = match kind {
            Kind::Hsds => format!(
                "GET /hsds/service_at_locations?postcode={}&proximity=10000&per_page=10 HTTP/1.1\r\nHost: load\r\n\r\n",
                zips[(state % zips.len() as u64) as usize]
            ),
            Kind::Nearest => format!(
                "GET /v1/facilities?near={lat:.3},{lon:.3}&limit=10 HTTP/1.1\r\nHost: load\r\n\r\n"
            ),
            Kind::Page => format!(
                "GET /find?near={lat:.3},{lon:.3}&within=any HTTP/1.1\r\nHost: load\r\n\r\n"
            ),
            Kind::Polygon => polygon.clone(),
            Kind::Health => {
                tokio::time::sleep(Duration::from_millis(10)).await;
                "GET /healthz HTTP/1.1\r\nHost: load\r\n\r\n".to_string()
            }
            Kind::Update => {
                let body = format!(
                    r#"{{"beds_available":{},"beds_total":40,"accepting":true,"updated_at":"{}"}}"#,
                    state % 40,
                    jiff::Timestamp::now()
                );
                format!(
                    "PUT /v1/facilities/S{:05}/availability HTTP/1.1\r\nHost: load\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                    // S07999 is the probe's.
                    (state >> 8) % 7999,
                    body.len()
                )
            }
        };
        let started = Instant::now();
        let (head, _) = round_trip(&mut stream, &mut buffer, &request).await?;
        // Expensive searches may be refused by the server's bounds; nothing else may.
        let refused = head.starts_with("http/1.1 422") || head.starts_with("http/1.1 503");
        assert!(
            head.starts_with("http/1.1 200") || kind == Kind::Polygon && refused,
            "{head}"
        );
        latencies.push(started.elapsed().as_micros() as u32);
    }
    Ok(latencies)
}

/// Sends `request` on `stream` and reads the answer into `buffer`: its head in lower
/// case, and where its body is in `buffer`.
async fn round_trip(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
    request: &str,
) -> std::io::Result<(String, std::ops::Range<usize>)> {
    stream.write_all(request.as_bytes()).await?;
    let (mut filled, mut wanted) = (0, None);
    loop {
        if filled == buffer.len() {
            buffer.resize(buffer.len() * 2, 0);
        }
        let n = stream.read(&mut buffer[filled..]).await?;
        if n == 0 {
            return Err(std::io::Error::other("the server closed the connection"));
        }
        filled += n;
        if wanted.is_none()
            && let Some(end) = buffer[..filled].windows(4).position(|w| w == b"\r\n\r\n")
        {
            let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length: ")?.trim().parse().ok())
                .expect("a content-length");
            wanted = Some((head, end + 4..end + 4 + length));
        }
        if let Some((head, body)) = &wanted
            && filled >= body.end
        {
            return Ok((head.clone(), body.clone()));
        }
    }
}

/// Every 100 ms until `deadline`, updates facility S07999 through one replica and asks
/// the next one until it shows the update: how long each took to be visible there after
/// it was acknowledged, in microseconds.
async fn probe(addresses: Vec<String>, deadline: Instant) -> std::io::Result<Vec<u32>> {
    let mut streams = Vec::new();
    for address in &addresses {
        let stream = TcpStream::connect(address).await?;
        stream.set_nodelay(true)?;
        streams.push(stream);
    }
    let mut buffer = vec![0u8; 1 << 16];
    let mut visible = Vec::new();
    let mut round = 0usize;
    while Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let at = jiff::Timestamp::now();
        let body = format!(r#"{{"beds_available":{},"updated_at":"{at}"}}"#, round % 40);
        let request = format!(
            "PUT /v1/facilities/S07999/availability HTTP/1.1\r\nHost: load\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let writer = round % streams.len();
        let (head, _) = round_trip(&mut streams[writer], &mut buffer, &request).await?;
        assert!(head.starts_with("http/1.1 200"), "{head}");
        let acknowledged = Instant::now();
        let reader = (round + 1) % streams.len();
        let wanted = format!("\"availability_updated\":\"{at}\"");
        loop {
            let (_, body) = round_trip(
                &mut streams[reader],
                &mut buffer,
                "GET /v1/facilities/S07999 HTTP/1.1\r\nHost: load\r\n\r\n",
            )
            .await?;
            if String::from_utf8_lossy(&buffer[body]).contains(&wanted) {
                break;
            }
            assert!(
                acknowledged.elapsed() < Duration::from_secs(10),
                "the update was not visible on the other replica within 10 s"
            );
        }
        visible.push(acknowledged.elapsed().as_micros() as u32);
        round += 1;
    }
    Ok(visible)
}

pub fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (seconds, connections) = (
        option(&args, "--seconds", 30),
        option(&args, "--connections", 64),
    );
    let binary = std::env::current_exe()?
        .parent()
        .and_then(|p| p.parent())
        .map(|p| p.join("carefind"))
        .ok_or("no binary")?;
    let mut command = Command::new(&binary);
    command.args(["serve", "--addr", "127.0.0.1:0"]);
    if let Some(at) = args.iter().position(|a| a == "--data") {
        command.args(["--data", args.get(at + 1).ok_or("--data needs a file")?]);
    }
    let expensive = option(&args, "--expensive", 0);
    if args.iter().any(|a| a == "--quiet-server") {
        command.arg("--quiet");
    }
    let updates = option(&args, "--updates", 0);
    let update_rate = option(&args, "--update-rate", 0);
    let query_rate = option(&args, "--query-rate", 0);
    let replicas = option(&args, "--replicas", 1).max(1);
    let probing = args.iter().any(|a| a == "--probe");
    // Removed at the end of the run, with the store and the tokens file in it.
    let scratch = tempfile::tempdir()?;
    // Stopped at the end of the run.
    let postgres = args
        .iter()
        .any(|a| a == "--postgres")
        .then(carefind_testkit::postgres::Postgres::start);
    if updates > 0 || probing || replicas > 1 || args.iter().any(|a| a == "--store") {
        use sha2::Digest;
        let hash: String = sha2::Sha256::digest(TOKEN.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let tokens = scratch.path().join("tokens.csv");
        std::fs::write(&tokens, format!("token_sha256,facilities\n{hash},*\n"))?;
        let store = match &postgres {
            Some(cluster) => cluster.url(),
            None => scratch.path().join("availability.db").display().to_string(),
        };
        command
            .arg("--store")
            .arg(store)
            .arg("--tokens")
            .arg(tokens);
    }
    let mut servers = Vec::new();
    let mut addresses = Vec::new();
    for _ in 0..replicas {
        let mut server = command.stderr(Stdio::piped()).spawn()?;
        let mut log = BufReader::new(server.stderr.take().ok_or("no stderr")?);
        let address = loop {
            let mut line = String::new();
            if log.read_line(&mut line)? == 0 {
                return Err("the server did not start".into());
            }
            if let Some(at) = line.trim().split(" on http://").nth(1) {
                break at.to_string();
            }
        };
        // Drain the access log as a terminal would take it.
        std::thread::spawn(move || std::io::copy(&mut log, &mut std::io::sink()));
        servers.push(server);
        addresses.push(address);
    }

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let (mut latencies, polygons, mut health, mut puts, mut visible) = runtime.block_on(async {
        // With --update-rate, the update connections share that many updates a second.
        let period = (updates > 0 && update_rate > 0)
            .then(|| Duration::from_secs_f64(updates as f64 / update_rate as f64));
        // With --query-rate, the query connections share that many queries a second.
        let query_period = (query_rate > 0)
            .then(|| Duration::from_secs_f64(connections as f64 / query_rate as f64));
        let start = |kind: Kind, i: u64| {
            let paced = match kind {
                Kind::Update => period,
                Kind::Polygon | Kind::Health => None,
                _ => query_period,
            };
            tokio::spawn(connection(
                addresses[i as usize % addresses.len()].clone(),
                0x9E37_79B9 * (i + 1),
                deadline,
                kind,
                paced,
            ))
        };
        let cheap_kind = if args.iter().any(|a| a == "--hsds") {
            Kind::Hsds
        } else if args.iter().any(|a| a == "--pages") {
            Kind::Page
        } else {
            Kind::Nearest
        };
        let cheap: Vec<_> = (0..connections).map(|i| start(cheap_kind, i)).collect();
        let costly: Vec<_> = (0..expensive).map(|i| start(Kind::Polygon, i)).collect();
        let health = (expensive > 0).then(|| start(Kind::Health, 0));
        let writers: Vec<_> = (0..updates)
            .map(|i| start(Kind::Update, 1000 + i))
            .collect();
        let prober = probing.then(|| tokio::spawn(probe(addresses.clone(), deadline)));
        let mut all = Vec::new();
        for task in cheap {
            all.extend(task.await.expect("a task")?);
        }
        let mut polygons = 0;
        for task in costly {
            polygons += task.await.expect("a task")?.len();
        }
        let health = match health {
            Some(task) => task.await.expect("a task")?,
            None => Vec::new(),
        };
        let mut puts = Vec::new();
        for task in writers {
            puts.extend(task.await.expect("a task")?);
        }
        let visible = match prober {
            Some(task) => task.await.expect("a task")?,
            None => Vec::new(),
        };
        Ok::<_, std::io::Error>((all, polygons, health, puts, visible))
    })?;
    let elapsed = started.elapsed().as_secs_f64();
    for server in &mut servers {
        server.kill()?;
        server.wait()?;
    }
    drop(postgres);
    latencies.sort_unstable();
    let percentile = |q: f64| {
        latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)] as f64 / 1000.0
    };
    println!(
        "{} requests in {elapsed:.1} s over {connections} connections: {:.0} requests/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        latencies.len(),
        latencies.len() as f64 / elapsed,
        percentile(0.5),
        percentile(0.99),
        percentile(1.0),
    );
    if expensive > 0 {
        health.sort_unstable();
        let at = |q: f64| {
            health[((health.len() as f64 * q) as usize).min(health.len() - 1)] as f64 / 1000.0
        };
        println!(
            "beside them {expensive} connections answered {polygons} 9,999-vertex polygon searches; /healthz p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms over {} probes",
            at(0.5),
            at(0.99),
            at(1.0),
            health.len()
        );
    }
    if updates > 0 {
        puts.sort_unstable();
        let at =
            |q: f64| puts[((puts.len() as f64 * q) as usize).min(puts.len() - 1)] as f64 / 1000.0;
        println!(
            "beside them {updates} connections had {} updates acknowledged (committed): {:.0} updates/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            puts.len(),
            puts.len() as f64 / elapsed,
            at(0.5),
            at(0.99),
            at(1.0)
        );
    }
    if probing {
        visible.sort_unstable();
        let at = |q: f64| {
            visible[((visible.len() as f64 * q) as usize).min(visible.len() - 1)] as f64 / 1000.0
        };
        println!(
            "an update acknowledged by one replica was visible on the next after p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} probes over {replicas} replicas)",
            at(0.5),
            at(0.99),
            at(1.0),
            visible.len()
        );
    }
    drop(scratch);
    Ok(())
}
