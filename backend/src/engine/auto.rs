//! Auto behaviours: a socket that accepts, receives and echoes by itself, so a student's own
//! Python client can talk to a lab server without anyone clicking.
//!
//! Each behaviour runs as a tokio task that waits for the socket to become readable (epoll,
//! edge-triggered: the task clears readiness only after the kernel said EAGAIN, so no data is
//! ever left unnoticed). Receiving happens in the task itself, not in the session, so a long
//! `sendall` the session is busy with can never deadlock against its own receiver.
//!
//! Accepting is different: a new connection must become a lab socket in the session's table,
//! so the accept task only tells the session "connections are waiting" and the session
//! accepts them.
//!
//! How fast transfers are reported without flooding the page is [`super::reporter`]'s job.

use std::sync::Arc;
use std::time::SystemTime;

use socket2::Socket;
use socklab_shared::Payload;
use socklab_shared::protocol::{AutoBehaviour, EchoMode, Event, SocketId, SocketKind};
use tokio::io::unix::AsyncFd;
use tokio::sync::mpsc;

use super::Engine;
use super::chat::relay::{Link, Member};
use super::file_receiver::cut_short;
use super::lab_socket::{SharedBook, UdpDirectory, datagram_origin, lock, remember_datagram};
use super::reporter::{Reporter, readable};
use super::services::{CHALLENGE_LEN, ServiceState, greeting, reply_with_state};
use super::step_error::{StepError, StepResult};
use super::stream_io::{received_event, recv_once, sendall_recorded, trace};
use super::sys;

/// What auto tasks tell the session.
#[derive(Debug)]
pub enum AutoMsg {
    /// An event to forward to the page.
    Event(Event),
    /// A listener with auto-accept has connections waiting.
    AcceptReady(SocketId),
}

/// Default bufsize of automatic recvs, as in the course's `recv(1024)`.
pub const DEFAULT_AUTO_BUFSIZE: u32 = 1024;

impl Engine {
    /// Switches a socket's auto behaviours; accepts what is already waiting if auto-accept
    /// was switched on.
    pub(super) async fn set_auto(
        &mut self,
        id: SocketId,
        auto: AutoBehaviour,
    ) -> StepResult<Vec<Event>> {
        let max_wait = self.policy.max_wait_ms;
        let max_bufsize = self.policy.max_send_bytes.min(u64::from(u32::MAX)) as u32;
        let tx = self.auto_tx.clone();
        let udp = self.udp.clone();
        let room = self.chat.clone();
        let s = self.get_mut(id)?;
        let (wants_accept, wants_recv) = (auto.accept, auto.recv || auto.echo != EchoMode::Off);
        match s.kind {
            kind if kind.is_listener() && wants_recv => {
                return Err(StepError::wrong(
                    id,
                    "a listening socket can't receive data; only auto-accept applies",
                ));
            }
            SocketKind::Udp if auto.echo == EchoMode::FileReceiver => {
                return Err(StepError::wrong(
                    id,
                    "the file receiver reads a byte stream (length, header, body); use it on an accepted TCP connection",
                ));
            }
            SocketKind::Udp if auto.echo == EchoMode::Chat => {
                return Err(StepError::wrong(
                    id,
                    "the chat server speaks TCP; use it on an accepted TCP connection",
                ));
            }
            kind if !kind.is_listener() && wants_accept => {
                return Err(StepError::wrong(
                    id,
                    "only a listening socket can accept; auto-accept doesn't apply here",
                ));
            }
            _ => {}
        }
        s.stop_auto().await;
        let auto = AutoBehaviour {
            recv: wants_recv,
            bufsize: match auto.bufsize {
                0 => DEFAULT_AUTO_BUFSIZE,
                n => n.min(max_bufsize),
            },
            ..auto
        };
        s.auto = auto;
        let fd = s.fd.clone();
        s.auto_task = if wants_accept {
            Some(tokio::spawn(accept_watch(id, fd, tx)))
        } else if wants_recv {
            let task = RecvTask {
                id,
                fd,
                book: s.book.clone(),
                local: s.local.ip(),
                udp: udp.clone(),
                bufsize: auto.bufsize as usize,
                echo: auto.echo,
                chat: (auto.echo == EchoMode::Chat).then(|| {
                    Link::new(
                        room,
                        Member {
                            id,
                            fd: s.fd.clone(),
                            book: s.book.clone(),
                        },
                    )
                }),
                service: ServiceState::default(),
                max_wait,
                reporter: Reporter::new(id, tx),
            };
            Some(match s.kind {
                SocketKind::Udp => tokio::spawn(task.run_udp()),
                _ => tokio::spawn(task.run_tcp()),
            })
        } else {
            None
        };
        let mut events = vec![Event::AutoSet { socket: id, auto }];
        if wants_accept {
            events.extend(self.accept_pending(id));
        }
        Ok(events)
    }

