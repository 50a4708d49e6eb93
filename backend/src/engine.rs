//! The socket engine: one per lab session, owning that session's real sockets.
//!
//! Each [`Command`] becomes one real system call (or the short sequence one line of Python makes),
//! and its real result becomes an [`Event`]. After every step the engine reads every socket's
//! kernel state ([`snapshot`]) so the page can draw the buffers as they are.
//!
//! # Layout
//! - [`policy`]: what lab sockets may do (loopback only by default, sizes, waits).
//! - [`targets`]: which addresses `connect` and `send_to` may reach (lab sockets, allowed ports).
//! - [`lab_socket`]: a kernel socket plus the lab's [`lab_socket::Book`] of what it sent.
//! - [`table`]: the socket table, the only owner of the id → socket map (open, link, close).
//! - [`provenance`]: which send wrote which received byte (stream offsets).
//! - [`sys`]: the kernel questions (FIONREAD, SIOCOUTQ, TCP_INFO, MSG_PEEK, MSG_TRUNC, errno).
//! - [`wait`]: one call, waiting for readiness first when the step allows it.
//! - [`tcp`], [`stream_io`], [`bulk_send`], [`udp`], [`unix`], [`options`]: the commands.
//! - [`unix_dir`]: the session's private folder for Unix-domain socket files.
//! - [`auto`]: auto-accept, auto-recv and echo, as background tasks.
//! - [`auto_queue`]: the bounded queue from auto tasks to the session.
//! - [`bucket`]: the token bucket behind every rate limit of events.
//! - [`reporter`]: detailed events or summaries for every auto event (rate limit, folding).
//! - [`chat`]: the chat room of the chat service (routing, store-and-forward).
//! - [`services`]: what an auto-recv socket answers (echo, upper-case, time, canned output).
//! - [`file_receiver`]: the file-upload service's parser (length, JSON header, body, MD5).
//! - [`snapshot`]: the kernel's view of every socket after a step.
//! - [`wire_commands`]: sockets on the wire's hosts, the link, holding and stepping, pcap.
//! - [`step_error`]: failures as error events (errno name, number, explanation).

pub mod auto;
pub mod auto_queue;
pub mod bucket;
pub mod bulk_send;
pub mod chat;
pub mod close;
pub mod file_receiver;
pub mod lab_socket;
pub mod options;
pub mod policy;
pub mod provenance;
pub mod reporter;
pub mod services;
pub mod snapshot;
pub mod step_error;
pub mod stream_io;
pub mod sys;
pub mod table;
pub mod targets;
pub mod tcp;
pub mod udp;
pub mod unix;
pub mod unix_dir;
pub mod wait;
pub mod wire_commands;

use socklab_shared::framing::Framing;
use socklab_shared::protocol::{Command, Event, SocketId, SocketKind};

use crate::wire::cable::Control;
use lab_socket::{LabSocket, WaitMode};
use policy::Policy;
use step_error::{StepError, StepResult};

/// A session's sockets.
pub struct Engine {
    /// The sockets themselves; only [`table`] touches the map.
    table: table::SocketTable,
    policy: Policy,
    /// UDP sockets by address, shared with UDP auto tasks (datagram provenance).
    udp: lab_socket::UdpDirectory,
    /// The chat room shared by this session's chat-mode connections.
    chat: chat::relay::SharedRoom,
    /// Where auto tasks report what they did (bounded); the session forwards it to the page.
    auto_tx: auto_queue::AutoSender,
    /// The wire's hosts and cable, made on first use (see [`crate::wire`]). Declared before
    /// `unix` and after `table`: the sockets close first, then the cable and helper go.
    wire: Option<crate::wire::Wire>,
    /// The session's folder for Unix socket files, removed with the engine. Declared after
    /// `sockets` so the sockets are closed before their folder goes.
    unix: unix_dir::UnixDir,
}

