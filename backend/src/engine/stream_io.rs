//! TCP data: send, sendall, bulk sends and recv, each traced in the send logs.
//!
//! A send is recorded in the sender's [`Book`](super::lab_socket::Book) while its lock is held
//! around the system call, so the order of records is the order the kernel took the bytes even
//! when an echo task writes to the same socket. A recv advances the receiver's stream offset
//! the same way, then looks its bytes up in the peer's log.

use std::io::{self, Read};
use std::time::Duration;

use socklab_shared::Payload;
use socklab_shared::framing::{self, Framing, Message};
use socklab_shared::protocol::{Event, SendSpan, SocketId};
use tokio::io::Interest;
use tokio::time::Instant;

use super::lab_socket::{LabSocket, SharedBook, lock};
use super::provenance::{describe, external_span};
use super::step_error::{Call, StepError, StepResult};
use super::wait::with_wait;
use super::{Engine, Role};
use socklab_shared::protocol::ErrorCode;

/// What one message is, as the provenance log needs it.
#[derive(Debug, Clone, Copy)]
pub struct MessageShape {
    pub send_no: u32,
    pub total: u64,
    pub header: u64,
    pub trailer: u64,
}

/// One `send()` of `bytes` (part of a message starting `offset_in_message` in): the system
/// call and its record happen under the book's lock.
pub fn send_once(
    s: &socket2::Socket,
    book: &SharedBook,
    id: SocketId,
    shape: MessageShape,
    offset_in_message: u64,
    bytes: &[u8],
) -> io::Result<(usize, u64)> {
    let mut b = lock(book);
    let n = s.send(bytes)?;
    let offset = b.out.end_offset();
    b.out.record(
        id,
        shape.send_no,
        n as u64,
        offset_in_message,
        shape.total,
        shape.header,
        shape.trailer,
    );
    Ok((n, offset))
}

/// `sendall(bytes)` by the lab itself (an echo, a forwarded chat message), as one new send of
/// socket `id`, recorded in its log. Returns the `sent` event, and the failure if it stopped.
pub async fn sendall_recorded(
    fd: &tokio::io::unix::AsyncFd<socket2::Socket>,
    book: &SharedBook,
    id: SocketId,
    bytes: &[u8],
    header: u64,
    max_wait: u64,
) -> (Event, Option<StepError>) {
    let shape = MessageShape {
        send_no: lock(book).next_send_no(),
        total: bytes.len() as u64,
        header,
        trailer: 0,
    };
    let (mut sent, mut first, mut failure) = (0usize, None, None);
    let deadline = Instant::now() + Duration::from_millis(max_wait);
    while sent < bytes.len() {
        let rest = &bytes[sent..];
        let left = Some(
            deadline
                .saturating_duration_since(Instant::now())
                .as_millis() as u64,
        );
        match with_wait(
            fd,
            Interest::WRITABLE,
            left,
            &Call::send("sendall()"),
            |s| send_once(s, book, id, shape, sent as u64, rest),
        )
        .await
        {
            Ok((n, offset)) => {
                first.get_or_insert(offset);
                sent += n;
            }
            Err(e) => {
                failure = Some(e.on(id));
                break;
            }
        }
    }
    let event = Event::Sent {
        socket: id,
        send_no: shape.send_no,
        requested: shape.total,
        accepted: sent as u64,
        header_len: header as u32,
        trailer_len: 0,
        stream_offset: first.unwrap_or_else(|| lock(book).out.end_offset()),
        all: true,
    };
    (event, failure)
}

/// One `recv(bufsize)`: returns the bytes and their stream offset.
pub fn recv_once(
    s: &socket2::Socket,
    book: &SharedBook,
    bufsize: usize,
) -> io::Result<(Vec<u8>, u64)> {
    let mut buf = vec![0u8; bufsize];
    let (n, offset) = recv_into(s, book, &mut buf)?;
    buf.truncate(n);
    // An event keeps only the bytes it carries, not the whole recv buffer (up to 1 MiB).
    buf.shrink_to_fit();
    Ok((buf, offset))
}

/// One `recv(buf.len())` into `buf` (a loop's reused buffer): the byte count and the stream
/// offset of the first byte.
pub fn recv_into(
    s: &socket2::Socket,
    book: &SharedBook,
    buf: &mut [u8],
) -> io::Result<(usize, u64)> {
    let mut b = lock(book);
    let n = (&*s).read(buf)?;
    let offset = b.in_offset;
    b.in_offset += n as u64;
    Ok((n, offset))
}

/// Forgets the peer's send records before `end`, which the receiver will never ask about
/// again (what [`trace`] does with `forget_to`, without naming spans nobody will see).
pub fn forget_received(book: &SharedBook, end: u64) {
    let peer = lock(book).peer.clone();
    if let Some(peer) = peer {
        lock(&peer).out.forget_before(end);
    }
}

/// Where the bytes `[offset, offset+len)` received by the owner of `book` came from. Forgets
/// the peer's records before `forget_to`, which the receiver will never ask about again.
pub fn trace(book: &SharedBook, offset: u64, len: u64, forget_to: Option<u64>) -> Vec<SendSpan> {
    let peer = lock(book).peer.clone();
    match &peer {
        Some(peer) => {
            let mut p = lock(peer);
            let spans = p.out.spans(offset, len);
            if let Some(end) = forget_to {
                p.out.forget_before(end);
            }
            spans
        }
        None if len > 0 => vec![external_span(len)],
        None => vec![],
    }
}

