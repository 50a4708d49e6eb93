//! Failed calls, written so that the program runs to the end: the call in `try`/`except` for
//! the exception Python raises, with the socket made non-blocking (or given the lab's
//! timeout) around it so that it can't hang; an error that is the lab's own refusal, not a
//! system call's, becomes a comment.

use socklab_shared::protocol::{Command, Errno, ErrorCode, Event, SocketId};

use crate::failed::Call;
use crate::generator::{Gen, Mode};
use crate::names::family;
use crate::options::mode_line;
use crate::program::Imports;
use crate::sends::unknown_bytes;
use crate::tcp::shut_how;

/// What a failed call reported.
pub(crate) struct Failure<'e> {
    pub code: ErrorCode,
    pub message: &'e str,
    pub errno: Option<&'e Errno>,
    pub timeout_ms: Option<u64>,
}

impl<'a> Gen<'a> {
    /// The error event right after event `i`, caused by the same command, if any; it is then
    /// written as part of event `i`.
    pub(crate) fn take_error(&mut self, i: usize) -> Option<Failure<'a>> {
        let history = self.history;
        let next = history.get(i + 1)?;
        if next.req.is_none() || next.req != history[i].req {
            return None;
        }
        let Event::Error {
            code,
            message,
            errno,
            ..
        } = &next.event
        else {
            return None;
        };
        self.consumed.insert(i + 1);
        self.merged.push(i + 1);
        Some(Failure {
            code: *code,
            message,
            errno: errno.as_ref(),
            timeout_ms: None,
        })
    }

    /// `body` in `try`/`except` for the exception the lab's call met, with the socket made
    /// non-blocking or given the lab's timeout around it, so the call can't hang.
    pub(crate) fn guarded(
        &self,
        socket: Option<SocketId>,
        var: &str,
        body: Vec<String>,
        f: &Failure,
    ) -> Vec<String> {
        let (class, shown) = exception(f);
        let mut lines = vec![format!("# raises {shown}")];
        let current = socket.map_or(Mode::Blocking, |s| self.mode(s));
        let wanted = match f.code {
            ErrorCode::WouldBlock => Some(Mode::NonBlocking),
            ErrorCode::TimedOut => f
                .timeout_ms
                .or_else(|| timeout_in(f.message))
                .map(Mode::Timeout),
            _ => None,
        }
        .filter(|m| *m != current);
        if let Some(m) = wanted {
            lines.push(mode_line(var, m));
        }
        lines.push("try:".to_owned());
        lines.extend(body.into_iter().map(|l| format!("    {l}")));
        lines.push(format!("except {class} as e:"));
        lines.push("    print(type(e).__name__, e)".to_owned());
        if wanted.is_some() && socket.is_some() {
            lines.push(mode_line(var, current));
        }
        lines
    }

    pub(crate) fn error(&mut self, i: usize, socket: Option<SocketId>, mut f: Failure<'a>) {
        let call = self.failed_call(i, socket, f.message);
        if !matches!(
            f.code,
            ErrorCode::Os | ErrorCode::WouldBlock | ErrorCode::TimedOut
        ) {
            // Not a system call's error: the lab itself said no.
            let line = format!("# the lab refused: {}", one_line(f.message));
            self.push(i, socket, vec![line]);
            return;
        }
        f.timeout_ms = f.timeout_ms.or(match self.command(i) {
            Some(
                Command::Accept { timeout_ms, .. }
                | Command::Connect { timeout_ms, .. }
                | Command::Recv { timeout_ms, .. }
                | Command::RecvFrom { timeout_ms, .. }
                | Command::SendAll { timeout_ms, .. }
                | Command::SendBulk { timeout_ms, .. },
            ) => *timeout_ms,
            _ => None,
        });
        let (lines, socket, imports) = match call {
            Call::Connect { host, port } => {
                let tmp = self.temp_var();
                let target = self.port_ref(false, port);
                let mut lines = vec![format!(
                    "{tmp} = socket.socket({}, socket.SOCK_STREAM)",
                    family(&host)
                )];
                let body = vec![format!("{tmp}.connect(('{host}', {target}))")];
                lines.extend(self.guarded(None, &tmp, body, &f));
                lines.push(format!("{tmp}.close()"));
                (lines, None, Imports::default())
            }
            Call::Bind {
                udp,
                host,
                port,
                reuse,
                backlog,
            } => {
                let tmp = self.temp_var();
                let target = self.port_ref(udp, port);
                let ty = if udp { "SOCK_DGRAM" } else { "SOCK_STREAM" };
                let mut lines = vec![format!(
                    "{tmp} = socket.socket({}, socket.{ty})",
                    family(&host)
                )];
                if reuse {
                    lines.push(format!(
                        "{tmp}.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)"
                    ));
                }
                let mut body = vec![format!("{tmp}.bind(('{host}', {target}))")];
                if !udp {
                    body.push(format!("{tmp}.listen({backlog})"));
                }
                lines.extend(self.guarded(None, &tmp, body, &f));
                lines.push(format!("{tmp}.close()"));
                (lines, None, Imports::default())
            }
            Call::UnixBind {
                name,
                backlog,
                unlink,
            } => {
                let (lines, imports) = self.unix_failed(&name, Some((backlog, unlink)), &f);
                (lines, None, imports)
            }
            Call::UnixConnect(name) => {
                let (lines, imports) = self.unix_failed(&name, None, &f);
                (lines, None, imports)
            }
            Call::Accept(s) => {
                let var = self.var(s);
                let body = vec![format!("{var}.accept()")];
                (
                    self.guarded(Some(s), &var, body, &f),
                    Some(s),
                    Imports::default(),
                )
            }
            Call::Recv(s, n) => {
                self.data_holds = None;
                let var = self.var(s);
                let body = vec![format!("data = {var}.recv({n})"), "print(data)".to_owned()];
                (
                    self.guarded(Some(s), &var, body, &f),
                    Some(s),
                    Imports::default(),
                )
            }
            Call::RecvFrom(s, n) => {
                let var = self.var(s);
                let body = vec![
                    format!("msg, addr = {var}.recvfrom({n})"),
                    "print(msg)".to_owned(),
                ];
                self.addr_holds = None;
                (
                    self.guarded(Some(s), &var, body, &f),
                    Some(s),
                    Imports::default(),
                )
            }
            Call::Send {
                socket: s,
                all,
                out,
            } => {
                let var = self.var(s);
                let out = out.unwrap_or_else(unknown_bytes);
                let call = if all { "sendall" } else { "send" };
                let imports = Imports::of(&out);
                let mut lines = out.pre;
                let body = vec![format!("{var}.{call}({})", out.expr)];
                lines.extend(self.guarded(Some(s), &var, body, &f));
                (lines, Some(s), imports)
            }
            Call::SendTo {
                socket: s,
                out,
                host,
                port,
            } => {
                let var = self.var(s);
                let out = out.unwrap_or_else(unknown_bytes);
                let dest = self.dest(&format!("{host}:{port}"));
                let imports = Imports::of(&out);
                let mut lines = out.pre;
                let body = vec![format!("{var}.sendto({}, {dest})", out.expr)];
                lines.extend(self.guarded(Some(s), &var, body, &f));
                (lines, Some(s), imports)
            }
            Call::Shutdown(s, how) => {
                let var = self.var(s);
                let body = vec![format!("{var}.shutdown({})", shut_how(how))];
                (
                    self.guarded(Some(s), &var, body, &f),
                    Some(s),
                    Imports::default(),
                )
            }
            Call::Other => {
                let (_, shown) = exception(&f);
                let lines = vec![format!(
                    "# {} -> {shown}",
                    one_line(f.message.split(" failed").next().unwrap_or(f.message))
                )];
                (lines, socket, Imports::default())
            }
        };
        self.push_with(i, socket, lines, imports);
    }
}

