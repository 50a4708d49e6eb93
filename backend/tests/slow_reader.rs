//! A page that reads its events slowly must not make the server's memory grow.
//!
//! Two lab sockets echo to each other forever (each auto-recv answers what it gets), which
//! makes events as fast as the machine can: before events were bounded, the server's memory
//! grew by hundreds of MiB in seconds for a client reading ~10 events a second. This is the
//! only test in its binary, so the process's resident memory is the server's (and this
//! client's) alone.

mod support;

use std::time::Duration;

use serde_json::json;
use socklab_shared::protocol::Event;
use support::{LabServer, WsClient, opened, port_of};

/// Resident memory of this process, in KiB.
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// Generous: the bounded queue holds at most 4 MiB of payload per session.
const MAX_GROWTH_KIB: u64 = 64 * 1024;
/// Events read, one every 100 ms (10 a second), while the echo runs at full speed.
const SLOW_READS: usize = 30;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_reader_keeps_the_server_bounded() {
    let server = LabServer::start().await;
    let mut ws = WsClient::connect(&server).await;
    let listening = ws.ok(json!({"cmd": "tcp_listen", "port": 0})).await;
    let listener = opened(&listening);
    let client = opened(
        &ws.ok(json!({"cmd": "connect", "port": port_of(&listening)}))
            .await,
    );
    let conn = opened(&ws.ok(json!({"cmd": "accept", "socket": listener})).await);
    for s in [client, conn] {
        ws.ok(json!({"cmd": "set_auto", "socket": s, "auto": {"echo": "same", "bufsize": 65536}}))
            .await;
    }
    let baseline = rss_kib();
    // 32 KiB a round trip keeps the echo busy with large recvs (each detailed one carries it).
    let data = socklab_shared::Payload(vec![b'x'; 32 * 1024]).to_base64();
    ws.ok(json!({"cmd": "send_all", "socket": client, "data": data}))
        .await;
    let mut peak = baseline;
    let mut kinds = std::collections::BTreeMap::<String, u32>::new();
    for _ in 0..SLOW_READS {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let event = ws.next_event().await.event;
        let name = serde_json::to_value(&event).unwrap()["event"].to_string();
        *kinds.entry(name).or_default() += 1;
        peak = peak.max(rss_kib());
    }
    // Then read at full speed until the summaries show how much the echo did meanwhile.
    let (mut recvs, mut folded) = (0u64, 0u64);
    while recvs < 1000 {
        if let Event::AutoSummary {
            recvs: r,
            folded: f,
            ..
        } = ws.next_event().await.event
        {
            recvs += r;
            folded += f;
        }
    }
    let growth = peak.saturating_sub(baseline);
    eprintln!(
        "slow reader: RSS {baseline} KiB → peak {peak} KiB (+{growth} KiB); events read slowly: \
         {kinds:?}; later summaries: {recvs} recvs, {folded} folded events"
    );
    assert!(
        growth < MAX_GROWTH_KIB,
        "the server grew by {growth} KiB for a slow reader"
    );
    // Stop the echo: closing the session closes both sockets.
    ws.close_and_wait_until_gone().await;
}
