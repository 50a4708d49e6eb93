//! Length prefixes, byte for byte: every `struct` format the lab offers, checked against
//! what Python's `struct.pack` produces.

use socklab_shared::framing::{Endian, FramingError, LengthPrefix};

mod common;

use common::{all_prefixes, prefix};

#[test]
fn python_native_i_of_5_is_little_endian() {
    let p = LengthPrefix::PYTHON_NATIVE_I;
    assert_eq!(p.encode_len(5).unwrap(), [5, 0, 0, 0]);
    assert_eq!(p.python_format(), "<i");
    assert_eq!(p.decode_len(&[5, 0, 0, 0]).unwrap(), Some(5));
}

#[test]
fn network_u32_of_5_is_big_endian() {
    let p = LengthPrefix::NETWORK_U32;
    assert_eq!(p.encode_len(5).unwrap(), [0, 0, 0, 5]);
    assert_eq!(p.python_format(), "!I");
    assert_eq!(p.decode_len(&[0, 0, 0, 5]).unwrap(), Some(5));
}

/// struct.pack(fmt, 258) for every format; 258 = 0x0102 shows the byte order.
#[test]
fn every_format_matches_python_struct_pack_of_258() {
    let table: [(u8, Endian, bool, &str, &[u8]); 12] = [
        (2, Endian::Big, false, "!H", &[1, 2]),
        (2, Endian::Big, true, "!h", &[1, 2]),
        (2, Endian::Little, false, "<H", &[2, 1]),
        (2, Endian::Little, true, "<h", &[2, 1]),
        (4, Endian::Big, false, "!I", &[0, 0, 1, 2]),
        (4, Endian::Big, true, "!i", &[0, 0, 1, 2]),
        (4, Endian::Little, false, "<I", &[2, 1, 0, 0]),
        (4, Endian::Little, true, "<i", &[2, 1, 0, 0]),
        (8, Endian::Big, false, "!Q", &[0, 0, 0, 0, 0, 0, 1, 2]),
        (8, Endian::Big, true, "!q", &[0, 0, 0, 0, 0, 0, 1, 2]),
        (8, Endian::Little, false, "<Q", &[2, 1, 0, 0, 0, 0, 0, 0]),
        (8, Endian::Little, true, "<q", &[2, 1, 0, 0, 0, 0, 0, 0]),
    ];
    for (width, endian, signed, format, bytes) in table {
        let p = prefix(width, endian, signed);
        assert_eq!(p.python_format(), format);
        assert_eq!(p.encode_len(258).unwrap(), bytes, "{format}");
        assert_eq!(p.decode_len(bytes).unwrap(), Some(258), "{format}");
    }
}

#[test]
fn max_values_match_the_c_integer_types() {
    let cases = [
        (2, false, u64::from(u16::MAX)),
        (2, true, 32_767),
        (4, false, u64::from(u32::MAX)),
        (4, true, 2_147_483_647),
        (8, false, u64::MAX),
        (8, true, 9_223_372_036_854_775_807),
    ];
    for (width, signed, max) in cases {
        for endian in [Endian::Big, Endian::Little] {
            assert_eq!(prefix(width, endian, signed).max_value().unwrap(), max);
        }
    }
}

#[test]
fn every_prefix_round_trips_at_the_edges() {
    for p in all_prefixes() {
        let max = p.max_value().unwrap();
        for n in [0, 1, 255, 256, max - 1, max] {
            let bytes = p.encode_len(n).unwrap();
            assert_eq!(bytes.len(), usize::from(p.width), "{p}");
            assert_eq!(p.decode_len(&bytes).unwrap(), Some(n), "{p} {n}");
        }
    }
}

#[test]
fn a_length_too_big_for_the_prefix_is_refused() {
    let p = LengthPrefix::PYTHON_NATIVE_I;
    assert_eq!(
        p.encode_len(2_147_483_648),
        Err(FramingError::LengthDoesNotFit {
            len: 2_147_483_648,
            width: 4,
            signed: true
        })
    );
    let h = prefix(2, Endian::Big, false);
    assert_eq!(
        h.encode_len(65_536),
        Err(FramingError::LengthDoesNotFit {
            len: 65_536,
            width: 2,
            signed: false
        })
    );
}

#[test]
fn fewer_than_width_bytes_means_wait() {
    for p in all_prefixes() {
        let full = p.encode_len(7).unwrap();
        for cut in 0..full.len() {
            assert_eq!(p.decode_len(&full[..cut]).unwrap(), None, "{p} {cut}");
        }
    }
}

#[test]
fn bytes_after_the_prefix_are_ignored() {
    let p = LengthPrefix::NETWORK_U32;
    assert_eq!(p.decode_len(&[0, 0, 0, 2, b'h', b'i']).unwrap(), Some(2));
}

#[test]
fn signed_prefixes_reject_negative_lengths() {
    let minus_five_i = [0xfb, 0xff, 0xff, 0xff];
    assert_eq!(
        LengthPrefix::PYTHON_NATIVE_I.decode_len(&minus_five_i),
        Err(FramingError::NegativeLength { value: -5 })
    );
    assert_eq!(
        prefix(2, Endian::Big, true).decode_len(&[0xff, 0xff]),
        Err(FramingError::NegativeLength { value: -1 })
    );
    assert_eq!(
        prefix(8, Endian::Little, true).decode_len(&[0, 0, 0, 0, 0, 0, 0, 0x80]),
        Err(FramingError::NegativeLength { value: i64::MIN })
    );
    // The same bytes unsigned are just a big number.
    assert_eq!(
        prefix(4, Endian::Little, false).decode_len(&minus_five_i),
        Ok(Some(0xffff_fffb))
    );
}

/// The classic bug: the sender packs with 'i' on a laptop, the receiver unpacks with '!I'.
#[test]
fn native_i_read_as_network_u32_is_a_huge_number() {
    let sent = LengthPrefix::PYTHON_NATIVE_I.encode_len(5).unwrap();
    assert_eq!(
        LengthPrefix::NETWORK_U32.decode_len(&sent).unwrap(),
        Some(83_886_080)
    );
}

#[test]
fn width_3_is_refused_everywhere() {
    let p = prefix(3, Endian::Big, false);
    let bad = Err(FramingError::BadWidth { width: 3 });
    assert_eq!(p.validate(), bad);
    assert_eq!(p.encode_len(1).map(|_| ()), bad);
    assert_eq!(p.decode_len(&[0, 0, 0, 0]).map(|_| ()), bad);
    assert_eq!(p.max_value().map(|_| ()), bad);
    assert_eq!(p.python_format(), "?");
    for width in [0, 1, 5, 16, 255] {
        assert_eq!(
            prefix(width, Endian::Little, true).validate(),
            Err(FramingError::BadWidth { width })
        );
    }
}

#[test]
fn display_names_the_python_format() {
    assert_eq!(
        LengthPrefix::PYTHON_NATIVE_I.to_string(),
        "4-byte little-endian signed ('<i')"
    );
    assert_eq!(
        LengthPrefix::NETWORK_U32.to_string(),
        "4-byte big-endian unsigned ('!I')"
    );
}

#[test]
fn prefixes_travel_as_snake_case_json() {
    let json = serde_json::to_string(&LengthPrefix::NETWORK_U32).unwrap();
    assert_eq!(json, r#"{"width":4,"endian":"big","signed":false}"#);
    for p in all_prefixes() {
        let back: LengthPrefix = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
        assert_eq!(back, p);
    }
}
