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

use socket2::Socket;
use socklab_shared::protocol::{AutoBehaviour, EchoMode, Event, SocketId, SocketKind};
use tokio::io::unix::AsyncFd;

use super::Engine;
use super::auto_queue::AutoSender;
use super::chat::relay::{Link, Member};
use super::reporter::Reporter;
use super::services::ServiceState;
use super::step_error::{StepError, StepResult};

mod recv_task;
use recv_task::RecvTask;

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
        let s = self.table.get_mut(id)?;
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

async fn accept_watch(id: SocketId, fd: Arc<AsyncFd<Socket>>, tx: AutoSender) {
    loop {
        let Ok(mut guard) = fd.readable().await else {
            return;
        };
        // Waits for room: one small message per listener, and it must not be lost.
        if !tx.send(AutoMsg::AcceptReady(id)).await {
            return;
        }
        // Safe to clear now: if another connection arrives after this point, epoll reports a
        // new edge; if one arrived since `readable()` returned, tokio keeps the readiness.
        guard.clear_ready();
    }
}
