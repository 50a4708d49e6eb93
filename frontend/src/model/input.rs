//! What the user typed → the bytes to send, and received bytes → text to show.
//!
//! Text becomes bytes through an [`Encoding`]: "你好" is `e4 bd a0 e5 a5 bd` in UTF-8 but
//! `c4 e3 ba c3` in GBK. Going back, [`decode_display`] shows bytes as text the way Python's
//! `data.decode(encoding, errors="replace")` would: a multi-byte character cut in two by a
//! `recv` boundary (experiment 23), or bytes read with the wrong encoding, come out as U+FFFD
//! replacement characters, and the caller is told so.

mod gbk;

use socklab_shared::hex_digits::{self, BadHex};

use crate::i18n::workbench::CardText;
use crate::i18n::{Lang, fill};

/// How the send box reads its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputMode {
    /// The text's UTF-8 bytes.
    #[default]
    Text,
    /// Hex digits, spaces allowed: `68 65 6c 6c 6f`.
    Hex,
}

/// The bytes for `input`, or a message saying what is wrong with it (in `lang`).
pub fn to_bytes(input: &str, mode: InputMode, lang: Lang) -> Result<Vec<u8>, String> {
    let t = CardText::of(lang);
    match mode {
        InputMode::Text => Ok(input.as_bytes().to_vec()),
        InputMode::Hex => hex_digits::parse(input).map_err(|bad| match bad {
            BadHex::OddDigits => t.hex_pairs.into(),
            BadHex::NotAByte(pair) => fill(t.not_hex_byte, &[&format!("{pair:?}")]),
        }),
    }
}

/// How text and bytes map onto each other: Python's `str.encode(...)` / `bytes.decode(...)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// UTF-8: 1 to 4 bytes a character; Chinese characters take 3.
    #[default]
    Utf8,
    /// GBK (the Windows code page 936 family): ASCII as is, Chinese characters in 2 bytes.
    Gbk,
}

impl Encoding {
    /// Every encoding the page offers, in menu order.
    pub const ALL: [Encoding; 2] = [Encoding::Utf8, Encoding::Gbk];

    /// The name Python uses, and the `<option>` value: "utf-8", "gbk".
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Gbk => "gbk",
        }
    }

    /// The encoding named by [`label`](Self::label); anything else is UTF-8.
    pub fn from_label(label: &str) -> Self {
        Encoding::ALL
            .into_iter()
            .find(|e| e.label() == label)
            .unwrap_or_default()
    }

    /// `text` in this encoding, or the first character it has no code for.
    fn encode(self, text: &str) -> Result<Vec<u8>, char> {
        match self {
            Encoding::Utf8 => Ok(text.as_bytes().to_vec()),
            Encoding::Gbk => gbk::encode(text),
        }
    }

    /// `bytes` decoded, with U+FFFD for what is not a whole character; `true` if any.
    fn decode(self, bytes: &[u8]) -> (String, bool) {
        match self {
            // The Encoding Standard's UTF-8 decoder and std's lossy one both replace each
            // maximal ill-formed subpart with one U+FFFD.
            Encoding::Utf8 => match String::from_utf8_lossy(bytes) {
                std::borrow::Cow::Borrowed(text) => (text.to_owned(), false),
                std::borrow::Cow::Owned(text) => (text, true),
            },
            Encoding::Gbk => gbk::decode(bytes),
        }
    }
}

/// The bytes for `input` read as `mode`, with text encoded in `encoding` (hex ignores it).
/// A character the encoding has no code for is an error, as `"😀".encode("gbk")` is in Python.
pub fn encode_input(
    input: &str,
    mode: InputMode,
    encoding: Encoding,
    lang: Lang,
) -> Result<Vec<u8>, String> {
    match mode {
        InputMode::Hex => to_bytes(input, mode, lang),
        InputMode::Text => encoding.encode(input).map_err(|bad| {
            let t = CardText::of(lang);
            fill(t.no_code, &[&format!("{bad:?}"), &encoding.label()])
        }),
    }
}

/// `bytes` as text in `encoding`, with U+FFFD (�) for every byte sequence that is not a whole
/// character; the flag says whether there were any.
pub fn decode_display(bytes: &[u8], encoding: Encoding) -> (String, bool) {
    encoding.decode(bytes)
}

