//! Tests of the file-transfer model: the bytes on the wire, the chunk plan, the generated
//! files, which connections can carry a file, and the phases of a transfer.

use md5::{Digest, Md5};
use socklab_shared::Payload;
use socklab_shared::framing::{Message, encode};
use socklab_shared::protocol::{Envelope, Event, Sequencer};

use super::*;
use crate::i18n::Lang;
use crate::model::lab_state::SocketView;
use socklab_shared::sample_file::splitmix64;

fn limits(max_send: u64, max_message: u64) -> Limits {
    Limits {
        max_sockets: 32,
        max_send_bytes: max_send,
        max_message_bytes: max_message,
        peek_bytes: 4096,
        max_bulk_bytes: 1 << 30,
        max_wait_ms: 30_000,
        loopback_only: true,
        allowed_ports: Default::default(),
        privileged_ports: false,
        idle_timeout_ms: 0,
    }
}

#[test]
fn chunks_are_at_most_a_mebibyte_and_fit_the_servers_limits() {
    assert_eq!(chunk_size(None), 1 << 20);
    // The default server: 1 MiB sends, 2 MiB WebSocket messages (a 1 MiB chunk is 1.4 MB
    // of base64, which fits).
    assert_eq!(chunk_size(Some(&limits(1 << 20, 2 << 20))), 1 << 20);
    assert_eq!(chunk_size(Some(&limits(65536, 2 << 20))), 65536);
    // 100 000-byte messages: (100 000 - 1024) / 4 * 3 bytes of data fit in one.
    assert_eq!(chunk_size(Some(&limits(1 << 20, 100_000))), 74_232);
}

#[test]
fn chunks_in_flight_stay_within_what_the_server_keeps_waiting() {
    let name = "random-100MB.bin";
    // The default server: one chunk performed, one (1.4 MB of base64) waiting in its 2 MiB.
    assert_eq!(
        chunks_in_flight(Some(&limits(1 << 20, 2 << 20)), 1 << 20, name),
        2
    );
    assert_eq!(chunks_in_flight(None, 1 << 20, name), 2);
    // Messages that hold just one chunk: one at a time.
    assert_eq!(
        chunks_in_flight(Some(&limits(1 << 20, 1_200_000)), 1 << 20, name),
        1
    );
    // Small chunks: never more frames than the server keeps (15 + the one it performs).
    assert_eq!(
        chunks_in_flight(Some(&limits(1 << 20, 2 << 20)), 1000, name),
        16
    );
    // However big the chunk, at least one goes.
    assert_eq!(
        chunks_in_flight(Some(&limits(1 << 20, 1000)), 1 << 20, name),
        1
    );
}

#[test]
fn the_chunk_plan_covers_the_file_once_in_order() {
    let plan: Vec<_> = chunks(2_500_000, 1 << 20).collect();
    assert_eq!(
        plan,
        [
            (0, 1 << 20),
            (1 << 20, 1 << 20),
            (2 << 20, 2_500_000 - (2 << 20))
        ]
    );
    assert_eq!(chunks(2 << 20, 1 << 20).count(), 2, "no empty last chunk");
    assert_eq!(chunks(0, 1 << 20).count(), 0);
    assert_eq!(
        chunks(100 << 20, 1 << 20).map(|(_, n)| n).sum::<u64>(),
        100 << 20
    );
}

#[test]
fn the_header_is_compact_json_in_the_courses_order() {
    let h = header_json("a.bin", 1024, "0cc175b9c0f1b6a831c399e269772661");
    assert_eq!(
        String::from_utf8(h.clone()).unwrap(),
        r#"{"filename":"a.bin","size":1024,"md5":"0cc175b9c0f1b6a831c399e269772661"}"#
    );
    // On the wire: struct.pack('i', len(header)) + header.
    let wire = encode(&header_framing(), &Message::new(h.clone())).unwrap();
    assert_eq!(wire.bytes[..4], (h.len() as i32).to_le_bytes());
    assert_eq!(wire.bytes.len(), 4 + h.len());
    // A name with quotes stays valid JSON.
    let odd = header_json("my \"notes\".txt", 1, "x");
    let v: serde_json::Value = serde_json::from_slice(&odd).unwrap();
    assert_eq!(v["filename"], "my \"notes\".txt");
    assert_eq!(v["size"], 1);
}

#[test]
fn a_generated_file_is_the_same_whatever_the_chunks() {
    let whole = generated_chunk(0, 10_000);
    let mut pieces = Vec::new();
    for (offset, len) in chunks(10_000, 333) {
        pieces.extend(generated_chunk(offset, len));
    }
    assert_eq!(whole, pieces, "odd chunk boundaries give the same bytes");
    // Byte i is byte i % 8 of splitmix64(seed + i / 8): the browser test recomputes it.
    assert_eq!(whole[..8], splitmix64(SEED).to_le_bytes());
    assert_eq!(whole[13], splitmix64(SEED + 1).to_le_bytes()[5]);
    // Pseudo-random enough that every byte value shows up.
    let mut seen = [false; 256];
    whole.iter().for_each(|b| seen[*b as usize] = true);
    assert!(seen.iter().all(|s| *s));
}

#[test]
fn hashing_in_chunks_gives_hashlibs_hexdigest() {
    assert_eq!(
        hex_digest(&Md5::digest(b"a")),
        "0cc175b9c0f1b6a831c399e269772661"
    );
    let mut h = Md5::new();
    for (offset, len) in chunks(3 << 20, 1 << 20) {
        h.update(generated_chunk(offset, len));
    }
    let chunked = hex_digest(&h.finalize());
    assert_eq!(
        chunked,
        hex_digest(&Md5::digest(generated_chunk(0, 3 << 20)))
    );
}

