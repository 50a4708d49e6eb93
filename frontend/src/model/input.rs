//! What the user typed → the bytes to send.

/// How the send box reads its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputMode {
    /// The text's UTF-8 bytes.
    #[default]
    Text,
    /// Hex digits, spaces allowed: `68 65 6c 6c 6f`.
    Hex,
}

/// The bytes for `input`, or a message saying what is wrong with it.
pub fn to_bytes(input: &str, mode: InputMode) -> Result<Vec<u8>, String> {
    match mode {
        InputMode::Text => Ok(input.as_bytes().to_vec()),
        InputMode::Hex => {
            let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
            if !digits.len().is_multiple_of(2) {
                return Err("hex needs two digits per byte (e.g. 0a, not a)".into());
            }
            (0..digits.len())
                .step_by(2)
                .map(|i| {
                    u8::from_str_radix(&digits[i..i + 2], 16)
                        .map_err(|_| format!("{:?} is not a hex byte", &digits[i..i + 2]))
                })
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_hex() {
        assert_eq!(to_bytes("hi", InputMode::Text).unwrap(), b"hi");
        assert_eq!(to_bytes("68 69", InputMode::Hex).unwrap(), b"hi");
        assert_eq!(to_bytes("0A0b", InputMode::Hex).unwrap(), b"\n\x0b");
        assert!(to_bytes("abc", InputMode::Hex).is_err());
        assert!(to_bytes("zz", InputMode::Hex).unwrap_err().contains("zz"));
    }
}
