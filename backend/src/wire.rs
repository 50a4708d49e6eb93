//! The wire: a session's two virtual hosts and the cable between them, carried by the server.
//!
//! Host A (198.18.0.1) and host B (198.18.0.2) are private network namespaces of the session's
//! own, made by a helper process ([`helper`], [`hosts`]) on first use. Each has one TUN device;
//! the [`cable`] task reads every IP packet that leaves one host, reports it, lets the link
//! ([`socklab_wire::Link`]) decide its fate (delay, loss, duplicates, reordering, rate, holding)
//! and writes it into the other host. Both ends are the real kernel, so the packets are the ones
//! the real TCP and UDP stacks send.
//!
//! Invariants:
//! - Hosts reach nothing but each other: their only interface besides loopback is the TUN
//!   device, and the only route is 198.18.0.0/15 through it. Nothing on the cable leaves the
//!   server.
//! - One session never sees another's packets: each session has its own helper, namespaces
//!   and cable task.
//! - Dropping [`Wire`] ends the cable task and the helper; the kernel removes the namespaces
//!   once the session's sockets are closed too (the engine closes them first).
//!
//! # Layout
//! - [`helper`]: the helper process's `main` (user + network namespaces, TUN devices).
//! - [`helper_wire`]: the messages between server and helper.
//! - [`scm`]: bytes with file descriptors attached (SCM_RIGHTS).
//! - [`netconf`]: the `ioctl`s that configure a host's interfaces.
//! - [`hosts`]: the server's handle on the helper: sockets inside a host, MTU.
//! - [`cable`]: the task that carries packets between the hosts.
//! - [`senders`]: which lab sends a packet's payload came from.
//! - [`packet_report`]: packet events within the page's budget (detail or summary).
//! - [`exec`], [`exec_client`]: `socklab exec`, a student's program run inside a host.

pub mod cable;
pub mod exec;
pub mod exec_client;
pub mod helper;
pub mod helper_wire;
pub mod hosts;
pub mod netconf;
pub mod packet_report;
pub mod scm;
pub mod senders;

use std::path::PathBuf;
use std::sync::Arc;

use socket2::{Domain, Protocol, Socket, Type};
use socklab_shared::protocol::wire::HostName;

use crate::engine::auto_queue::AutoSender;

/// Why the wire is not there.
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    /// This machine does not allow the namespaces or TUN devices (the message says the fix).
    #[error("{0}")]
    Unavailable(String),
    /// The helper failed in an unexpected way.
    #[error("the wire's helper failed: {0}")]
    Helper(String),
}

/// Where the server finds the binary to start as the helper: itself, except in tests, whose
/// binary is the test harness (they point at the built `socklab`).
#[derive(Debug, Clone)]
pub struct WireConfig {
    pub helper_exe: Option<PathBuf>,
    /// The server's `socklab exec` point, if it has one.
    pub exec: Option<exec::ExecPoint>,
}

impl WireConfig {
    fn exe(&self) -> Result<PathBuf, WireError> {
        match &self.helper_exe {
            Some(p) => Ok(p.clone()),
            None => std::env::current_exe()
                .map_err(|e| WireError::Helper(format!("finding socklab's own binary: {e}"))),
        }
    }
}

/// A session's wire: its hosts and the cable task.
pub struct Wire {
    hosts: Arc<hosts::Hosts>,
    pub cable: cable::CableHandle,
    /// The session's key for `socklab exec`, and the command the page shows.
    exec: Option<(exec::ExecEntry, String)>,
}

impl Wire {
    /// Makes the hosts and starts the cable. Blocks for the helper's start (milliseconds), so
    /// call it from a blocking task.
    pub fn start(
        config: &WireConfig,
        auto_tx: AutoSender,
        senders: senders::Senders,
    ) -> Result<Wire, WireError> {
        let (hosts, tuns) = hosts::Hosts::start(&config.exe()?)?;
        let hosts = Arc::new(hosts);
        let cable = cable::CableHandle::spawn(tuns, auto_tx, senders)
            .map_err(|e| WireError::Helper(format!("registering the TUN devices: {e}")))?;
        let exec = config.exec.as_ref().and_then(|point| {
            let entry = point.register(&hosts).ok()?;
            let command = point.command(&entry.key, HostName::A);
            Some((entry, command))
        });
        Ok(Wire { hosts, cable, exec })
    }

    /// The command that runs a program on host A (`socklab exec`), when the server has an
    /// exec point.
    pub fn exec_command(&self) -> Option<&str> {
        self.exec.as_ref().map(|(_, command)| command.as_str())
    }

    /// A new socket inside `host`.
    pub fn socket(
        &self,
        host: HostName,
        domain: Domain,
        ty: Type,
        protocol: Protocol,
    ) -> std::io::Result<Socket> {
        // Non-blocking like every lab socket: the table sets it when the socket is opened.
        self.hosts.socket(host, domain, ty, protocol)
    }

    /// Sets both hosts' MTU (the link's MTU).
    pub fn set_mtu(&self, mtu: u32) -> std::io::Result<()> {
        self.hosts.set_mtu(mtu)
    }

    /// The helper's process id.
    pub fn helper_pid(&self) -> u32 {
        self.hosts.pid()
    }
}
