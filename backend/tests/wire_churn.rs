//! 200 sessions that each make the wire, connect across it and leave must leave nothing
//! behind: no helper process (not even a zombie), no TUN device or socket descriptor, so no
//! network namespace either (a namespace lives only while a process or descriptor holds it).
//!
//! The only test in its binary: it counts this process's descriptors and children, which
//! other tests running beside it would change.

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use socklab_shared::protocol::{ErrorCode, Event};
use support::{WsClient, b64};

const SESSIONS: usize = 200;

/// This process's open descriptors, by kind ("socket", "/dev/net/tun", "anon_inode:...").
fn descriptors() -> std::collections::BTreeMap<String, usize> {
    let mut kinds = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir("/proc/self/fd").unwrap().flatten() {
        if let Ok(target) = std::fs::read_link(entry.path()) {
            let t = target.to_string_lossy();
            let kind = t.split(':').next().unwrap_or("").to_string();
            *kinds.entry(kind).or_insert(0) += 1;
        }
    }
    kinds
}

/// Processes whose parent is this process (running or zombie).
fn children() -> Vec<String> {
    let me = std::process::id().to_string();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid ...
        let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
        let fields: Vec<&str> = after.split_whitespace().collect();
        if fields.get(1) == Some(&me.as_str()) {
            found.push(
                stat.split_whitespace()
                    .take(3)
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
    }
    found
}

/// Waits (bounded) until `check` holds: the server lets go of a session's resources right
/// after the WebSocket closes, on its own tasks, and nothing signals the test when it's done.
async fn settles(what: &str, check: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !check() {
        assert!(Instant::now() < deadline, "{what} never settled");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_wire_sessions_leave_nothing_behind() {
    let server = support::wire::wire_server().await;
    // One session first, so that lazily made server state is not counted as a leak.
    let warm = WsClient::connect(&server).await;
    warm.close_and_wait_until_gone().await;
    let fds_before = descriptors();
    assert!(children().is_empty(), "no helper before: {:?}", children());
    let started = Instant::now();
    for i in 0..SESSIONS {
        let mut ws = WsClient::connect(&server).await;
        let events = ws.step(json!({"cmd": "wire_status", "up": true})).await;
        if let Event::Error {
            code: ErrorCode::WireUnavailable,
            message,
            ..
        } = &events[0]
        {
            eprintln!("\n*** SKIPPED wire churn: the wire can't be made here: {message}\n");
            return;
        }
        let port = 9000 + (i % 100) as u16;
        let (client, _) = support::wire::wire_pair(&mut ws, port).await;
        ws.ok(json!({"cmd": "send", "socket": client, "data": b64("bye")}))
            .await;
        ws.close_and_wait_until_gone().await;
    }
    let elapsed = started.elapsed();
    settles("helper processes", || children().is_empty()).await;
    settles("descriptors", || descriptors() == fds_before).await;
    println!(
        "wire churn: {SESSIONS} sessions (namespaces + TUN + a connection each) in {:.2} s, \
         {:.1} sessions/s; descriptors {:?}, helpers 0",
        elapsed.as_secs_f64(),
        SESSIONS as f64 / elapsed.as_secs_f64(),
        descriptors()
    );
    server.stop().await;
}
