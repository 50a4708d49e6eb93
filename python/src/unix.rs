//! Unix-domain stream sockets (experiment 25) as course-style Python:
//! `socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)`, `bind(path)`, `connect(path)`.
//!
//! The lab bound its socket files in a private folder of its own session, whose path means
//! nothing to the program that runs this code. So the program makes its own folder once
//! (`folder = tempfile.mkdtemp()`) and a variable per file name
//! (`server_path = os.path.join(folder, 'server.sock')`): it then runs anywhere, and its socket
//! files can't collide with anything already there. An `unlink` before bind becomes the
//! course's `if os.path.exists(path): os.remove(path)`.

use socklab_shared::protocol::{Command, SocketId, SocketKind};

use crate::errors::Failure;
use crate::generator::Gen;
use crate::names::identifier;
use crate::program::Imports;

/// The Python variable of the program's folder for socket files.
const FOLDER: &str = "folder";

/// The file name of a socket path an event reported (`/tmp/socklab-…/server.sock` →
/// `server.sock`), or of a failed call's message (`bind('/tmp/…/x.sock') failed: …`).
pub(crate) fn file_name(path: &str) -> String {
    let path = path.split("')").next().unwrap_or(path);
    path.rsplit('/').next().unwrap_or(path).to_owned()
}

impl Gen<'_> {
    /// The variable holding the path of socket file `name`; the first use adds the lines that
    /// make it (and the folder) to `lines`, and the imports they need to `imports`.
    pub(crate) fn unix_path(
        &mut self,
        name: &str,
        lines: &mut Vec<String>,
        imports: &mut Imports,
    ) -> String {
        if let Some(var) = self.unix_paths.get(name) {
            return var.clone();
        }
        if self.unix_paths.is_empty() {
            lines.push(format!(
                "{FOLDER} = tempfile.mkdtemp()  # a new folder for this program's socket files"
            ));
            imports.os_tempfile = true;
        }
        let stem = name
            .split('.')
            .next()
            .filter(|s| !s.is_empty())
            .unwrap_or(name);
        let base = format!("{}_path", identifier(stem));
        let mut var = base.clone();
        let mut n = 2;
        while self.unix_paths.values().any(|v| *v == var) {
            var = format!("{base}{n}");
            n += 1;
        }
        lines.push(format!("{var} = os.path.join({FOLDER}, '{name}')"));
        self.unix_paths.insert(name.to_owned(), var.clone());
        var
    }

    /// `socket_opened` of a Unix socket (`kind` is a Unix kind): a listener's bind and listen,
    /// a server's accept, or a client's connect.
    pub(crate) fn unix_opened(
        &mut self,
        i: usize,
        id: SocketId,
        kind: SocketKind,
        (local, peer): (&str, Option<&str>),
        listener: Option<SocketId>,
    ) {
        let mut lines = Vec::new();
        let mut imports = Imports::default();
        match (kind, listener) {
            (SocketKind::UnixListener, _) => {
                let (name, backlog, unlink) = match self.command(i) {
                    Some(Command::UnixListen {
                        path,
                        backlog,
                        unlink,
                    }) => (path.clone(), *backlog, *unlink),
                    // Binding a name this program bound before only works once its old file
                    // is gone.
                    _ => {
                        let name = file_name(local);
                        let again = self.unix_paths.contains_key(&name);
                        (name, 5, again)
                    }
                };
                let path = self.unix_path(&name, &mut lines, &mut imports);
                let var = self.open_var(id);
                lines.extend(bind_lines(&var, &path, backlog, unlink));
            }
            (_, Some(l)) => {
                let server = self.var(l);
                let var = self.open_var(id);
                let mut line = format!("{var}, addr = {server}.accept()");
                if !self.know.lab_peer.contains_key(&id) {
                    line.push_str("  # waits for a client from outside this program");
                } else if self.history[i].req.is_none() {
                    line.push_str("  # auto-accept");
                }
                lines.push(line);
                self.addr_holds = None;
            }
            (_, None) => {
                let name = match self.command(i) {
                    Some(Command::UnixConnect { path, .. }) => path.clone(),
                    _ => file_name(peer.unwrap_or_default()),
                };
                let path = self.unix_path(&name, &mut lines, &mut imports);
                let var = self.open_var(id);
                lines.push(format!(
                    "{var} = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)"
                ));
                lines.push(format!("{var}.connect({path})"));
            }
        }
        self.push_with(i, Some(id), lines, imports);
    }

    /// A failed Unix bind or connect, on a socket the program then closes.
    pub(crate) fn unix_failed(
        &mut self,
        name: &str,
        listen: Option<(u32, bool)>,
        f: &Failure,
    ) -> (Vec<String>, Imports) {
        let mut lines = Vec::new();
        let mut imports = Imports::default();
        let path = self.unix_path(name, &mut lines, &mut imports);
        let tmp = self.temp_var();
        let body = match listen {
            Some((backlog, unlink)) => {
                let mut all = bind_lines(&tmp, &path, backlog, unlink);
                // The removal and the socket stay outside the `try`: only bind/listen fail.
                let body = all.split_off(all.len() - 2);
                lines.extend(all);
                body
            }
            None => {
                lines.push(format!(
                    "{tmp} = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)"
                ));
                vec![format!("{tmp}.connect({path})")]
            }
        };
        lines.extend(self.guarded(None, &tmp, body, f));
        lines.push(format!("{tmp}.close()"));
        (lines, imports)
    }
}

/// `[os.remove]`, `socket`, `bind`, `listen`: the last two are always `bind` and `listen`.
fn bind_lines(var: &str, path: &str, backlog: u32, unlink: bool) -> Vec<String> {
    let mut lines = Vec::new();
    if unlink {
        lines.push(format!(
            "if os.path.exists({path}):  # the file of an earlier server stays after close()"
        ));
        lines.push(format!("    os.remove({path})"));
    }
    lines.push(format!(
        "{var} = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)"
    ));
    lines.push(format!("{var}.bind({path})"));
    lines.push(format!("{var}.listen({backlog})"));
    lines
}
