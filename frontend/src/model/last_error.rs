//! The last error: what went wrong most recently, until a later command works. The page's one
//! place for it; the status bar and the workbench both read it from the lab state.
//!
//! It has two faces, kept by one rule:
//! - [`LastError::latest`]: the latest error of any kind (the status bar's "last error");
//! - [`LastError::lab_wide`]: the latest error that did not land on a socket's card (a bind or
//!   connect that made no socket: the workbench shows it beside the buttons).
//!
//! Invariants:
//! - an error is shown until the result of a later command supersedes it ([`supersedes`]):
//!   snapshots, pongs, hellos, other errors and automatic events (no request) leave it;
//! - a new session (a hello) forgets the lab-wide error with the rest of the old session's state,
//!   but keeps the latest error, which may say why the old session ended;
//! - reopening the link forgets the latest error unless it says why the previous session ended
//!   ([`crate::link::error_survives_reconnect`]);
//! - the page's own messages ([`LastError::note`]: the server sent something unreadable) have no
//!   code and are only ever the latest error.
//!
//! Applied to events alone it is a pure function of them, so the timeline's replay shows the
//! lab-wide error of each step; the page's own messages and reconnects touch the live state
//! only, whose latest error is the one the status bar shows.

use socklab_shared::protocol::{Envelope, ErrorCode, Event};

/// One error as the page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorNote {
    pub message: String,
    pub hint: Option<String>,
    /// The error event's code; `None` for the page's own messages.
    pub code: Option<ErrorCode>,
    /// The request the error answered.
    req: Option<u64>,
}

/// The latest error, and the latest lab-wide one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LastError {
    latest: Option<ErrorNote>,
    lab_wide: Option<ErrorNote>,
}

impl LastError {
    /// The latest error of any kind (the status bar's).
    pub fn latest(&self) -> Option<&ErrorNote> {
        self.latest.as_ref()
    }

    /// The latest error not tied to a socket's card (the workbench's).
    pub fn lab_wide(&self) -> Option<&ErrorNote> {
        self.lab_wide.as_ref()
    }

    /// Follows one event. `on_a_socket` says whether an error event landed on a socket's card
    /// (the socket it names is known); such an error is only the latest, not the lab-wide one.
    pub fn apply(&mut self, env: &Envelope, on_a_socket: bool) {
        for slot in [&mut self.latest, &mut self.lab_wide] {
            if slot.as_ref().is_some_and(|e| supersedes(e.req, env)) {
                *slot = None;
            }
        }
        match &env.event {
            Event::Error {
                code,
                message,
                hint,
                ..
            } => {
                let note = ErrorNote {
                    message: message.clone(),
                    hint: hint.clone(),
                    code: Some(*code),
                    req: env.req,
                };
                if !on_a_socket {
                    self.lab_wide = Some(note.clone());
                }
                self.latest = Some(note);
            }
            Event::Hello { .. } => self.lab_wide = None,
            _ => {}
        }
    }

    /// The page's own message (not an event), shown as the latest error until a later
    /// command works.
    pub fn note(&mut self, message: String) {
        self.latest = Some(ErrorNote {
            message,
            hint: None,
            code: None,
            req: None,
        });
    }

    /// The link opened again: the previous session's errors go, unless one says why it ended.
    /// Returns whether anything changed.
    pub fn link_reopened(&mut self) -> bool {
        let keep = self
            .latest
            .as_ref()
            .and_then(|e| e.code)
            .is_some_and(crate::link::error_survives_reconnect);
        if keep || self.latest.is_none() {
            return false;
        }
        self.latest = None;
        true
    }
}

