//! The words under a recv result: where its bytes came from, as a student reads them.
//!
//! The server's summary ("2 sends → 1 recv", "partial: 5 of 9 bytes of send #1") is right
//! about bytes but can contradict a lesson about frames: recv(5) after recv(4) got the whole
//! body "hello", yet "partial" says otherwise, because the send included a 4-byte header.
//! So a recv that returned only header bytes, or exactly the rest of a send after a header
//! the recv before returned, says so; anything else keeps the server's summary (in English;
//! in Chinese the same words made by the page from the spans: `timeline::summary_in`).

use socklab_shared::protocol::SendSpan;

use super::timeline::summary_in;
use crate::i18n::results::ResultText;
use crate::i18n::{Lang, fill};

/// The label of a recv whose bytes came from `spans`; `before` are the spans of the recv
/// before it on the same socket, `summary` the server's words.
pub fn recv_label(
    summary: &str,
    spans: &[SendSpan],
    before: Option<&[SendSpan]>,
    lang: Lang,
) -> String {
    let t = ResultText::of(lang);
    let summary = summary_in(summary, spans, lang);
    let [s] = spans else {
        return summary;
    };
    let Some(n) = s.send_no else {
        return summary;
    };
    if s.len >= s.send_len {
        return summary;
    }
    let header_before = before.is_some_and(|b| {
        b.iter().any(|p| {
            p.from == s.from
                && p.send_no == s.send_no
                && p.offset_in_send == 0
                && p.len == s.offset_in_send
                && p.header_bytes == p.len
        })
    });
    if s.offset_in_send > 0 && s.offset_in_send + s.len == s.send_len && header_before {
        return fill(t.whole_body, &[&n, &s.len, &s.offset_in_send]);
    }
    if s.offset_in_send == 0 && s.header_bytes == s.len {
        return fill(t.header_only, &[&s.len, &n, &s.send_len]);
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;
    use socklab_shared::protocol::SocketId;

    fn span(offset: u64, len: u64, header: u64) -> SendSpan {
        SendSpan {
            start: 0,
            len,
            from: Some(SocketId(2)),
            send_no: Some(1),
            offset_in_send: offset,
            send_len: 9,
            header_bytes: header,
            trailer_bytes: 0,
        }
    }

    #[test]
    fn a_header_then_its_body_are_named_as_such() {
        let header = [span(0, 4, 4)];
        assert_eq!(
            recv_label("partial: 4 of 9 bytes of send #1", &header, None, Lang::En),
            "4 header bytes of send #1 (a send of 9 bytes with its body)"
        );
        let body = recv_label(
            "partial: 5 of 9 bytes of send #1",
            &[span(4, 5, 0)],
            Some(&header),
            Lang::En,
        );
        assert!(
            body.starts_with("the whole body of send #1 (5 bytes)"),
            "{body}"
        );
        assert!(!body.contains("partial"));
        assert_eq!(
            recv_label("", &header, None, Lang::Zh),
            "第 1 次发送的 4 字节头部（那次发送连同消息体共 9 字节）"
        );
        assert_eq!(
            recv_label("partial", &[span(0, 3, 1)], None, Lang::Zh),
            "第 1 次发送的 9 B 中的 3 B"
        );
    }

    #[test]
    fn other_pieces_keep_the_servers_words() {
        let s = "partial: 3 of 9 bytes of send #1";
        assert_eq!(
            recv_label(s, &[span(0, 3, 1)], None, Lang::En),
            s,
            "header and body"
        );
        assert_eq!(
            recv_label(s, &[span(4, 5, 0)], None, Lang::En),
            s,
            "no header before"
        );
        assert_eq!(
            recv_label("1 send → 1 recv", &[span(0, 9, 4)], None, Lang::En),
            "1 send → 1 recv"
        );
    }
}
