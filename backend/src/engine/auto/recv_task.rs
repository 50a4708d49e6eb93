//! The task behind auto-recv: waits for the socket to become readable, receives until the
//! kernel says EAGAIN, reports what arrived (in detail or summed up, see the reporter), and
//! answers with the socket's service (echo, chat, HMAC, file receiver…).

use std::sync::Arc;
use std::time::SystemTime;

use socket2::Socket;
use socklab_shared::Payload;
use socklab_shared::protocol::hmac_demo::HMAC_LEN;
use socklab_shared::protocol::{EchoMode, Event, SocketId};
use tokio::io::unix::AsyncFd;

use crate::engine::chat::relay::Link;
use crate::engine::file_receiver::cut_short;
use crate::engine::lab_socket::{
    SharedBook, UdpDirectory, datagram_origin, lock, remember_datagram,
};
use crate::engine::reporter::{Reporter, readable};
use crate::engine::services::{ServiceState, greeting, reply_with_state};
use crate::engine::step_error::StepError;
use crate::engine::stream_io::{
    forget_received, received_event, recv_into, sendall_recorded, trace,
};
use crate::engine::sys;

/// One socket's auto-recv: what it reads with, and what it answers.
pub(super) struct RecvTask {
    pub(super) id: SocketId,
    pub(super) fd: Arc<AsyncFd<Socket>>,
    pub(super) book: SharedBook,
    /// The socket's IP address (UDP: to trace datagrams); `None` for a Unix socket.
    pub(super) local: Option<std::net::SocketAddr>,
    pub(super) udp: UdpDirectory,
    pub(super) bufsize: usize,
    pub(super) echo: EchoMode,
    /// In chat mode: this connection's place in the session's chat room.
    pub(super) chat: Option<Link>,
    /// What a stateful service remembers (the challenge it sent…).
    pub(super) service: ServiceState,
    pub(super) max_wait: u64,
    pub(super) reporter: Reporter,
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
    pub(super) async fn run_tcp(mut self) {
        let fd = self.fd.clone();
        // A service that speaks first (the HMAC server's challenge) does so now.
        let mut random = [0u8; HMAC_LEN];
        if getrandom::fill(&mut random).is_ok()
            && let Some(hello) = greeting(self.echo, &mut self.service, random)
        {
            let event = self.send_reply(&hello).await;
            self.reporter.send(event);
        }
        // One buffer for every recv: most recvs of a fast transfer are only counted in a
        // summary, so their bytes are copied into an event only when one is sent in detail.
        let mut buf = vec![0u8; self.bufsize];
        loop {
            let Some(mut guard) = readable(&fd, &mut self.reporter).await else {
                return;
            };
            loop {
                match recv_into(self.fd.get_ref(), &self.book, &mut buf) {
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        guard.clear_ready();
                        break;
                    }
                    Err(e) => {
                        let e = StepError::os(&format!("recv({})", self.bufsize), &e);
                        return self.fail(e).await;
                    }
                    Ok((n, offset)) => {
                        let data = &buf[..n];
                        let len = n as u64;
                        let eof = len == 0;
                        let echoed = if eof { None } else { self.echo_tcp(data).await };
                        let relayed = match &mut self.chat {
                            Some(chat) if !eof => chat.relay(data, self.max_wait).await,
                            _ => Vec::new(),
                        };
                        let (id, bufsize, book) = (self.id, self.bufsize as u32, &self.book);
                        let event = || {
                            let spans = trace(book, offset, len, None);
                            received_event(id, data.to_vec(), bufsize, offset, spans, true)
                        };
                        self.reporter.recv(event, len, offset + len, echoed, eof);
                        forget_received(&self.book, offset + len);
                        if self.echo == EchoMode::FileReceiver {
                            self.report_files(eof).await;
                        }
                        // Chat traffic is slow and each forward matters: always in detail.
                        for event in relayed {
                            self.reporter.send(event);
                        }
                        if eof {
                            self.reporter.flush_final().await;
                            return;
                        }
                    }
                }
            }
        }
    }

    pub(super) async fn run_udp(mut self) {
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
                        let e = StepError::os(&format!("recvfrom({})", self.bufsize), &e);
                        return self.fail(e).await;
                    }
                    Ok((data, real_len, from)) => {
                        let len = data.len() as u64;
                        let origin = (self.local)
                            .and_then(|l| datagram_origin(&self.udp, from, l, &data, real_len));
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
                        self.reporter.recv(|| event, len, 0, echoed, false);
                    }
                }
            }
        }
    }

    /// The task stops on an error: its pending summary and the error always reach the page.
    async fn fail(&mut self, e: StepError) {
        self.reporter.send_final(e.on(self.id).into_event()).await;
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
                remember_datagram(&mut book, to, send_no, &bytes[..n]);
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