impl Engine {
    pub fn new(policy: Policy, auto_tx: auto_queue::AutoSender) -> Self {
        Engine {
            table: table::SocketTable::new(policy.max_sockets),
            policy,
            udp: Default::default(),
            chat: Default::default(),
            auto_tx,
            wire: None,
            unix: Default::default(),
        }
    }

    /// Performs one command. Returns its events: the result (or an error event) and, for
    /// commands that touched sockets, a fresh [`Event::Buffers`] snapshot.
    pub async fn step(&mut self, command: Command) -> Vec<Event> {
        let touches_sockets = !matches!(command, Command::Ping);
        let mut events = match self.perform(command).await {
            Ok(events) => events,
            Err(e) => vec![e.into_event()],
        };
        if touches_sockets {
            events.push(self.snapshot());
        }
        events
    }

    /// The dispatch table: each command to the method of its family (`tcp`, `stream_io`,
    /// `bulk_send`, `udp`, `unix`, `close`, `options`, `auto`), which answers with one event
    /// or several ([`Events`]).
    async fn perform(&mut self, command: Command) -> StepResult<Vec<Event>> {
        use Command::*;
        match command {
            Ping => answer(Ok(Event::Pong)),
            Snapshot => answer(Ok(Vec::new())),
            TcpListen {
                host,
                port,
                backlog,
                reuse_addr,
                on,
            } => answer(self.tcp_listen(on, &host, port, backlog, reuse_addr).await),
            Accept { socket, timeout_ms } => answer(self.accept(socket, timeout_ms).await),
            Connect {
                host,
                port,
                timeout_ms,
                on,
            } => answer(self.connect(on, &host, port, timeout_ms).await),
            Send {
                socket,
                data,
                framing,
                header,
            } => answer(
                self.send(socket, data.0, &framing, header, false, None)
                    .await,
            ),
            SendAll {
                socket,
                data,
                framing,
                header,
                timeout_ms,
            } => answer(
                self.send(socket, data.0, &framing, header, true, timeout_ms)
                    .await,
            ),
            SendBulk {
                socket,
                bytes,
                timeout_ms,
            } => answer(self.send_bulk(socket, bytes, timeout_ms).await),
            Recv {
                socket,
                bufsize,
                timeout_ms,
            } => answer(self.recv(socket, bufsize, timeout_ms).await),
            Shutdown { socket, how } => answer(self.shutdown(socket, how)),
            Close { socket } => answer(self.close(socket).await),
            SetOption { socket, option } => answer(self.set_option(socket, option)),
            UdpBind { host, port, on } => answer(self.udp_bind(on, &host, port).await),
            SendTo {
                socket,
                data,
                host,
                port,
            } => answer(self.send_to(socket, data.0, &host, port)),
            RecvFrom {
                socket,
                bufsize,
                timeout_ms,
            } => answer(self.recv_from(socket, bufsize, timeout_ms).await),
            SendFileChunk {
                socket,
                data,
                timeout_ms,
                ..
            } => answer(
                self.send(socket, data.0, &Framing::Raw, None, true, timeout_ms)
                    .await,
            ),
            UnixListen {
                path,
                backlog,
                unlink,
            } => answer(self.unix_listen(&path, backlog, unlink)),
            // A Unix connect never waits (see `unix_connect`), so its timeout is unused.
            UnixConnect { path, .. } => answer(self.unix_connect(&path)),
            SetAuto { socket, auto } => answer(self.set_auto(socket, auto).await),
            GetNames { socket } => answer(self.names(socket)),
            WireStatus { up } => answer(self.wire_status(up).await),
            LinkSet {
                directions,
                settings,
                seed,
            } => answer(self.link_set(directions, settings, seed).await),
            WireHold { hold } => answer(self.wire_control(Control::Hold(hold)).await),
            WireStep { count } => answer(self.wire_control(Control::Step(count)).await),
            WireDropNext { directions } => {
                answer(self.wire_control(Control::DropNext(directions)).await)
            }
            WirePcap => answer(self.wire_pcap().await),
            // The session answers these itself (it owns the room); never reaches here.
            Share | LessonAt(_) => Err(StepError::refused(
                "share and lesson_at are answered by the session, not the engine",
                "send it over /ws",
            )),
        }
    }

