//! The messages between the server and its namespace helper, over a `SOCK_SEQPACKET` pair.
//!
//! One datagram per message, so no framing is needed; descriptors ride along as SCM_RIGHTS.
//! Requests are a tag byte and little-endian integers; replies a tag byte and, for a failure,
//! an errno or a sentence. Both ends are this binary, so the format needs no versioning.
//!
//! - `Socket { host, domain, ty, protocol }` → `Done` with the socket's descriptor, or `Errno`.
//! - `Mtu { mtu }` → `Done` (both hosts' TUN devices now use it), or `Errno`.
//! - `Namespaces { host }` → `Done` with the user namespace (when the helper made one) and the
//!   host's network namespace, in that order: what `socklab exec` joins.
//! - At start the helper sends `Ready` with the TUN descriptors of host A and host B, in that
//!   order, or `Failed` with what went wrong and how to fix it.

use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use super::scm;
use socklab_shared::protocol::wire::HostName;

/// Longest message either side sends (a failure's sentence is the long one).
const MAX_MESSAGE: usize = 2048;

/// What the server asks the helper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Socket {
        host: HostName,
        domain: i32,
        ty: i32,
        protocol: i32,
    },
    Mtu {
        mtu: u32,
    },
    /// The namespaces a process joins to run inside `host` (`socklab exec`).
    Namespaces {
        host: HostName,
    },
}

/// What the helper answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Ready,
    Failed(String),
    Done,
    Errno(i32),
}

/// A message either side sends.
pub trait Message: Sized {
    fn encode(&self) -> Vec<u8>;
    fn decode(bytes: &[u8]) -> Option<Self>;
}

fn int(bytes: &[u8], at: usize) -> Option<i32> {
    Some(i32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

impl Message for Request {
    fn encode(&self) -> Vec<u8> {
        match self {
            Request::Socket {
                host,
                domain,
                ty,
                protocol,
            } => {
                let mut out = vec![b'S', *host as u8];
                for n in [domain, ty, protocol] {
                    out.extend_from_slice(&n.to_le_bytes());
                }
                out
            }
            Request::Mtu { mtu } => {
                let mut out = vec![b'M'];
                out.extend_from_slice(&mtu.to_le_bytes());
                out
            }
            Request::Namespaces { host } => vec![b'N', *host as u8],
        }
    }

    fn decode(bytes: &[u8]) -> Option<Self> {
        match bytes.first()? {
            b'S' if bytes.len() == 14 => Some(Request::Socket {
                host: *HostName::ALL.get(usize::from(bytes[1]))?,
                domain: int(bytes, 2)?,
                ty: int(bytes, 6)?,
                protocol: int(bytes, 10)?,
            }),
            b'M' if bytes.len() == 5 => Some(Request::Mtu {
                mtu: int(bytes, 1)? as u32,
            }),
            b'N' if bytes.len() == 2 => Some(Request::Namespaces {
                host: *HostName::ALL.get(usize::from(bytes[1]))?,
            }),
            _ => None,
        }
    }
}

impl Message for Reply {
    fn encode(&self) -> Vec<u8> {
        match self {
            Reply::Ready => vec![b'R'],
            Reply::Done => vec![b'D'],
            Reply::Errno(n) => {
                let mut out = vec![b'E'];
                out.extend_from_slice(&n.to_le_bytes());
                out
            }
            Reply::Failed(why) => {
                let mut out = vec![b'F'];
                let text = why.as_bytes();
                out.extend_from_slice(&text[..text.len().min(MAX_MESSAGE - 1)]);
                out
            }
        }
    }

    fn decode(bytes: &[u8]) -> Option<Self> {
        match bytes.first()? {
            b'R' => Some(Reply::Ready),
            b'D' => Some(Reply::Done),
            b'E' => Some(Reply::Errno(int(bytes, 1)?)),
            b'F' => Some(Reply::Failed(
                String::from_utf8_lossy(&bytes[1..]).into_owned(),
            )),
            _ => None,
        }
    }
}

/// Sends one message with `fds` attached.
pub fn send(ctl: &OwnedFd, message: &impl Message, fds: &[BorrowedFd<'_>]) -> io::Result<()> {
    scm::send(ctl.as_fd(), &message.encode(), fds)
}

/// Receives one message and the descriptors that came with it; `None` at end of stream.
fn recv<M: Message>(ctl: &OwnedFd) -> io::Result<Option<(M, Vec<OwnedFd>)>> {
    let mut buf = vec![0u8; MAX_MESSAGE];
    let (len, fds) = scm::recv(ctl.as_fd(), &mut buf)?;
    if len == 0 {
        return Ok(None);
    }
    let message = M::decode(&buf[..len])
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "malformed helper message"))?;
    Ok(Some((message, fds)))
}

/// The helper's side: the next request (descriptors are never sent to the helper).
pub fn recv_request(ctl: &OwnedFd) -> io::Result<Option<Request>> {
    Ok(recv::<Request>(ctl)?.map(|(r, _)| r))
}

/// The server's side: the next reply and its descriptors.
pub fn recv_reply(ctl: &OwnedFd) -> io::Result<Option<(Reply, Vec<OwnedFd>)>> {
    recv::<Reply>(ctl)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip() {
        let requests = [
            Request::Socket {
                host: HostName::B,
                domain: libc::AF_INET,
                ty: libc::SOCK_STREAM,
                protocol: 6,
            },
            Request::Mtu { mtu: 9000 },
            Request::Namespaces { host: HostName::A },
        ];
        for r in requests {
            assert_eq!(Request::decode(&r.encode()), Some(r));
        }
        let replies = [
            Reply::Ready,
            Reply::Done,
            Reply::Errno(libc::EPERM),
            Reply::Failed("no user namespaces".into()),
        ];
        for r in replies {
            assert_eq!(Reply::decode(&r.encode()), Some(r));
        }
        assert_eq!(Request::decode(&[b'S', 9, 0, 0]), None);
        assert_eq!(Request::decode(b""), None);
    }
}
