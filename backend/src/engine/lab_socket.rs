//! One lab socket: a real kernel socket plus what the lab remembers about it.
//!
//! The kernel socket lives in a tokio [`AsyncFd`] so a call can wait for readiness with a
//! timeout without blocking the server; every call on it is still one non-blocking system
//! call. What the kernel cannot tell us — which send wrote which bytes — lives in a [`Book`],
//! shared (behind a mutex) with the socket's auto-recv task and with the lab socket at the other
//! end of the connection, which reads it to trace its received bytes back to our sends.

use std::collections::VecDeque;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use socket2::{SockAddr, Socket};
use socklab_shared::protocol::{AutoBehaviour, SocketId, SocketKind};
use tokio::io::unix::AsyncFd;
use tokio::task::JoinHandle;

use super::provenance::SendLog;
use super::targets::PortClaim;

/// How long calls on a socket wait when the command gives no timeout (Python's
/// `setblocking` / `settimeout`, adapted to stepping).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WaitMode {
    /// The lab's default: never wait, answer "would block" at once, so each click is one step.
    #[default]
    Step,
    /// `settimeout(t)`: wait up to `t` ms, then time out.
    Timeout(u64),
    /// `setblocking(True)`: wait as long as the lab allows (`--max-wait-ms`).
    Blocking,
}

/// A datagram a lab UDP socket sent, remembered until a lab socket receives it.
#[derive(Debug, Clone)]
pub struct SentDatagram {
    pub to: SocketAddr,
    pub send_no: u32,
    /// Its length and first bytes: datagrams lost or reordered on the wire arrive out of send
    /// order, so a receiver tells them apart by content, not by age.
    pub len: usize,
    pub head: Box<[u8]>,
}

/// How many first bytes of a sent datagram are kept to recognise it.
const HEAD_BYTES: usize = 32;

/// What the lab records about one socket's traffic.
///
/// Invariants: `out.end_offset()` is the number of bytes the kernel accepted from this socket's
/// sends; `in_offset` is the number of bytes its recvs have returned; send numbers count from 1.
#[derive(Debug, Default)]
pub struct Book {
    /// Where each sent byte sits in the outgoing stream (TCP).
    pub out: SendLog,
    /// The last send number handed out.
    pub sends: u32,
    /// Bytes received so far: the stream offset of the next byte a recv returns (TCP).
    pub in_offset: u64,
    /// Datagrams sent and not yet matched to a lab receiver (UDP), oldest first.
    pub datagrams: VecDeque<SentDatagram>,
    /// The book of the lab socket at the other end of the connection, when it is one: our
    /// received bytes are traced back through its send log. Set when the connection is
    /// accepted; kept here (not in [`LabSocket`]) so an auto task already running sees it.
    pub peer: Option<SharedBook>,
    /// The send number of the last datagram seen on the wire's cable (UDP on a host).
    pub on_wire: u32,
}

/// Most sent datagrams remembered per socket; older ones are assumed lost or external.
pub const MAX_REMEMBERED_DATAGRAMS: usize = 1024;

impl Book {
    /// The next send number.
    pub fn next_send_no(&mut self) -> u32 {
        self.sends += 1;
        self.sends
    }

    /// The send number of the next datagram to `to` the cable sees: the oldest one sent after
    /// the last one it saw (datagrams leave a socket in send order).
    pub fn next_datagram_on_wire(&mut self, to: SocketAddr) -> Option<u32> {
        let seen = self.on_wire;
        let next = self
            .datagrams
            .iter()
            .find(|d| d.send_no > seen && d.to == to)?
            .send_no;
        self.on_wire = next;
        Some(next)
    }
}

/// A shared, lockable book.
pub type SharedBook = Arc<Mutex<Book>>;

/// Lab sockets by address, shared with tasks that see traffic without the engine (auto-recv,
/// the wire's cable), so they can find the lab socket and book bytes came from.
pub type Directory<K> = Arc<Mutex<std::collections::HashMap<K, (SocketId, SharedBook)>>>;

/// The session's UDP sockets by local address.
pub type UdpDirectory = Directory<SocketAddr>;

/// The session's connected TCP sockets by (local, peer) address.
pub type StreamDirectory = Directory<(SocketAddr, SocketAddr)>;

/// A socket's entry in a [`Directory`]; removed when dropped (the socket closed), so the
/// directory never names a closed socket.
#[derive(Debug)]
pub struct DirectoryEntry<K: std::hash::Hash + Eq + Clone = SocketAddr> {
    dir: Directory<K>,
    addr: K,
}

