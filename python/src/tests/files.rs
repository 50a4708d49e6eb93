//! File uploads: the header as a length-prefixed send, the chunks as ONE course-style loop
//! (never threads, never literals), and the receiver's verdict as a commented receive loop.

use socklab_shared::framing::{Framing, LengthPrefix};
use socklab_shared::protocol::{AutoBehaviour, Command, EchoMode};

use super::*;

const CHUNK: usize = 20_000;
const TOTAL: usize = 50_000;
const MD5: &str = "0123456789abcdef0123456789abcdef";

fn sent_all(n: u32, send_no: u32, len: u64, header: u32, offset: u64) -> Event {
    let mut e = sent(n, send_no, len, header, offset);
    if let Event::Sent { all, .. } = &mut e {
        *all = true;
    }
    e
}

fn verdict(ok: bool, total: usize) -> Event {
    Event::FileReceived {
        socket: id(3),
        filename: "report.pdf".into(),
        size: total as u64,
        md5_expected: if ok { MD5.into() } else { "000".into() },
        md5_actual: MD5.into(),
        ok,
        elapsed_us: 1234,
    }
}

/// conn #3 receives files by itself; client #2 uploads report.pdf twice (header, then three
/// chunks of up to 20000 bytes, each bigger than the buffers a plain sendall may fill); the
/// first upload matches, the second doesn't. Returns the history and the commands.
fn uploads() -> (Vec<Envelope>, SentCommands) {
    uploads_of(|at, len| (at..at + len).map(|i| (i % 253) as u8).collect())
}

/// [`uploads`] with the file's bytes at (offset, length) from `bytes`.
fn uploads_of(bytes: impl Fn(usize, usize) -> Vec<u8>) -> (Vec<Envelope>, SentCommands) {
    uploads_sized(TOTAL, CHUNK, false, bytes)
}

