//! The socket engine's UDP acceptance tests, through the real /ws endpoint and real sockets.
//!
//! UDP on loopback is delivered inside `sendto()`, so a snapshot taken right after a `sendto`
//! step already shows the datagram waiting. Receives that are expected to succeed still pass
//! `timeout_ms`, so they wait rather than race; nothing sleeps.

use crate::support::{WsClient, b64, lab, opened, port_of, snapshot_of};
use serde_json::json;
use socklab_shared::protocol::{ErrorCode, Event, SocketId};

/// A UDP lab socket bound to a free loopback port: (id, local address, port).
async fn udp(ws: &mut WsClient) -> (SocketId, String, u16) {
    let event = ws.ok(json!({"cmd": "udp_bind", "port": 0})).await;
    let Event::SocketOpened { local, .. } = &event else {
        panic!("expected socket_opened, got {event:?}")
    };
    (opened(&event), local.clone(), port_of(&event))
}

/// One `sendto` step; checks the `sent_to` answer and returns the step's events.
async fn send_to(
    ws: &mut WsClient,
    socket: SocketId,
    data: &[u8],
    port: u16,
    send_no: u32,
) -> Vec<Event> {
    let events = ws
        .step(json!({"cmd": "send_to", "socket": socket, "data": b64(data), "port": port}))
        .await;
    match &events[0] {
        Event::SentTo {
            socket: s,
            send_no: n,
            to,
            bytes,
        } => {
            assert_eq!(*s, socket);
            assert_eq!(*n, send_no, "send numbers count every datagram");
            assert_eq!(to, &format!("127.0.0.1:{port}"));
            assert_eq!(*bytes, data.len() as u64);
        }
        other => panic!("expected sent_to, got {other:?}"),
    }
    events
}

/// What one `recvfrom` returned.
#[derive(Debug)]
struct Datagram {
    from: String,
    data: Vec<u8>,
    bufsize: u32,
    truncated: bool,
    real_len: u64,
    from_socket: Option<SocketId>,
    send_no: Option<u32>,
}

/// One `recvfrom(bufsize)` that waits up to 5 s; returns the datagram and the step's events.
async fn recv_from(ws: &mut WsClient, socket: SocketId, bufsize: u32) -> (Datagram, Vec<Event>) {
    let events = ws
        .step(json!({"cmd": "recv_from", "socket": socket, "bufsize": bufsize, "timeout_ms": 5000}))
        .await;
    let datagram = match &events[0] {
        Event::ReceivedFrom {
            socket: s,
            from,
            data,
            bufsize,
            truncated,
            real_len,
            from_socket,
            send_no,
        } => {
            assert_eq!(*s, socket);
            Datagram {
                from: from.clone(),
                data: data.as_bytes().to_vec(),
                bufsize: *bufsize,
                truncated: *truncated,
                real_len: *real_len,
                from_socket: *from_socket,
                send_no: *send_no,
            }
        }
        other => panic!("expected received_from, got {other:?}"),
    };
    (datagram, events)
}

/// Switches auto-recv on for `b`, sends it the datagram "one" from `a` (send #1) and returns
/// the `received_from` event auto-recv made of it.
async fn auto_received_one(ws: &mut WsClient, a: SocketId, b: SocketId, b_port: u16) -> Event {
    ws.ok(json!({"cmd": "set_auto", "socket": b, "auto": {"recv": true}}))
        .await;
    send_to(ws, a, b"one", b_port, 1).await;
    ws.wait_unsolicited(|e| matches!(e, Event::ReceivedFrom { .. }))
        .await
}

/// A `recvfrom` without a timeout must say "would block" at once: nothing is waiting.
async fn assert_nothing_waiting(ws: &mut WsClient, socket: SocketId) {
    let (code, message, errno) = ws.err(json!({"cmd": "recv_from", "socket": socket})).await;
    assert_eq!(
        (code, errno.as_deref()),
        (ErrorCode::WouldBlock, Some("EAGAIN")),
        "{message}"
    );
}

