//! TCP set-up and tear-down: listen, accept, connect, shutdown, close.
//!
//! The three-way handshake is the kernel's business: `connect()` returns once it's done, and
//! `accept()` only takes an already-established connection off the listener's accept queue.
//! That is why a second client's connect succeeds while a single-threaded server is busy with
//! the first one (experiment 3): the kernel queued it.

use std::net::SocketAddr;
use std::time::Duration;

use socket2::{Protocol, SockAddr, Socket, Type};
use socklab_shared::protocol::wire::HostName;
use socklab_shared::protocol::{Event, ShutdownHow, SocketId, SocketKind};
use tokio::io::Interest;

use super::lab_socket::{LabAddr, register};
use super::step_error::{Call, StepError, StepResult};
use super::sys;
use super::table::NewSocket;
use super::targets::Transport;
use super::wait::with_wait;
use super::{Engine, Role};

/// How long `connect()` waits for the handshake when the command gives no timeout.
pub const DEFAULT_CONNECT_TIMEOUT_MS: u64 = 3_000;

/// `socket.getsockname()` as a std address (lab sockets are always IP sockets).
pub fn local_addr(s: &Socket) -> std::io::Result<SocketAddr> {
    s.local_addr()?
        .as_socket()
        .ok_or_else(|| std::io::Error::other("not an IP socket"))
}

fn peer_addr(s: &Socket) -> std::io::Result<SocketAddr> {
    s.peer_addr()?
        .as_socket()
        .ok_or_else(|| std::io::Error::other("not an IP socket"))
}

impl Engine {
    /// `socket(); [setsockopt(SO_REUSEADDR)]; bind(); listen(backlog)`.
    pub(super) async fn tcp_listen(
        &mut self,
        on: Option<HostName>,
        host: &str,
        port: u16,
        backlog: u32,
        reuse_addr: bool,
    ) -> StepResult<Event> {
        self.table.check_capacity()?;
        let addr = self.bind_address_on(on, host, port)?;
        let s = self
            .new_socket_on(on, addr, Type::STREAM, Protocol::TCP)
            .await?;
        if reuse_addr {
            s.set_reuse_address(true)
                .map_err(|e| StepError::os("setsockopt(SO_REUSEADDR)", &e))?;
        }
        s.bind(&addr.into())
            .map_err(|e| StepError::os(&format!("bind(('{}', {port}))", addr.ip()), &e))?;
        let backlog = i32::try_from(backlog.min(4096)).unwrap_or(4096);
        s.listen(backlog)
            .map_err(|e| StepError::os(&format!("listen({backlog})"), &e))?;
        let local = local_addr(&s).map_err(|e| StepError::os("getsockname()", &e))?;
        // A host's sockets are reachable from the other host only, not claimed on this machine.
        let claim = on
            .is_none()
            .then(|| self.policy.targets.claim(Transport::Tcp, local));
        let id = self.table.open(NewSocket {
            claim,
            ..NewSocket::new(SocketKind::TcpListener, s, local)
        })?;
        tracing::debug!(%id, %local, "listening");
        self.table.opened_event(id)
    }

    /// One `accept()` on a listener.
    pub(super) async fn accept(
        &mut self,
        id: SocketId,
        timeout_ms: Option<u64>,
    ) -> StepResult<Event> {
        let listener = self.expect_kind(id, Role::Listener, "accept()")?;
        if listener.auto.accept {
            return Err(StepError::wrong(
                id,
                format!("socket {id} accepts by itself (auto-accept is on)"),
            )
            .hint("switch auto-accept off to call accept() step by step"));
        }
        self.table.check_capacity()?;
        let wait = self.wait_for(listener, timeout_ms);
        let fd = listener.fd.clone();
        let (conn, _) = with_wait(&fd, Interest::READABLE, wait, &Call::accept(), |s| {
            s.accept()
        })
        .await
        .map_err(|e| e.on(id))?;
        self.adopt_accepted(id, conn)
    }

    /// Accepts every connection waiting on a listener (auto-accept). Returns the events.
    pub(super) fn accept_pending(&mut self, id: SocketId) -> Vec<Event> {
        let mut events = Vec::new();
        while let Ok(listener) = self.table.get(id) {
            if !listener.auto.accept {
                break;
            }
            if let Err(e) = self.table.check_capacity() {
                events.push(e.on(id).into_event());
                break;
            }
            match listener.socket().accept() {
                Ok((conn, _)) => match self.adopt_accepted(id, conn) {
                    Ok(ev) => events.push(ev),
                    Err(e) => events.push(e.into_event()),
                },
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                Err(e) => {
                    events.push(StepError::os(Call::accept(), &e).on(id).into_event());
                    break;
                }
            }
        }
        events
    }

    /// Makes an accepted connection a lab socket and links it to its lab peer, if any.
    fn adopt_accepted(&mut self, listener: SocketId, conn: Socket) -> StepResult<Event> {
        if self.table.get(listener)?.kind.is_unix() {
            return self.adopt_unix_accepted(listener, conn);
        }
        let local = local_addr(&conn).map_err(|e| StepError::os("getsockname()", &e))?;
        let peer = peer_addr(&conn).map_err(|e| StepError::os("getpeername()", &e))?;
        // A lab client at the other end? Its local address is our peer and vice versa.
        let (ours, theirs) = (LabAddr::Ip(local), LabAddr::Ip(peer));
        let client = self
            .table
            .find_connection(SocketKind::TcpStream, &theirs, &ours);
        let id = self.table.open(NewSocket {
            peer: Some(theirs),
            listener: Some(listener),
            ..NewSocket::new(SocketKind::TcpStream, conn, local)
        })?;
        if let Some((client, book)) = client {
            self.table.link(id, client, &book);
        }
        tracing::debug!(%id, %listener, %peer, "accepted");
        self.table.opened_event(id)
    }

