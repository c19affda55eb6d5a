//! `carefind serve`: the `carefind_server` router on a listener, with the process's
//! signals: SIGHUP reloads the data file, SIGTERM and Ctrl-C stop after the requests in
//! flight.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use carefind::Locator;
use carefind_server::{Config, Limits, Network, Server, Tokens};

use crate::args::ServeArgs;
use crate::dataset;
use crate::failure::Failure;
use crate::find::Outcome;

pub fn run(args: &ServeArgs) -> Result<Outcome, Failure> {
    if !(0.0..=1.0).contains(&args.reload_max_loss) {
        return Err(Failure::flag(
            "--reload-max-loss",
            format!("{} is not a share from 0 to 1", args.reload_max_loss),
        ));
    }
    if let Some(tiles) = &args.tiles {
        let web = tiles.starts_with("https://") || tiles.starts_with("http://");
        if !web
            || !["{z}", "{x}", "{y}"]
                .iter()
                .all(|part| tiles.contains(part))
        {
            return Err(Failure::flag(
                "--tiles",
                format!(
                    "{tiles:?} is not a tile URL template such as https://tile.example.org/{{z}}/{{x}}/{{y}}.png"
                ),
            ));
        }
    }
    let index = dataset::load_to_serve(args.data.as_deref())?;
    index.warm_up();
    let facilities = index.len();
    let locator = Arc::new(Locator::new(index));
    let mut config = Config::new()
        .timeout(Duration::from_secs(args.timeout))
        .max_work(args.max_work)
        .max_queue(args.max_queue)
        .reload_max_loss(args.reload_max_loss)
        .admin_token(std::env::var("CAREFIND_ADMIN_TOKEN").ok())
        .access_log(!args.quiet)
        .pages(carefind_server::Pages {
            sample: args.data.is_none(),
            tiles: args.tiles.clone(),
        })
        .public_url(
            args.public_url
                .clone()
                .unwrap_or_else(|| format!("http://{}", args.addr)),
        );
    if let Some(path) = &args.gtfs {
        let timetable =
            carefind::transit::Timetable::load(path).map_err(|e| Failure::flag("--gtfs", e))?;
        eprintln!(
            "carefind: {} trips at {} stations from {}",
            timetable.trip_count(),
            timetable.stations().len(),
            path.display()
        );
        config = config.transit(Arc::new(timetable));
    }
    if let Some(data) = args.data.clone() {
        config = config
            .reload_from(move || dataset::load_to_serve(Some(&data)).map_err(|f| f.to_string()));
    }
    if let Some(path) = &args.tokens {
        if args.store.is_none() {
            return Err(Failure::usage(
                "--tokens needs --store: updates are kept in the store",
            ));
        }
        config = config.tokens(Tokens::from_path(path).map_err(Failure::usage)?);
    }
    if let Some(path) = &args.store {
        let store =
            crate::availability::open_store(path).map_err(|e| Failure::flag("--store", e))?;
        config = config.store(store);
    }
    let server = Server::new(locator, config).map_err(|e| match e {
        carefind_server::ServerError::Store(e) => Failure::flag("--store", e),
        other => Failure::usage(carefind::error::chain(&other)),
    })?;
    if let Some(path) = &args.store {
        eprintln!(
            "carefind: {} availability reports from {}",
            server.locator().availability().len(),
            carefind::availability::store::redact(path)
        );
    }
    let max_connections = args.max_connections.max(1);
    let limits = Limits {
        max_connections,
        max_per_client: args
            .max_per_client
            .unwrap_or_else(|| Limits::per_client_default(max_connections))
            .max(1),
        trusted_proxies: args
            .trusted_proxies
            .iter()
            .map(|network| network.parse::<Network>())
            .collect::<Result<_, _>>()
            .map_err(|e| Failure::flag("--trusted-proxy", e))?,
        idle_timeout: Duration::from_secs(args.idle_timeout.max(1)),
        shutdown_grace: Duration::from_secs(args.shutdown_grace),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::usage(format!("cannot start the server: {e}")))?;
    let served = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&args.addr)
            .await
            .map_err(|e| Failure::flag("--addr", format!("cannot listen on {}: {e}", args.addr)))?;
        let address: SocketAddr = listener
            .local_addr()
            .map_err(|e| Failure::usage(format!("cannot listen: {e}")))?;
        eprintln!("carefind: serving {facilities} facilities on http://{address}");
        if !server.reloads_over_http() {
            eprintln!(
                "carefind: POST /v1/admin/reload is refused: CAREFIND_ADMIN_TOKEN is not set (SIGHUP reloads)"
            );
        }
        tokio::spawn(reload_on_hangup(server.clone()));
        // A reload another server sharing the store announces reaches this one too.
        tokio::spawn(server.follow_reloads());
        carefind_server::serve(listener, server.router(), limits, shutdown()).await;
        server.flush_access_log();
        eprintln!("carefind: stopped");
        Ok(Outcome::Found)
    });
    // Queries still running stop at their own deadline; none is waited for.
    runtime.shutdown_timeout(Duration::from_millis(100));
    served
}

async fn shutdown() {
    let terminate = async {
        #[cfg(unix)]
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
            return;
        }
        std::future::pending::<()>().await
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {},
        () = terminate => {},
    }
    eprintln!("carefind: stopping after the requests in flight");
}

async fn reload_on_hangup(server: Server) {
    #[cfg(unix)]
    if let Ok(mut hangup) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) {
        while hangup.recv().await.is_some() {
            match server.reload(false).await {
                Ok(count) => eprintln!("carefind: reloaded {count} facilities (SIGHUP)"),
                Err(error) => {
                    eprintln!("carefind: reload failed, still serving the old data: {error}")
                }
            }
        }
    }
}
