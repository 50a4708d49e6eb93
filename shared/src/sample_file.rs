//! The lab's generated test files (experiment 13): pseudo-random bytes that any side can make
//! from the size alone. The page sends them without reading a file from disk, and the Python
//! generator (`socklab-python`) writes a program that makes the same file first, so the upload
//! it shows runs as it is, and ends with the same md5.
//!
//! Byte `i` of the file is byte `i % 8` (little-endian) of `splitmix64(SEED + i / 8)`: random
//! enough that an md5 check means something, and computable from any offset, so a 100 MB file
//! is made one chunk at a time, only when that chunk is sent.

/// The seed of generated files: the same size always gives the same bytes (and md5).
pub const SEED: u64 = 13;

/// SplitMix64: a tiny, well-mixed pseudo-random function of a counter.
pub fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Fills `buf` with the bytes at `offset..offset + buf.len()` of the file made from `seed`.
pub fn generate(seed: u64, offset: u64, buf: &mut [u8]) {
    let (mut pos, mut i) = (offset, 0);
    // A word at a time: 100 MB is made twice (to hash, to send), so this loop matters.
    while i < buf.len() {
        let word = splitmix64(seed.wrapping_add(pos / 8)).to_le_bytes();
        let start = (pos % 8) as usize;
        let n = (8 - start).min(buf.len() - i);
        buf[i..i + n].copy_from_slice(&word[start..start + n]);
        i += n;
        pos += n as u64;
    }
}

/// The `len` bytes at `offset` of the generated file.
pub fn generated_chunk(offset: u64, len: u64) -> Vec<u8> {
    let mut buf = vec![0; len as usize];
    generate(SEED, offset, &mut buf);
    buf
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_offset_gives_the_same_bytes_as_the_whole() {
        let whole = generated_chunk(0, 100);
        for offset in [0, 1, 7, 8, 13, 99] {
            assert_eq!(
                generated_chunk(offset, 100 - offset),
                whole[offset as usize..]
            );
        }
        assert_eq!(whole[..8], splitmix64(SEED).to_le_bytes());
        assert_eq!(whole[13], splitmix64(SEED + 1).to_le_bytes()[5]);
    }
}