    /// `socket(); connect((host, port))`, waiting for the handshake up to a timeout.
    pub(super) async fn connect(
        &mut self,
        on: Option<HostName>,
        host: &str,
        port: u16,
        timeout_ms: Option<u64>,
    ) -> StepResult<Event> {
        self.table.check_capacity()?;
        let addr = self.target_on(on, host, port, Transport::Tcp)?;
        let call = format!("connect(('{}', {port}))", addr.ip());
        let s = self
            .new_socket_on(on, addr, Type::STREAM, Protocol::TCP)
            .await?;
        s.set_nonblocking(true)
            .map_err(|e| StepError::os("setblocking(False)", &e))?;
        let in_progress = match s.connect(&SockAddr::from(addr)) {
            Ok(()) => false,
            Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => true,
            Err(e) => return Err(StepError::os(&call, &e)),
        };
        if in_progress && timeout_ms == Some(0) {
            // `settimeout(0)` then `connect_ex`: EINPROGRESS, the handshake goes on without
            // us. The peer is the address asked for (what `getpeername` says once it's done).
            return self.connecting(on, s, addr);
        }
        let fd = register(s).map_err(|e| StepError::os("socket setup", &e))?;
        if in_progress {
            let ms = self
                .policy
                .wait_ms(Some(timeout_ms.unwrap_or(DEFAULT_CONNECT_TIMEOUT_MS)))
                .unwrap_or(DEFAULT_CONNECT_TIMEOUT_MS);
            match tokio::time::timeout(Duration::from_millis(ms), fd.writable()).await {
                Err(_) => return Err(self.connect_timed_out(&call, addr, ms)),
                Ok(Err(e)) => return Err(StepError::os(&call, &e)),
                Ok(Ok(_guard)) => {}
            }
            if let Some(e) = fd
                .get_ref()
                .take_error()
                .map_err(|e| StepError::os(&call, &e))?
            {
                return Err(StepError::os(&call, &e));
            }
        }
        let s = fd.into_inner();
        let local = local_addr(&s).map_err(|e| StepError::os("getsockname()", &e))?;
        let peer = peer_addr(&s).map_err(|e| StepError::os("getpeername()", &e))?;
        let id = self.table.open(NewSocket {
            peer: Some(peer.into()),
            ..NewSocket::new(SocketKind::TcpStream, s, local)
        })?;
        tracing::debug!(%id, %local, %peer, "connected");
        self.table.opened_event(id)
    }

    /// A socket whose handshake is still going on (its card shows SYN_SENT until it is done).
    fn connecting(
        &mut self,
        on: Option<HostName>,
        s: Socket,
        addr: SocketAddr,
    ) -> StepResult<Event> {
        let local = local_addr(&s).map_err(|e| StepError::os("getsockname()", &e))?;
        let id = self.table.open(NewSocket {
            peer: Some(addr.into()),
            ..NewSocket::new(SocketKind::TcpStream, s, local)
        })?;
        tracing::debug!(%id, %local, %addr, ?on, "connecting without waiting");
        self.table.opened_event(id)
    }

    /// A connect that never completed, explained: a full accept queue is the classic cause.
    fn connect_timed_out(&self, call: &str, addr: SocketAddr, ms: u64) -> StepError {
        let full_lab_listener = self
            .table
            .find_by_local(&LabAddr::Ip(addr), SocketKind::TcpListener)
            .and_then(|l| sys::accept_queue(l.socket()).ok())
            .filter(|(queued, backlog)| queued > backlog || (queued == backlog && *backlog > 0));
        let e = StepError::timed_out(call, ms);
        match full_lab_listener {
            Some((queued, backlog)) => e.hint(format!(
                "the listener's accept queue is full ({queued} waiting, backlog {backlog}): Linux drops \
                 the SYN and the client keeps retrying, so connect hangs instead of failing. Accept \
                 a connection on the server to make room"
            )),
            None => e.hint("no answer to the SYN: is the address right, and is the server's accept queue full?"),
        }
    }

    /// `getsockname()` / `getpeername()`, read from the kernel now. A Unix client without a
    /// name shows as `(unnamed)`, as in its `socket_opened` event.
    pub(super) fn names(&self, id: SocketId) -> StepResult<Event> {
        let s = self.table.get(id)?;
        let local = s
            .socket()
            .local_addr()
            .map(|a| LabAddr::of(&a))
            .map_err(|e| StepError::os("getsockname()", &e).on(id))?;
        let peer = match s.socket().peer_addr() {
            Ok(p) => Some(LabAddr::of(&p).to_string()),
            Err(e) if e.raw_os_error() == Some(libc::ENOTCONN) => None,
            Err(e) => return Err(StepError::os("getpeername()", &e).on(id)),
        };
        Ok(Event::Names {
            socket: id,
            local: local.to_string(),
            peer,
        })
    }

    /// `shutdown(how)`.
    pub(super) fn shutdown(&mut self, id: SocketId, how: ShutdownHow) -> StepResult<Event> {
        let s = self.expect_kind(id, Role::Stream, "shutdown()")?;
        let std_how = match how {
            ShutdownHow::Read => std::net::Shutdown::Read,
            ShutdownHow::Write => std::net::Shutdown::Write,
            ShutdownHow::Both => std::net::Shutdown::Both,
        };
        s.socket()
            .shutdown(std_how)
            .map_err(|e| StepError::os("shutdown()", &e).on(id))?;
        if how != ShutdownHow::Read {
            self.table.get_mut(id)?.write_shut = true;
        }
        Ok(Event::ShutDown { socket: id, how })
    }
}