/// The event for a recv result.
pub fn received_event(
    socket: SocketId,
    data: Vec<u8>,
    bufsize: u32,
    offset: u64,
    spans: Vec<SendSpan>,
    auto: bool,
) -> Event {
    Event::Received {
        socket,
        eof: data.is_empty(),
        summary: if data.is_empty() {
            "b'' (the peer closed its side: recv returns 0 bytes)".to_owned()
        } else {
            describe(&spans)
        },
        data: Payload(data),
        bufsize,
        spans,
        stream_offset: offset,
        auto,
    }
}

impl Engine {
    pub(super) fn writable_stream(&self, id: SocketId, call: &str) -> StepResult<&LabSocket> {
        let s = self.expect_kind(id, Role::Stream, call)?;
        if s.write_shut {
            return Err(StepError::wrong(
                id,
                format!("socket {id} has shut down its sending side"),
            )
            .hint(
                "after shutdown(SHUT_WR) or close nothing more can be sent; open a new connection",
            ));
        }
        Ok(s)
    }

    /// `send()` (one call; may be partial) or `sendall()` (loops until done or timed out).
    pub(super) async fn send(
        &mut self,
        id: SocketId,
        data: Vec<u8>,
        framing: &Framing,
        header: Option<serde_json::Value>,
        all: bool,
        timeout_ms: Option<u64>,
    ) -> StepResult<Vec<Event>> {
        let call = if all { "sendall()" } else { "send()" };
        let s = self.writable_stream(id, call)?;
        framing
            .validate()
            .map_err(|e| StepError::new(ErrorCode::Framing, e.to_string()).on(id))?;
        let message = Message { header, body: data };
        let encoded = framing::encode(framing, &message)
            .map_err(|e| StepError::new(ErrorCode::Framing, e.to_string()).on(id))?;
        if encoded.bytes.len() as u64 > self.policy.max_send_bytes {
            return Err(StepError::refused(
                format!("{} bytes is more than one send may carry here ({})", encoded.bytes.len(), self.policy.max_send_bytes),
                "send less, use a bulk send for large transfers, or start socklab with a larger --max-send-bytes",
            ).on(id));
        }
        let shape = MessageShape {
            send_no: lock(&s.book).next_send_no(),
            total: encoded.bytes.len() as u64,
            header: encoded.header_len as u64,
            trailer: encoded.trailer_len as u64,
        };
        let wait = if all {
            Some(
                self.wait_for(s, timeout_ms)
                    .unwrap_or(self.policy.max_wait_ms),
            )
        } else {
            self.wait_for(s, timeout_ms)
        };
        let (sent, offset, failure) = self
            .push_bytes(id, shape, &encoded.bytes, wait, all, call)
            .await;
        let mut events = vec![Event::Sent {
            socket: id,
            send_no: shape.send_no,
            requested: shape.total,
            accepted: sent,
            header_len: shape.header as u32,
            trailer_len: shape.trailer as u32,
            stream_offset: offset,
            all,
        }];
        if let Some(e) = failure {
            if sent == 0 && !all {
                // Nothing went out: give the send number back so numbering stays gap-free.
                if let Ok(s) = self.table.get(id) {
                    let mut b = lock(&s.book);
                    if b.sends == shape.send_no {
                        b.sends -= 1;
                    }
                }
                return Err(e);
            }
            events.push(e.into_event());
        }
        Ok(events)
    }

    /// Pushes `bytes`: one `send()` call, or (`all`) calls until everything went or the wait
    /// ran out. Returns (bytes accepted, stream offset of the first, the failure if any).
    async fn push_bytes(
        &self,
        id: SocketId,
        shape: MessageShape,
        bytes: &[u8],
        wait: Option<u64>,
        all: bool,
        call: &str,
    ) -> (u64, u64, Option<StepError>) {
        let Ok(s) = self.table.get(id) else {
            return (0, 0, Some(StepError::unknown(id)));
        };
        let start_offset = lock(&s.book).out.end_offset();
        let deadline = wait.map(|ms| Instant::now() + Duration::from_millis(ms));
        let mut sent = 0usize;
        loop {
            let left =
                deadline.map(|d| d.saturating_duration_since(Instant::now()).as_millis() as u64);
            let rest = &bytes[sent..];
            match with_wait(&s.fd, Interest::WRITABLE, left, &Call::send(call), |sock| {
                send_once(sock, &s.book, id, shape, sent as u64, rest)
            })
            .await
            {
                Ok((n, _)) => sent += n,
                Err(e) => return (sent as u64, start_offset, Some(e.on(id))),
            }
            if !all || sent >= bytes.len() {
                return (sent as u64, start_offset, None);
            }
        }
    }

    /// One `recv(bufsize)`.
    pub(super) async fn recv(
        &mut self,
        id: SocketId,
        bufsize: u32,
        timeout_ms: Option<u64>,
    ) -> StepResult<Event> {
        let s = self.manual_receiver(id, Role::Stream, "recv()")?;
        if bufsize == 0 || u64::from(bufsize) > self.policy.max_send_bytes {
            return Err(StepError::refused(
                format!(
                    "recv({bufsize}): bufsize must be between 1 and {}",
                    self.policy.max_send_bytes
                ),
                "1024 is what the course code uses",
            )
            .on(id));
        }
        let wait = self.wait_for(s, timeout_ms);
        let call = Call::receive(format!("recv({bufsize})"));
        let (data, offset) = with_wait(&s.fd, Interest::READABLE, wait, &call, |sock| {
            recv_once(sock, &s.book, bufsize as usize)
        })
        .await
        .map_err(|e| e.on(id))?;
        let len = data.len() as u64;
        let spans = trace(&s.book, offset, len, Some(offset + len));
        Ok(received_event(id, data, bufsize, offset, spans, false))
    }
}