fn view(
    id: u32,
    kind: SocketKind,
    local: &str,
    peer: Option<&str>,
    listener: Option<u32>,
) -> SocketView {
    SocketView {
        id: SocketId(id),
        kind,
        local: local.into(),
        peer: peer.map(Into::into),
        listener: listener.map(SocketId),
        snapshot: None,
        last: None,
        error: None,
        error_src: None,
        recv_before: None,
        recv_latest: None,
    }
}

#[test]
fn files_go_between_two_lab_ends_of_one_connection_client_first() {
    let mut state = LabState::default();
    for v in [
        view(1, SocketKind::TcpListener, "127.0.0.1:9000", None, None),
        view(
            2,
            SocketKind::TcpStream,
            "127.0.0.1:40000",
            Some("127.0.0.1:9000"),
            None,
        ),
        view(
            3,
            SocketKind::TcpStream,
            "127.0.0.1:9000",
            Some("127.0.0.1:40000"),
            Some(1),
        ),
        // A connection from an outside program: its other end is not in the lab.
        view(
            4,
            SocketKind::TcpStream,
            "127.0.0.1:9000",
            Some("127.0.0.1:50000"),
            Some(1),
        ),
        view(5, SocketKind::Udp, "127.0.0.1:7000", None, None),
    ] {
        state.sockets.insert(v.id, v);
    }
    assert_eq!(
        stream_pairs(&state),
        [(SocketId(2), SocketId(3)), (SocketId(3), SocketId(2))]
    );
}

fn stamp(events: Vec<Event>) -> Vec<Envelope> {
    let mut seq = Sequencer::default();
    events.into_iter().map(|e| seq.stamp(0, None, e)).collect()
}

fn verdict(ok: bool, actual: &str) -> Event {
    Event::FileReceived {
        socket: SocketId(3),
        filename: "f".into(),
        size: 10,
        md5_expected: "aa".into(),
        md5_actual: actual.into(),
        ok,
        elapsed_us: 5,
    }
}

#[test]
fn a_transfer_goes_through_its_phases() {
    let mut t = Transfer::new("f".into(), 10, (SocketId(2), SocketId(3)), 7);
    assert_eq!(t.phase, Phase::Preparing);
    t.advance(Phase::Preparing, Phase::Hashing);
    t.md5 = Some("aa".into());
    t.header_sent(100, 60, 1000.0);
    assert_eq!((t.phase.key(), t.body_offset), ("sending", Some(160)));
    t.chunk_accepted(6);
    assert_eq!(t.phase, Phase::Sending);
    t.chunk_accepted(4);
    assert_eq!(t.phase, Phase::WaitingVerdict);
    let v = find_verdict(&stamp(vec![verdict(true, "aa")]), SocketId(3)).unwrap();
    t.judge(v, 3000.0);
    assert_eq!(t.phase.label(Lang::En), "verified ✓");
    assert!(t.phase.is_over());
    t.fail("late");
    assert_eq!(t.phase, Phase::Verified, "a verdict is final");
    // 10 bytes in 2 s.
    assert!((t.throughput(9999.0).unwrap() - 5e-6).abs() < 1e-12);
}

#[test]
fn a_verdict_can_come_before_the_last_answer_and_mismatches_show() {
    let mut t = Transfer::new("f".into(), 10, (SocketId(2), SocketId(3)), 0);
    t.md5 = Some("aa".into());
    t.header_sent(0, 10, 0.0);
    t.judge(
        find_verdict(&stamp(vec![verdict(false, "bb")]), SocketId(3)).unwrap(),
        5.0,
    );
    t.chunk_accepted(10);
    assert_eq!(t.phase, Phase::Mismatch);
    assert_eq!(t.phase.label(Lang::En), "MISMATCH ✗");
    assert_eq!(
        find_verdict(&stamp(vec![verdict(true, "aa")]), SocketId(9)),
        None
    );
}

#[test]
fn receiver_progress_comes_from_its_stream_offsets() {
    let received = |offset: u64, n: usize| Event::Received {
        socket: SocketId(3),
        data: Payload(vec![0; n]),
        bufsize: 65536,
        eof: false,
        spans: vec![],
        stream_offset: offset,
        summary: String::new(),
        auto: true,
    };
    let summary = |offset| Event::AutoSummary {
        socket: SocketId(3),
        recvs: 3,
        bytes: 3,
        stream_offset: offset,
        echoed: 0,
        eof: false,
        folded: 0,
    };
    let h = stamp(vec![received(0, 64), summary(5000), received(5000, 100)]);
    assert_eq!(received_upto(&h, SocketId(3)), 5100);
    assert_eq!(received_upto(&h, SocketId(2)), 0);
    // The body starts after a 4-byte length and a 60-byte header.
    assert_eq!(body_received(5100, Some(64), 1 << 20), 5036);
    assert_eq!(
        body_received(5100, Some(64), 1000),
        1000,
        "never more than the file"
    );
    assert_eq!(body_received(30, Some(64), 1000), 0, "still in the header");
    assert_eq!(body_received(5100, None, 1000), 0, "header not sent yet");
}

#[test]
fn percents_and_sizes_read_well() {
    assert_eq!(percent(1, 3), 33);
    assert_eq!(percent(5, 0), 100);
    assert_eq!(percent(7, 5), 100);
    assert_eq!(human(100 << 20), "100.0 MB");
    assert_eq!(human(1536), "1.5 KB");
    assert_eq!(human(12), "12 bytes");
}

#[test]
fn the_default_size_is_offered_and_small() {
    assert!(SIZES.iter().any(|(b, _)| *b == DEFAULT_SIZE));
    const { assert!(DEFAULT_SIZE <= 10 << 20) };
}