    /// The session calls this when an accept task says connections are waiting.
    pub fn auto_accept(&mut self, id: SocketId) -> Vec<Event> {
        self.accept_pending(id)
    }
}

async fn accept_watch(id: SocketId, fd: Arc<AsyncFd<Socket>>, tx: mpsc::UnboundedSender<AutoMsg>) {
    loop {
        let Ok(mut guard) = fd.readable().await else {
            return;
        };
        if tx.send(AutoMsg::AcceptReady(id)).is_err() {
            return;
        }
        // Safe to clear now: if another connection arrives after this point, epoll reports a
        // new edge; if one arrived since `readable()` returned, tokio keeps the readiness.
        guard.clear_ready();
    }
}

struct RecvTask {
    id: SocketId,
    fd: Arc<AsyncFd<Socket>>,
    book: SharedBook,
    /// The socket's IP address (UDP: to trace datagrams); `None` for a Unix socket.
    local: Option<std::net::SocketAddr>,
    udp: UdpDirectory,
    bufsize: usize,
    echo: EchoMode,
    /// In chat mode: this connection's place in the session's chat room.
    chat: Option<Link>,
    /// What a stateful service remembers (the challenge it sent…).
    service: ServiceState,
    max_wait: u64,
    reporter: Reporter,
}

impl Drop for RecvTask {
    fn drop(&mut self) {
        // However the task ends (EOF, error, switched off, socket closed), its user leaves.
        if let Some(chat) = &self.chat {
            chat.leave();
        }
    }
}