impl<K: std::hash::Hash + Eq + Clone> DirectoryEntry<K> {
    /// Lists socket `id` (with its book) at `addr` until the entry is dropped.
    pub fn new(dir: &Directory<K>, addr: K, id: SocketId, book: SharedBook) -> Self {
        dir.lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(addr.clone(), (id, book));
        DirectoryEntry {
            dir: dir.clone(),
            addr,
        }
    }
}

impl<K: std::hash::Hash + Eq + Clone> Drop for DirectoryEntry<K> {
    fn drop(&mut self) {
        self.dir
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.addr);
    }
}

/// Which lab send a datagram from `from` to `to` was: takes it off that lab socket's list. The
/// oldest sent to `to` with the same length and first bytes (`data` may be cut short by a small
/// bufsize; `real_len` is its length), else the oldest sent to `to`. `None` for a sender
/// outside the lab.
pub fn datagram_origin(
    dir: &UdpDirectory,
    from: SocketAddr,
    to: SocketAddr,
    data: &[u8],
    real_len: usize,
) -> Option<(SocketId, u32)> {
    let (id, book) = dir
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&from)
        .cloned()?;
    let mut b = lock(&book);
    let matches =
        |d: &SentDatagram| d.to == to || (to.ip().is_unspecified() && d.to.port() == to.port());
    let same = |d: &SentDatagram| {
        let n = d.head.len().min(data.len());
        d.len == real_len && d.head[..n] == data[..n]
    };
    let at = b
        .datagrams
        .iter()
        .position(|d| matches(d) && same(d))
        .or_else(|| b.datagrams.iter().position(matches))?;
    Some((id, b.datagrams.remove(at)?.send_no))
}

/// Remembers a datagram this socket sent, for [`datagram_origin`].
pub fn remember_datagram(book: &mut Book, to: SocketAddr, send_no: u32, data: &[u8]) {
    if book.datagrams.len() >= MAX_REMEMBERED_DATAGRAMS {
        book.datagrams.pop_front();
    }
    book.datagrams.push_back(SentDatagram {
        to,
        send_no,
        len: data.len(),
        head: data[..data.len().min(HEAD_BYTES)].into(),
    });
}

/// Locks a book. A panic while holding the lock can't leave a `Book` half-updated in a way
/// that matters more than losing the lab, so a poisoned lock is simply taken over.
pub fn lock(book: &SharedBook) -> MutexGuard<'_, Book> {
    book.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Registers a socket with tokio's reactor so calls can wait for readiness.
pub fn register(socket: Socket) -> std::io::Result<AsyncFd<Socket>> {
    // SAFETY: a `socket2::Socket` owns its file descriptor: it stays open, and `as_raw_fd`
    // returns that same descriptor, until the `Socket` is dropped, which can only happen when
    // the `AsyncFd` that now owns it is dropped or unwrapped with `into_inner`.
    Ok(unsafe { AsyncFd::register(socket)? })
}

/// A socket's address as the kernel reports it (`getsockname()` / `getpeername()`): an IP
/// address and port, or, for a Unix-domain socket, a file path — or nothing at all, since a
/// Unix client that never called `bind()` has no name (Python's `getsockname()` returns `''`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LabAddr {
    Ip(SocketAddr),
    /// A Unix socket bound to a file.
    Path(PathBuf),
    /// A Unix socket in Linux's abstract namespace (no file; the lab never binds one, but an
    /// outside client may have): the name without its leading NUL byte.
    Abstract(Vec<u8>),
    /// A Unix socket without a name.
    Unnamed,
}

impl LabAddr {
    /// What `getsockname()`/`getpeername()` returned, in the lab's terms.
    pub fn of(addr: &SockAddr) -> Self {
        if let Some(ip) = addr.as_socket() {
            LabAddr::Ip(ip)
        } else if let Some(path) = addr.as_pathname() {
            LabAddr::Path(path.to_path_buf())
        } else if let Some(name) = addr.as_abstract_namespace() {
            LabAddr::Abstract(name.to_vec())
        } else {
            LabAddr::Unnamed
        }
    }

    /// The IP address, for IP sockets.
    pub fn ip(&self) -> Option<SocketAddr> {
        match self {
            LabAddr::Ip(a) => Some(*a),
            _ => None,
        }
    }
}

impl From<SocketAddr> for LabAddr {
    fn from(a: SocketAddr) -> Self {
        LabAddr::Ip(a)
    }
}

