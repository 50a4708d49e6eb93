//! The session loop driven through channels: no network, no axum.

use futures_channel::mpsc;
use futures_util::{SinkExt, StreamExt};
use socklab_shared::protocol::{Envelope, ErrorCode, Event, PROTOCOL_VERSION};
use tokio::sync::watch;

use super::{Incoming, run_session};
use crate::config::Config;

/// Starts a session and returns its input and output ends.
fn start() -> (
    mpsc::UnboundedSender<Incoming>,
    mpsc::UnboundedReceiver<String>,
    watch::Sender<bool>,
) {
    let (in_tx, in_rx) = mpsc::unbounded();
    let (out_tx, out_rx) = mpsc::unbounded::<String>();
    let stop = watch::Sender::new(false);
    let rx = stop.subscribe();
    tokio::spawn(async move {
        let config = Config::defaults();
        let policy = crate::engine::policy::Policy::from_config(&config);
        run_session(
            in_rx,
            out_tx.sink_map_err(|_| ()),
            &config,
            policy,
            crate::room::Rooms::default(),
            rx,
        )
        .await;
    });
    (in_tx, out_rx, stop)
}

async fn next(out: &mut mpsc::UnboundedReceiver<String>) -> Envelope {
    let text = out.next().await.expect("session ended early");
    Envelope::parse(&text).expect("server sent invalid JSON")
}

#[tokio::test]
async fn hello_comes_first_with_the_protocol_version() {
    let (_tx, mut out, _stop) = start();
    let hello = next(&mut out).await;
    assert_eq!(hello.seq, 1);
    match hello.event {
        Event::Hello {
            protocol_version,
            limits,
            ..
        } => {
            assert_eq!(protocol_version, PROTOCOL_VERSION);
            assert!(limits.loopback_only);
        }
        other => panic!("expected hello, got {other:?}"),
    }
}

#[tokio::test]
async fn malformed_message_gets_an_error_and_the_session_goes_on() {
    let (tx, mut out, _stop) = start();
    next(&mut out).await;
    tx.unbounded_send(Incoming::Text("{not json".into()))
        .unwrap();
    let err = next(&mut out).await;
    assert!(
        matches!(
            err.event,
            Event::Error {
                code: ErrorCode::BadMessage,
                ..
            }
        ),
        "{err:?}"
    );
    tx.unbounded_send(Incoming::Binary(3)).unwrap();
    let err = next(&mut out).await;
    assert!(matches!(
        err.event,
        Event::Error {
            code: ErrorCode::BinaryNotSupported,
            ..
        }
    ));
    tx.unbounded_send(Incoming::Text(r#"{"req":5,"cmd":"ping"}"#.into()))
        .unwrap();
    let pong = next(&mut out).await;
    assert_eq!((pong.seq, pong.req, pong.event), (4, Some(5), Event::Pong));
}

#[tokio::test]
async fn oversized_message_is_refused_politely() {
    let (tx, mut out, _stop) = start();
    next(&mut out).await;
    let huge = format!(
        "{{\"cmd\":\"ping\",\"pad\":\"{}\"}}",
        "x".repeat(Config::defaults().max_message_bytes)
    );
    tx.unbounded_send(Incoming::Text(huge)).unwrap();
    let err = next(&mut out).await;
    assert!(matches!(
        err.event,
        Event::Error {
            code: ErrorCode::MessageTooLarge,
            ..
        }
    ));
}

#[tokio::test]
async fn timestamps_never_go_backwards() {
    let (tx, mut out, _stop) = start();
    let mut last = next(&mut out).await.t_us;
    for _ in 0..20 {
        tx.unbounded_send(Incoming::Text(r#"{"cmd":"ping"}"#.into()))
            .unwrap();
        let t = next(&mut out).await.t_us;
        assert!(t >= last);
        last = t;
    }
}

#[tokio::test]
async fn shutdown_ends_the_session_with_a_notice() {
    let (_tx, mut out, stop) = start();
    next(&mut out).await;
    stop.send_replace(true);
    let bye = next(&mut out).await;
    assert!(matches!(
        bye.event,
        Event::Error {
            code: ErrorCode::ShuttingDown,
            ..
        }
    ));
    assert!(
        out.next().await.is_none(),
        "session should end after shutdown"
    );
}

#[tokio::test]
async fn client_close_ends_the_session() {
    let (tx, mut out, _stop) = start();
    next(&mut out).await;
    tx.unbounded_send(Incoming::Close).unwrap();
    assert!(out.next().await.is_none());
}

#[tokio::test]
async fn shutdown_interrupts_a_waiting_step_and_closes_its_sockets() {
    let (tx, mut out, stop) = start();
    next(&mut out).await;
    tx.unbounded_send(Incoming::Text(
        r#"{"req":1,"cmd":"tcp_listen","port":0}"#.into(),
    ))
    .unwrap();
    let opened = next(&mut out).await;
    let port = match opened.event {
        Event::SocketOpened { local, .. } => {
            local.rsplit(':').next().unwrap().parse::<u16>().unwrap()
        }
        other => panic!("{other:?}"),
    };
    next(&mut out).await; // the snapshot
    // accept() with nobody connecting waits for its whole (long) timeout...
    tx.unbounded_send(Incoming::Text(
        r#"{"req":2,"cmd":"accept","socket":1,"timeout_ms":60000}"#.into(),
    ))
    .unwrap();
    // ...until the server stops: the session says so, ends, and frees the port.
    stop.send_replace(true);
    let bye = tokio::time::timeout(std::time::Duration::from_secs(10), next(&mut out))
        .await
        .expect("shutdown waited for the step");
    assert!(
        matches!(
            bye.event,
            Event::Error {
                code: ErrorCode::ShuttingDown,
                ..
            }
        ),
        "{bye:?}"
    );
    assert!(out.next().await.is_none());
    std::net::TcpListener::bind(("127.0.0.1", port)).expect("the listener's port is free again");
}

/// A client that never takes anything: every write stays pending.
struct NeverReads;

impl futures_util::Sink<String> for NeverReads {
    type Error = ();
    fn poll_ready(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), ()>> {
        std::task::Poll::Pending
    }
    fn start_send(self: std::pin::Pin<&mut Self>, _: String) -> Result<(), ()> {
        Ok(())
    }
    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), ()>> {
        std::task::Poll::Pending
    }
    fn poll_close(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), ()>> {
        std::task::Poll::Pending
    }
}

#[tokio::test(start_paused = true)]
async fn a_client_that_never_reads_is_let_go_after_the_write_timeout() {
    let (_tx, rx) = mpsc::unbounded::<Incoming>();
    let stop = watch::Sender::new(false);
    let config = Config::defaults();
    let policy = crate::engine::policy::Policy::from_config(&config);
    // (Paused time: the clock jumps to each timer; on real time this takes 5 s.)
    let ended = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        run_session(
            rx,
            NeverReads,
            &config,
            policy,
            crate::room::Rooms::default(),
            stop.subscribe(),
        ),
    )
    .await;
    assert!(
        ended.is_ok(),
        "the session waited for a client that never reads"
    );
}

#[tokio::test(start_paused = true)]
async fn a_silent_client_gets_idle_timeout() {
    let (_tx, mut out, _stop) = start();
    next(&mut out).await;
    let bye = next(&mut out).await;
    assert!(matches!(
        bye.event,
        Event::Error {
            code: ErrorCode::IdleTimeout,
            ..
        }
    ));
    assert!(out.next().await.is_none(), "and the session ends");
}
