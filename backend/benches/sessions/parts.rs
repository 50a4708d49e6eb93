//! The three measurements (see the benchmark's module doc).

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::json;
use socklab_shared::Payload;

use super::child::Server;
use super::client::{Client, opened};
use super::{Result, STALL};

pub fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// Polls `/api/stats` until no session is open (bounded by [`STALL`]).
async fn until_no_sessions(server: &Server) -> Result<serde_json::Value> {
    let deadline = Instant::now() + STALL;
    loop {
        let stats = server.stats().await?;
        if stats["sessions"] == 0 {
            return Ok(stats);
        }
        if Instant::now() > deadline {
            return Err(format!("sessions still open after {STALL:?}: {stats}"));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Starts two lab sockets echoing 32 KiB to each other forever.
async fn ping_pong(client: &mut Client) -> Result<()> {
    let (_, a, b) = client.tcp_pair().await?;
    for s in [a, b] {
        client
            .ok(json!({"cmd": "set_auto", "socket": s, "auto": {"echo": "same", "bufsize": 65536}}))
            .await?;
    }
    let data = Payload(vec![b'x'; 32 * 1024]).to_base64();
    client
        .ok(json!({"cmd": "send_all", "socket": a, "data": data}))
        .await?;
    Ok(())
}

pub async fn slow_reader(secs: Duration) -> Result<()> {
    println!("\n## slow reader: auto-echo ping-pong, {secs:?} per phase");
    let server = Server::start(&[])?;
    Client::open(server.addr, STALL)
        .await?
        .close_and_wait()
        .await?;
    until_no_sessions(&server).await?;
    let baseline = server.rss_kib();
    println!("| phase | idle RSS | peak RSS | peak − idle | RSS after the session | session |");
    println!("|---|---|---|---|---|---|");
    for (phase, reads_per_second) in [("reads nothing", 0u32), ("reads 10 events/s", 10)] {
        let mut client = Client::open(server.addr, STALL).await?;
        ping_pong(&mut client).await?;
        let start = Instant::now();
        let mut peak = baseline;
        let mut read = 0u64;
        let mut closed_by_server = None;
        while start.elapsed() < secs {
            tokio::time::sleep(Duration::from_millis(100)).await;
            peak = peak.max(server.rss_kib());
            if reads_per_second > 0 && closed_by_server.is_none() {
                match client.next("an event of the ping-pong").await {
                    Ok(_) => read += 1,
                    Err(_) => closed_by_server = Some(start.elapsed()),
                }
            }
        }
        // Drain: a server that gave up on us has closed the connection after what it sent.
        let mut ws = client.into_inner();
        let drained = tokio::time::timeout(Duration::from_secs(2), async {
            while let Some(Ok(_)) = ws.next().await {}
        })
        .await
        .is_ok();
        let session = match closed_by_server {
            Some(at) => format!("closed by the server after {at:.1?}"),
            None if drained && reads_per_second == 0 => {
                "closed by the server (write timeout)".to_owned()
            }
            None => format!("open ({read} events read)"),
        };
        drop(ws);
        until_no_sessions(&server).await?;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let after = server.rss_kib();
        println!(
            "| {phase} | {:.1} MiB | {:.1} MiB | {:+.1} MiB | {:.1} MiB | {session} |",
            mib(baseline),
            mib(peak),
            mib(peak.saturating_sub(baseline)),
            mib(after)
        );
    }
    Ok(())
}

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

pub async fn many_sessions(n: usize) -> Result<()> {
    println!("\n## {n} concurrent sessions × 4 sockets");
    let cap = (n + 100).to_string();
    let conns = (2 * n + 100).to_string();
    let server = Server::start(&[
        "--max-sessions",
        &cap,
        "--max-sessions-per-client",
        &cap,
        "--max-connections",
        &conns,
        "--max-sockets",
        "8",
    ])?;
    let baseline = server.rss_kib();
    let started = Instant::now();
    let mut clients = Vec::with_capacity(n);
    for _ in 0..n {
        let mut c = Client::open(server.addr, STALL).await?;
        c.tcp_pair().await?;
        c.ok(json!({"cmd": "udp_bind", "port": 0})).await?;
        clients.push(c);
    }
    let opened_in = started.elapsed();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle = server.rss_kib();
    let per_session = idle.saturating_sub(baseline) as f64 / n as f64;
    println!(
        "opened in {opened_in:.1?}; RSS {:.1} → {:.1} MiB: **{per_session:.1} KiB per idle \
         session** (target ≤ 64 KiB); {} fds, {} threads",
        mib(baseline),
        mib(idle),
        server.fds(),
        server.threads()
    );
    // One at a time, round-robin over the sessions.
    let steps = (4 * n).min(20_000);
    let mut one = Vec::with_capacity(steps);
    for i in 0..steps {
        let c = &mut clients[i % n];
        let t = Instant::now();
        c.ok(json!({"cmd": "snapshot"})).await?;
        one.push(t.elapsed());
    }
    // All at once: every session sends a snapshot, then every answer is read.
    let mut burst = Vec::with_capacity(n);
    for _ in 0..5 {
        let t = Instant::now();
        let mut reqs = Vec::with_capacity(n);
        for c in clients.iter_mut() {
            reqs.push(c.send(json!({"cmd": "snapshot"})).await?);
        }
        for (c, req) in clients.iter_mut().zip(reqs) {
            loop {
                let env = c.next("the answer to a snapshot").await?;
                if env.req == Some(req) {
                    break;
                }
            }
            burst.push(t.elapsed());
        }
    }
    one.sort();
    burst.sort();
    println!("| snapshot (4 sockets) → buffers | p50 | p99 | max |");
    println!("|---|---|---|---|");
    for (name, v) in [
        ("one at a time", &one),
        ("all sessions at once (time to each answer)", &burst),
    ] {
        println!(
            "| {name} | {:.2?} | {:.2?} | {:.2?} |",
            percentile(v, 0.5),
            percentile(v, 0.99),
            v.last().copied().unwrap_or_default()
        );
    }
    for c in clients {
        c.close_and_wait().await?;
    }
    until_no_sessions(&server).await?;
    Ok(())
}

pub async fn churn(n: usize) -> Result<()> {
    println!(
        "\n## churn: {n} sessions opened and closed, each with a TCP pair and a Unix listener"
    );
    let server = Server::start(&[])?;
    let warm = Client::open(server.addr, STALL).await?;
    warm.close_and_wait().await?;
    let before = until_no_sessions(&server).await?;
    let (rss0, fds0, threads0) = (server.rss_kib(), server.fds(), server.threads());
    let started = Instant::now();
    const WORKERS: usize = 4;
    let per_worker = n.div_ceil(WORKERS);
    let addr = server.addr;
    let mut workers = Vec::new();
    for w in 0..WORKERS {
        let count = per_worker.min(n.saturating_sub(w * per_worker));
        workers.push(async move {
            for _ in 0..count {
                let mut c = Client::open(addr, STALL).await?;
                let (listener, _, _) = c.tcp_pair().await?;
                let _ = opened(
                    c.ok(json!({"cmd": "unix_listen", "path": "s.sock"}))
                        .await?,
                )?;
                c.ok(json!({"cmd": "close", "socket": listener})).await?;
                c.close_and_wait().await?;
            }
            Ok::<(), String>(())
        });
    }
    for r in futures_util::future::join_all(workers).await {
        r?;
    }
    let elapsed = started.elapsed();
    let after = until_no_sessions(&server).await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    println!(
        "{n} sessions in {elapsed:.1?} ({:.0} sessions/s)",
        n as f64 / elapsed.as_secs_f64()
    );
    println!("| | before | after |");
    println!("|---|---|---|");
    println!("| open fds | {fds0} | {} |", server.fds());
    println!(
        "| RSS | {:.1} MiB | {:.1} MiB |",
        mib(rss0),
        mib(server.rss_kib())
    );
    println!("| threads | {threads0} | {} |", server.threads());
    for key in ["tasks", "lab_ports", "session_folders", "clients"] {
        println!("| {key} | {} | {} |", before[key], after[key]);
    }
    Ok(())
}
