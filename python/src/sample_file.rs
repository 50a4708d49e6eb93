//! The lab's generated test file ([`socklab_shared::sample_file`]) on the Python side: knowing
//! an upload is that file, and the Python function that makes it, so the program the panel
//! shows writes the same file first and its upload runs as it is, with the same md5.

use socklab_shared::sample_file::{SEED, generate};

/// Whether `data` are the bytes at `offset` of the generated file (an empty chunk is not).
/// Compared a few KiB at a time: the Python panel asks this of a 1 MiB chunk every time it
/// rewrites the program, and a file that is not generated differs in its first bytes.
pub fn is_generated(data: &[u8], offset: u64) -> bool {
    const PIECE: usize = 4096;
    let mut made = [0u8; PIECE];
    !data.is_empty()
        && data.chunks(PIECE).enumerate().all(|(i, piece)| {
            let made = &mut made[..piece.len()];
            generate(SEED, offset + (i * PIECE) as u64, made);
            made == piece
        })
}

/// The Python function that writes the generated file: the same numbers as
/// [`socklab_shared::sample_file::generate`], a megabyte of 64-bit words at a time.
pub const PYTHON_MAKER: &str = "\
def make_sample_file(path, size, seed=13):
    \"\"\"The lab's generated test file: byte i is byte i % 8 of splitmix64(seed + i // 8).\"\"\"
    mask = (1 << 64) - 1
    with open(path, 'wb') as f:
        for start in range(0, size, 1 << 20):
            n = min(1 << 20, size - start)
            words = []
            for k in range(start // 8, (start + n + 7) // 8):
                z = (seed + k + 0x9E3779B97F4A7C15) & mask
                z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
                z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
                words.append(z ^ (z >> 31))
            f.write(struct.pack('<%dQ' % len(words), *words)[:n])";

#[cfg(test)]
mod tests {
    use socklab_shared::sample_file::generated_chunk;

    use super::*;

    #[test]
    fn generated_bytes_are_recognised_and_others_not() {
        assert!(is_generated(&generated_chunk(5, 20), 5));
        assert!(!is_generated(&generated_chunk(5, 20), 6));
        assert!(!is_generated(b"hello", 0));
        assert!(!is_generated(b"", 0));
        // Longer than one compared piece, differing only in its last byte.
        let mut long = generated_chunk(3, 10_000);
        assert!(is_generated(&long, 3));
        *long.last_mut().unwrap() ^= 1;
        assert!(!is_generated(&long, 3));
    }
}