#[tokio::test]
async fn two_sendtos_are_two_recvfroms_with_their_boundaries_and_sender() {
    let (_s, mut ws) = lab().await;
    let (a, a_local, _) = udp(&mut ws).await;
    let (b, _, b_port) = udp(&mut ws).await;
    send_to(&mut ws, a, b"hello", b_port, 1).await;
    send_to(&mut ws, a, b"world!", b_port, 2).await;

    // Each recvfrom returns one whole datagram, never both merged, even with room for both.
    let (first, _) = recv_from(&mut ws, b, 1024).await;
    assert_eq!(first.data, b"hello");
    assert_eq!(
        (first.bufsize, first.truncated, first.real_len),
        (1024, false, 5)
    );
    assert_eq!(first.from, a_local);
    assert_eq!((first.from_socket, first.send_no), (Some(a), Some(1)));

    let (second, events) = recv_from(&mut ws, b, 1024).await;
    assert_eq!(second.data, b"world!");
    assert_eq!((second.truncated, second.real_len), (false, 6));
    assert_eq!(second.from, a_local);
    assert_eq!((second.from_socket, second.send_no), (Some(a), Some(2)));
    assert_eq!(snapshot_of(&events, b).next_datagram, None);

    assert_nothing_waiting(&mut ws, b).await;
}

#[tokio::test]
async fn interleaved_senders_are_each_named_and_an_outsider_is_not() {
    let (_s, mut ws) = lab().await;
    let (a, a_local, _) = udp(&mut ws).await;
    let (b, _, b_port) = udp(&mut ws).await;
    let (c, c_local, _) = udp(&mut ws).await;
    let outsider = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    send_to(&mut ws, a, b"a1", b_port, 1).await;
    send_to(&mut ws, c, b"c1", b_port, 1).await;
    outsider.send_to(b"outside", ("127.0.0.1", b_port)).unwrap();
    send_to(&mut ws, a, b"a2", b_port, 2).await;

    let mut got = Vec::new();
    for _ in 0..4 {
        let (d, _) = recv_from(&mut ws, b, 1024).await;
        got.push((d.data, d.from, d.from_socket, d.send_no));
    }
    assert_eq!(
        got,
        [
            (b"a1".to_vec(), a_local.clone(), Some(a), Some(1)),
            (b"c1".to_vec(), c_local, Some(c), Some(1)),
            (
                b"outside".to_vec(),
                outsider.local_addr().unwrap().to_string(),
                None,
                None
            ),
            (b"a2".to_vec(), a_local, Some(a), Some(2)),
        ]
    );
    assert_nothing_waiting(&mut ws, b).await;
}

#[tokio::test]
async fn a_short_buffer_truncates_the_datagram_and_the_rest_is_gone() {
    let (_s, mut ws) = lab().await;
    let (a, a_local, _) = udp(&mut ws).await;
    let (b, _, b_port) = udp(&mut ws).await;
    send_to(&mut ws, a, b"0123456789", b_port, 1).await;

    let (d, events) = recv_from(&mut ws, b, 4).await;
    assert_eq!(d.data, b"0123");
    assert_eq!((d.bufsize, d.truncated, d.real_len), (4, true, 10));
    assert_eq!(d.from, a_local);
    assert_eq!((d.from_socket, d.send_no), (Some(a), Some(1)));
    let snap = snapshot_of(&events, b);
    assert_eq!(
        snap.next_datagram, None,
        "the whole datagram left the queue"
    );
    assert_eq!(snap.recv_queued, 0);

    // The six bytes that did not fit are not waiting for a second recvfrom...
    assert_nothing_waiting(&mut ws, b).await;
    // ...and the next datagram is the next one, not the lost tail.
    send_to(&mut ws, a, b"next", b_port, 2).await;
    let (d, _) = recv_from(&mut ws, b, 1024).await;
    assert_eq!(d.data, b"next");
    assert_eq!((d.truncated, d.real_len, d.send_no), (false, 4, Some(2)));
}

