//! The page's record of the commands it sent ([`SentCommands`]), as the Python panel and the
//! decoder need it: events say how many bytes went, the record says which.
//!
//! Invariant: the record keeps every command whole except a file's later chunks, whose bytes
//! are dropped (a 100 MB upload would otherwise stay in the page). The Python panel writes one
//! chunk loop from the first chunk (its length is the chunk size, so it is kept whole) and the
//! later ones' offsets, which are kept.

use socklab_shared::Payload;
use socklab_shared::protocol::{Command, SentCommands};

/// Records `command`, sent with request number `req`, as [`kept`] keeps it.
pub fn record(sent: &mut SentCommands, req: u64, command: &Command) {
    sent.insert(req, kept(command));
}

/// What the record keeps of `command`: the command, but a file chunk after the first without
/// its bytes.
pub fn kept(command: &Command) -> Command {
    match command {
        Command::SendFileChunk {
            socket,
            name,
            offset,
            total,
            timeout_ms,
            ..
        } if *offset > 0 => Command::SendFileChunk {
            socket: *socket,
            data: Payload::default(),
            name: name.clone(),
            offset: *offset,
            total: *total,
            timeout_ms: *timeout_ms,
        },
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use socklab_shared::protocol::SocketId;

    fn chunk(offset: u64, data: &[u8]) -> Command {
        Command::SendFileChunk {
            socket: SocketId(2),
            data: Payload(data.to_vec()),
            name: "big.bin".into(),
            offset,
            total: 8,
            timeout_ms: Some(500),
        }
    }

    #[test]
    fn the_first_chunk_is_kept_whole_the_later_ones_without_their_bytes() {
        let mut sent = SentCommands::new();
        record(&mut sent, 1, &chunk(0, b"abcd"));
        record(&mut sent, 2, &chunk(4, b"efgh"));
        assert_eq!(sent[&1], chunk(0, b"abcd"), "its length is the chunk size");
        assert_eq!(
            sent[&2],
            chunk(4, b""),
            "name, offset, total and timeout stay"
        );
    }

    #[test]
    fn other_commands_are_kept_as_sent() {
        let send = Command::SendAll {
            socket: SocketId(1),
            data: Payload::from("hello"),
            framing: socklab_shared::framing::Framing::Raw,
            header: None,
            timeout_ms: None,
        };
        let mut sent = SentCommands::new();
        record(&mut sent, 7, &send);
        record(&mut sent, 8, &Command::Snapshot);
        assert_eq!(sent[&7], send);
        assert_eq!(sent[&8], Command::Snapshot);
    }
}