/// The exception class to catch and how to show it: `("ConnectionRefusedError",
/// "ConnectionRefusedError: [Errno 111] ECONNREFUSED")`.
pub(crate) fn exception(f: &Failure) -> (&'static str, String) {
    if f.code == ErrorCode::TimedOut {
        return (
            "socket.timeout",
            "socket.timeout (TimeoutError): timed out".to_owned(),
        );
    }
    let class = match f.errno.map(|e| e.name.as_str()) {
        _ if f.code == ErrorCode::WouldBlock => "BlockingIOError",
        Some("ECONNREFUSED") => "ConnectionRefusedError",
        Some("ECONNRESET") => "ConnectionResetError",
        Some("ECONNABORTED") => "ConnectionAbortedError",
        Some("EPIPE" | "ESHUTDOWN") => "BrokenPipeError",
        Some("ETIMEDOUT") => "TimeoutError",
        Some("EAGAIN" | "EWOULDBLOCK" | "EINPROGRESS" | "EALREADY") => "BlockingIOError",
        Some("EINTR") => "InterruptedError",
        Some("ENOENT") => "FileNotFoundError",
        _ => "OSError",
    };
    let shown = match f.errno {
        Some(e) => format!("{class}: [Errno {}] {}", e.number, e.name),
        None => format!("{class}: {}", one_line(f.message)),
    };
    (class, shown)
}

/// `"... timed out after 2000 ms ..."` → 2000.
fn timeout_in(message: &str) -> Option<u64> {
    let rest = message.split("timed out after ").nth(1)?;
    rest.split(' ').next()?.parse().ok()
}

fn one_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_owned()
}
