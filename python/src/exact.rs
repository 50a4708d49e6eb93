//! Reading a length-prefixed message as the course does (lessons 11 and 13): read exactly the
//! prefix, unpack the length `n`, read exactly `n`, with one small `recv_exactly` helper for
//! every part. A recv that took a send's whole length prefix, followed on that socket by a
//! recv that took exactly the part the prefix announces, is written that way instead of fixed
//! `recv(4)` and `recv(5)` calls: the same bytes, the course's code. When that part is a JSON
//! header whose `size` is the body's length and the next recv took exactly the body, the body
//! is read as `recv_exactly(conn, header['size'])`.

use socklab_shared::framing::{Endian, Framing, LengthPrefix};
use socklab_shared::protocol::{Command, Event, SendSpan, SocketId};

use crate::generator::Gen;
use crate::program::Imports;
use crate::sends::{NATIVE_I_NOTE, py_format, read_len};

/// The course's read-exactly-n helper, as lesson 11 teaches it.
pub(crate) const RECV_EXACTLY: &str = "\
def recv_exactly(sock, n):
    data = b''
    while len(data) < n:
        part = sock.recv(n - len(data))
        if not part:
            raise ConnectionError('closed in the middle of a message')
        data += part
    return data";

/// A length prefix read by one recv, whose announced part the next recv on the socket read
/// whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PrefixRead {
    pub socket: SocketId,
    /// The recv of the part the prefix announces (the body, or a JSON header).
    pub body_at: usize,
    pub prefix: LengthPrefix,
    /// When that part is a JSON header with the body's `size`: the recv that read the body.
    pub json_body_at: Option<usize>,
    /// Whether the announced part has been read (`header` now holds the JSON header's dict).
    pub announced_read: bool,
}

/// The one span of `spans`, when the recv's data came from exactly one send.
fn one_span(spans: &[SendSpan]) -> Option<&SendSpan> {
    match spans {
        [s] if s.from.is_some() && s.send_no.is_some() => Some(s),
        _ => None,
    }
}

