//! The wire's benchmark: bulk throughput across the cable between host A and host B, side by
//! side with the same transfer on loopback, in one run. Prints figures, asserts nothing.
//!
//! ```sh
//! cargo bench -p socklab --bench wire
//! SOCKLAB_BENCH_BYTES=1G cargo bench -p socklab --bench wire
//! ```
//!
//! Each transfer is one `send_bulk` of N bytes from one lab socket to another that
//! auto-receives (64 KiB a recv), through the real `/ws` endpoint, in a fresh session: on
//! loopback, then across the cable at MTU 1500 and at MTU 65 520 with no impairment. Every
//! packet crosses the server (read from one TUN device, parsed, numbered, captured for the
//! pcap, written into the other) and packet events are on, summarised as the page gets them;
//! the events per second the client receives say whether the page stays responsive.
//!
//! Where the wire can't be made (no user namespaces) the wire rows say so.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use serde_json::json;
use socklab_shared::protocol::{ErrorCode, Event};

#[path = "common/client.rs"]
mod client;
#[path = "engine/lab.rs"]
#[allow(dead_code)] // the engine benchmark's transfer and latency code
mod lab;

use client::{Client, Result, opened};

/// The longest any one wait may take.
pub const STALL: Duration = Duration::from_secs(120);
/// Bytes per recv of the receiving lab socket.
pub const CHUNK: usize = 64 * 1024;
/// Used by the engine benchmark's latency code, included with `lab`.
pub const WARMUP_STEPS: usize = 500;
/// Timed runs of each kind of transfer; the best is reported.
const RUNS: usize = 3;

/// Where the two sockets are.
#[derive(Clone, Copy)]
enum Path {
    Loopback,
    Wire { mtu: u32 },
}

impl Path {
    fn name(self) -> String {
        match self {
            Path::Loopback => "loopback".into(),
            Path::Wire { mtu } => format!("wire, MTU {mtu}"),
        }
    }
}

/// One transfer's figures.
struct Run {
    elapsed: Duration,
    events: u64,
    packet_events: u64,
    packets: u64,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nsocklab wire bench failed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let bytes = std::env::var("SOCKLAB_BENCH_BYTES")
        .ok()
        .and_then(|t| parse_size(&t))
        .unwrap_or(256 << 20);
    let server = lab::Server::start_with(bytes, |c| {
        c.wire_helper = Some(env!("CARGO_BIN_EXE_socklab").into());
    })?;
    let client = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("client runtime: {e}"))?;
    let paths = [
        Path::Loopback,
        Path::Wire { mtu: 1500 },
        Path::Wire { mtu: 65_520 },
    ];
    println!("socklab wire bench: {bytes} bytes per transfer, best of {RUNS}");
    let mut rows = Vec::new();
    for path in paths {
        let mut best: Option<Run> = None;
        for _ in 0..RUNS {
            match client.block_on(transfer(server.addr, path, bytes))? {
                Some(r) if best.as_ref().is_none_or(|b| r.elapsed < b.elapsed) => best = Some(r),
                Some(_) => {}
                None => break,
            }
        }
        rows.push((path, best));
    }
    drop(client);
    server.stop();
    println!(
        "{:<18} {:>10} {:>12} {:>10} {:>14}",
        "path", "Gbit/s", "packets", "events/s", "packet events"
    );
    for (path, run) in rows {
        match run {
            Some(r) => {
                let secs = r.elapsed.as_secs_f64();
                println!(
                    "{:<18} {:>10.2} {:>12} {:>10.0} {:>14}",
                    path.name(),
                    bytes as f64 * 8.0 / secs / 1e9,
                    r.packets,
                    r.events as f64 / secs,
                    r.packet_events
                );
            }
            None => println!("{:<18} SKIPPED: the wire can't be made here", path.name()),
        }
    }
    Ok(())
}

/// One transfer in a fresh session; `None` when the wire can't be made.
async fn transfer(addr: std::net::SocketAddr, path: Path, bytes: u64) -> Result<Option<Run>> {
    let mut lab = Client::open(addr, STALL).await?;
    let (client, receiver) = match path {
        Path::Loopback => {
            let (_, client, receiver) = lab.tcp_pair().await?;
            (client, receiver)
        }
        Path::Wire { mtu } => {
            lab.send(json!({"cmd": "link_set", "settings": {"mtu": mtu}}))
                .await?;
            let first = lab.next("link_set's answer").await?;
            if let Event::Error { code, message, .. } = first.event {
                if code == ErrorCode::WireUnavailable {
                    eprintln!("  wire unavailable: {message}");
                    return Ok(None);
                }
                return Err(format!("link_set failed: {message}"));
            }
            let (listener, _) = opened(
                lab.ok(json!({"cmd": "tcp_listen", "on": "b", "port": 9000}))
                    .await?,
            )?;
            let (client, _) = opened(
                lab.ok(json!({"cmd": "connect", "on": "a", "host": "b", "port": 9000}))
                    .await?,
            )?;
            let (receiver, _) = opened(
                lab.ok(json!({"cmd": "accept", "socket": listener, "timeout_ms": 5000}))
                    .await?,
            )?;
            (client, receiver)
        }
    };
    lab.ok(
        json!({"cmd": "set_auto", "socket": receiver, "auto": {"recv": true, "bufsize": CHUNK}}),
    )
    .await?;
    let start = Instant::now();
    lab.send(json!({"cmd": "send_bulk", "socket": client, "bytes": bytes}))
        .await?;
    let (mut got, mut events, mut packet_events, mut packets) = (0u64, 0u64, 0u64, 0u64);
    while got < bytes {
        let env = lab.next("the receiver's bytes").await?;
        events += 1;
        match env.event {
            Event::Received { socket, data, .. } if socket == receiver => {
                got += data.0.len() as u64
            }
            Event::AutoSummary {
                socket, bytes: b, ..
            } if socket == receiver => got += b,
            Event::Packet { packet } => {
                packet_events += 1;
                packets = packets.max(packet.no);
            }
            Event::PacketSummary { last_no, .. } => {
                packet_events += 1;
                packets = packets.max(last_no);
            }
            Event::Error { message, .. } => return Err(format!("during the transfer: {message}")),
            _ => {}
        }
    }
    let elapsed = start.elapsed();
    lab.close().await;
    Ok(Some(Run {
        elapsed,
        events,
        packet_events,
        packets,
    }))
}

/// A size: digits with an optional K/M/G (binary) suffix.
fn parse_size(text: &str) -> Option<u64> {
    let t = text.trim();
    let (digits, shift) = match t.chars().last()?.to_ascii_uppercase() {
        'K' => (&t[..t.len() - 1], 10),
        'M' => (&t[..t.len() - 1], 20),
        'G' => (&t[..t.len() - 1], 30),
        _ => (t, 0),
    };
    digits.trim().parse::<u64>().ok()?.checked_mul(1 << shift)
}
