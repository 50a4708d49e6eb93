//! A send's bytes as Python: a length prefix with `struct.pack`, a JSON header rebuilt with
//! `json.dumps`, JSON text, and the exact format when the commands are known.

use socklab_shared::framing::{self, Endian, Framing, LengthPrefix, Message};
use socklab_shared::protocol::Command;

use super::*;

fn length_prefixed(header: [u8; 4]) -> Vec<Envelope> {
    let mut h = H::default();
    connection(&mut h);
    let mut bytes = header.to_vec();
    bytes.extend_from_slice(b"hello");
    h.step(4, sent(2, 1, 9, 4, 0));
    h.step(5, received(3, &bytes[..4], 4, vec![span(0, 4, 2, 1, 9, 4)]));
    let mut body = span(0, 5, 2, 1, 9, 0);
    body.offset_in_send = 4;
    h.step(6, received(3, &bytes[4..], 5, vec![body]));
    h.envs
}

#[test]
fn a_length_prefix_is_written_with_struct_pack() {
    let text = python_program(&length_prefixed([5, 0, 0, 0]), &lesson_names());
    assert!(
        text.starts_with("import socket\nimport struct\n\n"),
        "{text}"
    );
    // The course's 'i' (with what it means, once), and the receiver reads the prefix, unpacks
    // the length and reads exactly that many bytes.
    assert!(
        text.contains(
            "# 'i': a C int, 4 bytes, little-endian on these machines (the same bytes as '<i')\n\
             body = b'hello'\nclient.send(struct.pack('i', len(body)) + body)\n\n\
             def recv_exactly(sock, n):\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "header = recv_exactly(conn, 4)  # the length prefix\nprint(header)\n\n\
             n = struct.unpack('i', header)[0]  # 5\ndata = recv_exactly(conn, n)\nprint(data)\n"
        ),
        "{text}"
    );
    let text = python_program(&length_prefixed([0, 0, 0, 5]), &lesson_names());
    assert!(text.contains("struct.pack('!I', len(body))"), "{text}");
    assert!(
        text.contains("n = struct.unpack('!I', header)[0]  # 5\n"),
        "{text}"
    );
    assert!(!text.contains("'i'"), "{text}");
}

#[test]
fn commands_give_the_exact_format_and_listen_options() {
    let h = length_prefixed([5, 0, 0, 0]);
    let commands = SentCommands::from([
        (
            1,
            Command::TcpListen {
                host: "127.0.0.1".into(),
                port: 9000,
                backlog: 2,
                reuse_addr: true,
                on: None,
            },
        ),
        (
            4,
            Command::Send {
                socket: id(2),
                data: Payload::from("hello"),
                framing: Framing::LengthPrefixed {
                    prefix: LengthPrefix {
                        width: 4,
                        endian: Endian::Little,
                        signed: false,
                    },
                    max_len: 100,
                },
                header: None,
            },
        ),
    ]);
    let text = PythonCode::with_commands(&h, &commands, &lesson_names()).text(None);
    assert!(
        text.contains(
            "server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n\
             server.bind(('127.0.0.1', 0))\nserver.listen(2)\n"
        ),
        "{text}"
    );
    assert!(text.contains("struct.pack('<I', len(body))"), "{text}");
}

#[test]
fn a_json_header_is_rebuilt_with_json_dumps() {
    let framing = Framing::JsonHeader {
        prefix: LengthPrefix::NETWORK_U32,
        max_header_len: 1000,
        max_body_len: 1000,
    };
    let msg = Message {
        header: Some(serde_json::json!({"name": "a.txt"})),
        body: b"hi".to_vec(),
    };
    let enc = framing::encode(&framing, &msg).unwrap();
    let len = enc.bytes.len() as u64;
    let mut h = H::default();
    connection(&mut h);
    h.step(4, sent(2, 1, len, enc.header_len as u32, 0));
    h.step(
        5,
        received(
            3,
            &enc.bytes,
            1024,
            vec![span(0, len, 2, 1, len, enc.header_len as u64)],
        ),
    );
    let text = python_program(&h.envs, &lesson_names());
    assert!(text.starts_with("import socket\nimport struct\nimport json\n"));
    assert!(
        text.contains(
            "body = b'hi'\n\
             header = json.dumps({'name': 'a.txt', 'size': len(body)}, separators=(',', ':')).encode()\n\
             client.send(struct.pack('!I', len(header)) + header + body)\n"
        ),
        "{text}"
    );
}

