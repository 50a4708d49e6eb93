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

fn verdict(ok: bool) -> Event {
    Event::FileReceived {
        socket: id(3),
        filename: "report.pdf".into(),
        size: TOTAL as u64,
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
    let mut h = H::default();
    connection(&mut h);
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
    let header = format!(r#"{{"filename": "report.pdf", "size": {TOTAL}, "md5": "{MD5}"}}"#);
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
        for at in (0..TOTAL).step_by(CHUNK) {
            let len = CHUNK.min(TOTAL - at);
            let data = bytes(at, len);
            commands.insert(
                req,
                Command::SendFileChunk {
                    socket: id(2),
                    data: Payload(data),
                    name: "report.pdf".into(),
                    offset: at as u64,
                    total: TOTAL as u64,
                    timeout_ms: None,
                },
            );
            h.step(req, sent_all(2, send_no, len as u64, 0, offset));
            (req, send_no, offset) = (req + 1, send_no + 1, offset + len as u64);
        }
        h.ev(None, verdict(ok));
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
        text.contains("client.sendall(struct.pack('<i', len(body)) + body)"),
        "{text}"
    );
    assert!(
        text.contains("body = json.dumps({'filename': 'report.pdf'"),
        "{text}"
    );
    // Big sends to an auto-receiving socket would be threads; file chunks are the loop.
    assert!(!text.contains("threading"), "{text}");
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
    let (history, commands) = uploads();
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
        "# 'report.pdf': 50000 bytes, md5 {MD5} matches the header: ok = True\n"
    )));
    assert!(text.contains(&format!(
        "# 'report.pdf': 50000 bytes, md5 {MD5} but the header said '000': ok = False\n"
    )));
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
