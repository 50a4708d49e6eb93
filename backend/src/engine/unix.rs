//! Unix-domain stream sockets (`AF_UNIX`, `SOCK_STREAM`, experiment 25): the same calls as
//! TCP — `bind`, `listen`, `accept`, `connect`, `send`, `recv` — with a file path instead of
//! `(ip, port)`, and no network underneath: the kernel copies the bytes straight from one
//! socket to the other. It is still a byte stream, so two sends can arrive in one recv.
//!
//! Once set up, a Unix socket is handled by the same code as a TCP one (accept, send, recv,
//! shutdown, close and the auto behaviours all work by role). What differs is here: where the
//! socket file lives ([`super::unix_dir`]), the errors only a file path can give, and how an
//! accepted connection finds the lab client at its other end.
//!
//! Faithful to the kernel: the socket file stays after `close()`, so binding the same name
//! again fails with EADDRINUSE until the file is removed (`unlink`, Python's
//! `os.remove(path)`); connecting to a missing file is ENOENT; to a file whose listener has
//! closed, ECONNREFUSED.

use std::io;
use std::os::fd::AsRawFd;
use std::path::Path;

use socket2::{Domain, SockAddr, Socket, Type};
use socklab_shared::protocol::{Event, SocketId, SocketKind};

use super::Engine;
use super::lab_socket::LabAddr;
use super::step_error::{StepError, StepResult};
use super::table::NewSocket;

fn new_socket() -> StepResult<Socket> {
    Socket::new(Domain::UNIX, Type::STREAM, None)
        .map_err(|e| StepError::os("socket(AF_UNIX, SOCK_STREAM)", &e))
}

/// `getsockname()` and `getpeername()` of a connected Unix socket, in the lab's terms.
fn both_names(s: &Socket) -> StepResult<(LabAddr, LabAddr)> {
    let local = s
        .local_addr()
        .map_err(|e| StepError::os("getsockname()", &e))?;
    let peer = s
        .peer_addr()
        .map_err(|e| StepError::os("getpeername()", &e))?;
    Ok((LabAddr::of(&local), LabAddr::of(&peer)))
}

fn sock_addr(path: &Path) -> StepResult<SockAddr> {
    SockAddr::unix(path).map_err(|e| {
        StepError::os("sockaddr_un", &e)
            .hint("the path is too long for a Unix socket (108 bytes at most): use a shorter name")
    })
}

