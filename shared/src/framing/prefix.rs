//! Length prefixes: a number in front of each message that says how long it is.
//!
//! The classic fix for TCP's merged sends: before each message, send its length as a
//! fixed-size binary number. The receiver reads exactly `width` bytes, learns `n`, then reads
//! exactly `n` more. In Python that number is made with `struct.pack`, and the *format
//! string* decides three things which sender and receiver must agree on:
//!
//! | choice     | here                | Python struct            |
//! |------------|---------------------|--------------------------|
//! | width      | `width: 2 / 4 / 8`  | `H`/`h`, `I`/`i`, `Q`/`q` |
//! | byte order | [`Endian`]          | `<` little, `!` network (big) |
//! | sign       | `signed`            | lower case = signed      |
//!
//! Get one of them wrong on one side and the length comes out as nonsense: `struct.pack('i',
//! 5)` on an x86 laptop is `05 00 00 00`, but read as `'!I'` that is 83,886,080. That is why
//! the decoder checks the result against a maximum and refuses negative lengths instead of
//! trusting it.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::FramingError;

/// Byte order of a multi-byte number on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Endian {
    /// Most significant byte first: "network byte order", Python's `!` (or `>`).
    Big,
    /// Least significant byte first: what x86 and ARM CPUs use in memory, so what Python's
    /// native `struct.pack('i', n)` produces on a student's laptop. Python's `<`.
    Little,
}

/// How a length is written in front of a message. Only widths 2, 4 and 8 are valid; every
/// method checks that and returns [`FramingError::BadWidth`] otherwise, because the value
/// usually comes from a JSON command and can't be trusted to be sensible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct LengthPrefix {
    /// Bytes in the length field: 2, 4 or 8.
    pub width: u8,
    /// Byte order of the length field.
    pub endian: Endian,
    /// Whether the field is a signed (two's complement) number. Signed headers can hold
    /// negative values, which a receiver must reject.
    pub signed: bool,
}

impl LengthPrefix {
    /// `struct.pack('i', n)`: what most students write first. Four bytes, signed, in the
    /// machine's own byte order, which on x86/ARM is little-endian.
    pub const PYTHON_NATIVE_I: LengthPrefix = LengthPrefix {
        width: 4,
        endian: Endian::Little,
        signed: true,
    };

    /// `struct.pack('!I', n)`: the textbook choice. Four bytes, unsigned, network byte order.
    pub const NETWORK_U32: LengthPrefix = LengthPrefix {
        width: 4,
        endian: Endian::Big,
        signed: false,
    };

    /// Checks the width is one `struct` can pack: 2, 4 or 8.
    pub fn validate(&self) -> Result<(), FramingError> {
        match self.width {
            2 | 4 | 8 => Ok(()),
            width => Err(FramingError::BadWidth { width }),
        }
    }

    /// The Python `struct` format string that writes and reads this prefix, e.g. `"<i"` or
    /// `"!I"`. Little-endian is shown as `<` (explicit, so it means the same on every
    /// machine); big-endian as `!`, "network order". An invalid width gives `"?"`.
    pub fn python_format(&self) -> &'static str {
        match (self.width, self.endian, self.signed) {
            (2, Endian::Little, false) => "<H",
            (2, Endian::Little, true) => "<h",
            (2, Endian::Big, false) => "!H",
            (2, Endian::Big, true) => "!h",
            (4, Endian::Little, false) => "<I",
            (4, Endian::Little, true) => "<i",
            (4, Endian::Big, false) => "!I",
            (4, Endian::Big, true) => "!i",
            (8, Endian::Little, false) => "<Q",
            (8, Endian::Little, true) => "<q",
            (8, Endian::Big, false) => "!Q",
            (8, Endian::Big, true) => "!q",
            _ => "?",
        }
    }

    /// The largest length this prefix can carry: `2^(8*width) - 1` unsigned, half of that
    /// (rounded down) signed, because the top bit is spent on the sign.
    pub fn max_value(&self) -> Result<u64, FramingError> {
        self.validate()?;
        let bits = u32::from(self.width) * 8;
        // `checked_shl` returns None for a 64-bit shift, which is exactly the width-8 case
        // where every u64 fits.
        let unsigned_max = 1u64.checked_shl(bits).map_or(u64::MAX, |p| p - 1);
        Ok(if self.signed {
            unsigned_max >> 1
        } else {
            unsigned_max
        })
    }

    /// Writes `n` as this prefix: exactly `width` bytes.
    ///
    /// Fails with [`FramingError::LengthDoesNotFit`] when `n` is bigger than
    /// [`max_value`](Self::max_value), where Python's `struct.pack` would raise
    /// `struct.error` instead of silently wrapping around.
    pub fn encode_len(&self, n: u64) -> Result<Vec<u8>, FramingError> {
        if n > self.max_value()? {
            return Err(FramingError::LengthDoesNotFit {
                len: n,
                width: self.width,
                signed: self.signed,
            });
        }
        // Write the full 8-byte number and keep the `width` bytes that matter: the low-order
        // ones, which are at the end in big-endian and at the start in little-endian. The
        // range check above guarantees the dropped bytes are all zero.
        let width = usize::from(self.width);
        let bytes = match self.endian {
            Endian::Big => n.to_be_bytes()[8 - width..].to_vec(),
            Endian::Little => n.to_le_bytes()[..width].to_vec(),
        };
        Ok(bytes)
    }

    /// Reads a length from the first `width` bytes of `bytes` (later bytes are ignored: they
    /// belong to the message).
    ///
    /// - `Ok(None)`: fewer than `width` bytes so far. Not an error: TCP may deliver the
    ///   header in pieces, so the receiver keeps the bytes and waits for more.
    /// - `Err(NegativeLength)`: a signed prefix whose sign bit is set.
    pub fn decode_len(&self, bytes: &[u8]) -> Result<Option<u64>, FramingError> {
        self.validate()?;
        let width = usize::from(self.width);
        let Some(field) = bytes.get(..width) else {
            return Ok(None);
        };
        // Copy the field into the low-order end of an 8-byte buffer, so the usual u64
        // conversions do the byte-order work and the missing high bytes are zero.
        let mut wide = [0u8; 8];
        let value = match self.endian {
            Endian::Big => {
                wide[8 - width..].copy_from_slice(field);
                u64::from_be_bytes(wide)
            }
            Endian::Little => {
                wide[..width].copy_from_slice(field);
                u64::from_le_bytes(wide)
            }
        };
        if self.signed {
            // Sign-extend: shift the field's top bit up to bit 63, reinterpret the bits as
            // i64 (that `as` is a deliberate bit-for-bit reinterpretation), and shift back
            // arithmetically so the sign bit is copied into the bits above the field.
            let spare_bits = 64 - 8 * u32::from(self.width);
            let as_signed = ((value << spare_bits) as i64) >> spare_bits;
            if as_signed < 0 {
                return Err(FramingError::NegativeLength { value: as_signed });
            }
        }
        Ok(Some(value))
    }
}

/// For the page: "4-byte little-endian signed ('<i')".
impl fmt::Display for LengthPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let order = match self.endian {
            Endian::Big => "big-endian",
            Endian::Little => "little-endian",
        };
        let sign = if self.signed { "signed" } else { "unsigned" };
        write!(
            f,
            "{}-byte {order} {sign} ('{}')",
            self.width,
            self.python_format()
        )
    }
}