/// Two uploads of a file of `total` bytes in chunks of `chunk` (see [`uploads`]); with
/// `auto`, the receiver's automatic recvs are reported too (one per chunk, then a summary),
/// and its reply after each verdict.
fn uploads_sized(
    total: usize,
    chunk: usize,
    auto: bool,
    bytes: impl Fn(usize, usize) -> Vec<u8>,
) -> (Vec<Envelope>, SentCommands) {
    let mut h = H::default();
    connection(&mut h);
    let reports = auto;
    let auto = AutoBehaviour {
        recv: true,
        echo: EchoMode::FileReceiver,
        bufsize: 65536,
        ..AutoBehaviour::default()
    };
    h.step(
        4,
        Event::AutoSet {
            socket: id(3),
            auto,
        },
    );
    let (mut read, mut replies) = (0u64, 0u32);
    let header = format!(r#"{{"filename": "report.pdf", "size": {total}, "md5": "{MD5}"}}"#);
    let mut commands = SentCommands::new();
    let (mut req, mut send_no, mut offset) = (5u64, 1u32, 0u64);
    for ok in [true, false] {
        commands.insert(
            req,
            Command::SendAll {
                socket: id(2),
                data: Payload::from(header.as_str()),
                framing: Framing::LengthPrefixed {
                    prefix: LengthPrefix::PYTHON_NATIVE_I,
                    max_len: 1 << 16,
                },
                header: None,
                timeout_ms: None,
            },
        );
        let len = header.len() as u64 + 4;
        h.step(req, sent_all(2, send_no, len, 4, offset));
        (req, send_no, offset) = (req + 1, send_no + 1, offset + len);
        for at in (0..total).step_by(chunk) {
            let len = chunk.min(total - at);
            let data = bytes(at, len);
            commands.insert(
                req,
                Command::SendFileChunk {
                    socket: id(2),
                    data: Payload(data),
                    name: "report.pdf".into(),
                    offset: at as u64,
                    total: total as u64,
                    timeout_ms: None,
                },
            );
            h.step(req, sent_all(2, send_no, len as u64, 0, offset));
            (req, send_no, offset) = (req + 1, send_no + 1, offset + len as u64);
            if reports {
                let mut got = span(0, 100, 2, send_no - 1, len as u64, 0);
                got.offset_in_send = 0;
                let mut e = received(3, &bytes(at, 100), 65536, vec![got]);
                if let Event::Received {
                    auto,
                    stream_offset,
                    ..
                } = &mut e
                {
                    (*auto, *stream_offset) = (true, read);
                }
                h.ev(None, e);
                read += 100;
            }
        }
        if reports {
            h.ev(
                None,
                Event::AutoSummary {
                    socket: id(3),
                    recvs: 9,
                    bytes: offset - read,
                    stream_offset: offset,
                    echoed: 0,
                    eof: false,
                    folded: 0,
                },
            );
            read = offset;
        }
        h.ev(None, verdict(ok, total));
        if reports {
            replies += 1;
            h.ev(None, sent(3, replies, 90, 0, 90 * u64::from(replies - 1)));
        }
    }
    (h.envs, commands)
}

#[test]
fn the_chunks_of_an_upload_are_one_loop_over_the_file() {
    let (history, commands) = uploads();
    let text = PythonCode::with_commands(&history, &commands, &lesson_names()).text(None);
    let upload_loop = "# 'report.pdf': 50000 bytes, sent in 3 chunks of up to 20000 bytes\n\
         with open('report.pdf', 'rb') as f:\n    while True:\n        chunk = f.read(20000)\n\
         \x20       if not chunk:\n            break\n        client.sendall(chunk)\n";
    assert_eq!(
        text.matches(upload_loop).count(),
        2,
        "once per upload:\n{text}"
    );
    // The header before it is an ordinary length-prefixed send of the JSON text.
    assert!(
        text.contains("client.sendall(struct.pack('i', len(body)) + body)"),
        "{text}"
    );
    assert!(
        text.contains("body = json.dumps({'filename': 'report.pdf'"),
        "{text}"
    );
    // Big sends to an auto-receiving socket would be threads; file chunks are the loop (the
    // receiving side is the thread, see below).
    assert!(!text.contains("target=client."), "{text}");
    assert!(!text.contains("\\x"), "no chunk bytes as literals:\n{text}");
}

#[test]
fn a_generated_file_is_made_by_the_program_before_its_loop() {
    let (history, commands) = uploads();
    let plain = PythonCode::with_commands(&history, &commands, &lesson_names()).text(None);
    assert!(
        !plain.contains("make_sample_file"),
        "a chosen file is read: {plain}"
    );
    let (history, commands) =
        uploads_of(|at, len| socklab_shared::sample_file::generated_chunk(at as u64, len as u64));
    let text = PythonCode::with_commands(&history, &commands, &lesson_names()).text(None);
    assert_eq!(
        text.matches("def make_sample_file(path, size, seed=13):")
            .count(),
        1,
        "defined once:\n{text}"
    );
    let made_then_sent = "make_sample_file('report.pdf', 50000)  # the bytes the page generated\n\
                          # 'report.pdf': 50000 bytes, sent in 3 chunks";
    assert_eq!(
        text.matches(made_then_sent).count(),
        2,
        "per upload:\n{text}"
    );
}

#[test]
fn the_receiver_explains_its_loop_once_and_gives_each_verdict() {
    // Uploads small enough for the buffers: the lab's recvs are written as they were, and the
    // receiver's loop is a comment.
    let (history, commands) = uploads_sized(5_000, 2_000, false, |_, len| vec![b'x'; len]);
    let text = PythonCode::with_commands(&history, &commands, &lesson_names()).text(None);
    assert!(
        text.contains(
            "# conn: the lab's file receiver reads each upload as a course server does:\n\
             #     header_len = struct.unpack('i', conn.recv(4))[0]\n\
             #     header = json.loads(conn.recv(header_len).decode('utf-8'))\n\
             #     md5 = hashlib.md5()\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("#         data = conn.recv(min(65536, header['size'] - got))\n"),
        "{text}"
    );
    assert_eq!(text.matches("header_len = ").count(), 1, "{text}");
    assert!(text.contains(&format!(
        "# 'report.pdf': 5000 bytes, md5 {MD5} matches the header: ok = True\n"
    )));
    assert!(text.contains(&format!(
        "# 'report.pdf': 5000 bytes, md5 {MD5} but the header said '000': ok = False\n"
    )));
    assert!(!text.contains("threading"), "{text}");
}

#[test]
fn a_malformed_header_is_the_receivers_comment_not_a_refusal() {
    let (mut history, commands) = uploads();
    let mut h = H {
        envs: std::mem::take(&mut history),
        ..H::default()
    };
    h.ev(
        None,
        error(
            ErrorCode::Framing,
            "bad file header: not JSON (EOF)\nmore",
            Some(3),
            None,
        ),
    );
    let text = PythonCode::with_commands(&h.envs, &commands, &lesson_names()).text(None);
    assert!(
        text.contains("# conn: bad file header: not JSON (EOF)\n"),
        "{text}"
    );
    assert!(!text.contains("the lab refused"), "{text}");
}

#[test]
fn a_big_uploads_receiver_runs_the_course_loop_in_a_thread() {
    // 50000 bytes: more than the buffers surely hold, so the chunk loop's sendall only
    // finishes while the receiver reads.
    let (history, commands) = uploads_sized(TOTAL, CHUNK, true, |at, len| {
        (at..at + len).map(|i| (i % 253) as u8).collect()
    });
    let text = PythonCode::with_commands(&history, &commands, &lesson_names()).text(None);
    assert!(
        text.starts_with(
            "import socket\nimport struct\nimport json\nimport hashlib\nimport threading\n"
        ),
        "{text}"
    );
    // Defined once, each: the course's helper and its upload server.
    assert_eq!(
        text.matches("def recv_exactly(sock, n):").count(),
        1,
        "{text}"
    );
    assert_eq!(
        text.matches("def receive_file(sock, bufsize):").count(),
        1,
        "{text}"
    );
    assert!(
        text.contains(
            "    header_len = struct.unpack('i', recv_exactly(sock, 4))[0]\n\
             \x20   header = json.loads(recv_exactly(sock, header_len).decode('utf-8'))\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("        data = sock.recv(min(bufsize, header['size'] - got))\n"),
        "{text}"
    );
    // Per upload: started before the header, joined after the chunk loop, then the verdict.
    let start = "conn_thread = threading.Thread(target=receive_file, args=(conn, 65536), daemon=True)\n\
                 conn_thread.start()\n";
    assert_eq!(text.matches(start).count(), 2, "{text}");
    let joined = "        client.sendall(chunk)\n\nconn_thread.join()\n# 'report.pdf': 50000 bytes";
    assert_eq!(text.matches(joined).count(), 2, "{text}");
    let header_at = text.find("client.sendall(struct.pack('i'").unwrap();
    assert!(text.find(start).unwrap() < header_at, "{text}");
    // The lab's automatic recvs, summaries and replies are what the thread does.
    for gone in ["# auto-recv", "automatic recv() calls", "conn.send("] {
        assert!(!text.contains(gone), "no {gone:?} in\n{text}");
    }
    // The explaining comment is for uploads written without the thread.
    assert!(!text.contains("#     header_len"), "{text}");
}
