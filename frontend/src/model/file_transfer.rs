//! A file upload over a lab TCP connection (experiment 13), as plain Rust.
//!
//! The course's protocol: `struct.pack('i', n)` (4 bytes, little-endian, signed), then an
//! `n`-byte JSON header `{"filename", "size", "md5"}`, then `size` bytes of file. The sender
//! must know the MD5 before the first byte goes, so the file is read twice: once to hash it,
//! once to send it, a chunk at a time both times (100 MB never sits in the page at once).
//!
//! This module holds what does not need a browser: which connections can carry a file, the
//! header bytes, the chunk plan, the generated test files, the phases of a transfer and the
//! progress maths. The component drives it and does the I/O.

use socklab_shared::framing::Framing;
use socklab_shared::protocol::{Limits, SocketId, SocketKind};
use socklab_shared::upload::{self, FileHeader};

use super::lab_state::LabState;

mod transfer;
pub use socklab_shared::sample_file::{SEED, generated_chunk};
pub use transfer::{
    ChunkTimes, Phase, Transfer, Verdict, body_received, find_verdict, received_upto,
};

/// The largest chunk the page sends in one command: 1 MiB, as the course's chunked upload.
pub const MAX_CHUNK: u64 = upload::CHUNK_SIZE;

/// The receiving end's `recv(bufsize)`. Small on purpose: while a transfer is slow enough,
/// auto-recv reports each recv to the page with its bytes (up to 30 a second), and 64 KB
/// reports would ship more bytes to the page than the file itself moves, keeping the page too
/// busy to send the next chunk. With 4 KB recvs the reports stay small, and a fast transfer
/// makes enough recvs that the server sums them up instead.
pub const RECEIVER_BUFSIZE: u32 = 4096;

/// The sizes a generated file can have: `<option>` value (bytes) and label.
pub const SIZES: [(u64, &str); 4] = [
    (1 << 10, "1 KB"),
    (1 << 20, "1 MB"),
    (10 << 20, "10 MB"),
    (100 << 20, "100 MB"),
];

/// The generated size the panel starts with: one that finishes in a couple of seconds even
/// late in a session (100 MB takes tens of seconds through the page).
pub const DEFAULT_SIZE: u64 = 1 << 20;

/// The chunk size: 1 MiB, or less when the server allows less in one send, or in one
/// WebSocket message (data travels base64-encoded: 4 characters per 3 bytes, plus the JSON).
pub fn chunk_size(limits: Option<&Limits>) -> u64 {
    let Some(l) = limits else {
        return MAX_CHUNK;
    };
    let by_message = l.max_message_bytes.saturating_sub(1024) / 4 * 3;
    MAX_CHUNK.min(l.max_send_bytes).min(by_message).max(1)
}

/// Most frames the server keeps while it performs a command (docs/protocol.md, "Connecting",
/// Lifetime: "up to 16 frames, and no more than `--max-message-bytes` in all").
pub const SERVER_WAITING_FRAMES: u64 = 16;

/// How many chunk commands the page keeps in flight: the one the server is performing, plus
/// as many as it keeps waiting meanwhile without going over its limits (at most
/// `max_message_bytes` of waiting frames, fewer than [`SERVER_WAITING_FRAMES`], one frame left
/// for the page's keep-alive ping). A chunk of `chunk` bytes travels as base64 in JSON with
/// `name`. With the default server (2 MiB messages) that is 2 chunks of 1 MiB: the next chunk
/// is already in the server when the previous one's `sendall` ends, and the page prepares the
/// one after while both travel. At least 1.
pub fn chunks_in_flight(limits: Option<&Limits>, chunk: u64, name: &str) -> usize {
    let frame = chunk.div_ceil(3) * 4 + name.len() as u64 * 6 + 256;
    let max_message = limits.map_or(2 << 20, |l| l.max_message_bytes);
    let waiting = (max_message / frame.max(1)).min(SERVER_WAITING_FRAMES - 1);
    1 + waiting as usize
}

/// `(offset, length)` of each chunk of a `total`-byte file, in order. An empty file has none.
pub fn chunks(total: u64, chunk: u64) -> impl Iterator<Item = (u64, u64)> {
    let chunk = chunk.max(1);
    (0..total.div_ceil(chunk)).map(move |i| {
        let offset = i * chunk;
        (offset, chunk.min(total - offset))
    })
}

/// The JSON header, compact, in the course's key order: `{"filename":…,"size":…,"md5":…}`.
pub fn header_json(filename: &str, size: u64, md5: &str) -> Vec<u8> {
    FileHeader {
        filename: filename.to_owned(),
        size,
        md5: md5.to_owned(),
    }
    .to_json()
}

/// The header's framing: `struct.pack('i', len(header))` before it. The length field is 4
/// bytes, so the header's wire length is `4 + len`.
pub fn header_framing() -> Framing {
    upload::header_framing()
}

/// An MD5 digest as `hashlib.md5(...).hexdigest()` writes it.
pub fn hex_digest(digest: &[u8]) -> String {
    hex::encode(digest)
}

/// The connected lab TCP sockets whose peer is also a lab socket: `(sender, receiver)`.
/// Clients come first, so the default is "the client uploads to the server".
pub fn stream_pairs(state: &LabState) -> Vec<(SocketId, SocketId)> {
    let streams: Vec<_> = state
        .sockets
        .values()
        .filter(|v| v.kind == SocketKind::TcpStream)
        .collect();
    let mut pairs: Vec<_> = streams
        .iter()
        .filter_map(|s| {
            let peer = s.peer.as_deref()?;
            let r = streams
                .iter()
                .find(|r| r.local == peer && r.peer.as_deref() == Some(s.local.as_str()))?;
            Some((s.listener.is_some(), s.id, r.id))
        })
        .collect();
    pairs.sort();
    pairs.into_iter().map(|(_, s, r)| (s, r)).collect()
}

/// Whole percent of `done` out of `total` (an empty file is done at once).
pub fn percent(done: u64, total: u64) -> u64 {
    (done.min(total) * 100).checked_div(total).unwrap_or(100)
}

/// "37.5 MB": bytes in the units a lecturer says (MB = 2^20 bytes, like the size picker).
pub fn human(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MB", b as f64 / f64::from(1 << 20)),
        b if b >= 1 << 10 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{b} bytes"),
    }
}

#[cfg(test)]
mod tests;
