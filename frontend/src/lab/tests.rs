//! The lab's routing, natively: no socket is open, so every command reports "link down" but
//! is numbered, recorded and routed as in the page.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use serde_json::json;
use socklab_shared::protocol::{ErrorCode, Sequencer, SocketId, SocketKind};

use super::*;
use crate::test_support::{error, hello};

fn opened(id: u32) -> Event {
    Event::SocketOpened {
        socket: SocketId(id),
        kind: SocketKind::TcpListener,
        local: "127.0.0.1:9000".into(),
        peer: None,
        listener: None,
        peer_socket: None,
    }
}

fn snapshot() -> Event {
    Event::Buffers { sockets: vec![] }
}

/// A lab that received its hello, and the sequencer that stamped it.
fn connected() -> (Lab, Sequencer) {
    let lab = Lab::new();
    let mut seq = Sequencer::default();
    lab.received(seq.stamp(0, None, hello()));
    (lab, seq)
}

/// The command recorded for request `req`.
fn sent(lab: &Lab, req: u64) -> Command {
    lab.history.sent.with_untracked(|s| s[&req].clone())
}

fn sent_reqs(lab: &Lab) -> Vec<u64> {
    let mut reqs: Vec<u64> = lab
        .history
        .sent
        .with_untracked(|s| s.keys().copied().collect());
    reqs.sort();
    reqs
}

#[test]
fn one_counter_numbers_every_command() {
    let lab = Lab::new();
    assert!(!lab.command(Command::Snapshot), "no link");
    assert!(!lab.command_or(Command::Snapshot, Some(Command::Ping)));
    let mut ask = pin!(lab.ask(Command::Ping));
    assert_eq!(
        ask.as_mut().poll(&mut Context::from_waker(Waker::noop())),
        Poll::Ready(None),
        "no link, no answer"
    );
    lab.run_script(ScriptRun::new(
        vec![json!({"cmd": "snapshot"})],
        Default::default(),
    ));
    assert_eq!(sent_reqs(&lab), [1, 2, 3, 4]);
}

#[test]
fn a_command_returns_the_page_to_the_present() {
    let (lab, _) = connected();
    lab.cursor.set(Some(0));
    lab.command(Command::Snapshot);
    assert_eq!(lab.cursor.get_untracked(), None);
}

#[test]
fn a_failed_command_with_a_fallback_sends_the_fallback_instead() {
    let (lab, mut seq) = connected();
    lab.command_or(Command::Snapshot, Some(Command::Ping));
    lab.received(seq.stamp(0, Some(1), error(ErrorCode::Os, "EADDRINUSE")));
    assert_eq!(sent_reqs(&lab), [1, 2]);
    assert_eq!(sent(&lab, 2), Command::Ping);
    assert_eq!(
        lab.history.events.with_untracked(Vec::len),
        1,
        "the error the fallback answered is not in the history"
    );
    lab.received(seq.stamp(0, Some(2), error(ErrorCode::Os, "again")));
    assert_eq!(sent_reqs(&lab), [1, 2], "a fallback goes once");
    assert_eq!(lab.history.last_error().as_deref(), Some("again"));
}

#[test]
fn a_script_advances_when_its_step_is_answered() {
    let (lab, mut seq) = connected();
    lab.run_script(ScriptRun::new(
        vec![
            json!({"cmd": "tcp_listen", "port": 0, "as": "srv"}),
            json!({"cmd": "close", "socket": "$srv"}),
        ],
        Default::default(),
    ));
    assert_eq!(sent_reqs(&lab), [1]);
    lab.received(seq.stamp(0, Some(1), opened(4)));
    assert_eq!(sent_reqs(&lab), [1], "one step in flight");
    lab.received(seq.stamp(0, Some(1), snapshot()));
    assert_eq!(
        sent(&lab, 2),
        Command::Close {
            socket: SocketId(4)
        }
    );
    assert!(lab.scripts.last_names.with_untracked(|n| n.is_empty()));
    lab.received(seq.stamp(0, Some(2), snapshot()));
    assert!(
        lab.scripts
            .run
            .with_untracked(|r| r.as_ref().unwrap().finished())
    );
    assert_eq!(
        lab.scripts.last_names.with_untracked(|n| n["srv"].socket),
        SocketId(4)
    );
}

