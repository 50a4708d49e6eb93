//! Followers: a session shared read-only with the room, from its first event and then live.

use serde_json::json;
use socklab_shared::protocol::{Envelope, ErrorCode, Event};

use crate::support::{LabServer, WsClient, b64, lab, tcp_pair};

/// Shares the lecturer's session: the follow key.
async fn share(lecturer: &mut WsClient) -> String {
    match lecturer.step(json!({"cmd": "share"})).await.remove(0) {
        Event::Shared { key, .. } => key,
        other => panic!("share answered {other:?}"),
    }
}

/// The follower's next relayed envelope (skipping its own pongs and the like).
async fn next_relay(follower: &mut WsClient) -> Envelope {
    loop {
        let env = follower.next_event().await;
        match env.event {
            Event::Relay { envelope } => return *envelope,
            Event::Hello { .. } | Event::Following { .. } | Event::Pong => {}
            other => panic!("a follower got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_follower_sees_the_session_from_its_first_event_then_live() {
    let (server, mut lecturer) = lab().await;
    let (client, conn) = tcp_pair(&mut lecturer).await;
    let key = share(&mut lecturer).await;
    let mut follower = WsClient::try_follow(&server, &key).await.unwrap();
    let hello = follower.next_event().await;
    assert!(matches!(hello.event, Event::Hello { .. }));
    let following = follower.next_event().await;
    assert!(matches!(following.event, Event::Following { missing: 0 }));
    // Everything the lecturer got, in order, from its hello on: no gaps.
    let first = next_relay(&mut follower).await;
    assert_eq!(first.seq, 1);
    assert!(matches!(first.event, Event::Hello { .. }));
    let mut last = first.seq;
    loop {
        let env = next_relay(&mut follower).await;
        assert_eq!(env.seq, last + 1, "no gaps");
        last = env.seq;
        if matches!(env.event, Event::Shared { .. }) {
            break;
        }
    }
    // Live: the lecturer's page is told someone follows, and the follower sees the next step.
    lecturer
        .wait_unsolicited(|e| matches!(e, Event::Followers { count: 1 }))
        .await;
    lecturer
        .ok(json!({"cmd": "send", "socket": client, "data": b64("live")}))
        .await;
    let env = loop {
        let env = next_relay(&mut follower).await;
        assert_eq!(env.seq, last + 1, "no gaps");
        last = env.seq;
        if matches!(env.event, Event::Sent { .. }) {
            break env;
        }
    };
    let Event::Sent { socket, .. } = env.event else {
        unreachable!()
    };
    assert_eq!(socket, client);
    let _ = conn;
    follower.close_and_wait_until_gone().await;
    lecturer
        .wait_unsolicited(|e| matches!(e, Event::Followers { count: 0 }))
        .await;
}

#[tokio::test]
async fn a_follower_cannot_run_commands_and_a_wrong_key_is_refused() {
    let (server, mut lecturer) = lab().await;
    let key = share(&mut lecturer).await;
    let mut follower = WsClient::try_follow(&server, &key).await.unwrap();
    // The refusal answers the request (no snapshot: nothing was done).
    follower
        .send_text(r#"{"req":5,"cmd":"tcp_listen","port":0}"#)
        .await;
    let refused = loop {
        let env = follower.next_event().await;
        if env.req == Some(5) {
            break env.event;
        }
    };
    let Event::Error { code, hint, .. } = refused else {
        panic!("{refused:?}")
    };
    assert_eq!(code, ErrorCode::ReadOnly);
    assert!(hint.as_deref().unwrap_or("").contains("timeline"));
    // Ping is still answered (the page keeps its connection alive with it).
    let pong = follower.step(json!({"cmd": "ping"})).await;
    assert!(pong.iter().any(|e| matches!(e, Event::Pong)));

    for key in ["00000000000000000000000000000000", ""] {
        match WsClient::try_follow(&server, key).await {
            Err(e) => assert!(e.contains("401"), "{e}"),
            Ok(_) => panic!("the follow key {key:?} was let in"),
        }
    }
}

#[tokio::test]
async fn a_follower_that_reads_nothing_does_not_hold_the_lecturer_back() {
    let server = LabServer::start_with(|c| c.write_timeout_secs = 2).await;
    let mut lecturer = WsClient::connect(&server).await;
    let key = share(&mut lecturer).await;
    // A follower that never reads its WebSocket.
    let stuck = WsClient::try_follow(&server, &key).await.unwrap();
    lecturer
        .wait_unsolicited(|e| matches!(e, Event::Followers { count: 1 }))
        .await;
    // Thousands of lecturer steps with 4 KiB events: far more than the socket buffers hold.
    let (client, conn) = tcp_pair(&mut lecturer).await;
    let data = b64(vec![b'x'; 4096]);
    for _ in 0..1500 {
        lecturer
            .ok(json!({"cmd": "send", "socket": client, "data": data}))
            .await;
        lecturer
            .ok(json!({"cmd": "recv", "socket": conn, "bufsize": 65536}))
            .await;
    }
    // The stuck follower is let go (write timeout), which the lecturer sees.
    lecturer
        .wait_unsolicited(|e| matches!(e, Event::Followers { count: 0 }))
        .await;
    drop(stuck);
}

#[tokio::test]
async fn followers_get_the_end_of_the_session() {
    let (server, mut lecturer) = lab().await;
    let key = share(&mut lecturer).await;
    let mut follower = WsClient::try_follow(&server, &key).await.unwrap();
    lecturer.close_and_wait_until_gone().await;
    loop {
        let env = follower.next_event().await;
        if let Event::Error { code, .. } = env.event {
            assert_eq!(code, ErrorCode::SessionEnded);
            break;
        }
    }
}

#[tokio::test]
async fn the_follow_link_comes_as_a_qr_code_for_the_projector() {
    let (server, mut lecturer) = lab().await;
    let key = share(&mut lecturer).await;
    let svg = server.get(&format!("/api/follow-qr?follow={key}")).await;
    assert!(svg.contains("<svg"), "{svg}");
    let host = server.addr.to_string();
    let token = server.token.clone().unwrap();
    let unknown = server
        .raw_get(
            "/api/follow-qr?follow=00",
            &host,
            &format!("Authorization: Bearer {token}\r\n"),
        )
        .await;
    assert!(unknown.starts_with("HTTP/1.1 404"), "{unknown}");
    let no_token = server
        .raw_get(&format!("/api/follow-qr?follow={key}"), &host, "")
        .await;
    assert!(
        no_token.starts_with("HTTP/1.1 401"),
        "the QR needs the lecturer's token"
    );
}

#[tokio::test]
async fn lesson_positions_reach_followers_and_bad_ones_are_refused() {
    let (server, mut lecturer) = lab().await;
    let key = share(&mut lecturer).await;
    let at = lecturer
        .ok(json!({"cmd": "lesson_at", "lesson": "sticky-sender", "step": 2}))
        .await;
    let Event::LessonAt(at) = at else {
        panic!("lesson_at answered {at:?}")
    };
    assert_eq!((at.lesson.as_str(), at.step), ("sticky-sender", 2));
    let (code, message, _) = lecturer
        .err(json!({"cmd": "lesson_at", "lesson": "../etc", "step": 1}))
        .await;
    assert_eq!(code, ErrorCode::BadMessage);
    assert!(message.contains("slugs use a-z"), "{message}");

    // A follower who comes later gets the position from the history.
    let mut follower = WsClient::try_follow(&server, &key).await.unwrap();
    let relayed = loop {
        if let Event::LessonAt(at) = next_relay(&mut follower).await.event {
            break at;
        }
    };
    assert_eq!(
        (relayed.lesson.as_str(), relayed.step),
        ("sticky-sender", 2)
    );
    // And may not move it.
    follower
        .send_text(r#"{"req":1,"cmd":"lesson_at","lesson":"x","step":0}"#)
        .await;
    loop {
        let env = follower.next_event().await;
        if let Event::Error { code, .. } = env.event {
            assert_eq!(code, ErrorCode::ReadOnly);
            break;
        }
    }
}
