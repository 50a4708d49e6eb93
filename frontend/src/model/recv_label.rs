//! The words under a recv result: where its bytes came from, as a student reads them.
//!
//! The server's summary ("2 sends → 1 recv", "partial: 5 of 9 bytes of send #1") is right
//! about bytes but can contradict a lesson about frames: recv(5) after recv(4) got the whole
//! body "hello", yet "partial" says otherwise, because the send included a 4-byte header.
//! So a recv that returned only header bytes, or exactly the rest of a send after a header
//! the recv before returned, says so; anything else keeps the server's summary.

use socklab_shared::protocol::SendSpan;

/// The label of a recv whose bytes came from `spans`; `before` are the spans of the recv
/// before it on the same socket, `summary` the server's words.
pub fn recv_label(summary: &str, spans: &[SendSpan], before: Option<&[SendSpan]>) -> String {
    let [s] = spans else {
        return summary.to_owned();
    };
    let Some(n) = s.send_no else {
        return summary.to_owned();
    };
    if s.len >= s.send_len {
        return summary.to_owned();
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
        return format!(
            "the whole body of send #{n} ({} bytes); that send also carried a {}-byte header, which the recv before read",
            s.len, s.offset_in_send
        );
    }
    if s.offset_in_send == 0 && s.header_bytes == s.len {
        return format!(
            "{} header bytes of send #{n} (a send of {} bytes with its body)",
            s.len, s.send_len
        );
    }
    summary.to_owned()
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
            recv_label("partial: 4 of 9 bytes of send #1", &header, None),
            "4 header bytes of send #1 (a send of 9 bytes with its body)"
        );
        let body = recv_label(
            "partial: 5 of 9 bytes of send #1",
            &[span(4, 5, 0)],
            Some(&header),
        );
        assert!(
            body.starts_with("the whole body of send #1 (5 bytes)"),
            "{body}"
        );
        assert!(!body.contains("partial"));
    }

    #[test]
    fn other_pieces_keep_the_servers_words() {
        let s = "partial: 3 of 9 bytes of send #1";
        assert_eq!(recv_label(s, &[span(0, 3, 1)], None), s, "header and body");
        assert_eq!(recv_label(s, &[span(4, 5, 0)], None), s, "no header before");
        assert_eq!(
            recv_label("1 send → 1 recv", &[span(0, 9, 4)], None),
            "1 send → 1 recv"
        );
    }
}
