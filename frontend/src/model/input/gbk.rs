//! GBK without carrying GBK's tables in the page.
//!
//! The browser already has them: its `TextDecoder("gbk")` decodes, exactly as the WHATWG
//! Encoding Standard says (the same mapping Python's `gbk` codec uses for every character
//! the course meets). Encoding has no browser API, so the encoder's table is the decoder's
//! inverse, built once on first use: every two-byte sequence (lead 0x81–0xFE, trail
//! 0x40–0xFE except 0x7F) is decoded in one `TextDecoder` call, each pair followed by a
//! newline so that an unmapped pair can't shift the ones after it, and every pair that decodes
//! to one character is recorded. That keeps some 200 KB of tables out of the WASM.
//!
//! Natively (unit tests, benches) the same functions use `encoding_rs`, which implements the
//! same standard.

/// `text` in GBK, or the first character GBK has no code for.
pub fn encode(text: &str) -> Result<Vec<u8>, char> {
    imp::encode(text)
}

/// `bytes` decoded as GBK, with U+FFFD for what is not a whole character; `true` if any.
pub fn decode(bytes: &[u8]) -> (String, bool) {
    imp::decode(bytes)
}

/// Every two-byte GBK sequence, each followed by `\n`: what the encoder's table is made from.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn every_pair() -> Vec<u8> {
    let mut out = Vec::with_capacity(126 * 190 * 3);
    for lead in 0x81u8..=0xfe {
        for trail in (0x40u8..=0xfe).filter(|t| *t != 0x7f) {
            out.extend_from_slice(&[lead, trail, b'\n']);
        }
    }
    out
}

/// The encoder's table from the decoded pairs: `text` is [`every_pair`] decoded; each line that
/// is one character (not U+FFFD) maps it to its pair, the first pair winning where two decode
/// alike (as the Encoding Standard's encoder picks the first pointer).
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn inverse(text: &str, pairs: &[u8]) -> std::collections::HashMap<char, [u8; 2]> {
    let mut table = std::collections::HashMap::with_capacity(24_000);
    for (line, pair) in text.split('\n').zip(pairs.chunks(3)) {
        let mut chars = line.chars();
        if let (Some(c), None) = (chars.next(), chars.next())
            && c != '\u{fffd}'
        {
            table.entry(c).or_insert([pair[0], pair[1]]);
        }
    }
    table
}

#[cfg(target_arch = "wasm32")]
mod imp {
    use std::collections::HashMap;
    use std::sync::OnceLock;

    fn decoder() -> Option<web_sys::TextDecoder> {
        web_sys::TextDecoder::new_with_label("gbk").ok()
    }

    /// Character → its two bytes, from the browser's decoder (see the module doc).
    fn table() -> &'static HashMap<char, [u8; 2]> {
        static TABLE: OnceLock<HashMap<char, [u8; 2]>> = OnceLock::new();
        TABLE.get_or_init(|| {
            let pairs = super::every_pair();
            let text = decoder()
                .and_then(|d| d.decode_with_u8_array(&pairs).ok())
                .unwrap_or_default();
            super::inverse(&text, &pairs)
        })
    }

    pub fn encode(text: &str) -> Result<Vec<u8>, char> {
        let mut out = Vec::with_capacity(text.len());
        for c in text.chars() {
            if c.is_ascii() {
                out.push(c as u8);
            } else if c == '€' {
                // GBK's one single byte above ASCII (the Encoding Standard's 0x80).
                out.push(0x80);
            } else {
                out.extend_from_slice(table().get(&c).ok_or(c)?);
            }
        }
        Ok(out)
    }

    pub fn decode(bytes: &[u8]) -> (String, bool) {
        let text = decoder()
            .and_then(|d| d.decode_with_u8_array(bytes).ok())
            .unwrap_or_else(|| String::from_utf8_lossy(bytes).into_owned());
        let bad = text.contains('\u{fffd}');
        (text, bad)
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    pub fn encode(text: &str) -> Result<Vec<u8>, char> {
        let (bytes, _, had_errors) = encoding_rs::GBK.encode(text);
        if had_errors {
            let bad = text
                .chars()
                .find(|c| encoding_rs::GBK.encode(c.encode_utf8(&mut [0; 4])).2)
                .unwrap_or('?');
            return Err(bad);
        }
        Ok(bytes.into_owned())
    }

    pub fn decode(bytes: &[u8]) -> (String, bool) {
        let (text, had_errors) = encoding_rs::GBK.decode_without_bom_handling(bytes);
        (text.into_owned(), had_errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inverse_of_the_decoder_is_the_standard_encoder() {
        let pairs = every_pair();
        assert_eq!(pairs.len(), 126 * 190 * 3);
        assert!(
            pairs
                .chunks(3)
                .all(|p| p[2] == b'\n' && p[1] != 0x7f && p[1] != b'\n')
        );
        // The browser's decoding of the pairs, done here by encoding_rs (the same standard):
        // the table built from it encodes every character exactly as the standard's encoder.
        let (text, _) = decode(&pairs);
        let table = inverse(&text, &pairs);
        assert!(table.len() > 21_000, "{}", table.len());
        for (c, pair) in &table {
            if *c == '€' {
                continue; // the one single byte above ASCII, 0x80, handled before the table
            }
            assert_eq!(encode(&c.to_string()).unwrap(), pair, "{c}");
        }
        assert_eq!(encode("你好").unwrap(), [0xc4, 0xe3, 0xba, 0xc3]);
    }
}
