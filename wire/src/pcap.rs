//! A bounded capture of the packets on the cable, written out as a pcap file.
//!
//! Invariants:
//! - The newest packets are kept: at most [`MAX_CAPTURE_PACKETS`] packets and
//!   [`MAX_CAPTURE_BYTES`] bytes of packet data; the oldest go first and are counted in
//!   [`Capture::truncated`].
//! - Each packet keeps its first [`SNAPLEN`] bytes (every header and the start of the payload,
//!   as `tcpdump -s 512` would) and its original length, in the order pushed; timestamps are
//!   the caller's times since the wire started, made absolute only when written. A session's
//!   capture is bounded so that the server's worst case (every session capturing a bulk
//!   transfer) stays within memory: 8 MiB a session.
//! - The file is a classic little-endian pcap with microsecond timestamps and link type RAW
//!   (LINKTYPE_RAW, 101): each record is a bare IPv4 or IPv6 packet, which Wireshark and
//!   tshark decode by the version nibble.

use std::collections::VecDeque;
use std::time::Duration;

use pcap_file::DataLink;
use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};
use pcap_file::{Endianness, TsResolution};

use crate::Error;

/// The most packets a capture keeps.
pub const MAX_CAPTURE_PACKETS: usize = 32_768;
/// The most packet bytes a capture keeps.
pub const MAX_CAPTURE_BYTES: usize = 8 << 20;
/// The bytes kept of each packet (the file's snap length).
pub const SNAPLEN: u32 = 512;

/// The newest packets seen on the cable.
#[derive(Debug, Clone, Default)]
pub struct Capture {
    /// (time, original length, the first bytes).
    packets: VecDeque<(Duration, u32, Box<[u8]>)>,
    bytes: usize,
    truncated: u64,
}

impl Capture {
    pub fn new() -> Capture {
        Capture::default()
    }

    /// Records a packet seen `at` (since the wire started): its first [`SNAPLEN`] bytes.
    pub fn push(&mut self, at: Duration, bytes: &[u8]) {
        let orig_len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
        let bytes = &bytes[..bytes.len().min(SNAPLEN as usize)];
        while !self.packets.is_empty()
            && (self.packets.len() >= MAX_CAPTURE_PACKETS
                || self.bytes + bytes.len() > MAX_CAPTURE_BYTES)
        {
            if let Some((_, _, old)) = self.packets.pop_front() {
                self.bytes -= old.len();
                self.truncated += 1;
            }
        }
        self.bytes += bytes.len();
        self.packets.push_back((at, orig_len, bytes.into()));
    }

    /// Packets kept.
    pub fn len(&self) -> usize {
        self.packets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.packets.is_empty()
    }

    /// Bytes of packet data kept.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Packets dropped from the front to keep within the bounds.
    pub fn truncated(&self) -> u64 {
        self.truncated
    }

    /// Forgets every packet and the truncation count.
    pub fn clear(&mut self) {
        *self = Capture::default();
    }

    /// The capture as a pcap file; each timestamp is `start_unix` (the wire's start, since the
    /// Unix epoch) plus the packet's time.
    pub fn to_pcap(&self, start_unix: Duration) -> Result<Vec<u8>, Error> {
        let header = PcapHeader {
            snaplen: SNAPLEN,
            datalink: DataLink::RAW,
            ts_resolution: TsResolution::MicroSecond,
            endianness: Endianness::Little,
            ..PcapHeader::default()
        };
        let size = 24 + self.bytes + 16 * self.packets.len();
        let pcap_err = |e: pcap_file::PcapError| Error::Pcap(e.to_string());
        let mut writer =
            PcapWriter::with_header(Vec::with_capacity(size), header).map_err(pcap_err)?;
        for (at, orig_len, data) in &self.packets {
            let packet = PcapPacket::new(start_unix + *at, *orig_len, data);
            writer.write_packet(&packet).map_err(pcap_err)?;
        }
        Ok(writer.into_writer())
    }
}

#[cfg(test)]
mod tests {
    use pcap_file::pcap::PcapReader;

    use super::*;

    #[test]
    fn writes_raw_ip_packets_tshark_can_read() {
        let mut c = Capture::new();
        let packets: [&[u8]; 3] = [
            crate::fixtures::SYN,
            crate::fixtures::SYN_ACK,
            crate::fixtures::DATA,
        ];
        for (i, p) in packets.iter().enumerate() {
            c.push(Duration::from_micros(1_500 * i as u64 + 7), p);
        }
        assert_eq!(c.len(), 3);
        let start = Duration::new(1_764_578_000, 250_000_000);
        let file = c.to_pcap(start).unwrap();

        let mut reader = PcapReader::new(&file[..]).unwrap();
        let header = reader.header();
        assert_eq!(header.datalink, DataLink::RAW);
        assert_eq!(header.ts_resolution, TsResolution::MicroSecond);
        let mut n = 0;
        while let Some(packet) = reader.next_packet() {
            let packet = packet.unwrap();
            assert_eq!(&packet.data[..], packets[n]);
            assert_eq!(packet.orig_len as usize, packets[n].len());
            assert_eq!(
                packet.timestamp,
                start + Duration::from_micros(1_500 * n as u64 + 7)
            );
            n += 1;
        }
        assert_eq!(n, 3);
        // The link type's number, as a reader that doesn't know pcap-file sees it.
        assert_eq!(u32::from_le_bytes(file[20..24].try_into().unwrap()), 101);
    }

    #[test]
    fn keeps_the_newest_within_bounds() {
        let mut c = Capture::new();
        for i in 0..MAX_CAPTURE_PACKETS + 5 {
            c.push(Duration::from_millis(i as u64), &[0x45]);
        }
        assert_eq!(c.len(), MAX_CAPTURE_PACKETS);
        assert_eq!(c.truncated(), 5);

        let mut c = Capture::new();
        let big = vec![0u8; 60_000];
        let fit = (MAX_CAPTURE_BYTES / SNAPLEN as usize).min(MAX_CAPTURE_PACKETS);
        for _ in 0..fit + 3 {
            c.push(Duration::ZERO, &big);
        }
        assert_eq!(c.len(), fit);
        assert_eq!(c.truncated(), 3);
        assert!(c.bytes() <= MAX_CAPTURE_BYTES);
        c.clear();
        assert!(c.is_empty());
    }

    #[test]
    fn a_long_packet_keeps_its_start_and_its_real_length() {
        let mut c = Capture::new();
        c.push(Duration::ZERO, &vec![0x45; 4000]);
        let file = c.to_pcap(Duration::ZERO).unwrap();
        // The record header after the 24-byte file header: ts_sec, ts_usec, incl_len,
        // orig_len (pcap-file's reader refuses orig_len > snaplen, which Wireshark reads as
        // "packet size limited during capture").
        let field = |at: usize| u32::from_le_bytes(file[at..at + 4].try_into().unwrap());
        assert_eq!(field(16), SNAPLEN, "the file's snap length");
        assert_eq!(field(24 + 8), SNAPLEN, "bytes kept");
        assert_eq!(field(24 + 12), 4000, "the packet's real length");
        assert_eq!(file.len(), 24 + 16 + SNAPLEN as usize);
    }
}
