//! Opening sockets (`bind` and `listen`, `accept`, `connect`, a UDP socket's `bind`; Unix
//! sockets in `unix`) and stream sends: `send`/`sendall` of the bytes the command or the
//! receiver tells, a partial `send` made non-blocking, an automatic answer written as the
//! lab's service computes it.

use socklab_shared::protocol::{Command, ShutdownHow, SocketId, SocketKind};

use crate::errors::exception;
use crate::generator::{Gen, Mode};
use crate::names::{family, split_addr};
use crate::program::Imports;
use crate::sends::{NATIVE_I_NOTE, Outgoing, bulk, outgoing_from_bytes, outgoing_from_command};

impl Gen<'_> {
    pub(crate) fn opened(
        &mut self,
        i: usize,
        id: SocketId,
        kind: SocketKind,
        local: &str,
        peer: Option<&str>,
        listener: Option<SocketId>,
    ) {
        let (ip, port) = split_addr(local);
        let family = family(&ip);
        let mut lines = Vec::new();
        match (kind, listener) {
            (SocketKind::TcpListener, _) => {
                let bind = self.bind_port(false, port);
                let var = self.open_var(id);
                let (reuse, backlog) = match self.command(i) {
                    Some(Command::TcpListen {
                        reuse_addr,
                        backlog,
                        ..
                    }) => (*reuse_addr, *backlog),
                    // Listeners that share a port in one session: binding it again only
                    // works with SO_REUSEADDR set on both (see `Knowledge::reused`).
                    _ => (self.know.reused.contains(&id), 5),
                };
                lines.push(format!(
                    "{var} = socket.socket({family}, socket.SOCK_STREAM)"
                ));
                if reuse {
                    lines.push(format!(
                        "{var}.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)"
                    ));
                }
                lines.push(format!("{var}.bind(('{ip}', {bind}))"));
                lines.push(format!("{var}.listen({backlog})"));
                self.bound(id, false, local, &mut lines);
            }
            (SocketKind::TcpStream, Some(l)) => {
                let server = self.var(l);
                let var = self.open_var(id);
                let mut line = format!("{var}, addr = {server}.accept()");
                let external = peer.is_some_and(|p| !self.know.connect_at.contains_key(p));
                if external {
                    line.push_str("  # waits for a client from outside this program");
                } else if self.history[i].req.is_none() {
                    line.push_str("  # auto-accept");
                }
                lines.push(line);
                self.addr_holds = None;
            }
            (SocketKind::TcpStream, None) => {
                let (peer_ip, peer_port) = split_addr(peer.unwrap_or_default());
                let target = self.port_ref(false, peer_port);
                let var = self.open_var(id);
                lines.push(format!(
                    "{var} = socket.socket({family}, socket.SOCK_STREAM)"
                ));
                lines.push(format!("{var}.connect(('{peer_ip}', {target}))"));
            }
            (SocketKind::UnixListener | SocketKind::UnixStream, _) => {
                return self.unix_opened(i, id, kind, (local, peer), listener);
            }
            (SocketKind::Udp, _) => {
                let bind = self.bind_port(true, port);
                let var = self.open_var(id);
                lines.push(format!(
                    "{var} = socket.socket({family}, socket.SOCK_DGRAM)"
                ));
                lines.push(format!("{var}.bind(('{ip}', {bind}))"));
                self.bound(id, true, local, &mut lines);
            }
        }
        self.push(i, Some(id), lines);
    }

    /// The bytes of the send reported by event `i`, as Python.
    pub(crate) fn outgoing(
        &self,
        i: usize,
        socket: SocketId,
        (send_no, requested, header_len, trailer_len): (u32, u64, u32, u32),
    ) -> Outgoing {
        let out = match self.command(i) {
            Some(Command::SendBulk { bytes, .. }) => Some(bulk(*bytes)),
            Some(
                Command::Send {
                    data,
                    framing,
                    header,
                    ..
                }
                | Command::SendAll {
                    data,
                    framing,
                    header,
                    ..
                },
            ) => outgoing_from_command(data.as_bytes(), framing, header.as_ref()),
            _ => None,
        };
        out.unwrap_or_else(|| {
            let mut bytes = self
                .know
                .tcp
                .get(&(socket, send_no))
                .cloned()
                .unwrap_or_default();
            let requested = usize::try_from(requested).unwrap_or(0);
            if bytes.len() < requested {
                bytes.resize(requested, None);
            }
            outgoing_from_bytes(&bytes, header_len, trailer_len, None)
        })
    }

    pub(crate) fn sent(
        &mut self,
        i: usize,
        socket: SocketId,
        (send_no, requested, header_len, trailer_len): (u32, u64, u32, u32),
        accepted: u64,
        all: bool,
    ) {
        let var = self.var(socket);
        let call = if all { "sendall" } else { "send" };
        let know = self.know;
        if let Some(c) = know.concurrent.get(&i) {
            // Sent by a thread: the receiver reads at the same time.
            let failure = self.take_error(i);
            if c.start == i {
                self.thread_start(i, i);
            }
            let mut lines = Vec::new();
            if c.join == Some(i) {
                lines.push(format!("{var}_thread.join()"));
            }
            if let Some(f) = failure {
                lines.push(format!("# the lab's {call}() raised {}", exception(&f).1));
            }
            self.push(i, Some(socket), lines);
            return;
        }
        let mut out = self.outgoing(i, socket, (send_no, requested, header_len, trailer_len));
        self.note_native_i(&mut out.pre, &out.expr);
        let mut imports = Imports::of(&out);
        if self.history[i].req.is_none() {
            // An automatic answer: write it as the service computes it, where Python can.
            self.service_reply(socket, requested, &mut out, &mut imports);
        }
        let failure = self.take_error(i);
        let mut lines = out.pre;
        let mut body = vec![format!("{var}.{call}({})", out.expr)];
        match failure {
            Some(f) => {
                let guarded = self.guarded(Some(socket), &var, body, &f);
                lines.extend(guarded);
            }
            None if accepted < requested && !all => {
                // One send() that took only part: the lab's socket did not wait, and a
                // blocking Python send() would wait for room for everything.
                let wrap = self.mode(socket) == Mode::Blocking;
                if wrap {
                    lines.push(format!("{var}.setblocking(False)"));
                }
                body[0] = format!("n = {var}.send({})", out.expr);
                lines.extend(body);
                lines.push(format!(
                    "print(n)  # the lab's send() took {accepted} of {requested} bytes"
                ));
                if wrap {
                    lines.push(format!("{var}.setblocking(True)"));
                }
            }
            None => lines.extend(body),
        }
        self.push_with(i, Some(socket), lines, imports);
    }
}

impl Gen<'_> {
    /// Says once per program what `'i'` means, before the first line that packs with it.
    pub(crate) fn note_native_i(&mut self, pre: &mut Vec<String>, expr: &str) {
        if !self.native_i_noted && expr.contains("struct.pack('i'") {
            self.native_i_noted = true;
            pre.insert(0, NATIVE_I_NOTE.to_owned());
        }
    }
}

pub(crate) fn shut_how(how: ShutdownHow) -> &'static str {
    match how {
        ShutdownHow::Read => "socket.SHUT_RD",
        ShutdownHow::Write => "socket.SHUT_WR",
        ShutdownHow::Both => "socket.SHUT_RDWR",
    }
}
