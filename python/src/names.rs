//! Names in the generated Python: a variable per socket (the lesson's name made a Python
//! identifier, else `s1`, `s2`…, and `sock` for a socket the lab never made), and ports and
//! addresses as Python expressions (`server.getsockname()[1]`), so the program runs on
//! whatever free ports it gets.

use socklab_shared::protocol::SocketId;

use crate::generator::{Gen, Mode, Sock};

impl Gen<'_> {
    /// The variable of a socket, giving it one if it was never seen opening.
    pub(crate) fn var(&mut self, id: SocketId) -> String {
        if let Some(s) = self.socks.get(&id) {
            return s.var.clone();
        }
        self.open_var(id)
    }

    /// A fresh variable for a socket that is opening now.
    pub(crate) fn open_var(&mut self, id: SocketId) -> String {
        let base = match self.names.get(&id) {
            Some(name) => identifier(name),
            None => format!("s{}", id.0),
        };
        let taken = |g: &Self, v: &str| {
            g.socks
                .iter()
                .any(|(other, s)| *other != id && s.alive && s.var == v)
        };
        let var = if taken(self, &base) {
            format!("{base}_{}", id.0)
        } else {
            base
        };
        self.socks.insert(
            id,
            Sock {
                var: var.clone(),
                alive: true,
                mode: Mode::Blocking,
            },
        );
        var
    }

    /// A variable for a socket the lab never made (a failed `connect` or `bind`).
    pub(crate) fn temp_var(&self) -> String {
        let live = |v: &str| self.socks.values().any(|s| s.alive && s.var == v);
        let mut var = "sock".to_owned();
        let mut n = 2;
        while live(&var) {
            var = format!("sock{n}");
            n += 1;
        }
        var
    }

    /// The Python expression for a port the lab used: the bound socket's own port when it is
    /// one of this program's sockets, else the number.
    pub(crate) fn port_ref(&mut self, udp: bool, port: u16) -> String {
        let Some(owner) = self.owners.get(&(udp, port)).copied() else {
            return port.to_string();
        };
        let sock = &self.socks[&owner];
        if sock.alive {
            format!("{}.getsockname()[1]", sock.var)
        } else if self.saved.contains(&owner) {
            format!("{}_port", sock.var)
        } else {
            self.need_saved.insert(owner);
            port.to_string()
        }
    }

    /// The port to bind: 0 (any free port) unless an earlier socket of this program had it.
    pub(crate) fn bind_port(&mut self, udp: bool, port: u16) -> String {
        if self.owners.contains_key(&(udp, port)) {
            self.port_ref(udp, port)
        } else {
            "0".to_owned()
        }
    }

    /// Registers `id` as bound to `local`'s port, saving the port in a variable if needed.
    pub(crate) fn bound(&mut self, id: SocketId, udp: bool, local: &str, lines: &mut Vec<String>) {
        let (_, port) = split_addr(local);
        self.owners.insert((udp, port), id);
        if self.saved.contains(&id) {
            let var = &self.socks[&id].var;
            lines.push(format!("{var}_port = {var}.getsockname()[1]"));
        }
    }
}

/// `"127.0.0.1:9000"` or `"[::1]:9000"` → (ip, port).
pub(crate) fn split_addr(addr: &str) -> (String, u16) {
    let (ip, port) = addr.rsplit_once(':').unwrap_or((addr, "0"));
    let ip = ip.trim_start_matches('[').trim_end_matches(']');
    (ip.to_owned(), port.parse().unwrap_or(0))
}

/// `"'127.0.0.1', 9000))..."` (the inside of a Python address tuple) → (ip, port).
pub(crate) fn tuple_addr(text: &str) -> (String, u16) {
    let mut parts = text.splitn(2, ',');
    let host = parts.next().unwrap_or_default().trim().trim_matches('\'');
    let port = parts
        .next()
        .unwrap_or_default()
        .trim()
        .trim_end_matches(')')
        .parse()
        .unwrap_or(0);
    (host.to_owned(), port)
}

pub(crate) fn family(ip: &str) -> &'static str {
    if ip.contains(':') {
        "socket.AF_INET6"
    } else {
        "socket.AF_INET"
    }
}

/// A socket's name as a Python variable: letters, digits and `_`, not a keyword or a name the
/// generated code uses itself.
pub(crate) fn identifier(name: &str) -> String {
    const RESERVED: [&str; 50] = [
        "False",
        "None",
        "True",
        "and",
        "as",
        "assert",
        "async",
        "await",
        "break",
        "class",
        "continue",
        "def",
        "del",
        "elif",
        "else",
        "except",
        "finally",
        "for",
        "from",
        "global",
        "if",
        "import",
        "in",
        "is",
        "lambda",
        "nonlocal",
        "not",
        "or",
        "pass",
        "raise",
        "return",
        "try",
        "while",
        "with",
        "yield",
        "socket",
        "struct",
        "json",
        "data",
        "msg",
        "addr",
        "body",
        "header",
        "e",
        "n",
        "print",
        "len",
        "got",
        "type",
        "threading",
    ];
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert_str(0, "s_");
    }
    let temp_like = s
        .strip_prefix("sock")
        .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit()));
    if RESERVED.contains(&s.as_str()) || temp_like {
        s.push_str("_sock");
    }
    s
}
