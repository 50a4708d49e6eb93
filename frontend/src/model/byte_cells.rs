//! Bytes plus provenance → the cells of a buffer strip.
//!
//! Each byte becomes a cell with its hex value, what to show large (a printable character,
//! or the hex itself for a byte with no character: `05 00 00 00`, a length header, must be
//! readable from the back row, not a row of dots), the colour of
//! the send it came from, and whether it is frame header, body or trailer. Colours cycle
//! through a palette by send number so consecutive sends always differ.

use socklab_shared::protocol::SendSpan;

use crate::i18n::workbench::CardText;
use crate::i18n::{Lang, fill};

/// How many distinct send colours the stylesheet defines (`.send-0` … `.send-7`).
pub const PALETTE: u32 = 8;

/// What part of a framed message a byte is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Header,
    Body,
    Trailer,
}

/// One byte, ready to draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub hex: String,
    /// What the cell shows large: the character, or the hex for a non-printable byte.
    pub big: String,
    /// The small caption above it: the hex of a printable byte, "0x" for a non-printable one.
    pub small: String,
    /// A byte with no printable character (shown as large hex).
    pub raw: bool,
    /// `Some(k)` = colour k of the palette; `None` = external or unknown origin.
    pub colour: Option<u32>,
    pub role: Role,
    /// "send #2 of socket #1, byte 3 of 5" for a tooltip.
    pub title: String,
}

/// Most bytes a strip draws as cells. A recv can return 64 KiB; drawing 65 536 cells (three
/// elements each) would freeze the page for seconds, and nobody can read them anyway. The rest
/// is summarised as "+N more bytes".
pub const MAX_CELLS: usize = 512;

/// How many colour runs the bytes described by `spans` show (consecutive bytes of one send
/// are one run), counted from the spans so it is right even when not every byte is drawn.
pub fn colour_runs(spans: &[SendSpan]) -> usize {
    let mut colours: Vec<u32> = spans
        .iter()
        .filter(|s| s.len > 0)
        .filter_map(|s| s.send_no.map(colour_of))
        .collect();
    colours.dedup();
    colours.len()
}

/// The colour class of a send.
pub fn colour_of(send_no: u32) -> u32 {
    send_no.saturating_sub(1) % PALETTE
}

/// Turns `bytes` and the spans describing them into cells (tooltips in `lang`).
pub fn cells(bytes: &[u8], spans: &[SendSpan], lang: Lang) -> Vec<Cell> {
    let t = CardText::of(lang);
    let mut out: Vec<Cell> = bytes
        .iter()
        .map(|&b| Cell {
            hex: format!("{b:02x}"),
            big: printable(b).map_or_else(|| format!("{b:02x}"), String::from),
            small: if printable(b).is_some() {
                format!("{b:02x}")
            } else {
                "0x".to_owned()
            },
            raw: printable(b).is_none(),
            colour: None,
            role: Role::Body,
            title: t.byte_external.to_owned(),
        })
        .collect();
    for span in spans {
        let start = span.start as usize;
        let end = (start + span.len as usize).min(out.len());
        for (i, cell) in out.iter_mut().enumerate().take(end).skip(start) {
            let within = (i - start) as u64;
            cell.colour = span.send_no.map(colour_of);
            cell.role = if within < span.header_bytes {
                Role::Header
            } else if within >= span.len.saturating_sub(span.trailer_bytes) {
                Role::Trailer
            } else {
                Role::Body
            };
            if let (Some(n), Some(from)) = (span.send_no, span.from) {
                let byte = span.offset_in_send + within + 1;
                cell.title = fill(t.byte_title, &[&n, &from, &byte, &span.send_len]);
            }
        }
    }
    out
}

fn printable(b: u8) -> Option<char> {
    (b.is_ascii_graphic() || b == b' ').then_some(b as char)
}

#[cfg(test)]
mod tests {
    use super::*;
    use socklab_shared::protocol::SocketId;

    fn span(start: u64, len: u64, send_no: u32, header: u64) -> SendSpan {
        SendSpan {
            start,
            len,
            from: Some(SocketId(1)),
            send_no: Some(send_no),
            offset_in_send: 0,
            send_len: len,
            header_bytes: header,
            trailer_bytes: 0,
        }
    }

    #[test]
    fn two_sends_get_two_colours() {
        let c = cells(
            b"helloworld",
            &[span(0, 5, 1, 0), span(5, 5, 2, 0)],
            Lang::En,
        );
        let colours: Vec<_> = c.iter().map(|c| c.colour).collect();
        assert_eq!(&colours[..5], &[Some(0); 5]);
        assert_eq!(&colours[5..], &[Some(1); 5]);
        assert_eq!(c[0].hex, "68");
        assert_eq!(c[0].big, "h");
        assert_eq!(c[0].small, "68");
        assert!(!c[0].raw);
        assert_eq!(c[6].title, "send #2 of socket #1, byte 2 of 5");
    }

    #[test]
    fn header_bytes_are_marked() {
        let c = cells(b"\x05\x00\x00\x00hello", &[span(0, 9, 1, 4)], Lang::En);
        let roles: Vec<_> = c.iter().map(|c| c.role).collect();
        assert_eq!(&roles[..4], &[Role::Header; 4]);
        assert_eq!(&roles[4..], &[Role::Body; 5]);
        assert_eq!(c[0].big, "05", "a header byte shows as large hex");
        assert_eq!(c[0].small, "0x");
        assert!(c[1].raw);
    }

    #[test]
    fn bytes_without_spans_are_external() {
        let c = cells(b"hi", &[], Lang::En);
        assert!(c.iter().all(|c| c.colour.is_none()));
    }

    #[test]
    fn colour_runs_count_from_spans() {
        assert_eq!(colour_runs(&[span(0, 5, 1, 0), span(5, 5, 2, 0)]), 2);
        assert_eq!(colour_runs(&[span(0, 5, 1, 0)]), 1);
        assert_eq!(colour_runs(&[]), 0);
    }

    #[test]
    fn palette_cycles() {
        assert_eq!(colour_of(1), 0);
        assert_eq!(colour_of(9), 0);
        assert_eq!(colour_of(0), 0);
    }
}