#[tokio::test]
async fn an_empty_datagram_is_a_datagram() {
    let (_s, mut ws) = lab().await;
    let (a, a_local, _) = udp(&mut ws).await;
    let (b, _, b_port) = udp(&mut ws).await;
    let events = send_to(&mut ws, a, b"", b_port, 1).await;
    // FIONREAD says 0 for it, as for an empty queue; only next_datagram tells them apart.
    assert_eq!(snapshot_of(&events, b).next_datagram, Some(0));
    let events = send_to(&mut ws, a, b"x", b_port, 2).await;
    assert_eq!(
        snapshot_of(&events, b).next_datagram,
        Some(0),
        "the empty datagram is still first in line"
    );

    let (d, events) = recv_from(&mut ws, b, 1024).await;
    assert!(d.data.is_empty(), "{d:?}");
    assert_eq!((d.truncated, d.real_len), (false, 0));
    assert_eq!(d.from, a_local);
    assert_eq!((d.from_socket, d.send_no), (Some(a), Some(1)));
    assert_eq!(snapshot_of(&events, b).next_datagram, Some(1));

    let (d, events) = recv_from(&mut ws, b, 1024).await;
    assert_eq!(d.data, b"x");
    assert_eq!(d.send_no, Some(2));
    assert_eq!(snapshot_of(&events, b).next_datagram, None);
    assert_nothing_waiting(&mut ws, b).await;
}

#[tokio::test]
async fn the_snapshot_shows_the_size_of_the_waiting_datagram() {
    let (_s, mut ws) = lab().await;
    let (a, _, _) = udp(&mut ws).await;
    let (b, _, b_port) = udp(&mut ws).await;
    let events = ws.step(json!({"cmd": "snapshot"})).await;
    assert_eq!(snapshot_of(&events, b).next_datagram, None);

    let events = send_to(&mut ws, a, b"0123456789", b_port, 1).await;
    let snap = snapshot_of(&events, b);
    assert_eq!(snap.next_datagram, Some(10));
    assert_eq!(snap.recv_peek.as_bytes(), b"0123456789");

    // A second, shorter datagram queues behind it: the snapshot still describes the first.
    let events = send_to(&mut ws, a, b"abc", b_port, 2).await;
    assert_eq!(snapshot_of(&events, b).next_datagram, Some(10));
    let (d, events) = recv_from(&mut ws, b, 1024).await;
    assert_eq!(d.data, b"0123456789");
    let snap = snapshot_of(&events, b);
    assert_eq!(snap.next_datagram, Some(3));
    assert_eq!(snap.recv_peek.as_bytes(), b"abc");
}

#[tokio::test]
async fn after_auto_recv_is_switched_off_recvfrom_still_names_the_right_send() {
    let (_s, mut ws) = lab().await;
    let (a, _, _) = udp(&mut ws).await;
    let (b, _, b_port) = udp(&mut ws).await;
    let event = auto_received_one(&mut ws, a, b, b_port).await;
    let Event::ReceivedFrom { data, .. } = &event else {
        unreachable!()
    };
    assert_eq!(data.as_bytes(), b"one", "auto-recv took datagram #1");

    ws.ok(json!({"cmd": "set_auto", "socket": b, "auto": {"recv": false}}))
        .await;
    send_to(&mut ws, a, b"two", b_port, 2).await;
    let (d, _) = recv_from(&mut ws, b, 1024).await;
    assert_eq!(d.data, b"two");
    assert_eq!(
        (d.from_socket, d.send_no),
        (Some(a), Some(2)),
        "datagram \"two\" is send #2 of {a}"
    );
}

#[tokio::test]
async fn auto_recv_names_a_lab_sender_too() {
    let (_s, mut ws) = lab().await;
    let (a, a_local, _) = udp(&mut ws).await;
    let (b, _, b_port) = udp(&mut ws).await;
    let event = auto_received_one(&mut ws, a, b, b_port).await;
    let Event::ReceivedFrom {
        socket,
        from,
        data,
        from_socket,
        send_no,
        ..
    } = event
    else {
        unreachable!()
    };
    assert_eq!((socket, from, data.as_bytes()), (b, a_local, &b"one"[..]));
    assert_eq!((from_socket, send_no), (Some(a), Some(1)));
}
