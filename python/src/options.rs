//! Socket options as `setsockopt`, `setblocking` and `settimeout` calls, and the blocking mode
//! each socket is left in: a failed call's guard changes the mode around the call and has to
//! know which one to put back.

use socklab_shared::protocol::{SockOption, SocketId};

use crate::generator::{Gen, Mode};
use crate::literal::{py_bool, seconds};

impl Gen<'_> {
    pub(crate) fn mode(&self, id: SocketId) -> Mode {
        self.socks.get(&id).map_or(Mode::Blocking, |s| s.mode)
    }

    pub(crate) fn option(
        &mut self,
        id: SocketId,
        option: &SockOption,
        effective: &SockOption,
    ) -> Vec<String> {
        let var = self.var(id);
        let flag = |b: bool| if b { 1 } else { 0 };
        let mut lines = Vec::new();
        match option {
            SockOption::Nodelay(b) => lines.push(format!(
                "{var}.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, {})",
                flag(*b)
            )),
            SockOption::ReuseAddr(b) => lines.push(format!(
                "{var}.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, {})",
                flag(*b)
            )),
            SockOption::Rcvbuf(n) | SockOption::Sndbuf(n) => {
                let name = if matches!(option, SockOption::Rcvbuf(_)) {
                    "SO_RCVBUF"
                } else {
                    "SO_SNDBUF"
                };
                lines.push(format!(
                    "{var}.setsockopt(socket.SOL_SOCKET, socket.{name}, {n})"
                ));
                if let SockOption::Rcvbuf(got) | SockOption::Sndbuf(got) = effective
                    && got != n
                {
                    lines.push(format!(
                        "print({var}.getsockopt(socket.SOL_SOCKET, socket.{name}))  # the lab's kernel said {got}"
                    ));
                }
            }
            SockOption::Blocking(b) => {
                lines.push(format!("{var}.setblocking({})", py_bool(*b)));
                self.set_mode(
                    id,
                    if *b {
                        Mode::Blocking
                    } else {
                        Mode::NonBlocking
                    },
                );
            }
            SockOption::TimeoutMs(ms) => {
                let (arg, mode) = match ms {
                    Some(ms) => (seconds(*ms), Mode::Timeout(*ms)),
                    None => ("None".to_owned(), Mode::Blocking),
                };
                lines.push(format!("{var}.settimeout({arg})"));
                self.set_mode(id, mode);
            }
        }
        lines
    }

    fn set_mode(&mut self, id: SocketId, mode: Mode) {
        if let Some(s) = self.socks.get_mut(&id) {
            s.mode = mode;
        }
    }
}

pub(crate) fn mode_line(var: &str, mode: Mode) -> String {
    match mode {
        Mode::Blocking => format!("{var}.setblocking(True)"),
        Mode::NonBlocking => format!("{var}.setblocking(False)"),
        Mode::Timeout(ms) => format!("{var}.settimeout({})", seconds(ms)),
    }
}