/// `text` with control characters (a length header's `05 00 00 00`, say) shown as `·`, the
/// way the byte strips show them, so they don't vanish from a line of text. Newlines and tabs
/// are controls too: one line stays one line.
pub fn show_controls(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '·' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NIHAO_UTF8: [u8; 6] = [0xe4, 0xbd, 0xa0, 0xe5, 0xa5, 0xbd];
    const NIHAO_GBK: [u8; 4] = [0xc4, 0xe3, 0xba, 0xc3];

    #[test]
    fn text_is_encoded_in_the_chosen_encoding() {
        let utf8 = encode_input("你好", InputMode::Text, Encoding::Utf8, Lang::En).unwrap();
        assert_eq!(utf8, NIHAO_UTF8);
        let gbk = encode_input("你好", InputMode::Text, Encoding::Gbk, Lang::En).unwrap();
        assert_eq!(gbk, NIHAO_GBK);
        assert_eq!(
            encode_input("hi", InputMode::Text, Encoding::Gbk, Lang::En).unwrap(),
            b"hi",
            "ASCII is the same in both"
        );
        assert_eq!(
            encode_input("e4 bd", InputMode::Hex, Encoding::Gbk, Lang::En).unwrap(),
            [0xe4, 0xbd],
            "hex ignores the encoding"
        );
    }

    #[test]
    fn characters_gbk_cannot_hold_are_refused() {
        let err = encode_input("ok😀", InputMode::Text, Encoding::Gbk, Lang::En).unwrap_err();
        assert!(err.contains('😀') && err.contains("gbk"), "{err}");
        assert!(encode_input("ok😀", InputMode::Text, Encoding::Utf8, Lang::En).is_ok());
    }

    #[test]
    fn whole_characters_decode_cleanly() {
        assert_eq!(
            decode_display(&NIHAO_UTF8, Encoding::Utf8),
            ("你好".to_owned(), false)
        );
        assert_eq!(
            decode_display(&NIHAO_GBK, Encoding::Gbk),
            ("你好".to_owned(), false)
        );
    }

    #[test]
    fn a_character_split_across_two_recvs_shows_replacement_characters() {
        // recv(4) on "你好" in UTF-8: the whole of 你 and the first byte of 好.
        let (first, bad) = decode_display(&NIHAO_UTF8[..4], Encoding::Utf8);
        assert_eq!(first, "你\u{fffd}");
        assert!(bad);
        // The next recv starts in the middle of 好: neither byte is a character alone.
        let (rest, bad) = decode_display(&NIHAO_UTF8[4..], Encoding::Utf8);
        assert!(bad);
        assert!(rest.chars().all(|c| c == '\u{fffd}'), "{rest:?}");
        // GBK split after 3 of 4 bytes: 你 and half of 好.
        let (gbk, bad) = decode_display(&NIHAO_GBK[..3], Encoding::Gbk);
        assert!(bad);
        assert!(
            gbk.starts_with('你') && gbk.ends_with('\u{fffd}'),
            "{gbk:?}"
        );
    }

    #[test]
    fn the_wrong_encoding_is_visible_too() {
        let (text, bad) = decode_display(&NIHAO_GBK, Encoding::Utf8);
        assert!(bad);
        assert!(!text.contains('你'), "{text:?}");
    }

    #[test]
    fn controls_are_shown_as_dots() {
        assert_eq!(show_controls("\u{5}\0\0\0hello\n"), "····hello·");
        assert_eq!(show_controls("你\u{fffd}"), "你\u{fffd}");
    }

    #[test]
    fn labels_round_trip() {
        for e in Encoding::ALL {
            assert_eq!(Encoding::from_label(e.label()), e);
        }
        assert_eq!(Encoding::from_label("latin-1"), Encoding::Utf8);
    }

    #[test]
    fn text_and_hex() {
        assert_eq!(to_bytes("hi", InputMode::Text, Lang::En).unwrap(), b"hi");
        assert_eq!(to_bytes("68 69", InputMode::Hex, Lang::En).unwrap(), b"hi");
        assert_eq!(
            to_bytes("0A0b", InputMode::Hex, Lang::En).unwrap(),
            b"\n\x0b"
        );
        assert!(to_bytes("abc", InputMode::Hex, Lang::En).is_err());
        assert!(
            to_bytes("zz", InputMode::Hex, Lang::En)
                .unwrap_err()
                .contains("zz")
        );
        // A character of several bytes is named whole (slicing by bytes panicked here).
        assert!(
            to_bytes("中a", InputMode::Hex, Lang::En)
                .unwrap_err()
                .contains("中a")
        );
        assert!(to_bytes("+f", InputMode::Hex, Lang::En).is_err());
        assert!(
            to_bytes("abc", InputMode::Hex, Lang::Zh)
                .unwrap_err()
                .contains("十六进制")
        );
    }
}
