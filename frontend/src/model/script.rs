//! Scripts: sequences of lab commands run one after another, each waiting for the previous
//! one's answer. The "TCP vs UDP" demo and the lessons are scripts.
//!
//! A command in a script is a template ([`socklab_shared::script`]): the JSON a client sends
//! over `/ws`, where `"$name"` stands for the id of the socket an earlier command named with
//! `"as": "name"`, and `"$name.port"` for its port. So a script can say "connect to the server
//! made two steps ago" without knowing ids or ports in advance:
//!
//! ```json
//! [{"cmd": "tcp_listen", "port": 0, "as": "srv"},
//!  {"cmd": "connect", "port": "$srv.port", "as": "cli"},
//!  {"cmd": "accept", "socket": "$srv", "timeout_ms": 2000, "as": "conn"}]
//! ```

use std::collections::HashMap;

use serde_json::Value;
use socklab_shared::protocol::{Command, Envelope, Event};
pub use socklab_shared::script::{Named, resolve};
use socklab_shared::script::{may_fail, name_of, resolve_command};

use crate::on_demand::{ChunkMissing, ready_now, wasm_split};

/// A step's command from its template and the names bound so far. Resolving, and with it the
/// page's only reading of commands from JSON, is a chunk of the page of its own
/// ([`crate::on_demand`]): [`crate::lab::Lab::run_script`] loads it (`load_scripts`) before a
/// script's first step, so a page that runs no lesson or demo never downloads it.
#[wasm_split(scripts, wasm_split_path = leptos::wasm_split, fallible, preload(load_scripts))]
pub fn resolve_step(
    template: Value,
    names: HashMap<String, Named>,
) -> Result<Result<Command, String>, ChunkMissing> {
    Ok(resolve_command(&template, &names).map_err(|e| e.to_string()))
}

/// A script being run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScriptRun {
    steps: Vec<Value>,
    next: usize,
    /// The request number of the command in flight.
    waiting: Option<u64>,
    names: HashMap<String, Named>,
    /// Why the script stopped early.
    pub failed: Option<String>,
}

impl ScriptRun {
    /// A run of `steps` (command templates), starting with names bound by earlier runs.
    pub fn new(steps: Vec<Value>, names: HashMap<String, Named>) -> Self {
        ScriptRun {
            steps,
            names,
            ..Default::default()
        }
    }

    /// The names bound so far (to carry over into the next script, e.g. the next lesson step).
    pub fn names(&self) -> &HashMap<String, Named> {
        &self.names
    }

    /// True when every step ran or the script failed.
    pub fn finished(&self) -> bool {
        self.failed.is_some() || (self.waiting.is_none() && self.next >= self.steps.len())
    }

    /// The next command to send, to be sent with request number `req`; `None` while one is
    /// in flight or when finished.
    pub fn next_command(&mut self, req: u64) -> Option<Command> {
        if self.waiting.is_some() || self.finished() {
            return None;
        }
        let template = self.steps[self.next].clone();
        self.next += 1;
        match ready_now(resolve_step(template, self.names.clone())) {
            Some(Ok(Ok(command))) => {
                self.waiting = Some(req);
                Some(command)
            }
            Some(Ok(Err(e))) => {
                self.failed = Some(format!("command {}: {e}", self.next));
                None
            }
            // Steps go only once `load_scripts` is done; a chunk that did not load ends it.
            Some(Err(ChunkMissing)) | None => {
                self.failed = Some(ChunkMissing.both_languages());
                None
            }
        }
    }

    /// Feeds an event; returns true when it completed the command in flight (so the next
    /// one may go). Names the sockets it opens and stops the script on an error.
    pub fn observe(&mut self, env: &Envelope) -> bool {
        let Some(req) = self.waiting else {
            return false;
        };
        if env.req != Some(req) {
            return false;
        }
        let step = &self.steps[self.next - 1];
        match &env.event {
            Event::SocketOpened { socket, local, .. } => {
                if let Some(name) = name_of(step) {
                    let port = local
                        .rsplit(':')
                        .next()
                        .and_then(|p| p.parse().ok())
                        .unwrap_or(0);
                    self.names.insert(
                        name.to_owned(),
                        Named {
                            socket: *socket,
                            port,
                        },
                    );
                }
                false
            }
            Event::Error { message, .. } if !may_fail(step) => {
                self.failed = Some(message.clone());
                self.waiting = None;
                true
            }
            Event::Buffers { .. } | Event::Pong => {
                self.waiting = None;
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use socklab_shared::protocol::{Sequencer, SocketId, SocketKind};

    fn opened(req: u64, id: u32, port: u16) -> Envelope {
        Sequencer::default().stamp(
            0,
            Some(req),
            Event::SocketOpened {
                socket: SocketId(id),
                kind: SocketKind::TcpListener,
                local: format!("127.0.0.1:{port}"),
                peer: None,
                listener: None,
                peer_socket: None,
            },
        )
    }

    fn done(req: u64) -> Envelope {
        Sequencer::default().stamp(0, Some(req), Event::Buffers { sockets: vec![] })
    }

    #[test]
    fn names_flow_into_later_commands() {
        let mut run = ScriptRun::new(
            vec![
                json!({"cmd": "tcp_listen", "port": 0, "as": "srv"}),
                json!({"cmd": "connect", "port": "$srv.port"}),
                json!({"cmd": "accept", "socket": "$srv"}),
            ],
            HashMap::new(),
        );
        assert!(matches!(
            run.next_command(1),
            Some(Command::TcpListen { port: 0, .. })
        ));
        assert_eq!(run.next_command(2), None, "one command in flight at a time");
        assert!(!run.observe(&opened(1, 4, 9123)));
        assert!(run.observe(&done(1)));
        match run.next_command(2) {
            Some(Command::Connect { port, .. }) => assert_eq!(port, 9123),
            other => panic!("{other:?}"),
        }
        assert!(run.observe(&done(2)));
        match run.next_command(3) {
            Some(Command::Accept { socket, .. }) => assert_eq!(socket, SocketId(4)),
            other => panic!("{other:?}"),
        }
        assert!(!run.finished());
        assert!(run.observe(&done(3)));
        assert!(run.finished() && run.failed.is_none());
    }

    #[test]
    fn an_error_stops_the_script_unless_allowed() {
        let err = |req| {
            Sequencer::default().stamp(
                0,
                Some(req),
                Event::Error {
                    code: socklab_shared::protocol::ErrorCode::WouldBlock,
                    message: "would block".into(),
                    hint: None,
                    socket: None,
                    errno: None,
                },
            )
        };
        let mut run = ScriptRun::new(
            vec![
                json!({"cmd": "snapshot", "may_fail": true}),
                json!({"cmd": "snapshot"}),
                json!({"cmd": "ping"}),
            ],
            HashMap::new(),
        );
        run.next_command(1);
        assert!(!run.observe(&err(1)), "an allowed error is just an outcome");
        assert!(run.observe(&done(1)));
        run.next_command(2);
        assert!(run.observe(&err(2)));
        assert_eq!(run.failed.as_deref(), Some("would block"));
        assert!(run.finished());
    }

    #[test]
    fn unknown_names_are_reported() {
        let mut run = ScriptRun::new(
            vec![json!({"cmd": "recv", "socket": "$nobody"})],
            HashMap::new(),
        );
        assert_eq!(run.next_command(1), None);
        assert!(run.failed.unwrap().contains("nobody"));
    }
}
