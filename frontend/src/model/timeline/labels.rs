//! The words of the diagram: each row's label ("send #1 · 5 B", "recv(12) → 10 B · 2 sends →
//! 1 recv", "setsockopt(SO_RCVBUF, 4096) → 8192"), its tooltip, a lane's name and address,
//! and the time column.
//!
//! Pure functions of an event's fields (and the page's language: the words come from
//! [`crate::i18n::timeline`]), kept apart from the walk in `build.rs`.

use socklab_shared::protocol::{
    AutoBehaviour, EchoMode, Errno, ErrorCode, Event, SendSpan, ShutdownHow, SockOption, SocketId,
    SocketKind,
};

use super::RowKind;
use super::arrows::by_send;
use crate::i18n::results::{ResultText, explains_errors};
use crate::i18n::timeline::TimelineText;
use crate::i18n::{Lang, fill};

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

/// An error row's label and tooltip. In English the server's message and, as the tooltip,
/// [`error_title`]; in Chinese what the error means in the page's words for both (the kernel's
/// errno by name, the same in any language): the server's English message is on the card or
/// the workbench, marked as data.
pub(super) fn error_row(
    code: ErrorCode,
    message: &str,
    hint: Option<&str>,
    errno: Option<&Errno>,
    lang: Lang,
) -> (String, String) {
    if !explains_errors(lang) {
        return (message.to_owned(), error_title(message, hint, errno));
    }
    let t = ResultText::of(lang);
    let words = match errno {
        Some(e) if t.errno_words(&e.name).is_some() => t.explain_message(code, &e.name),
        Some(e) => format!("{} [{}]", t.explain(code), e.name),
        None => t.explain(code).to_owned(),
    };
    (words.clone(), words)
}

