//! socklab under load and abuse: prints figures, asserts nothing about speed.
//!
//! ```sh
//! cargo bench -p socklab --bench sessions
//! SOCKLAB_BENCH_PART=slow cargo bench -p socklab --bench sessions   # one part: slow|many|followers|churn
//! ```
//!
//! The server is the real `socklab` binary in a child process, so its memory (VmRSS), file
//! descriptors and threads are read from `/proc/<pid>` and its sessions, lab ports, tasks and
//! session folders from its `GET /api/stats`.
//!
//! - **slow**: two lab sockets echo 32 KiB to each other forever while the client (a) reads
//!   nothing, then (b) reads 10 events a second, `SOCKLAB_BENCH_SLOW_SECS` (30) each. Target:
//!   peak RSS ≤ 64 MiB above the idle baseline, and back near it after the session ends.
//! - **many**: `SOCKLAB_BENCH_SESSIONS` (500) sessions × 4 sockets at once: RSS per idle
//!   session (target ≤ 64 KiB) and command → last event latency, one at a time round-robin and
//!   all at once (target p99 ≤ 10 ms).
//! - **churn**: `SOCKLAB_BENCH_CHURN` (10 000) sessions opened and closed, each with a TCP
//!   pair and a Unix listener: fds, RSS, tasks, lab ports and session folders before and after.
//!
//! Every loop is bounded in count and every wait in time ([`STALL`]).

use std::process::ExitCode;
use std::time::{Duration, Instant};

#[path = "sessions/child.rs"]
mod child;
#[path = "common/client.rs"]
mod client;
#[path = "sessions/followers.rs"]
mod followers;
#[path = "sessions/parts.rs"]
mod parts;

pub use client::Result;

/// The longest any one wait may take before the benchmark gives up.
pub const STALL: Duration = Duration::from_secs(30);

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; a plain `cargo test` run of benches passes nothing else.
    if std::env::args().any(|a| a == "--list") {
        return ExitCode::SUCCESS;
    }
    let part = std::env::var("SOCKLAB_BENCH_PART").unwrap_or_else(|_| "all".into());
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot build a runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let started = Instant::now();
    let result = runtime.block_on(async {
        if part == "all" || part == "slow" {
            let secs = env_number("SOCKLAB_BENCH_SLOW_SECS", 30);
            parts::slow_reader(Duration::from_secs(secs)).await?;
        }
        if part == "all" || part == "many" {
            parts::many_sessions(env_number("SOCKLAB_BENCH_SESSIONS", 500) as usize).await?;
        }
        if part == "all" || part == "followers" {
            followers::followers(env_number("SOCKLAB_BENCH_FOLLOWERS", 300) as usize).await?;
        }
        if part == "all" || part == "churn" {
            parts::churn(env_number("SOCKLAB_BENCH_CHURN", 10_000) as usize).await?;
        }
        Ok::<(), String>(())
    });
    match result {
        Ok(()) => {
            println!("done in {:.0?}", started.elapsed());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("benchmark failed: {e}");
            ExitCode::FAILURE
        }
    }
}
