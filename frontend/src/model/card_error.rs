//! A socket card's error, worded for the students' own programs, and when it goes stale.
//!
//! A recv with nothing to read fails at once with EAGAIN in the lab, while the students'
//! code (a blocking socket, Python's default) would simply wait there: the card says exactly
//! that, and why the lab did not wait. An error stays on its card until the socket moves on:
//! a later call on it, or its kernel state changing (bytes arriving, the connection closing).

use socklab_shared::protocol::{BufferSnapshot, ErrorCode};

use crate::i18n::results::ResultText;
use crate::i18n::{Lang, fill};

/// The card's (words, hint) for an error in `lang`, from the page's catalogue: a recv with
/// nothing to read says what a blocking program would do; any other error is explained by its
/// code (the server's `message` is shown beside it, as data).
pub fn card_error_in(code: ErrorCode, message: &str, lang: Lang) -> (String, Option<String>) {
    let t = ResultText::of(lang);
    if let Some((call, why)) = nothing_to_read(code, message) {
        let errno = why
            .split_whitespace()
            .find(|w| w.starts_with('E'))
            .unwrap_or("EAGAIN");
        return (
            fill(t.would_block, &[&call, &errno]),
            Some(t.would_block_hint.to_owned()),
        );
    }
    (t.explain_message(code, message), None)
}

/// For a recv that found nothing to read: the call (`recv(1024)`) and the kernel's reason
/// after it (`[Errno 11] EAGAIN (…)`).
fn nothing_to_read(code: ErrorCode, message: &str) -> Option<(&str, &str)> {
    let call = message.split(" failed").next().unwrap_or(message);
    (code == ErrorCode::WouldBlock && call.starts_with("recv"))
        .then(|| (call, message.split(": ").nth(1).unwrap_or("EAGAIN")))
}

/// The (message, hint) a card shows for an error with `code`, `message` and `hint`.
/// In English, the catalogue's words for a recv with nothing to read, with the kernel's whole
/// reason; any other error keeps the server's own words and hint.
pub fn card_error(code: ErrorCode, message: &str, hint: Option<&str>) -> (String, Option<String>) {
    if let Some((call, why)) = nothing_to_read(code, message) {
        let t = &ResultText::EN;
        return (
            fill(t.would_block, &[&call, &why]),
            Some(t.would_block_hint.to_owned()),
        );
    }
    (message.to_owned(), hint.map(str::to_owned))
}

/// Whether the kernel state moved on from `before` to `after` (an error shown before it is
/// stale now).
pub fn moved_on(before: Option<&BufferSnapshot>, after: &BufferSnapshot) -> bool {
    before.is_some_and(|b| {
        b.recv_queued != after.recv_queued
            || b.recv_offset != after.recv_offset
            || b.tcp_state != after.tcp_state
            || b.accept_queue != after.accept_queue
            || b.next_datagram != after.next_datagram
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use socklab_shared::Payload;
    use socklab_shared::protocol::{SocketId, SocketKind};

    #[test]
    fn a_recv_with_nothing_to_read_says_what_a_blocking_program_does() {
        let (m, h) = card_error(
            ErrorCode::WouldBlock,
            "recv(1024) failed: [Errno 11] EAGAIN (Resource temporarily unavailable)",
            Some("non-blocking socket"),
        );
        assert!(m.starts_with("recv(1024): nothing to read yet"), "{m}");
        assert!(m.contains("EAGAIN"), "{m}");
        assert!(h.unwrap().contains("would wait"));
    }

    #[test]
    fn in_chinese_a_recv_with_nothing_to_read_is_explained_too() {
        let (m, h) = card_error_in(
            ErrorCode::WouldBlock,
            "recv(1024) failed: [Errno 11] EAGAIN (Resource temporarily unavailable)",
            Lang::Zh,
        );
        assert_eq!(m, "recv(1024)：还没有数据可读，所以立即返回了（EAGAIN）");
        assert!(h.unwrap().contains("阻塞"));
        let (m, h) = card_error_in(ErrorCode::Os, "connect failed: ECONNREFUSED", Lang::Zh);
        assert!(m.contains("系统调用失败") && h.is_none(), "{m}");
    }

    #[test]
    fn other_errors_keep_their_words() {
        let (m, h) = card_error(
            ErrorCode::Os,
            "connect failed: refused",
            Some("start a server"),
        );
        assert_eq!(m, "connect failed: refused");
        assert_eq!(h.as_deref(), Some("start a server"));
    }

    #[test]
    fn bytes_arriving_make_the_error_stale() {
        let snap = |queued: u64| BufferSnapshot {
            socket: SocketId(1),
            kind: SocketKind::TcpStream,
            tcp_state: None,
            recv_queued: queued,
            recv_peek: Payload::default(),
            recv_spans: vec![],
            recv_offset: 0,
            send_queued: 0,
            next_datagram: None,
            tcp_info: None,
            accept_queue: None,
        };
        assert!(!moved_on(Some(&snap(0)), &snap(0)));
        assert!(moved_on(Some(&snap(0)), &snap(5)));
        assert!(!moved_on(None, &snap(5)));
    }
}
