//! socklab engine benchmark: prints figures, asserts nothing about speed.
//!
//! Run from the workspace root:
//!
//! ```sh
//! cargo bench -p socklab --bench engine
//! SOCKLAB_BENCH_BYTES=64M SOCKLAB_BENCH_STEPS=2000 cargo bench -p socklab --bench engine
//! ```
//!
//! Two questions, both answered through the real `/ws` endpoint of a real server, so every
//! layer a lecturer's page goes through is in the measurement (WebSocket framing, JSON, the
//! session loop, the engine, the kernel):
//!
//! - **(a) Bulk throughput.** How fast can two lab sockets move bytes when one `send_bulk`s
//!   and the other auto-receives? Compared with a plain `std::net` socket pair doing the same
//!   system calls in the same run, so the ratio says how much the lab itself costs, not how
//!   fast this machine's loopback happens to be today.
//! - **(b) Command latency.** How long from a command's text frame leaving the client to the
//!   last event of that command arriving back (p50, p99, max)? For `ping` and `snapshot`
//!   (one event each), and for `set_option`, which answers with two events and so shows
//!   what happens to a second frame written right after a first (at most 300 steps).
//!
//! Besides the lab's figure, each lab transfer is broken down with the server's own event
//! stamps (`t_us`): when the bytes had all been received, when the event reporting the last
//! of them left the session, and when it arrived here. That tells the engine's data path,
//! its reporting and the transport apart when the ratio is low.
//!
//! Settings (environment): `SOCKLAB_BENCH_BYTES` (bytes per transfer, default 256 MiB;
//! accepts a K/M/G suffix meaning KiB/MiB/GiB), `SOCKLAB_BENCH_STEPS` (latency steps per
//! command, default 10000). The exit status is 0 unless something failed or stalled: every
//! wait has a time limit ([`STALL`]), so the benchmark always ends.
//!
//! # Where the server runs
//!
//! In this process, on its own multi-threaded tokio runtime (as many workers as CPUs, which is
//! what `#[tokio::main]` in `main.rs` builds), while the benchmark's client runs on a separate
//! single-threaded runtime on the main thread. We use the library rather than the built binary
//! because then `cargo bench` alone builds everything (no separate `cargo build --release` to
//! keep in step), the real port comes straight from `BoundServer::local_addr` (no parsing a
//! child's stdout), the limits can be raised for a large `SOCKLAB_BENCH_BYTES`, and there is
//! no child process to clean up if the benchmark fails. The code path is the binary's minus
//! its log output, which at the default `info` level is one line per session.

use std::process::ExitCode;
use std::time::Duration;

#[path = "common/client.rs"]
mod client;
#[path = "engine/lab.rs"]
mod lab;
#[path = "engine/plain.rs"]
mod plain;
#[path = "engine/report.rs"]
mod report;

/// The longest any single wait may take (an event, a connect, a read) before the benchmark
/// gives up and says what it was waiting for.
pub const STALL: Duration = Duration::from_secs(120);

/// Bytes per `send()`/`write()` and per `recv()`/`read()`, on both sides of the comparison.
pub const CHUNK: usize = 64 * 1024;

/// Timed runs of each transfer; the best and the median are reported, and the ratio's
/// spread run by run.
pub const RUNS: usize = 5;

/// Latency steps run before measuring, so connection set-up, allocator growth and cold
/// caches don't land in the percentiles.
pub const WARMUP_STEPS: usize = 500;

pub use client::Result;

/// What this run measures.
pub struct Settings {
    pub bytes: u64,
    pub steps: usize,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nsocklab bench failed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let settings = Settings {
        bytes: env_size("SOCKLAB_BENCH_BYTES", 256 << 20)?,
        steps: env_size("SOCKLAB_BENCH_STEPS", 10_000)? as usize,
    };
    if settings.bytes == 0 || settings.steps == 0 {
        return Err("SOCKLAB_BENCH_BYTES and SOCKLAB_BENCH_STEPS must be above 0".into());
    }
    let machine = report::Machine::read();
    eprintln!(
        "socklab bench: {} CPUs, {} bytes per transfer, {} latency steps",
        machine.cpus, settings.bytes, settings.steps
    );

    let server = lab::Server::start(settings.bytes)?;
    // The client's runtime: one thread is all a client that waits for one frame at a time
    // needs. A multi-threaded one would add idle workers competing with the server's for the
    // CPUs, and hand-offs between threads to every round trip we time.
    let client = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot build the client runtime: {e}"))?;

    // One untimed transfer of each kind first (1/8 of N, at least 8 MiB): it wakes the
    // server's worker threads, faults in the memory both sides use and runs every code path
    // once, so the first timed run doesn't pay for that. (Each run opens fresh connections,
    // so TCP's buffer autotuning starts from scratch every time, on both sides alike.)
    let warm = (settings.bytes / 8).max(8 << 20).min(settings.bytes);
    eprintln!("  warm-up transfers of {warm} bytes");
    plain::transfer(warm)?;
    client.block_on(lab::transfer(server.addr, warm))?;

    // Interleave the two kinds (plain, lab, plain, lab, ...) so that a burst of load from
    // something else on the machine hurts both columns alike instead of one whole column.
    let (mut plain_runs, mut lab_runs) = (Vec::new(), Vec::new());
    for run in 1..=RUNS {
        let p = plain::transfer(settings.bytes)?;
        eprintln!(
            "  run {run}/{RUNS} plain  {:>9.1} MB/s",
            report::mb_per_s(settings.bytes, p)
        );
        plain_runs.push(p);
        let l = client.block_on(lab::transfer(server.addr, settings.bytes))?;
        eprintln!(
            "  run {run}/{RUNS} lab    {:>9.1} MB/s",
            report::mb_per_s(settings.bytes, l.total)
        );
        lab_runs.push(l);
    }

    eprintln!(
        "  latency: {} + {WARMUP_STEPS} warm-up steps per command",
        settings.steps
    );
    let latency = client.block_on(lab::latencies(server.addr, settings.steps))?;

    drop(client);
    server.stop();
    report::print(&machine, &settings, &plain_runs, &lab_runs, &latency);
    Ok(())
}

/// A size from the environment: digits with an optional K/M/G (binary) suffix.
fn env_size(name: &str, default: u64) -> Result<u64> {
    let Ok(text) = std::env::var(name) else {
        return Ok(default);
    };
    let t = text.trim();
    let (digits, unit) = match t.char_indices().next_back() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&t[..i], c.to_ascii_uppercase()),
        _ => (t, ' '),
    };
    let shift = match unit {
        ' ' => 0,
        'K' => 10,
        'M' => 20,
        'G' => 30,
        _ => {
            return Err(format!(
                "{name}={text:?}: use a number, optionally with K, M or G"
            ));
        }
    };
    digits
        .trim()
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(1 << shift))
        .ok_or_else(|| format!("{name}={text:?}: use a number, optionally with K, M or G"))
}