#[test]
fn json_text_is_written_with_json_dumps() {
    let mut h = H::default();
    connection(&mut h);
    let msg = br#"{"user": "alice", "password": "wonderland"}"#;
    let len = msg.len() as u64;
    h.step(4, sent(2, 1, len, 0, 0));
    h.step(5, received(3, msg, 1024, vec![span(0, len, 2, 1, len, 0)]));
    let text = python_program(&h.envs, &lesson_names());
    assert!(text.starts_with("import socket\nimport json\n"), "{text}");
    assert!(
        text.contains(
            "client.send(json.dumps({'user': 'alice', 'password': 'wonderland'}).encode())"
        ),
        "{text}"
    );
}

#[test]
fn a_prefix_read_with_more_than_its_body_stays_as_the_lab_read_it() {
    // recv(4) took the prefix, but the next recv took the body and more (or only part of
    // it): reading exactly n would not print what the lab's recv returned.
    let mut h = H::default();
    connection(&mut h);
    h.step(4, sent(2, 1, 9, 4, 0));
    h.step(5, sent(2, 2, 9, 4, 9));
    let bytes = b"\x05\x00\x00\x00hello\x05\x00\x00\x00world";
    h.step(6, received(3, &bytes[..4], 4, vec![span(0, 4, 2, 1, 9, 4)]));
    let mut body = span(0, 5, 2, 1, 9, 0);
    body.offset_in_send = 4;
    h.step(
        7,
        received(3, &bytes[4..], 1024, vec![body, span(5, 9, 2, 2, 9, 4)]),
    );
    let text = python_program(&h.envs, &lesson_names());
    assert!(
        text.contains("data = conn.recv(4)\nprint(data)\ndata = conn.recv(1024)\n"),
        "{text}"
    );
    assert!(!text.contains("recv_exactly"), "{text}");
}

#[test]
fn a_json_headers_parts_are_read_as_the_course_reads_them() {
    // recv(4), recv(json length), recv(size): the prefix, the JSON header, then exactly
    // header['size'] bytes, each with recv_exactly.
    let framing = Framing::JsonHeader {
        prefix: LengthPrefix::PYTHON_NATIVE_I,
        max_header_len: 1000,
        max_body_len: 1000,
    };
    let msg = Message {
        header: Some(serde_json::json!({"filename": "a.txt"})),
        body: b"hi there".to_vec(),
    };
    let enc = framing::encode(&framing, &msg).unwrap();
    let (len, hl) = (enc.bytes.len() as u64, enc.header_len as u64);
    let mut h = H::default();
    connection(&mut h);
    h.step(4, sent(2, 1, len, hl as u32, 0));
    let part = |from: u64, to: u64| {
        let mut s = span(
            0,
            to - from,
            2,
            1,
            len,
            if to <= hl { to - from } else { 0 },
        );
        s.offset_in_send = from;
        s
    };
    let b = &enc.bytes;
    h.step(5, received(3, &b[..4], 4, vec![part(0, 4)]));
    h.step(6, received(3, &b[4..hl as usize], 1024, vec![part(4, hl)]));
    h.step(7, received(3, &b[hl as usize..], 1024, vec![part(hl, len)]));
    let text = python_program(&h.envs, &lesson_names());
    assert!(
        text.contains(&format!(
            "header = recv_exactly(conn, 4)  # the length prefix\nprint(header)\n\n\
             n = struct.unpack('i', header)[0]  # {}\ndata = recv_exactly(conn, n)\nprint(data)\n\
             header = json.loads(data.decode('utf-8'))\n\n\
             data = recv_exactly(conn, header['size'])  # 8\nprint(data)\n",
            hl - 4
        )),
        "{text}"
    );
}
