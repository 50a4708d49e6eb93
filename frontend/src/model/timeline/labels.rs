//! The words of the diagram: each row's label ("send #1 · 5 B", "recv(12) → 10 B · 2 sends →
//! 1 recv", "setsockopt(SO_RCVBUF, 4096) → 8192"), its tooltip, a lane's name and address,
//! and the time column.
//!
//! Pure functions of an event's fields, kept apart from the walk in `build.rs` so the wording
//! can be read (and changed) in one place.

use socklab_shared::protocol::{
    AutoBehaviour, Errno, Event, SendSpan, ShutdownHow, SockOption, SocketId, SocketKind,
};

use super::RowKind;
use super::arrows::by_send;

/// A row the user (or a script) asked for, or one an auto behaviour made.
pub(super) fn call_or_auto(auto: bool, label: String) -> RowKind {
    if auto {
        RowKind::Auto { label }
    } else {
        RowKind::Call { label }
    }
}

/// An error's tooltip: the message, the errno ("[ECONNREFUSED 111]") and the hint.
pub(super) fn error_title(message: &str, hint: Option<&str>, errno: Option<&Errno>) -> String {
    let mut title = message.to_owned();
    if let Some(e) = errno {
        title.push_str(&format!(" [{} {}]", e.name, e.number));
    }
    if let Some(h) = hint {
        title.push_str(" · ");
        title.push_str(h);
    }
    title
}

/// A new socket's lane: its role, name, address, and the call that made it.
pub(super) fn opened_lane(
    kind: SocketKind,
    listener: Option<SocketId>,
    local: &str,
    peer: Option<&str>,
) -> (&'static str, String, String, &'static str) {
    match (kind, listener) {
        (SocketKind::TcpListener, _) => (
            "listener",
            "TCP server".to_owned(),
            local.to_owned(),
            "listen()",
        ),
        (SocketKind::TcpStream, Some(l)) => (
            "accepted",
            format!("accepted by {l}"),
            peer.map(|p| format!("⇄ {p}"))
                .unwrap_or_else(|| local.to_owned()),
            "accept()",
        ),
        (SocketKind::TcpStream, None) => (
            "client",
            "TCP client".to_owned(),
            peer.map(|p| format!("→ {p}"))
                .unwrap_or_else(|| local.to_owned()),
            "connect()",
        ),
        (SocketKind::Udp, _) => ("udp", "UDP socket".to_owned(), local.to_owned(), "bind()"),
        (SocketKind::UnixListener, _) => (
            "listener",
            "Unix server".to_owned(),
            local.to_owned(),
            "listen()",
        ),
        (SocketKind::UnixStream, Some(l)) => (
            "accepted",
            format!("accepted by {l}"),
            local.to_owned(),
            "accept()",
        ),
        (SocketKind::UnixStream, None) => (
            "client",
            "Unix client".to_owned(),
            peer.map(|p| format!("→ {p}"))
                .unwrap_or_else(|| local.to_owned()),
            "connect()",
        ),
    }
}

/// A `send`/`sendall` row's label and tooltip.
pub(super) fn sent_label(
    socket: SocketId,
    send_no: u32,
    requested: u64,
    accepted: u64,
    all: bool,
) -> (String, String) {
    let name = if all { "sendall" } else { "send" };
    let label = if accepted < requested {
        format!("{name} #{send_no} · {accepted} of {requested} B (partial)")
    } else {
        format!("{name} #{send_no} · {accepted} B")
    };
    let title = format!(
        "{name} #{send_no} on {socket}: the kernel accepted {accepted} of {requested} bytes"
    );
    (label, title)
}

/// A `recv` that returned `got` bytes (not EOF): "recv(12) → 10 B · 2 sends → 1 recv".
pub(super) fn recv_label(bufsize: u32, got: usize, spans: &[SendSpan]) -> String {
    match recv_note(spans) {
        Some(note) => format!("recv({bufsize}) → {got} B · {note}"),
        None => format!("recv({bufsize}) → {got} B"),
    }
}

/// A `recvfrom` row: "recvfrom(4) → 4 B (truncated, was 10)".
pub(super) fn recvfrom_label(bufsize: u32, got: usize, truncated: bool, real_len: u64) -> String {
    if truncated {
        format!("recvfrom({bufsize}) → {got} B (truncated, was {real_len})")
    } else {
        format!("recvfrom({bufsize}) → {got} B")
    }
}

