//! Which call failed: from the command when it is known (the exact address, bytes and
//! options), else read back from the error message, which starts with the call as Python
//! would write it (`connect(('127.0.0.1', 9)) failed: ...`).

use socklab_shared::protocol::{Command, ShutdownHow, SocketId};

use crate::generator::Gen;
use crate::names::tuple_addr;
use crate::sends::{Outgoing, bulk, outgoing_from_bytes, outgoing_from_command};
use crate::unix::file_name;

/// A call that failed, as far as the command or the error message tells.
pub(crate) enum Call {
    Connect {
        host: String,
        port: u16,
    },
    Bind {
        udp: bool,
        host: String,
        port: u16,
        reuse: bool,
        backlog: u32,
    },
    /// A Unix listener's bind (file name, backlog, unlink first).
    UnixBind {
        name: String,
        backlog: u32,
        unlink: bool,
    },
    /// A Unix connect (file name).
    UnixConnect(String),
    Accept(SocketId),
    Recv(SocketId, u32),
    RecvFrom(SocketId, u32),
    Send {
        socket: SocketId,
        all: bool,
        out: Option<Outgoing>,
    },
    SendTo {
        socket: SocketId,
        out: Option<Outgoing>,
        host: String,
        port: u16,
    },
    Shutdown(SocketId, ShutdownHow),
    Other,
}

impl Gen<'_> {
    /// Which call failed: from the command when known, else from the error message, which
    /// starts with the call as Python would write it (`connect(('127.0.0.1', 9)) failed: ...`).
    pub(crate) fn failed_call(&self, i: usize, socket: Option<SocketId>, message: &str) -> Call {
        if let Some(cmd) = self.command(i) {
            return match cmd {
                Command::Connect { host, port, .. } => Call::Connect {
                    host: host.clone(),
                    port: *port,
                },
                Command::TcpListen {
                    host,
                    port,
                    backlog,
                    reuse_addr,
                    ..
                } => Call::Bind {
                    udp: false,
                    host: host.clone(),
                    port: *port,
                    reuse: *reuse_addr,
                    backlog: *backlog,
                },
                Command::UdpBind { host, port, .. } => Call::Bind {
                    udp: true,
                    host: host.clone(),
                    port: *port,
                    reuse: false,
                    backlog: 0,
                },
                Command::UnixListen {
                    path,
                    backlog,
                    unlink,
                } => Call::UnixBind {
                    name: path.clone(),
                    backlog: *backlog,
                    unlink: *unlink,
                },
                Command::UnixConnect { path, .. } => Call::UnixConnect(path.clone()),
                Command::Accept { socket, .. } => Call::Accept(*socket),
                Command::Recv {
                    socket, bufsize, ..
                } => Call::Recv(*socket, *bufsize),
                Command::RecvFrom {
                    socket, bufsize, ..
                } => Call::RecvFrom(*socket, *bufsize),
                Command::Send {
                    socket,
                    data,
                    framing,
                    header,
                }
                | Command::SendAll {
                    socket,
                    data,
                    framing,
                    header,
                    ..
                } => Call::Send {
                    socket: *socket,
                    all: matches!(cmd, Command::SendAll { .. }),
                    out: outgoing_from_command(data.as_bytes(), framing, header.as_ref()),
                },
                Command::SendBulk { socket, bytes, .. } => Call::Send {
                    socket: *socket,
                    all: true,
                    out: Some(bulk(*bytes)),
                },
                Command::SendTo {
                    socket,
                    data,
                    host,
                    port,
                } => Call::SendTo {
                    socket: *socket,
                    out: Some(outgoing_from_bytes(
                        &data
                            .as_bytes()
                            .iter()
                            .copied()
                            .map(Some)
                            .collect::<Vec<_>>(),
                        0,
                        0,
                        None,
                    )),
                    host: host.clone(),
                    port: *port,
                },
                Command::Shutdown { socket, how } => Call::Shutdown(*socket, *how),
                _ => Call::Other,
            };
        }
        let call = message
            .split(" failed")
            .next()
            .unwrap_or(message)
            .split(" timed out")
            .next()
            .unwrap_or(message);
        let number = |s: &str| s.trim_end_matches(')').parse::<u32>().ok();
        if let Some(rest) = call.strip_prefix("connect((") {
            let (host, port) = tuple_addr(rest);
            return Call::Connect { host, port };
        }
        // A Unix call names its path in quotes: `connect('/tmp/…/server.sock')`.
        if let Some(rest) = call.strip_prefix("connect('") {
            return Call::UnixConnect(file_name(rest));
        }
        if let Some(rest) = call.strip_prefix("bind('") {
            return Call::UnixBind {
                name: file_name(rest),
                backlog: 5,
                unlink: false,
            };
        }
        if let Some(rest) = call.strip_prefix("bind((") {
            let (host, port) = tuple_addr(rest);
            return Call::Bind {
                udp: false,
                host,
                port,
                reuse: false,
                backlog: 5,
            };
        }
        let Some(s) = socket else {
            return Call::Other;
        };
        if call == "accept()" {
            Call::Accept(s)
        } else if let Some(n) = call.strip_prefix("recvfrom(").and_then(number) {
            Call::RecvFrom(s, n)
        } else if let Some(n) = call.strip_prefix("recv(").and_then(number) {
            Call::Recv(s, n)
        } else if call == "send()" || call == "sendall()" {
            Call::Send {
                socket: s,
                all: call == "sendall()",
                out: None,
            }
        } else if let Some(rest) = call.strip_prefix("sendto(..., (") {
            let (host, port) = tuple_addr(rest);
            Call::SendTo {
                socket: s,
                out: None,
                host,
                port,
            }
        } else if call == "shutdown()" {
            Call::Shutdown(s, ShutdownHow::Write)
        } else {
            Call::Other
        }
    }
}