impl Gen<'_> {
    /// The lines that define `recv_exactly`, the first time a block needs it.
    pub(crate) fn define_recv_exactly(&mut self, lines: &mut Vec<String>) {
        if !self.recv_exactly_defined {
            self.recv_exactly_defined = true;
            lines.extend(RECV_EXACTLY.lines().map(str::to_owned));
            lines.push(String::new());
        }
    }

    /// The socket's next recv (or auto-recv summary) after event `i`.
    fn next_read(&self, i: usize, socket: SocketId) -> Option<usize> {
        (i + 1..self.history.len()).find(|&j| match &self.history[j].event {
            Event::Received { socket: s, .. } | Event::AutoSummary { socket: s, .. } => {
                *s == socket
            }
            _ => false,
        })
    }

    /// Whether event `j` is an explicit recv that returned exactly bytes `from..from + len` of
    /// send `key`, and nothing else.
    fn reads_exactly(
        &self,
        j: usize,
        key: (Option<SocketId>, Option<u32>),
        from: u64,
        len: u64,
    ) -> bool {
        let Event::Received {
            data,
            spans,
            eof: false,
            auto: false,
            ..
        } = &self.history[j].event
        else {
            return false;
        };
        one_span(spans).is_some_and(|s| {
            (s.from, s.send_no) == key
                && s.offset_in_send == from
                && s.len == len
                && data.len() as u64 == len
        })
    }

    /// Whether the recv of event `i` read a send's whole length prefix and the socket's next
    /// recv read exactly the part it announces: how to read them the course's way.
    fn prefix_read(&self, i: usize) -> Option<PrefixRead> {
        let Event::Received {
            socket,
            data,
            bufsize,
            spans,
            auto: false,
            ..
        } = &self.history[i].event
        else {
            return None;
        };
        let width = data.len() as u64;
        let span = one_span(spans)?;
        if !matches!(width, 2 | 4 | 8)
            || u64::from(*bufsize) != width
            || span.offset_in_send != 0
            || span.len != width
        {
            return None;
        }
        let key = (span.from, span.send_no);
        let sent_at = *self.know.tcp_sent_at.get(&(span.from?, span.send_no?))?;
        let Event::Sent {
            requested,
            header_len,
            trailer_len: 0,
            ..
        } = &self.history[sent_at].event
        else {
            return None;
        };
        let header_len = u64::from(*header_len);
        // The part the prefix announces: the body, or the JSON header before the body.
        let announced = if header_len == width {
            requested.checked_sub(width)?
        } else {
            header_len.checked_sub(width)?
        };
        if announced == 0 {
            return None;
        }
        let body_at = self.next_read(i, *socket)?;
        if !self.reads_exactly(body_at, key, width, announced) {
            return None;
        }
        let json_body_at = (header_len > width)
            .then(|| {
                let body_len = requested.checked_sub(header_len).filter(|n| *n > 0)?;
                let Event::Received { data, .. } = &self.history[body_at].event else {
                    return None;
                };
                let json: serde_json::Value = serde_json::from_slice(data.as_bytes()).ok()?;
                let k = self.next_read(body_at, *socket)?;
                (json.get("size")?.as_u64()? == body_len
                    && self.reads_exactly(k, key, header_len, body_len))
                .then_some(k)
            })
            .flatten();
        let from_command = match self.history[sent_at]
            .req
            .and_then(|r| self.commands.get(&r))
        {
            Some(Command::Send { framing, .. } | Command::SendAll { framing, .. }) => match framing
            {
                Framing::LengthPrefixed { prefix, .. } | Framing::JsonHeader { prefix, .. } => {
                    Some(*prefix)
                }
                _ => None,
            },
            _ => None,
        };
        let prefix = from_command
            .filter(|p| u64::from(p.width) == width)
            .unwrap_or_else(|| {
                // The course's two habits, as `sends` recognises them.
                let header = data.as_bytes();
                let big = read_len(header, Endian::Little) != announced
                    && read_len(header, Endian::Big) == announced;
                LengthPrefix {
                    width: width as u8,
                    endian: if big { Endian::Big } else { Endian::Little },
                    signed: !big,
                }
            });
        Some(PrefixRead {
            socket: *socket,
            body_at,
            prefix,
            json_body_at,
            announced_read: false,
        })
    }

    /// Event `i` as the read of a length prefix (`header = recv_exactly(conn, 4)`), of the
    /// part it announced (`n = struct.unpack(...)`, `data = recv_exactly(conn, n)`), or of
    /// the body a JSON header announced; false when it is none of these.
    pub(crate) fn exact_read(&mut self, i: usize) -> bool {
        let Event::Received { socket, data, .. } = &self.history[i].event else {
            return false;
        };
        let socket = *socket;
        let len = data.len();
        if self
            .prefix_holds
            .is_some_and(|p| p.announced_read && p.json_body_at == Some(i))
        {
            self.prefix_holds = None;
            let var = self.var(socket);
            let lines = vec![
                format!("data = recv_exactly({var}, header['size'])  # {len}"),
                "print(data)".to_owned(),
            ];
            self.data_holds = Some((socket, len));
            self.push(i, Some(socket), lines);
            return true;
        }
        if let Some(p) = self
            .prefix_holds
            .filter(|p| !p.announced_read && p.body_at == i)
        {
            self.prefix_holds = None;
            let var = self.var(socket);
            let fmt = py_format(p.prefix);
            let mut lines = Vec::new();
            if fmt == "i" && !self.native_i_noted {
                self.native_i_noted = true;
                lines.push(NATIVE_I_NOTE.to_owned());
            }
            lines.extend([
                format!("n = struct.unpack('{fmt}', header)[0]  # {len}"),
                format!("data = recv_exactly({var}, n)"),
                "print(data)".to_owned(),
            ]);
            let mut imports = Imports {
                struct_: true,
                ..Imports::default()
            };
            if p.json_body_at.is_some() {
                lines.push("header = json.loads(data.decode('utf-8'))".to_owned());
                imports.json = true;
            }
            self.data_holds = Some((socket, len));
            self.push_with(i, Some(socket), lines, imports);
            // Set after the push, as below.
            self.prefix_holds = p.json_body_at.map(|_| PrefixRead {
                announced_read: true,
                ..p
            });
            return true;
        }
        let Some(p) = self.prefix_read(i) else {
            return false;
        };
        let var = self.var(socket);
        let mut lines = Vec::new();
        self.define_recv_exactly(&mut lines);
        lines.push(format!(
            "header = recv_exactly({var}, {})  # the length prefix",
            p.prefix.width
        ));
        lines.push("print(header)".to_owned());
        self.push(i, Some(socket), lines);
        // Set after the push: a block that assigns `header` itself forgets it (see `push_with`).
        self.prefix_holds = Some(p);
        true
    }
}
