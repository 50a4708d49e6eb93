//! Hex digits typed by a person, as a card's hex input and a lesson's `"hex"` take them:
//! pairs of digits with any whitespace between them (`68 65 6c 6c 6f`, `0A0b`) → bytes.
//!
//! Invariant: every text gives bytes or a [`BadHex`], never a panic, whatever it contains
//! (Chinese, emoji, a sign). The digits are checked as characters, a pair at a time, before any
//! byte is decoded: slicing the text by byte offsets would cut a character in two (a panic
//! that killed the page when a student typed 中 into a hex box), and `u8::from_str_radix`
//! alone takes a sign, so `+f` was the byte 0x0f.

/// Why a text is not hex bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadHex {
    /// The digits are all hex, but there is an odd number of them: the last byte is half
    /// typed.
    OddDigits,
    /// The first pair of digits that is not a byte, as typed (one character when it is the
    /// last, unpaired one).
    NotAByte(String),
}

/// The bytes the hex digits of `text` spell; whitespace anywhere is ignored.
pub fn parse(text: &str) -> Result<Vec<u8>, BadHex> {
    let digits: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(pair) = digits
        .chunks(2)
        .find(|pair| !pair.iter().all(char::is_ascii_hexdigit))
    {
        return Err(BadHex::NotAByte(pair.iter().collect()));
    }
    if !digits.len().is_multiple_of(2) {
        return Err(BadHex::OddDigits);
    }
    // Every character is an ASCII hex digit and there is an even number of them.
    let ascii: String = digits.into_iter().collect();
    hex::decode(&ascii).map_err(|_| BadHex::NotAByte(ascii))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn pairs_of_digits_with_any_spacing() {
        assert_eq!(parse("68 65 6c 6c 6f"), Ok(b"hello".to_vec()));
        assert_eq!(parse("0A0b"), Ok(vec![0x0a, 0x0b]));
        assert_eq!(parse(" 0 a\t0b\n"), Ok(vec![0x0a, 0x0b]));
        assert_eq!(parse(""), Ok(vec![]));
    }

    #[test]
    fn the_first_pair_that_is_not_a_byte_is_named() {
        assert_eq!(parse("zz"), Err(BadHex::NotAByte("zz".into())));
        assert_eq!(parse("00 +f"), Err(BadHex::NotAByte("+f".into())));
        assert_eq!(parse("-1"), Err(BadHex::NotAByte("-1".into())));
        assert_eq!(parse("0x41"), Err(BadHex::NotAByte("0x".into())));
        assert_eq!(parse("abc"), Err(BadHex::OddDigits));
        assert_eq!(parse("ab g"), Err(BadHex::NotAByte("g".into())));
    }

    #[test]
    fn characters_of_several_bytes_are_named_whole() {
        // "中a" is 4 bytes: an even count, and byte 2 falls inside 中.
        assert_eq!(parse("中a"), Err(BadHex::NotAByte("中a".into())));
        assert_eq!(parse("a中"), Err(BadHex::NotAByte("a中".into())));
        assert_eq!(parse("41 😀"), Err(BadHex::NotAByte("😀".into())));
        assert_eq!(parse("４１"), Err(BadHex::NotAByte("４１".into())));
    }

    proptest! {
        /// Any text: bytes or an error, never a panic; bytes come back as the same digits.
        #[test]
        fn any_text_gives_bytes_or_an_error(text in "\\PC{0,12}") {
            if let Ok(bytes) = parse(&text) {
                let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
                prop_assert_eq!(hex::encode(bytes), digits.to_ascii_lowercase());
            }
        }

        /// Bytes written as hex with spaces parse back to themselves.
        #[test]
        fn written_bytes_parse_back(bytes in proptest::collection::vec(any::<u8>(), 0..32)) {
            let text: Vec<String> = bytes.iter().map(|b| format!("{b:02X}")).collect();
            prop_assert_eq!(parse(&text.join(" ")), Ok(bytes));
        }
    }
}