/// Whether `env` is the result of a later command than `failed_req`, the one an error answered.
/// A later command that worked makes the error stale: the workbench stops showing it (the
/// timeline keeps it at its place), so a lesson step that fixes a failed bind does not end under
/// the old "address in use". Snapshots, pongs and automatic events (no request) change nothing.
pub fn supersedes(failed_req: Option<u64>, env: &Envelope) -> bool {
    env.req.is_some()
        && env.req != failed_req
        && !matches!(
            env.event,
            Event::Error { .. } | Event::Buffers { .. } | Event::Pong | Event::Hello { .. }
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{error, hello};
    use socklab_shared::protocol::{Sequencer, SocketId, SocketKind};

    fn opened() -> Event {
        Event::SocketOpened {
            socket: SocketId(1),
            kind: SocketKind::TcpStream,
            local: "127.0.0.1:5000".into(),
            peer: None,
            listener: None,
            peer_socket: None,
        }
    }

    fn message(e: Option<&ErrorNote>) -> Option<&str> {
        e.map(|e| e.message.as_str())
    }

    #[test]
    fn an_error_stays_until_a_later_command_works() {
        let mut seq = Sequencer::default();
        let mut last = LastError::default();
        let hinted = Event::Error {
            code: ErrorCode::Os,
            message: "EADDRINUSE".into(),
            hint: Some("a hint".into()),
            socket: None,
            errno: None,
        };
        last.apply(&seq.stamp(0, Some(7), hinted), false);
        assert_eq!(last.lab_wide().unwrap().hint.as_deref(), Some("a hint"));
        assert_eq!(last.latest().unwrap().code, Some(ErrorCode::Os));
        for env in [
            seq.stamp(0, Some(7), Event::Buffers { sockets: vec![] }),
            seq.stamp(0, None, opened()),
            seq.stamp(0, Some(8), Event::Buffers { sockets: vec![] }),
            seq.stamp(0, Some(8), Event::Pong),
        ] {
            last.apply(&env, false);
            assert_eq!(message(last.latest()), Some("EADDRINUSE"));
            assert_eq!(message(last.lab_wide()), Some("EADDRINUSE"));
        }
        last.apply(&seq.stamp(0, Some(8), opened()), false);
        assert_eq!(last, LastError::default(), "request 8 worked");
    }

    #[test]
    fn an_error_on_a_socket_is_only_the_latest() {
        let mut seq = Sequencer::default();
        let mut last = LastError::default();
        last.apply(
            &seq.stamp(0, Some(1), error(ErrorCode::Os, "ENOENT")),
            false,
        );
        last.apply(
            &seq.stamp(0, Some(2), error(ErrorCode::WouldBlock, "EAGAIN")),
            true,
        );
        assert_eq!(message(last.latest()), Some("EAGAIN"));
        assert_eq!(message(last.lab_wide()), Some("ENOENT"));
    }

    #[test]
    fn a_new_session_keeps_only_the_latest_error() {
        let mut seq = Sequencer::default();
        let mut last = LastError::default();
        last.apply(
            &seq.stamp(0, None, error(ErrorCode::IdleTimeout, "idle")),
            false,
        );
        assert!(!last.link_reopened(), "says why the session ended");
        last.apply(&seq.stamp(0, None, hello()), false);
        assert_eq!(message(last.latest()), Some("idle"));
        assert_eq!(last.lab_wide(), None);
    }

    #[test]
    fn reopening_the_link_forgets_other_errors() {
        let mut seq = Sequencer::default();
        let mut last = LastError::default();
        assert!(!last.link_reopened(), "nothing to forget");
        last.apply(&seq.stamp(0, Some(3), error(ErrorCode::Os, "EPIPE")), false);
        assert!(last.link_reopened());
        assert_eq!(last.latest(), None);
        last.note("unreadable".into());
        assert_eq!(last.latest().unwrap().code, None);
        assert!(last.link_reopened());
    }

    #[test]
    fn the_pages_own_message_goes_when_a_command_works() {
        let mut seq = Sequencer::default();
        let mut last = LastError::default();
        last.note("the server sent something this page can't read".into());
        assert_eq!(last.lab_wide(), None);
        last.apply(&seq.stamp(0, None, opened()), false);
        assert!(last.latest().is_some(), "automatic events leave it");
        last.apply(&seq.stamp(0, Some(1), opened()), false);
        assert_eq!(last.latest(), None);
    }
}