/// A new socket's lane: its role, name, address, and the call that made it.
pub(super) fn opened_lane(
    kind: SocketKind,
    listener: Option<SocketId>,
    local: &str,
    peer: Option<&str>,
    lang: Lang,
) -> (&'static str, String, String, &'static str) {
    let t = TimelineText::of(lang);
    match (kind, listener) {
        (SocketKind::TcpListener, _) => (
            "listener",
            t.tcp_server.to_owned(),
            local.to_owned(),
            "listen()",
        ),
        (SocketKind::TcpStream, Some(l)) => (
            "accepted",
            fill(t.accepted_by, &[&l]),
            peer.map(|p| format!("⇄ {p}"))
                .unwrap_or_else(|| local.to_owned()),
            "accept()",
        ),
        (SocketKind::TcpStream, None) => (
            "client",
            t.tcp_client.to_owned(),
            peer.map(|p| format!("→ {p}"))
                .unwrap_or_else(|| local.to_owned()),
            "connect()",
        ),
        (SocketKind::Udp, _) => ("udp", t.udp_socket.to_owned(), local.to_owned(), "bind()"),
        (SocketKind::UnixListener, _) => (
            "listener",
            t.unix_server.to_owned(),
            local.to_owned(),
            "listen()",
        ),
        (SocketKind::UnixStream, Some(l)) => (
            "accepted",
            fill(t.accepted_by, &[&l]),
            local.to_owned(),
            "accept()",
        ),
        (SocketKind::UnixStream, None) => (
            "client",
            t.unix_client.to_owned(),
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
    lang: Lang,
) -> (String, String) {
    let t = TimelineText::of(lang);
    let name = if all { "sendall" } else { "send" };
    let label = if accepted < requested {
        fill(t.sent_partial, &[&name, &send_no, &accepted, &requested])
    } else {
        format!("{name} #{send_no} · {accepted} B")
    };
    let title = fill(
        t.sent_title,
        &[&name, &send_no, &socket, &accepted, &requested],
    );
    (label, title)
}

/// A `recv` that returned `got` bytes (not EOF): "recv(12) → 10 B · 2 sends → 1 recv".
pub(super) fn recv_label(bufsize: u32, got: usize, spans: &[SendSpan], lang: Lang) -> String {
    match recv_summary(spans, lang) {
        Some(note) => format!("recv({bufsize}) → {got} B · {note}"),
        None => format!("recv({bufsize}) → {got} B"),
    }
}

/// A `recvfrom` row: "recvfrom(4) → 4 B (truncated, was 10)".
pub(super) fn recvfrom_label(
    bufsize: u32,
    got: usize,
    truncated: bool,
    real_len: u64,
    lang: Lang,
) -> String {
    if truncated {
        fill(
            TimelineText::of(lang).truncated,
            &[&bufsize, &got, &real_len],
        )
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
    lang: Lang,
) -> (String, String) {
    let t = TimelineText::of(lang);
    let mut label = fill(t.auto_recvs, &[&recvs, &bytes]);
    if echoed > 0 {
        label.push_str(&fill(t.auto_echoed, &[&echoed]));
    }
    if eof {
        label.push_str(" · EOF");
    }
    let title = fill(t.auto_title, &[&recvs, &bytes]);
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
pub(crate) fn auto_set_label(a: &AutoBehaviour, lang: Lang) -> String {
    let t = ResultText::of(lang);
    let mut on = Vec::new();
    if a.accept {
        on.push("accept".to_owned());
    }
    if a.recv {
        on.push(format!("recv({})", a.bufsize));
    }
    match a.echo {
        EchoMode::Off => {}
        EchoMode::Same => on.push(t.echo_same.to_owned()),
        EchoMode::Upper => on.push(t.echo_upper.to_owned()),
        // The lessons' servers: in English the mode as the protocol names it (with its
        // settings, "echo canned { bytes: 4096 }"), in Chinese what the server is.
        other if lang == Lang::En => on.push(format!("echo {other:?}").to_lowercase()),
        EchoMode::Time => on.push(t.echo_time.to_owned()),
        EchoMode::Canned { .. } => on.push(t.echo_canned.to_owned()),
        EchoMode::Chat => on.push(t.echo_chat.to_owned()),
        EchoMode::Login => on.push(t.echo_login.to_owned()),
        EchoMode::HmacServer => on.push(t.echo_hmac_server.to_owned()),
        EchoMode::HmacClient { .. } => on.push(t.echo_hmac_client.to_owned()),
        EchoMode::FileReceiver => on.push(t.echo_file.to_owned()),
    }
    if on.is_empty() {
        t.auto_off.to_owned()
    } else {
        fill(t.auto_on, &[&on.join(", ")])
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

/// A recv's summary in `lang`: the server's own `summary` in English (it is English); in
/// Chinese the page's words for the same spans ([`recv_summary`]).
pub(crate) fn summary_in(summary: &str, spans: &[SendSpan], lang: Lang) -> String {
    match lang {
        Lang::En => summary.to_owned(),
        Lang::Zh => recv_summary(spans, lang).unwrap_or_default(),
    }
}

/// Where a recv's bytes came from, short enough for a marker: "2 sends → 1 recv",
/// "1 send → 1 recv", "2 of 5 B of send #1", "external peer". (The server's longer summary
/// is the row's tooltip in English.)
pub(crate) fn recv_summary(spans: &[SendSpan], lang: Lang) -> Option<String> {
    let t = ResultText::of(lang);
    let sends = by_send(spans);
    match sends.as_slice() {
        [] if spans.is_empty() => None,
        [] => Some(t.external.to_owned()),
        [(from, n, len)] => {
            let total = spans
                .iter()
                .find(|s| s.from == Some(*from) && s.send_no == Some(*n))
                .map_or(*len, |s| s.send_len);
            Some(if *len == total {
                t.one_send.to_owned()
            } else {
                fill(t.piece, &[len, &total, n])
            })
        }
        more => Some(fill(t.sends, &[&more.len()])),
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
