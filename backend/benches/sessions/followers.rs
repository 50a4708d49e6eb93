//! One lecturer and many followers: what following costs the lecturer and the server.

use std::time::{Duration, Instant};

use serde_json::json;
use socklab_shared::protocol::Event;

use super::child::Server;
use super::parts::{mib, percentile};
use crate::client::Client;
use crate::{Result, STALL};

/// Lecturer steps timed with and without followers.
const STEPS: usize = 2000;
/// The pace of the paced measurement: a brisk lecturer's page (the auto behaviours of a
/// lesson, a demo button) makes at most a few hundred steps a second, not 50 000.
const PACE: Duration = Duration::from_millis(2);
/// Events in the session a late follower catches up on.
const CATCH_UP_EVENTS: u64 = 10_000;

/// `snapshot` steps of the lecturer, each timed from command to answer: back to back, or one
/// every `pace`.
async fn lecturer_latency(lecturer: &mut Client, pace: Option<Duration>) -> Result<Vec<Duration>> {
    let mut times = Vec::with_capacity(STEPS);
    let mut tick = pace.map(tokio::time::interval);
    for _ in 0..STEPS {
        if let Some(tick) = &mut tick {
            tick.tick().await;
        }
        let t = Instant::now();
        lecturer.ok(json!({"cmd": "snapshot"})).await?;
        times.push(t.elapsed());
    }
    times.sort();
    Ok(times)
}

/// A follower that reads every frame until its connection ends (without parsing them: the
/// benchmark's clients share the 2 cores with the server, so they should cost little);
/// returns the frames it read.
fn spawn_reader(follower: Client) -> tokio::task::JoinHandle<u64> {
    use futures_util::StreamExt;
    let mut ws = follower.into_inner();
    tokio::spawn(async move {
        let mut n = 0;
        while let Some(Ok(_)) = ws.next().await {
            n += 1;
        }
        n
    })
}

pub async fn followers(n: usize) -> Result<()> {
    println!("\n## one lecturer, {n} followers");
    let cap = (n + 10).to_string();
    let conns = (n + 100).to_string();
    let server = Server::start(&["--max-followers", &cap, "--max-connections", &conns])?;
    let mut lecturer = Client::open(server.addr, STALL).await?;
    lecturer.tcp_pair().await?;
    let alone = lecturer_latency(&mut lecturer, None).await?;
    let alone_paced = lecturer_latency(&mut lecturer, Some(PACE)).await?;
    let key = match lecturer.ok(json!({"cmd": "share"})).await? {
        Event::Shared { key, .. } => key,
        other => return Err(format!("share answered {other:?}")),
    };
    let path = format!("/ws?follow={key}");
    let before = server.rss_kib();
    let mut readers = Vec::with_capacity(n);
    for _ in 0..n {
        readers.push(spawn_reader(
            Client::open_at(server.addr, &path, STALL).await?,
        ));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let with_followers = server.rss_kib();
    let followed = lecturer_latency(&mut lecturer, None).await?;
    let followed_paced = lecturer_latency(&mut lecturer, Some(PACE)).await?;
    // Grow the session to the catch-up size, then time one late follower.
    while lecturer.ok(json!({"cmd": "snapshot"})).await.is_ok() {
        if lecturer.frames >= CATCH_UP_EVENTS {
            break;
        }
    }
    let last = lecturer.frames;
    let t = Instant::now();
    let mut late = Client::open_at(server.addr, &path, STALL).await?;
    loop {
        let event = late.next("the late follower's relays").await?.event;
        if matches!(&event, Event::Relay { envelope } if envelope.seq >= last) {
            break;
        }
    }
    let catch_up = t.elapsed();
    println!("| lecturer: snapshot → buffers | p50 | p99 |");
    println!("|---|---|---|");
    for (name, v) in [
        ("back to back, no followers", &alone),
        ("back to back, with followers reading", &followed),
        ("500 steps/s, no followers", &alone_paced),
        ("500 steps/s, with followers reading", &followed_paced),
    ] {
        println!(
            "| {name} | {:.2?} | {:.2?} |",
            percentile(v, 0.5),
            percentile(v, 0.99)
        );
    }
    println!(
        "p99 difference at 500 steps/s: {:.2?} (target ≤ 2 ms), back to back: {:.2?}; RSS {:.1} → {:.1} MiB, **{:.1} KiB per follower**; \
         a late follower caught up on {last} events in {catch_up:.0?}",
        percentile(&followed_paced, 0.99).saturating_sub(percentile(&alone_paced, 0.99)),
        percentile(&followed, 0.99).saturating_sub(percentile(&alone, 0.99)),
        mib(before),
        mib(with_followers),
        with_followers.saturating_sub(before) as f64 / n as f64,
    );
    lecturer.close_and_wait().await?;
    let mut relayed = 0;
    for r in readers {
        relayed += r.await.unwrap_or(0);
    }
    println!("followers read {relayed} events in all");
    Ok(())
}
