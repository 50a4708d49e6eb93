//! The diagram itself: one lane per socket, one row per call (with the right kind and
//! label), and the arrows between rows (send → recv, sendto → recvfrom, connect → accept,
//! close → EOF).

use super::*;

#[test]
fn one_lane_per_socket_in_order_of_appearance_and_no_rows_for_snapshots() {
    let tl = Timeline::build(&sticky());
    let lanes: Vec<_> = tl.lanes.iter().map(|l| (l.socket.0, l.role)).collect();
    assert_eq!(lanes, [(1, "listener"), (2, "client"), (3, "accepted")]);
    assert_eq!(tl.lanes[0].detail, "127.0.0.1:9000");
    assert_eq!(tl.lanes[2].label, "accepted by #1");
    assert_eq!(
        labels(&tl),
        [
            "listen()",
            "connect()",
            "accept()",
            "send #1 · 5 B",
            "send #2 · 5 B",
            "recv(12) → 10 B · 2 sends → 1 recv",
        ]
    );
    let idx: Vec<_> = tl.rows.iter().map(|r| r.index).collect();
    assert_eq!(idx, [1, 3, 5, 7, 9, 11]);
    assert_eq!(tl.rows[3].lane, Some(1));
    assert_eq!(tl.rows[5].lane, Some(2));
    assert_eq!(tl.rows[3].colour, Some(0));
    assert_eq!(tl.rows[4].colour, Some(1));
    assert!(matches!(tl.rows[0].kind, RowKind::Call { .. }));
}

#[test]
fn sticky_two_sends_one_recv_gives_two_arrows_into_the_recv_row() {
    let tl = Timeline::build(&sticky());
    let data: Vec<_> = tl
        .arrows
        .iter()
        .filter(|a| a.colour.is_some())
        .map(|a| (a.from_row, a.to_row, a.label.as_str()))
        .collect();
    assert_eq!(data, [(3, 5, "5 B"), (4, 5, "5 B")]);
    assert_eq!(tl.rows[5].arrows_in, 2);
    assert_eq!(tl.rows[3].arrows_out, 1);
}

#[test]
fn connect_is_drawn_to_its_accept() {
    let tl = Timeline::build(&sticky());
    let conn: Vec<_> = tl
        .arrows
        .iter()
        .filter(|a| a.colour.is_none())
        .map(|a| (a.from_row, a.to_row, a.label.as_str()))
        .collect();
    assert_eq!(conn, [(1, 2, "connect")]);
}

#[test]
fn a_unix_accept_is_drawn_from_the_client_the_engine_names() {
    // Every Unix client is "(unnamed)". Lab clients #2 and #3 wait on one path, but the
    // engine says accept #4 took #3 and accept #5 came from outside the lab: no arrow for it.
    let path = "/tmp/socklab-1-ab/a.sock";
    let client = |n: u32| opened(n, SocketKind::UnixStream, "(unnamed)", Some(path), None);
    let accepted = |n: u32, from: Option<u32>| Event::SocketOpened {
        socket: SocketId(n),
        kind: SocketKind::UnixStream,
        local: path.into(),
        peer: Some("(unnamed)".into()),
        listener: Some(SocketId(1)),
        peer_socket: from.map(SocketId),
    };
    let tl = Timeline::build(&history(vec![
        (None, hello()),
        (
            Some(1),
            opened(1, SocketKind::UnixListener, path, None, None),
        ),
        (Some(2), client(2)),
        (Some(3), client(3)),
        (Some(4), accepted(4, Some(3))),
        (Some(5), accepted(5, None)),
    ]));
    let conn: Vec<_> = tl
        .arrows
        .iter()
        .map(|a| (a.from_row, a.to_row, a.label.as_str()))
        .collect();
    assert_eq!(
        conn,
        [(2, 3, "connect")],
        "client #3 (row 2) → accept #4 (row 3)"
    );
}

#[test]
fn one_send_read_by_two_recvs_has_an_arrow_to_each() {
    let mut h = connection();
    h.extend([
        (Some(4), sent(2, 1, 5, 0)),
        (Some(4), buffers()),
        (
            Some(5),
            received(
                3,
                "he",
                2,
                vec![span(0, 2, 2, 1, 0, 5)],
                "partial: 2 of 5 bytes of send #1",
            ),
        ),
        (Some(5), buffers()),
        (
            Some(6),
            received(
                3,
                "llo",
                12,
                vec![span(0, 3, 2, 1, 2, 5)],
                "partial: 3 of 5 bytes of send #1",
            ),
        ),
        (Some(6), buffers()),
    ]);
    let tl = Timeline::build(&history(h));
    let data: Vec<_> = tl
        .arrows
        .iter()
        .filter(|a| a.colour.is_some())
        .map(|a| (a.from_row, a.to_row, a.label.as_str()))
        .collect();
    assert_eq!(data, [(3, 4, "2 B"), (3, 5, "3 B")]);
    assert_eq!(tl.rows[3].arrows_out, 2);
    assert_eq!(
        tl.rows[4].kind.label(),
        "recv(2) → 2 B · 2 of 5 B of send #1"
    );
    assert_eq!(tl.rows[4].title, "partial: 2 of 5 bytes of send #1");
}

