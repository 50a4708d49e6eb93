//! The server's handle on a session's hosts: the namespace helper it started, and the TUN
//! devices and sockets it gets from it.
//!
//! Invariant: while a [`Hosts`] exists its helper process runs; dropping it closes the socket
//! pair and kills and reaps the helper, so no process outlives the session (the namespaces
//! then go as soon as the session's sockets and TUN descriptors are closed).

use std::os::fd::{AsFd, OwnedFd};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::Duration;

use nix::sys::socket::{AddressFamily, SockFlag, SockType, socketpair};
use socket2::{Domain, Protocol, Socket, Type};
use socklab_shared::protocol::wire::HostName;

use super::WireError;
use super::helper::HELPER_ARG;
use super::helper_wire::{self as msg, Reply, Request};

/// How long the helper may take to make the hosts, or to answer one request.
const HELPER_TIMEOUT: Duration = Duration::from_secs(5);

/// A running namespace helper.
pub struct Hosts {
    ctl: Mutex<OwnedFd>,
    child: Child,
}

/// The TUN devices of host A and host B, in that order.
pub type Tuns = [OwnedFd; 2];

impl Hosts {
    /// Starts `exe __wire-helper` and waits until it made both hosts. Blocking (a few ms).
    pub fn start(exe: &Path) -> Result<(Hosts, Tuns), WireError> {
        let (ours, theirs) = socketpair(
            AddressFamily::Unix,
            SockType::SeqPacket,
            None,
            SockFlag::SOCK_CLOEXEC,
        )
        .map_err(|e| WireError::Helper(format!("socketpair: {e}")))?;
        socket2::SockRef::from(&ours)
            .set_read_timeout(Some(HELPER_TIMEOUT))
            .map_err(|e| WireError::Helper(format!("SO_RCVTIMEO: {e}")))?;
        let child = Command::new(exe)
            .arg(HELPER_ARG)
            .stdin(Stdio::from(theirs))
            .stdout(Stdio::null())
            .env_clear()
            .spawn()
            .map_err(|e| {
                WireError::Helper(format!("starting {} {HELPER_ARG}: {e}", exe.display()))
            })?;
        let hosts = Hosts {
            ctl: Mutex::new(ours),
            child,
        };
        let reply = msg::recv_reply(&hosts.ctl())
            .map_err(|e| WireError::Helper(format!("waiting for the helper: {e}")))?;
        match reply {
            Some((Reply::Ready, fds)) => {
                let tuns: Tuns = fds.try_into().map_err(|fds: Vec<OwnedFd>| {
                    WireError::Helper(format!("the helper sent {} TUN devices, not 2", fds.len()))
                })?;
                Ok((hosts, tuns))
            }
            Some((Reply::Failed(why), _)) => Err(WireError::Unavailable(why)),
            other => Err(WireError::Helper(format!(
                "the helper answered {other:?} instead of its hosts"
            ))),
        }
    }

    fn ctl(&self) -> std::sync::MutexGuard<'_, OwnedFd> {
        self.ctl.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// One request and its reply (one at a time: the lock keeps pairs together).
    fn ask(&self, request: Request) -> std::io::Result<(Reply, Vec<OwnedFd>)> {
        let ctl = self.ctl();
        msg::send(&ctl, &request, &[])?;
        msg::recv_reply(&ctl)?
            .ok_or_else(|| std::io::Error::other("the namespace helper has stopped"))
    }

    /// `socket(domain, ty, protocol)` inside `host`: the kernel's answer, errno included.
    pub fn socket(
        &self,
        host: HostName,
        domain: Domain,
        ty: Type,
        protocol: Protocol,
    ) -> std::io::Result<Socket> {
        let request = Request::Socket {
            host,
            domain: domain.into(),
            ty: ty.into(),
            protocol: protocol.into(),
        };
        match self.ask(request)? {
            (Reply::Done, mut fds) if fds.len() == 1 => Ok(Socket::from(fds.remove(0))),
            (Reply::Errno(n), _) => Err(std::io::Error::from_raw_os_error(n)),
            other => Err(std::io::Error::other(format!(
                "unexpected helper reply {:?}",
                other.0
            ))),
        }
    }

    /// Sets both hosts' MTU.
    pub fn set_mtu(&self, mtu: u32) -> std::io::Result<()> {
        match self.ask(Request::Mtu { mtu })?.0 {
            Reply::Done => Ok(()),
            Reply::Errno(n) => Err(std::io::Error::from_raw_os_error(n)),
            other => Err(std::io::Error::other(format!(
                "unexpected helper reply {other:?}"
            ))),
        }
    }

    /// The namespaces to join to run a program inside `host`: the user namespace (when the
    /// helper made one) and the host's network namespace.
    pub fn namespaces(&self, host: HostName) -> std::io::Result<Vec<OwnedFd>> {
        match self.ask(Request::Namespaces { host })? {
            (Reply::Done, fds) if !fds.is_empty() => Ok(fds),
            other => Err(std::io::Error::other(format!(
                "unexpected helper reply {:?}",
                other.0
            ))),
        }
    }

    /// The helper's process id (for tests that check nothing is left behind).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Hosts {
    fn drop(&mut self) {
        // Closing our end makes the helper return; killing makes sure, and waiting reaps it
        // (it has nothing to finish, so this takes microseconds).
        let _ = nix::sys::socket::shutdown(
            std::os::fd::AsRawFd::as_raw_fd(&self.ctl().as_fd()),
            nix::sys::socket::Shutdown::Both,
        );
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
