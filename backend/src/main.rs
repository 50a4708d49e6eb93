//! The `socklab` binary: parse options, set up logging, serve until Ctrl-C.

use clap::Parser;
use socklab::server::{BoundServer, shutdown_signal};
use socklab::{AppState, Config};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = Config::parse();
    let filter = EnvFilter::try_new(&config.log).unwrap_or_else(|e| {
        eprintln!(
            "socklab: bad --log filter {:?} ({e}); using \"info\"",
            config.log
        );
        EnvFilter::new("info")
    });
    tracing_subscriber::fmt().with_env_filter(filter).init();

    if !config.dist.join("index.html").is_file() {
        tracing::warn!(
            "no built page at {}: the lab page will be missing. Build it with `scripts/run` \
             (or point --dist at trunk's output)",
            config.dist.display()
        );
    }
    socklab::lessons::report(&config.lessons);
    let state = AppState::new(config);
    let server = match BoundServer::bind(state).await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!("{e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match server.local_addr() {
        Ok(addr) => {
            tracing::info!("socklab is running: open http://{addr}/ in a browser");
            // A plain line on stdout too: scripts and tests read the URL from here.
            println!("socklab listening on http://{addr}/");
        }
        Err(e) => tracing::warn!("cannot read the bound address: {e}"),
    }
    match server.serve(shutdown_signal()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            std::process::ExitCode::FAILURE
        }
    }
}