#[test]
fn udp_sendto_points_at_its_recvfrom() {
    let h = history(vec![
        (None, hello()),
        (
            Some(1),
            opened(1, SocketKind::Udp, "127.0.0.1:40001", None, None),
        ),
        (Some(1), buffers()),
        (
            Some(2),
            opened(2, SocketKind::Udp, "127.0.0.1:40002", None, None),
        ),
        (Some(2), buffers()),
        (
            Some(3),
            Event::SentTo {
                socket: SocketId(1),
                send_no: 1,
                to: "127.0.0.1:40002".into(),
                bytes: 10,
            },
        ),
        (Some(3), buffers()),
        (
            Some(4),
            Event::ReceivedFrom {
                socket: SocketId(2),
                from: "127.0.0.1:40001".into(),
                data: Payload::from("hell"),
                bufsize: 4,
                truncated: true,
                real_len: 10,
                from_socket: Some(SocketId(1)),
                send_no: Some(1),
            },
        ),
        (Some(4), buffers()),
    ]);
    let tl = Timeline::build(&h);
    assert_eq!(
        labels(&tl),
        [
            "bind()",
            "bind()",
            "sendto #1 · 10 B",
            "recvfrom(4) → 4 B (truncated, was 10)"
        ]
    );
    assert_eq!(
        tl.arrows,
        [Arrow {
            from_row: 2,
            to_row: 3,
            label: "10 B".into(),
            colour: Some(0)
        }]
    );
    assert_eq!(tl.rows[2].lane, Some(0));
    assert_eq!(tl.rows[3].lane, Some(1));
}

#[test]
fn close_is_drawn_to_the_peers_eof() {
    let mut h = connection();
    h.extend([
        (
            Some(4),
            Event::Closed {
                socket: SocketId(2),
            },
        ),
        (Some(4), buffers()),
        (Some(5), received(3, "", 1024, vec![], "b''")),
        (Some(5), buffers()),
    ]);
    let tl = Timeline::build(&history(h));
    assert_eq!(tl.rows[3].kind.label(), "close()");
    assert_eq!(tl.rows[4].kind.label(), "recv(1024) → 0 B · EOF");
    assert_eq!(tl.lanes[1].closed_row, Some(3));
    let fin = tl.arrows.iter().find(|a| a.label == "FIN").unwrap();
    assert_eq!((fin.from_row, fin.to_row), (3, 4));
}

#[test]
fn errors_and_auto_events_get_their_own_kinds() {
    let mut h = connection();
    h.extend([
        (
            Some(4),
            Event::Error {
                code: ErrorCode::WouldBlock,
                message: "recv(1024) would block".into(),
                hint: Some("nothing to read yet".into()),
                socket: Some(SocketId(3)),
                errno: None,
            },
        ),
        (Some(4), buffers()),
        (
            Some(5),
            Event::Error {
                code: ErrorCode::BadMessage,
                message: "could not understand the message".into(),
                hint: None,
                socket: None,
                errno: None,
            },
        ),
        (None, sent(3, 1, 5, 0)),
        (None, buffers()),
        (Some(6), Event::Pong),
    ]);
    let tl = Timeline::build(&history(h));
    assert_eq!(tl.rows.len(), 6);
    assert_eq!(
        tl.rows[3].kind,
        RowKind::Error {
            label: "recv(1024) would block".into()
        }
    );
    assert_eq!(tl.rows[3].lane, Some(2));
    assert!(tl.rows[3].title.contains("nothing to read yet"));
    assert_eq!(tl.rows[4].lane, None);
    assert_eq!(tl.rows[5].kind.class(), "auto");
}

#[test]
fn events_without_a_dedicated_label_still_get_a_row_in_their_lane() {
    let mut h = connection();
    h.extend([
        (
            Some(4),
            Event::Names {
                socket: SocketId(2),
                local: "127.0.0.1:50000".into(),
                peer: Some("127.0.0.1:9000".into()),
            },
        ),
        (Some(4), buffers()),
    ]);
    let tl = Timeline::build(&history(h));
    assert_eq!(tl.rows[3].kind.label(), "getsockname() · getpeername()");
    assert_eq!(tl.rows[3].lane, Some(1));
}

#[test]
fn option_and_time_labels() {
    assert_eq!(
        option_label(&SockOption::Rcvbuf(4096), &SockOption::Rcvbuf(8192)),
        "setsockopt(SO_RCVBUF, 4096) → 8192"
    );
    assert_eq!(
        option_label(&SockOption::Nodelay(true), &SockOption::Nodelay(true)),
        "setsockopt(TCP_NODELAY, 1)"
    );
    assert_eq!(
        option_label(
            &SockOption::TimeoutMs(Some(1500)),
            &SockOption::TimeoutMs(Some(1500))
        ),
        "settimeout(1.5)"
    );
    assert_eq!(format_time(1_234_567), "1.234 s");
}

#[test]
fn a_lesson_of_its_own_shows_only_its_sockets_and_not_the_closing_of_earlier_ones() {
    let mut h = sticky();
    let start = h.len();
    let more = history(vec![
        (
            Some(50),
            Event::Closed {
                socket: SocketId(1),
            },
        ),
        (
            Some(51),
            opened(4, SocketKind::TcpListener, "127.0.0.1:9000", None, None),
        ),
    ]);
    h.extend(more);
    let tl = Timeline::build_from(&h, start);
    let lanes: Vec<_> = tl.lanes.iter().map(|l| l.socket.0).collect();
    assert_eq!(lanes, [4]);
    assert_eq!(labels(&tl), ["listen()"]);
    assert_eq!(
        tl.rows[0].index,
        start + 1,
        "rows keep their place in the history"
    );
}
