//! The wire on the real kernel: hosts A and B in network namespaces with TUN devices, the
//! cable carried by the server, and the packets it reports.
//!
//! Where this machine can't make user or network namespaces, every test here prints
//! `SKIPPED` with the reason and returns without asserting anything: run the suite where
//! namespaces are allowed (CI runs as root) for these to mean something.

mod capture;
mod exec;
mod impairments;

use std::time::Duration;

pub use crate::support::wire::{wire_pair, wire_server, wire_session};
use crate::support::{WsClient, b64, opened};
use serde_json::json;
use socklab_shared::protocol::wire::{Fate, PacketInfo, Transport};
use socklab_shared::protocol::{ErrorCode, Event};

/// Waits until `n` packet events have arrived (unsolicited), and returns all seen so far.
pub async fn packets(ws: &mut WsClient, n: usize) -> Vec<PacketInfo> {
    packets_until(ws, |seen| seen.len() >= n).await
}

/// Waits (at most 10 s per event) until the packets seen so far satisfy `done`.
pub async fn packets_until(
    ws: &mut WsClient,
    done: impl Fn(&[PacketInfo]) -> bool,
) -> Vec<PacketInfo> {
    loop {
        let seen: Vec<PacketInfo> = ws
            .unsolicited
            .iter()
            .filter_map(|e| match e {
                Event::Packet { packet } => Some((**packet).clone()),
                _ => None,
            })
            .collect();
        if done(&seen) {
            return seen;
        }
        let env = tokio::time::timeout(Duration::from_secs(10), ws.next_event())
            .await
            .unwrap_or_else(|_| panic!("the packets never got there: {seen:#?}"));
        ws.unsolicited.push(env.event);
    }
}

pub fn tcp(p: &PacketInfo) -> &socklab_shared::protocol::wire::TcpSegment {
    match &p.transport {
        Transport::Tcp(t) => t,
        other => panic!("packet {} is not TCP: {other:?}", p.no),
    }
}

#[tokio::test]
async fn a_handshake_is_syn_syn_ack_ack_with_relative_numbers() {
    let server = wire_server().await;
    let Some(mut ws) = wire_session(&server, "handshake").await else {
        return;
    };
    wire_pair(&mut ws, 9000).await;
    let p = packets(&mut ws, 3).await;
    let (syn, syn_ack, ack) = (tcp(&p[0]), tcp(&p[1]), tcp(&p[2]));
    assert_eq!(syn.flags.label(), "SYN");
    assert_eq!((syn.seq, syn.dst_port), (0, 9000));
    assert!(syn.options.mss.is_some(), "a SYN announces its MSS");
    assert_eq!(syn_ack.flags.label(), "SYN, ACK");
    assert_eq!((syn_ack.seq, syn_ack.ack), (0, 1));
    assert_eq!(ack.flags.label(), "ACK");
    assert_eq!((ack.seq, ack.ack), (1, 1));
    assert_eq!(p[0].ip.src, "198.18.0.1");
    assert_eq!(p[1].ip.src, "198.18.0.2");
    assert!(p.iter().all(|p| p.fate == Fate::Delivered));
}

#[tokio::test]
async fn sends_carry_their_spans_and_a_held_packet_waits_for_a_step() {
    let server = wire_server().await;
    let Some(mut ws) = wire_session(&server, "hold").await else {
        return;
    };
    let (client, srv) = wire_pair(&mut ws, 9001).await;
    packets(&mut ws, 3).await;
    ws.ok(json!({"cmd": "wire_hold", "hold": true})).await;
    ws.ok(json!({"cmd": "send", "socket": client, "data": b64("hello")}))
        .await;
    let p = packets(&mut ws, 4).await;
    let data = &p[3];
    assert_eq!(data.fate, Fate::Held);
    assert_eq!(tcp(data).payload_len, 5);
    assert_eq!(data.spans.len(), 1);
    assert_eq!(data.spans[0].from, Some(client));
    assert_eq!(data.spans[0].send_no, Some(1));
    // Nothing arrived while the packet waits on the cable.
    let (code, _, _) = ws
        .err(json!({"cmd": "recv", "socket": srv, "bufsize": 1024}))
        .await;
    assert_eq!(code, ErrorCode::WouldBlock);
    let state = ws.ok(json!({"cmd": "wire_step"})).await;
    let Event::WireState { wire } = state else {
        panic!("{state:?}")
    };
    assert!(wire.held, "stepping keeps the wire held");
    let got = ws
        .ok(json!({"cmd": "recv", "socket": srv, "bufsize": 1024, "timeout_ms": 3000}))
        .await;
    let Event::Received { data, .. } = got else {
        panic!("{got:?}")
    };
    assert_eq!(data.0, b"hello");
    assert!(ws.unsolicited.iter().any(|e| matches!(
        e,
        Event::PacketFate { no, fate: Fate::Delivered } if *no == p[3].no
    )));
}