impl RecvTask {
    async fn run_tcp(mut self) {
        let fd = self.fd.clone();
        // A service that speaks first (the HMAC server's challenge) does so now.
        let mut random = [0u8; CHALLENGE_LEN];
        if getrandom::fill(&mut random).is_ok()
            && let Some(hello) = greeting(self.echo, &mut self.service, random)
        {
            let event = self.send_reply(&hello).await;
            self.reporter.send(event);
        }
        loop {
            let Some(mut guard) = readable(&fd, &mut self.reporter).await else {
                return;
            };
            loop {
                match recv_once(self.fd.get_ref(), &self.book, self.bufsize) {
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        guard.clear_ready();
                        break;
                    }
                    Err(e) => {
                        return self.fail(StepError::os(&format!("recv({})", self.bufsize), &e));
                    }
                    Ok((data, offset)) => {
                        let len = data.len() as u64;
                        let eof = len == 0;
                        let spans = trace(&self.book, offset, len, Some(offset + len));
                        let echoed = if eof {
                            None
                        } else {
                            self.echo_tcp(&data).await
                        };
                        let relayed = match &mut self.chat {
                            Some(chat) if !eof => chat.relay(&data, self.max_wait).await,
                            _ => Vec::new(),
                        };
                        let event =
                            received_event(self.id, data, self.bufsize as u32, offset, spans, true);
                        self.reporter.recv(event, len, offset + len, echoed, eof);
                        if self.echo == EchoMode::FileReceiver {
                            self.report_files(eof).await;
                        }
                        // Chat traffic is slow and each forward matters: always in detail.
                        for event in relayed {
                            self.reporter.send(event);
                        }
                        if eof {
                            self.reporter.flush();
                            return;
                        }
                    }
                }
            }
        }
    }

    async fn run_udp(mut self) {
        let fd = self.fd.clone();
        loop {
            let Some(mut guard) = readable(&fd, &mut self.reporter).await else {
                return;
            };
            loop {
                match sys::recv_datagram(self.fd.get_ref(), self.bufsize) {
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        guard.clear_ready();
                        break;
                    }
                    Err(e) => {
                        return self
                            .fail(StepError::os(&format!("recvfrom({})", self.bufsize), &e));
                    }
                    Ok((data, real_len, from)) => {
                        let len = data.len() as u64;
                        let origin = (self.local).and_then(|l| datagram_origin(&self.udp, from, l));
                        let echoed = self.echo_udp(&data, from);
                        let event = Event::ReceivedFrom {
                            socket: self.id,
                            from: from.to_string(),
                            truncated: real_len > data.len(),
                            real_len: real_len as u64,
                            data: Payload(data),
                            bufsize: self.bufsize as u32,
                            from_socket: origin.map(|o| o.0),
                            send_no: origin.map(|o| o.1),
                        };
                        self.reporter.recv(event, len, 0, echoed, false);
                    }
                }
            }
        }
    }

    fn fail(&mut self, e: StepError) {
        self.reporter.flush();
        self.reporter.send(e.on(self.id).into_event());
    }

    /// Sends `data` back (sendall), recorded as a send of this socket. Returns the Sent event.
    async fn echo_tcp(&mut self, data: &[u8]) -> Option<Event> {
        let bytes = reply_with_state(self.echo, &mut self.service, data, SystemTime::now())?;
        Some(self.send_reply(&bytes).await)
    }

    /// The file receiver's verdicts, each followed by its JSON reply, and an upload the end
    /// of the stream cut short. Never summarised: one event per file, and every one counts.
    async fn report_files(&mut self, eof: bool) {
        let done = self.service.take_files();
        let cut = eof.then(|| self.service.files.unfinished()).flatten();
        if done.is_empty() && cut.is_none() {
            return;
        }
        // The summary of the recvs so far goes first: the verdict follows the bytes it judged.
        self.reporter.flush();
        for outcome in done {
            self.reporter.send(outcome.event(self.id));
            let sent = self.send_reply(&outcome.reply()).await;
            self.reporter.send(sent);
        }
        if let Some(message) = cut {
            self.reporter.send(cut_short(self.id, message));
        }
    }

    /// Sends what a service answers (sendall, recorded as a send of this socket).
    async fn send_reply(&mut self, bytes: &[u8]) -> Event {
        let (event, failure) =
            sendall_recorded(&self.fd, &self.book, self.id, bytes, 0, self.max_wait).await;
        if let Some(e) = failure {
            self.reporter.send(e.into_event());
        }
        event
    }

    fn echo_udp(&mut self, data: &[u8], to: std::net::SocketAddr) -> Option<Event> {
        let bytes = reply_with_state(self.echo, &mut self.service, data, SystemTime::now())?;
        let mut book = lock(&self.book);
        match self.fd.get_ref().send_to(&bytes, &to.into()) {
            Ok(n) => {
                let send_no = book.next_send_no();
                remember_datagram(&mut book, to, send_no);
                Some(Event::SentTo {
                    socket: self.id,
                    send_no,
                    to: to.to_string(),
                    bytes: n as u64,
                })
            }
            Err(e) => {
                drop(book);
                self.reporter
                    .send(StepError::os("sendto()", &e).on(self.id).into_event());
                None
            }
        }
    }
}