#[test]
fn a_hello_starts_the_session_over_but_not_the_numbers() {
    let (lab, mut seq) = connected();
    lab.run_script(ScriptRun::new(
        vec![json!({"cmd": "tcp_listen", "port": 0, "as": "srv"})],
        Default::default(),
    ));
    lab.received(seq.stamp(0, Some(1), opened(4)));
    lab.received(seq.stamp(0, Some(1), snapshot()));
    lab.cursor.set(Some(1));
    assert_eq!(
        lab.connection
            .server
            .with_untracked(|s| s.clone().unwrap().server_version),
        "test"
    );

    lab.received(seq.stamp(0, None, hello()));
    assert_eq!(lab.history.events.with_untracked(Vec::len), 1);
    assert!(lab.history.sent.with_untracked(|s| s.is_empty()));
    assert!(lab.history.live.with_untracked(|s| s.sockets.is_empty()));
    assert_eq!(lab.cursor.get_untracked(), None);
    assert!(lab.scripts.run.with_untracked(Option::is_none));
    assert!(lab.scripts.last_names.with_untracked(|n| n.is_empty()));
    lab.command(Command::Snapshot);
    assert_eq!(sent_reqs(&lab), [2]);
}

#[test]
fn the_status_bar_error_follows_the_link() {
    let (lab, mut seq) = connected();
    lab.received(seq.stamp(0, Some(1), error(ErrorCode::Os, "EPIPE")));
    assert_eq!(lab.history.last_error().as_deref(), Some("EPIPE"));
    lab.opened();
    assert_eq!(lab.history.last_error(), None, "reconnecting clears it");

    lab.received(seq.stamp(0, None, error(ErrorCode::IdleTimeout, "idle")));
    lab.opened();
    lab.received(seq.stamp(0, None, hello()));
    assert_eq!(
        lab.history.last_error().as_deref(),
        Some("idle"),
        "says why the last session ended"
    );
    assert_eq!(
        lab.cursor.shown.with_untracked(|s| s.error().cloned()),
        None
    );

    lab.unreadable("garbage".into());
    assert_eq!(lab.history.last_error().as_deref(), Some("garbage"));
}

#[test]
fn the_cursor_shows_the_state_at_its_position() {
    let (lab, mut seq) = connected();
    lab.received(seq.stamp(0, Some(1), opened(4)));
    let sockets = || lab.cursor.shown.with_untracked(|s| s.sockets.len());
    assert_eq!(sockets(), 1);
    lab.cursor.set(Some(1));
    assert_eq!(sockets(), 0);
    lab.cursor.to_live();
    assert_eq!(sockets(), 1);
}

#[test]
fn a_recording_replaces_the_history_and_the_page_is_read_only() {
    let (lab, mut seq) = connected();
    lab.received(seq.stamp(5, Some(1), opened(7)));
    lab.command(Command::Snapshot);
    let mut recorded = Sequencer::default();
    let events = vec![
        recorded.stamp(0, None, hello()),
        recorded.stamp(3, Some(1), opened(1)),
        recorded.stamp(4, Some(2), opened(2)),
    ];
    lab.play_recording(events.clone());
    assert!(lab.recording.get_untracked());
    assert_eq!(lab.history.events.get_untracked(), events);
    assert!(lab.history.sent.with_untracked(|s| s.is_empty()));
    let ids: Vec<u32> = lab
        .history
        .live
        .with_untracked(|s| s.sockets.keys().map(|id| id.0).collect());
    assert_eq!(ids, vec![1, 2]);

    // Live events don't mix in; commands are not recorded, and the page says why.
    lab.received(seq.stamp(6, None, opened(9)));
    assert_eq!(lab.history.events.get_untracked(), events);
    let sent_before = sent_reqs(&lab);
    assert!(!lab.command(Command::Snapshot));
    assert_eq!(sent_reqs(&lab), sent_before);
    assert_eq!(
        lab.history.last_error().as_deref(),
        Some(crate::model::recording::READ_ONLY)
    );
}
