//! The link's impairments on real kernel traffic: Nagle's merge on a delayed link, TCP
//! repairing 30 % loss with retransmissions, UDP losing datagrams.

use serde_json::json;
use socklab_shared::protocol::Event;
use socklab_shared::protocol::wire::{DropReason, Fate, PacketInfo, Transport};

use super::{packets_until, tcp, wire_pair, wire_server, wire_session};
use crate::support::{b64, opened, port_of, snapshot_of};

/// Receives on `socket` until `total` bytes came (each recv waits up to 5 s).
async fn recv_total(ws: &mut crate::support::WsClient, socket: u32, total: usize) -> Vec<u8> {
    let mut got = Vec::new();
    for _ in 0..200 {
        if got.len() >= total {
            break;
        }
        let e = ws
            .ok(json!({"cmd": "recv", "socket": socket, "bufsize": 65536, "timeout_ms": 5000}))
            .await;
        let Event::Received { data, .. } = e else {
            panic!("{e:?}")
        };
        got.extend_from_slice(&data.0);
    }
    got
}

fn payload_sends(p: &PacketInfo) -> Vec<u32> {
    let mut sends: Vec<u32> = p.spans.iter().filter_map(|s| s.send_no).collect();
    sends.dedup();
    sends
}

#[tokio::test]
async fn nagle_on_a_delayed_link_puts_two_sends_in_one_segment() {
    let server = wire_server().await;
    let Some(mut ws) = wire_session(&server, "nagle").await else {
        return;
    };
    ws.ok(json!({"cmd": "link_set", "settings": {"delay_ms": 50}}))
        .await;
    let (client, srv) = wire_pair(&mut ws, 9010).await;
    for text in ["one", "two", "three"] {
        ws.ok(json!({"cmd": "send", "socket": client, "data": b64(text)}))
            .await;
    }
    let got = recv_total(&mut ws, srv.0, 11).await;
    assert_eq!(got, b"onetwothree");
    // The first send leaves at once; the next two wait for its ACK (100 ms away) and leave
    // together: one segment whose bytes name sends 2 and 3.
    let seen = packets_until(&mut ws, |ps| {
        ps.iter().any(|p| payload_sends(p) == vec![2, 3])
    })
    .await;
    let merged = seen
        .iter()
        .find(|p| payload_sends(p) == vec![2, 3])
        .unwrap();
    assert_eq!(tcp(merged).payload_len, 8);
    assert_eq!(merged.spans[0].from, Some(client));
}

#[tokio::test]
async fn tcp_repairs_thirty_percent_loss_with_retransmissions() {
    let server = wire_server().await;
    let Some(mut ws) = wire_session(&server, "tcp loss").await else {
        return;
    };
    let (client, srv) = wire_pair(&mut ws, 9011).await;
    ws.ok(json!({"cmd": "link_set", "settings": {"loss_pct": 30}, "seed": 7}))
        .await;
    let data: Vec<u8> = (0..20_000u32).map(|i| (i % 251) as u8).collect();
    ws.ok(json!({"cmd": "send_all", "socket": client, "data": b64(&data), "timeout_ms": 5000}))
        .await;
    let got = recv_total(&mut ws, srv.0, data.len()).await;
    assert_eq!(got, data, "every TCP byte arrives, in order");
    let seen = packets_until(&mut ws, |ps| {
        ps.iter()
            .any(|p| matches!(&p.transport, Transport::Tcp(t) if t.retransmission))
    })
    .await;
    assert!(seen.iter().any(|p| p.fate
        == Fate::Dropped {
            reason: DropReason::Loss
        }));
    // The sender's card shows the kernel's own count (TCP_INFO).
    let events = ws.step(json!({"cmd": "snapshot"})).await;
    let info = snapshot_of(&events, client)
        .tcp_info
        .expect("a connected TCP socket reports TCP_INFO");
    assert!(info.retransmits >= 1, "{info:?}");
    assert!(info.rtt_us > 0 && info.cwnd > 0 && info.mss > 0, "{info:?}");
}

#[tokio::test]
async fn udp_loses_datagrams_on_a_lossy_link() {
    let server = wire_server().await;
    let Some(mut ws) = wire_session(&server, "udp loss").await else {
        return;
    };
    let a = opened(
        &ws.ok(json!({"cmd": "udp_bind", "on": "a", "port": 0}))
            .await,
    );
    let b_event = ws
        .ok(json!({"cmd": "udp_bind", "on": "b", "port": 0}))
        .await;
    let (b, b_port) = (opened(&b_event), port_of(&b_event));
    ws.ok(
        json!({"cmd": "link_set", "directions": "a_to_b", "settings": {"loss_pct": 30}, "seed": 3}),
    )
    .await;
    const SENT: usize = 40;
    for i in 0..SENT {
        ws.ok(json!({"cmd": "send_to", "socket": a, "host": "b", "port": b_port, "data": b64(format!("d{i}"))}))
            .await;
    }
    let seen = packets_until(&mut ws, |ps| {
        ps.iter()
            .filter(|p| matches!(p.transport, Transport::Udp(_)))
            .count()
            >= SENT
    })
    .await;
    let dropped = seen
        .iter()
        .filter(|p| matches!(p.fate, Fate::Dropped { .. }))
        .count();
    let mut received = 0;
    while received < SENT {
        let events = ws
            .step(json!({"cmd": "recv_from", "socket": b, "bufsize": 64, "timeout_ms": 300}))
            .await;
        match &events[0] {
            Event::ReceivedFrom { send_no, .. } => {
                assert!(send_no.is_some(), "the lab names the send");
                received += 1;
            }
            _ => break,
        }
    }
    assert!(dropped > 0, "30 % loss dropped some of {SENT}");
    assert_eq!(received, SENT - dropped, "UDP never repairs a loss");
    let labelled = seen
        .iter()
        .filter(|p| matches!(p.transport, Transport::Udp(_)))
        .all(|p| p.spans.len() == 1 && p.spans[0].from == Some(a));
    assert!(labelled, "each datagram names the lab send it carries");
}