    /// Closes every socket (the WebSocket went away or the server is stopping), and removes
    /// the session's folder of Unix socket files.
    pub async fn close_all(&mut self) {
        for id in self.table.ids() {
            let _ = self.close(id).await;
        }
        self.unix.remove();
    }

    /// Number of open lab sockets.
    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    // ---- helpers shared by the command modules ----

    /// The socket, checked to play `role`; `call` names the refused call in the message.
    /// TCP and Unix sockets play the same roles, so every stream call works on both.
    fn expect_kind(&self, id: SocketId, role: Role, call: &str) -> StepResult<&LabSocket> {
        let s = self.table.get(id)?;
        if Role::of(s.kind) != role {
            return Err(StepError::wrong(
                id,
                format!(
                    "{call} needs a {} but socket {id} is a {}",
                    role.describe(),
                    kind_name(s.kind)
                ),
            ));
        }
        Ok(s)
    }

    /// The socket for a manual recv/recvfrom: playing `role`, and not being read by auto-recv.
    fn manual_receiver(&self, id: SocketId, role: Role, call: &str) -> StepResult<&LabSocket> {
        let s = self.expect_kind(id, role, call)?;
        if s.auto_receiving() {
            return Err(StepError::wrong(
                id,
                format!("socket {id} receives by itself (auto-recv is on)"),
            )
            .hint(format!("switch auto-recv off to call {call} step by step")));
        }
        Ok(s)
    }

    /// How long a call on `socket` may wait: the command's timeout, else the socket's mode.
    fn wait_for(&self, socket: &LabSocket, asked: Option<u64>) -> Option<u64> {
        let ms = asked.or(match socket.wait {
            WaitMode::Step => None,
            WaitMode::Timeout(ms) => Some(ms),
            WaitMode::Blocking => Some(self.policy.max_wait_ms),
        });
        self.policy.wait_ms(ms)
    }
}

/// What a command answers with: one event, or several (a send's `sent` and its errors, the
/// connections auto-accept took).
trait Answer {
    fn into_events(self) -> Vec<Event>;
}

impl Answer for Event {
    fn into_events(self) -> Vec<Event> {
        vec![self]
    }
}

impl Answer for Vec<Event> {
    fn into_events(self) -> Vec<Event> {
        self
    }
}

/// A command's result as the list of events [`Engine::perform`] returns.
fn answer(result: StepResult<impl Answer>) -> StepResult<Vec<Event>> {
    result.map(Answer::into_events)
}

/// What a socket does, whatever its family: the calls that apply depend on this only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Listens for connections (TCP or Unix): `accept()`.
    Listener,
    /// A connected byte stream (TCP or Unix): `send`, `recv`, `shutdown`.
    Stream,
    /// UDP: `sendto`, `recvfrom`.
    Datagram,
}

impl Role {
    pub fn of(kind: SocketKind) -> Role {
        if kind.is_listener() {
            Role::Listener
        } else if kind.is_stream() {
            Role::Stream
        } else {
            Role::Datagram
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Role::Listener => "listening socket (TCP or Unix)",
            Role::Stream => "connected stream socket (TCP or Unix)",
            Role::Datagram => "UDP socket",
        }
    }
}

/// How the page and messages name a kind of socket.
pub fn kind_name(kind: SocketKind) -> &'static str {
    match kind {
        SocketKind::TcpListener => "TCP listening socket",
        SocketKind::TcpStream => "connected TCP socket",
        SocketKind::Udp => "UDP socket",
        SocketKind::UnixListener => "listening Unix socket",
        SocketKind::UnixStream => "connected Unix socket",
    }
}