/// The label and tooltip of auto-recv's summary of many recv calls.
pub(super) fn auto_summary_label(
    recvs: u64,
    bytes: u64,
    echoed: u64,
    eof: bool,
) -> (String, String) {
    let mut label = format!("{recvs} recvs · {bytes} B");
    if echoed > 0 {
        label.push_str(&format!(" · echoed {echoed} B"));
    }
    if eof {
        label.push_str(" · EOF");
    }
    let title = format!(
        "auto-recv made {recvs} recv calls ({bytes} bytes), summed up to keep the page fast"
    );
    (label, title)
}

/// `SHUT_RD`, `SHUT_WR` or `SHUT_RDWR`.
pub(crate) fn shutdown_name(how: ShutdownHow) -> &'static str {
    match how {
        ShutdownHow::Read => "SHUT_RD",
        ShutdownHow::Write => "SHUT_WR",
        ShutdownHow::Both => "SHUT_RDWR",
    }
}

/// What the auto behaviours of a socket now do: "auto: accept, recv(1024)", "auto: off".
pub(crate) fn auto_set_label(a: &AutoBehaviour) -> String {
    let mut on = Vec::new();
    if a.accept {
        on.push("accept".to_owned());
    }
    if a.recv {
        on.push(format!("recv({})", a.bufsize));
    }
    if a.echo != Default::default() {
        on.push(format!("echo {:?}", a.echo).to_lowercase());
    }
    if on.is_empty() {
        "auto: off".to_owned()
    } else {
        format!("auto: {}", on.join(", "))
    }
}

/// A label for an event without a dedicated one: "getsockname()" for `names`, else the
/// event's name; the tooltip is the event itself.
pub(super) fn generic_label(event: &Event) -> (String, String) {
    let json = serde_json::to_value(event).unwrap_or_default();
    let name = json["event"].as_str().unwrap_or("event").to_owned();
    let label = match name.as_str() {
        "names" if json["peer"].is_string() => "getsockname() · getpeername()".to_owned(),
        "names" => "getsockname()".to_owned(),
        _ => name.replace('_', " "),
    };
    (label, json.to_string())
}

/// Where a recv's bytes came from, short enough for a marker: "2 sends → 1 recv",
/// "1 send → 1 recv", "2 of 5 B of send #1", "external peer". (The server's longer summary
/// is the row's tooltip.)
fn recv_note(spans: &[SendSpan]) -> Option<String> {
    let sends = by_send(spans);
    match sends.as_slice() {
        [] if spans.is_empty() => None,
        [] => Some("external peer".to_owned()),
        [(from, n, len)] => {
            let total = spans
                .iter()
                .find(|s| s.from == Some(*from) && s.send_no == Some(*n))
                .map_or(*len, |s| s.send_len);
            Some(if *len == total {
                "1 send → 1 recv".to_owned()
            } else {
                format!("{len} of {total} B of send #{n}")
            })
        }
        more => Some(format!("{} sends → 1 recv", more.len())),
    }
}

pub(crate) fn option_label(option: &SockOption, effective: &SockOption) -> String {
    let value = |o: &SockOption| match o {
        SockOption::Nodelay(b) | SockOption::ReuseAddr(b) | SockOption::Blocking(b) => {
            if *b { "1" } else { "0" }.to_owned()
        }
        SockOption::Rcvbuf(n) | SockOption::Sndbuf(n) => n.to_string(),
        SockOption::TimeoutMs(Some(ms)) => format!("{}", *ms as f64 / 1000.0),
        SockOption::TimeoutMs(None) => "None".to_owned(),
    };
    let (asked, got) = (value(option), value(effective));
    // "4096)" or, when the kernel changed the value, "4096) → 8192".
    let shown = if asked == got {
        format!("{asked})")
    } else {
        format!("{asked}) → {got}")
    };
    match option {
        SockOption::Nodelay(_) => format!("setsockopt(TCP_NODELAY, {shown}"),
        SockOption::Rcvbuf(_) => format!("setsockopt(SO_RCVBUF, {shown}"),
        SockOption::Sndbuf(_) => format!("setsockopt(SO_SNDBUF, {shown}"),
        SockOption::ReuseAddr(_) => format!("setsockopt(SO_REUSEADDR, {shown}"),
        SockOption::Blocking(b) => format!("setblocking({})", if *b { "True" } else { "False" }),
        SockOption::TimeoutMs(_) => format!("settimeout({shown}"),
    }
}

/// "1.234 s" since the connection opened.
pub fn format_time(t_us: u64) -> String {
    format!("{}.{:03} s", t_us / 1_000_000, (t_us / 1000) % 1000)
}