impl Engine {
    /// `socket(AF_UNIX, SOCK_STREAM); [os.remove(path)]; bind(path); listen(backlog)`.
    pub(super) fn unix_listen(
        &mut self,
        name: &str,
        backlog: u32,
        unlink: bool,
    ) -> StepResult<Event> {
        self.table.check_capacity()?;
        let path = self.unix.path_for(name)?;
        let shown = path.display().to_string();
        let s = new_socket()?;
        if unlink {
            // Like `if os.path.exists(path): os.remove(path)`: a missing file is fine.
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(StepError::os(&format!("os.remove('{shown}')"), &e)),
            }
        }
        let call = format!("bind('{shown}')");
        s.bind(&sock_addr(&path)?).map_err(|e| {
            let err = StepError::os(&call, &e);
            if e.raw_os_error() == Some(libc::EADDRINUSE) {
                err.hint(
                    "a file of that name already exists: a Unix socket's file stays behind after \
                     close(), so the old server's file blocks the new bind(). Remove it first, as \
                     course code does with os.remove(path) (here: unlink = true), or use another name",
                )
            } else {
                err
            }
        })?;
        let backlog = i32::try_from(backlog.min(4096)).unwrap_or(4096);
        s.listen(backlog)
            .map_err(|e| StepError::os(&format!("listen({backlog})"), &e))?;
        let local = LabAddr::Path(path.clone());
        let id = self
            .table
            .open(NewSocket::new(SocketKind::UnixListener, s, local.clone()))?;
        // A fresh listener has an empty accept queue, whatever was queued on a former one.
        self.unix.queue(&path).clear();
        tracing::debug!(%id, %local, "listening (Unix)");
        self.table.opened_event(id)
    }

    /// `socket(AF_UNIX, SOCK_STREAM); connect(path)`.
    ///
    /// A Unix connect has no handshake to wait for: the kernel puts the connection in the
    /// listener's accept queue (or refuses) at once. The lab's sockets are non-blocking, so
    /// a full queue answers EAGAIN right away where a blocking `connect()` would wait for the
    /// server to `accept()`; the command's `timeout_ms` therefore has nothing to wait for.
    pub(super) fn unix_connect(&mut self, name: &str) -> StepResult<Event> {
        self.table.check_capacity()?;
        let path = self.unix.path_for(name)?;
        let call = format!("connect('{}')", path.display());
        let s = new_socket()?;
        s.set_nonblocking(true)
            .map_err(|e| StepError::os("setblocking(False)", &e))?;
        s.connect(&sock_addr(&path)?)
            .map_err(|e| connect_error(&call, &e))?;
        let (local, peer) = both_names(&s)?;
        let id = self.table.open(NewSocket {
            peer: Some(peer.clone()),
            ..NewSocket::new(SocketKind::UnixStream, s, local)
        })?;
        // Our connection now waits in the listener's accept queue, behind the older ones.
        let book = self.table.get(id)?.book.clone();
        self.unix.queue(&path).push_back((id, book));
        tracing::debug!(%id, %peer, "connected (Unix)");
        self.table.opened_event(id)
    }

    /// Makes a connection accepted on a Unix listener a lab socket, linked to its lab client.
    ///
    /// TCP finds the lab client by address (its ephemeral port is unique). A Unix client has
    /// no name at all, so instead:
    /// - `SO_PEERCRED` tells which process called `connect()`. When that is this very process,
    ///   the client is one of the lab's, and of this session: the path is in the session's
    ///   private folder, which no other session (and no other user) can reach.
    /// - The kernel's accept queue is first in, first out, and this session's steps run one at
    ///   a time, so the connection accepted now is the oldest lab connect to this path not
    ///   accepted yet ([`super::unix_dir::UnixDir::queue`]).
    ///
    /// Any other process is a program outside the lab (a student's Python client): its bytes
    /// are shown as external. A lab client that closed before being accepted still left its
    /// connection in the queue; its book stays valid, so the bytes it sent are still traced.
    pub(super) fn adopt_unix_accepted(
        &mut self,
        listener: SocketId,
        conn: Socket,
    ) -> StepResult<Event> {
        let (local, peer) = both_names(&conn)?;
        let from_lab = peer_pid(&conn).is_ok_and(|pid| pid == std::process::id());
        let client = match (&local, from_lab) {
            (LabAddr::Path(path), true) => self.unix.queue(path).pop_front(),
            _ => None,
        };
        let id = self.table.open(NewSocket {
            peer: Some(peer),
            listener: Some(listener),
            ..NewSocket::new(SocketKind::UnixStream, conn, local)
        })?;
        // A client that closed before being accepted is still the one that sent its bytes.
        if let Some((client, book)) = client {
            self.table.link(id, client, &book);
        }
        tracing::debug!(%id, %listener, from_lab, "accepted (Unix)");
        self.table.opened_event(id)
    }
}

/// A failed Unix `connect()`, with what each errno means for a socket file.
fn connect_error(call: &str, e: &io::Error) -> StepError {
    let err = StepError::os(call, e);
    match e.raw_os_error() {
        Some(libc::ENOENT) => err.hint(
            "there is no socket file of that name: no server has bound it yet (start the server \
             first), or the name is misspelt",
        ),
        Some(libc::ECONNREFUSED) => err.hint(
            "the socket file exists but nothing listens on it any more: its server closed, and \
             the file stayed behind. Start the server again (removing the old file first)",
        ),
        Some(libc::EAGAIN) => err.hint(
            "the server's accept queue is full (more connections waiting than its listen() \
             backlog allows). Unlike TCP, which drops the SYN and retries, a Unix connect \
             answers at once: a blocking connect() would wait for the server to accept(), a \
             non-blocking one fails with EAGAIN. Accept a connection on the server to make room",
        ),
        _ => err,
    }
}

/// The pid of the process that called `connect()` on the other end: `SO_PEERCRED`.
fn peer_pid(s: &Socket) -> io::Result<u32> {
    let mut cred = libc::ucred {
        pid: 0,
        uid: 0,
        gid: 0,
    };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: SO_PEERCRED writes at most `len` bytes (one `struct ucred`) through the pointer,
    // which points to a live, writable `ucred` for the whole call, and updates `len`. A bad fd
    // only makes the kernel return an error.
    let rc = unsafe {
        libc::getsockopt(
            s.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&mut cred as *mut libc::ucred).cast(),
            &mut len,
        )
    };
    if rc == -1 {
        return Err(io::Error::last_os_error());
    }
    u32::try_from(cred.pid).map_err(|_| io::Error::other("no peer process"))
}
