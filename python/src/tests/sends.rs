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
    assert!(
        text.contains(
            "body = b'hello'\nclient.send(struct.pack('<i', len(body)) + body)\n\n\
             data = conn.recv(4)\nprint(data)\ndata = conn.recv(5)\nprint(data)\n"
        ),
        "{text}"
    );
    let text = python_program(&length_prefixed([0, 0, 0, 5]), &lesson_names());
    assert!(text.contains("struct.pack('!I', len(body))"), "{text}");
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