/// How events show an address: `127.0.0.1:9000`, `/tmp/socklab-…/server.sock`, `@name` for an
/// abstract one (as `ss -x` writes it), and `(unnamed)` for a Unix socket without a name.
impl fmt::Display for LabAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LabAddr::Ip(a) => a.fmt(f),
            LabAddr::Path(p) => p.display().fmt(f),
            LabAddr::Abstract(name) => write!(f, "@{}", String::from_utf8_lossy(name)),
            LabAddr::Unnamed => f.write_str(UNNAMED),
        }
    }
}

/// How an unnamed Unix socket's address is shown.
pub const UNNAMED: &str = "(unnamed)";

/// A lab socket.
pub struct LabSocket {
    pub id: SocketId,
    pub kind: SocketKind,
    pub fd: Arc<AsyncFd<Socket>>,
    /// `getsockname()` when the socket was set up.
    pub local: LabAddr,
    /// `getpeername()` for connected sockets.
    pub peer: Option<LabAddr>,
    pub book: SharedBook,
    /// The lab socket at the other end, if the peer is one.
    pub peer_id: Option<SocketId>,
    /// For an accepted connection, the listener it came from.
    pub listener: Option<SocketId>,
    pub wait: WaitMode,
    pub auto: AutoBehaviour,
    /// The running auto task, if any behaviour is on.
    pub auto_task: Option<JoinHandle<()>>,
    /// `shutdown(SHUT_WR)` was called: nothing more can be sent.
    pub write_shut: bool,
    /// A listener's or UDP socket's hold on its address, which makes it a target other lab
    /// sockets may reach ([`super::targets`]); let go when the socket is dropped.
    pub claim: Option<PortClaim>,
    /// A UDP socket's place in the session's directory (datagram provenance).
    pub directory: Option<DirectoryEntry>,
    /// A connected TCP socket's place in the session's stream directory (the wire's packets).
    pub stream_entry: Option<DirectoryEntry<(SocketAddr, SocketAddr)>>,
}

impl LabSocket {
    pub fn new(
        id: SocketId,
        kind: SocketKind,
        socket: Socket,
        local: impl Into<LabAddr>,
    ) -> std::io::Result<Self> {
        socket.set_nonblocking(true)?;
        Ok(LabSocket {
            id,
            kind,
            fd: Arc::new(register(socket)?),
            local: local.into(),
            peer: None,
            book: SharedBook::default(),
            peer_id: None,
            listener: None,
            wait: WaitMode::Step,
            auto: AutoBehaviour::default(),
            auto_task: None,
            write_shut: false,
            claim: None,
            directory: None,
            stream_entry: None,
        })
    }

    pub fn socket(&self) -> &Socket {
        self.fd.get_ref()
    }

    /// Whether an auto task is still receiving on this socket (it ends by itself at EOF).
    pub fn auto_receiving(&self) -> bool {
        self.auto.recv && self.auto_task.as_ref().is_some_and(|t| !t.is_finished())
    }

    /// Stops the auto task and waits until it has let go of the socket, so closing the
    /// socket really closes the kernel socket (and frees its port) right away.
    pub async fn stop_auto(&mut self) {
        if let Some(task) = self.auto_task.take() {
            task.abort();
            let _ = task.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_datagram_is_recognised_by_content_when_earlier_ones_were_lost_or_overtaken() {
        let dir = UdpDirectory::default();
        let (from, to): (SocketAddr, SocketAddr) = (
            "198.18.0.1:5000".parse().unwrap(),
            "198.18.0.2:6000".parse().unwrap(),
        );
        let book = SharedBook::default();
        let _entry = DirectoryEntry::new(&dir, from, SocketId(1), book.clone());
        for (no, text) in [(1, "d1"), (2, "d2"), (3, "d3")] {
            remember_datagram(&mut lock(&book), to, no, text.as_bytes());
        }
        // d1 and d2 were lost: d3 is send 3, not the oldest.
        assert_eq!(
            datagram_origin(&dir, from, to, b"d3", 2),
            Some((SocketId(1), 3))
        );
        // Cut short by a small bufsize, still recognised by its first bytes and length.
        remember_datagram(&mut lock(&book), to, 4, b"a longer datagram");
        assert_eq!(
            datagram_origin(&dir, from, to, b"a lon", 17),
            Some((SocketId(1), 4))
        );
        // Unknown content: the oldest sent to that address, as before.
        assert_eq!(
            datagram_origin(&dir, from, to, b"zz", 2),
            Some((SocketId(1), 1))
        );
    }
}