#[tokio::test]
async fn ipv6_crosses_the_cable_too() {
    let server = wire_server().await;
    let Some(mut ws) = wire_session(&server, "ipv6").await else {
        return;
    };
    let listener = opened(
        &ws.ok(json!({"cmd": "tcp_listen", "on": "b", "host": "2001:2::2", "port": 9002}))
            .await,
    );
    let client = ws
        .ok(json!({"cmd": "connect", "on": "a", "host": "2001:2::2", "port": 9002}))
        .await;
    let Event::SocketOpened { local, peer, .. } = &client else {
        panic!("{client:?}")
    };
    assert!(local.starts_with("[2001:2::1]:"), "{local}");
    assert_eq!(peer.as_deref(), Some("[2001:2::2]:9002"));
    ws.ok(json!({"cmd": "accept", "socket": listener, "timeout_ms": 2000}))
        .await;
    let p = packets(&mut ws, 3).await;
    assert!(p.iter().all(|p| p.ip.version == 6), "{p:#?}");
    assert_eq!(tcp(&p[0]).flags.label(), "SYN");
    assert_eq!(p[0].ip.src, "2001:2::1");
    assert_eq!(tcp(&p[1]).flags.label(), "SYN, ACK");
}

#[tokio::test]
async fn a_handshake_stepped_packet_by_packet_on_the_held_wire() {
    let server = wire_server().await;
    let Some(mut ws) = wire_session(&server, "stepped handshake").await else {
        return;
    };
    let listener = opened(
        &ws.ok(json!({"cmd": "tcp_listen", "on": "b", "port": 9003}))
            .await,
    );
    ws.ok(json!({"cmd": "wire_hold", "hold": true})).await;
    // `settimeout(0)` + `connect_ex`: the call returns while the SYN waits on the cable.
    let events = ws
        .step(json!({"cmd": "connect", "on": "a", "host": "b", "port": 9003, "timeout_ms": 0}))
        .await;
    let client = opened(&events[0]);
    assert_eq!(
        crate::support::snapshot_of(&events, client).tcp_state,
        Some(socklab_shared::protocol::TcpState::SynSent)
    );
    for (n, expected) in ["SYN", "SYN, ACK", "ACK"].into_iter().enumerate() {
        let p = packets(&mut ws, n + 1).await;
        assert_eq!(tcp(&p[n]).flags.label(), expected);
        assert_eq!(p[n].fate, Fate::Held, "{expected} waits on the cable");
        let (code, _, _) = ws.err(json!({"cmd": "accept", "socket": listener})).await;
        assert_eq!(
            code,
            ErrorCode::WouldBlock,
            "no connection before the {expected}"
        );
        ws.ok(json!({"cmd": "wire_step"})).await;
    }
    ws.ok(json!({"cmd": "accept", "socket": listener, "timeout_ms": 2000}))
        .await;
    let events = ws.step(json!({"cmd": "snapshot"})).await;
    assert_eq!(
        crate::support::snapshot_of(&events, client).tcp_state,
        Some(socklab_shared::protocol::TcpState::Established)
    );
}

#[tokio::test]
async fn hosts_reach_nothing_but_each_other() {
    let server = wire_server().await;
    let Some(mut ws) = wire_session(&server, "isolation of the hosts").await else {
        return;
    };
    // 192.0.2.1 is TEST-NET-1 (documentation only): refused before any socket exists.
    let (code, message, _) = ws
        .err(json!({"cmd": "connect", "on": "a", "host": "192.0.2.1", "port": 9000}))
        .await;
    assert_eq!(code, ErrorCode::Refused, "{message}");
    assert!(message.contains("not on the wire"), "{message}");
    // And a loopback socket can't reach a host.
    let (code, message, _) = ws
        .err(json!({"cmd": "connect", "host": "198.18.0.2", "port": 9000}))
        .await;
    assert_eq!(code, ErrorCode::Refused, "{message}");
    let state = ws.ok(json!({"cmd": "wire_status"})).await;
    let Event::WireState { wire } = state else {
        panic!("{state:?}")
    };
    assert_eq!(wire.packets, 0, "nothing was sent anywhere");
}
