//! The `socklab` binary: parse options, set up logging, serve until Ctrl-C.

use clap::Parser;
use socklab::server::{BoundServer, shutdown_signal};
use socklab::{AppState, Config};
use tracing_subscriber::EnvFilter;

fn main() -> std::process::ExitCode {
    // The wire's namespace helper is this binary started again; it must stay single-threaded,
    // so it runs before tokio starts any thread.
    if std::env::args().nth(1).as_deref() == Some(socklab::wire::helper::HELPER_ARG) {
        return std::process::ExitCode::from(socklab::wire::helper::run() as u8);
    }
    // `socklab exec` joins a user namespace, which also needs a single-threaded process.
    if std::env::args().nth(1).as_deref() == Some(socklab::wire::exec_client::EXEC_ARG) {
        let args: Vec<String> = std::env::args().skip(2).collect();
        return std::process::ExitCode::from(socklab::wire::exec_client::run(&args) as u8);
    }
    serve()
}

#[tokio::main]
async fn serve() -> std::process::ExitCode {
    let config = Config::parse();
    let filter = EnvFilter::try_new(&config.log).unwrap_or_else(|e| {
        eprintln!(
            "socklab: bad --log filter {:?} ({e}); using \"info\"",
            config.log
        );
        EnvFilter::new("info")
    });
    // Logs go to stderr; stdout carries only the URL line that scripts read.
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();

    if !config.dist.join("index.html").is_file() {
        tracing::warn!(
            "no built page at {}: the lab page will be missing. Build it with `scripts/run` \
             (or point --dist at trunk's output)",
            config.dist.display()
        );
    }
    socklab::lessons::report(&config.lessons);
    if let Err(e) = socklab::fd_limit::ensure(&config) {
        tracing::error!("{e}");
        return std::process::ExitCode::FAILURE;
    }
    socklab::engine::unix_dir::remove_stale_folders();
    if config.no_token {
        tracing::warn!(
            "--no-token: anyone who can reach {} can drive the lab (it is a loopback address, \
             so only programs and users of this machine)",
            config.listen
        );
    }
    let state = match AppState::new(config) {
        Ok(state) => state,
        Err(e) => {
            tracing::error!("{e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let server = match BoundServer::bind(state).await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!("{e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match server.url() {
        Ok(url) => {
            tracing::info!("socklab is running: open {url} in a browser");
            // A plain line on stdout too: scripts and tests read the URL from here.
            println!("socklab listening on {url}");
            if !server.state().config.listen.ip().is_loopback() {
                tracing::warn!(
                    "listening on {}: other machines reach the lab at this machine's address \
                     with the same port and ?token=…; only those with the token get a session",
                    server.state().config.listen
                );
            }
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
