//! socklab's wire engine: everything the server does to a packet crossing the lab's cable
//! between host A and host B, as pure functions of the packet bytes and the time.
//!
//! In the spirit of quinn-proto, this crate does no I/O, spawns nothing and reads no clock:
//! every time is a [`std::time::Duration`] since the wire started, passed in by the caller
//! (the backend's TUN pump). The same inputs therefore always give the same outputs, and the
//! link's randomness comes from one seeded ChaCha generator so that a seed replays a lesson.
//!
//! # Layout
//! - [`parse`](mod@parse): IPv4/IPv6 packet bytes to a [`Parsed`] (IP header, TCP/UDP/ICMP fields), with
//!   etherparse doing the parsing.
//! - [`tcp_track`]: a bounded table of TCP connections turning raw sequence numbers into
//!   Wireshark's relative ones, scaling windows and flagging retransmissions.
//! - [`link`]: one direction of the cable: loss, duplication, delay, jitter, reordering, rate
//!   limit, hold/step and "drop the next packet", with bounded queues.
//! - [`pcap`]: a bounded capture of the newest packets, written out as a LINKTYPE_RAW pcap.
//!
//! Invariants across modules: nothing here allocates without bound (each table, queue and
//! capture has a documented cap), and nothing panics on untrusted packet bytes: malformed
//! input is an [`Error`].

pub mod link;
pub mod parse;
pub mod pcap;
pub mod tcp_track;

pub use link::{Link, MAX_QUEUED_BYTES, MAX_QUEUED_PACKETS, REORDER_WAIT};
pub use parse::{L4, Parsed, RawTcp, RawTcpOptions, icmp_label, parse};
pub use pcap::{Capture, MAX_CAPTURE_BYTES, MAX_CAPTURE_PACKETS};
pub use tcp_track::{MAX_CONNECTIONS, Tracked, Tracker};

/// Everything that can go wrong in this crate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The bytes are not a well-formed IPv4 or IPv6 packet (or its TCP/UDP/ICMP header is cut
    /// short or inconsistent); the message is etherparse's.
    #[error("malformed packet: {0}")]
    Malformed(String),
    /// Writing the pcap failed (e.g. a timestamp past what a pcap can hold).
    #[error("cannot write the pcap: {0}")]
    Pcap(String),
}

#[cfg(test)]
mod fixtures;
