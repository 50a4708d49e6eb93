use super::literal::{py_data, seconds};
use super::*;
use crate::Payload;
use crate::framing::{self, Endian, Framing, LengthPrefix, Message};
use crate::protocol::{BufferSnapshot, Errno, SendSpan, Sequencer};

/// A history written by hand: each event with the request number of its command.
#[derive(Default)]
struct H {
    seq: Sequencer,
    envs: Vec<Envelope>,
}

impl H {
    fn ev(&mut self, req: Option<u64>, event: Event) -> &mut Self {
        let env = self.seq.stamp(0, req, event);
        self.envs.push(env);
        self
    }

    /// A command's result followed by the snapshot that ends every socket command.
    fn step(&mut self, req: u64, event: Event) -> &mut Self {
        self.ev(Some(req), event).ev(Some(req), buffers(vec![]))
    }
}

fn id(n: u32) -> SocketId {
    SocketId(n)
}

fn buffers(sockets: Vec<BufferSnapshot>) -> Event {
    Event::Buffers { sockets }
}

fn listener(n: u32, port: u16) -> Event {
    Event::SocketOpened {
        socket: id(n),
        kind: SocketKind::TcpListener,
        local: format!("127.0.0.1:{port}"),
        peer: None,
        listener: None,
    }
}

fn connected(n: u32, port: u16, peer: u16) -> Event {
    Event::SocketOpened {
        socket: id(n),
        kind: SocketKind::TcpStream,
        local: format!("127.0.0.1:{port}"),
        peer: Some(format!("127.0.0.1:{peer}")),
        listener: None,
    }
}

fn accepted(n: u32, l: u32, port: u16, peer: u16) -> Event {
    Event::SocketOpened {
        socket: id(n),
        kind: SocketKind::TcpStream,
        local: format!("127.0.0.1:{port}"),
        peer: Some(format!("127.0.0.1:{peer}")),
        listener: Some(id(l)),
    }
}

fn udp(n: u32, port: u16) -> Event {
    Event::SocketOpened {
        socket: id(n),
        kind: SocketKind::Udp,
        local: format!("127.0.0.1:{port}"),
        peer: None,
        listener: None,
    }
}

fn sent(n: u32, send_no: u32, len: u64, header: u32, offset: u64) -> Event {
    Event::Sent {
        socket: id(n),
        send_no,
        requested: len,
        accepted: len,
        header_len: header,
        trailer_len: 0,
        stream_offset: offset,
        all: false,
    }
}

/// A span of `len` bytes at `start` of some data, from send `send_no` of socket `from`.
fn span(start: u64, len: u64, from: u32, send_no: u32, send_len: u64, header: u64) -> SendSpan {
    SendSpan {
        start,
        len,
        from: Some(id(from)),
        send_no: Some(send_no),
        offset_in_send: 0,
        send_len,
        header_bytes: header,
        trailer_bytes: 0,
    }
}

fn received(n: u32, data: &[u8], bufsize: u32, spans: Vec<SendSpan>) -> Event {
    Event::Received {
        socket: id(n),
        data: Payload::from(data),
        bufsize,
        eof: data.is_empty(),
        spans,
        stream_offset: 0,
        summary: String::new(),
        auto: false,
    }
}

fn stream_snapshot(n: u32, peek: &[u8], spans: Vec<SendSpan>) -> BufferSnapshot {
    BufferSnapshot {
        socket: id(n),
        kind: SocketKind::TcpStream,
        tcp_state: None,
        recv_queued: peek.len() as u64,
        recv_peek: Payload::from(peek),
        recv_spans: spans,
        recv_offset: 0,
        send_queued: 0,
        next_datagram: None,
        accept_queue: None,
    }
}

fn error(code: ErrorCode, message: &str, socket: Option<u32>, errno: Option<(&str, i32)>) -> Event {
    Event::Error {
        code,
        message: message.to_owned(),
        hint: None,
        socket: socket.map(id),
        errno: errno.map(|(name, number)| Errno {
            name: name.to_owned(),
            number,
        }),
    }
}

fn lesson_names() -> SocketNames {
    HashMap::from([
        (id(1), "server".to_owned()),
        (id(2), "client".to_owned()),
        (id(3), "conn".to_owned()),
    ])
}

/// server #1 on 40001, client #2 (local port 50000) connected, conn #3 accepted.
fn connection(h: &mut H) {
    h.ev(
        None,
        Event::Hello {
            protocol_version: 1,
            server_version: "test".into(),
            limits: crate::protocol::Limits {
                max_sockets: 64,
                max_send_bytes: 1 << 20,
                max_message_bytes: 1 << 20,
                peek_bytes: 4096,
                max_bulk_bytes: 1 << 30,
                max_wait_ms: 10_000,
                loopback_only: true,
            },
        },
    );
    h.step(1, listener(1, 40001))
        .step(2, connected(2, 50000, 40001))
        .step(3, accepted(3, 1, 40001, 50000));
}

/// Experiment 9: two sends, one recv that returns both.
fn sticky() -> Vec<Envelope> {
    let mut h = H::default();
    connection(&mut h);
    h.step(
        4,
        Event::OptionSet {
            socket: id(2),
            option: SockOption::Nodelay(true),
            effective: SockOption::Nodelay(true),
        },
    );
    h.ev(Some(5), sent(2, 1, 5, 0, 0)).ev(
        Some(5),
        buffers(vec![stream_snapshot(
            3,
            b"hello",
            vec![span(0, 5, 2, 1, 5, 0)],
        )]),
    );
    h.ev(Some(6), sent(2, 2, 5, 0, 5)).ev(
        Some(6),
        buffers(vec![stream_snapshot(
            3,
            b"helloworld",
            vec![span(0, 5, 2, 1, 5, 0), span(5, 5, 2, 2, 5, 0)],
        )]),
    );
    h.step(
        7,
        received(
            3,
            b"helloworld",
            12,
            vec![span(0, 5, 2, 1, 5, 0), span(5, 5, 2, 2, 5, 0)],
        ),
    );
    h.envs
}

#[test]
fn the_sticky_packet_sequence_as_one_program() {
    assert_eq!(
        python_program(&sticky(), &lesson_names()),
        "\
import socket

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind(('127.0.0.1', 0))
server.listen(5)

client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client.connect(('127.0.0.1', server.getsockname()[1]))

conn, addr = server.accept()

client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
client.send(b'hello')
client.send(b'world')

data = conn.recv(12)
print(data)
"
    );
}

#[test]
fn without_names_sockets_are_s1_s2() {
    let text = python_program(&sticky(), &SocketNames::new());
    assert!(text.contains("s1 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)"));
    assert!(text.contains("s2.connect(('127.0.0.1', s1.getsockname()[1]))"));
    assert!(text.contains("s3, addr = s1.accept()"));
    assert!(text.contains("data = s3.recv(12)"));
}

#[test]
fn bytes_are_found_in_the_peek_when_no_recv_read_them_yet() {
    let all = sticky();
    // Up to the second send's snapshot: no recv yet.
    let h = &all[..13];
    let lines = python_for_event(h, 12, &lesson_names());
    assert_eq!(lines, ["client.send(b'world')"]);
    let code = PythonCode::new(h, &lesson_names());
    let upto = code.text(Some(13));
    assert!(
        upto.ends_with("client.send(b'hello')\nclient.send(b'world')\n"),
        "{upto}"
    );
    assert!(!upto.contains("recv"));
}

#[test]
fn steps_group_the_events_of_one_command() {
    let h = sticky();
    let code = PythonCode::new(&h, &lesson_names());
    // Event 1 is socket_opened of the listener, 2 its snapshot: one step.
    assert_eq!(code.step_of(2), 1..3);
    assert_eq!(code.step_of(0), 0..1);
    assert_eq!(
        code.step_lines(2),
        [
            "server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
            "server.bind(('127.0.0.1', 0))",
            "server.listen(5)"
        ]
    );
    let lines = code.lines(None);
    let recv = lines.iter().find(|l| l.text.contains("recv")).unwrap();
    assert_eq!(recv.socket, Some(id(3)));
    assert_eq!(recv.event, Some(h.len() - 2));
    assert_eq!(lines[0].event, None);
}

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
    let commands = Commands::from([
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
fn udp_sendto_and_recvfrom_answer_to_addr() {
    let mut h = H::default();
    h.step(1, udp(1, 40001)).step(2, udp(2, 40002));
    h.step(
        3,
        Event::SentTo {
            socket: id(2),
            send_no: 1,
            to: "127.0.0.1:40001".into(),
            bytes: 2,
        },
    );
    h.step(
        4,
        Event::ReceivedFrom {
            socket: id(1),
            from: "127.0.0.1:40002".into(),
            data: Payload::from("hi"),
            bufsize: 1024,
            truncated: false,
            real_len: 2,
            from_socket: Some(id(2)),
            send_no: Some(1),
        },
    );
    h.step(
        5,
        Event::SentTo {
            socket: id(1),
            send_no: 1,
            to: "127.0.0.1:40002".into(),
            bytes: 0,
        },
    );
    let names = HashMap::from([(id(1), "server".to_owned()), (id(2), "client".to_owned())]);
    assert_eq!(
        python_program(&h.envs, &names),
        "\
import socket

server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
server.bind(('127.0.0.1', 0))

client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
client.bind(('127.0.0.1', 0))
client.sendto(b'hi', ('127.0.0.1', server.getsockname()[1]))

msg, addr = server.recvfrom(1024)
print(msg)
server.sendto(b'', addr)
"
    );
}

#[test]
fn a_refused_connect_is_caught_and_the_closed_port_kept_in_a_variable() {
    let mut h = H::default();
    h.step(1, listener(1, 40001));
    h.step(2, Event::Closed { socket: id(1) });
    h.step(
        3,
        error(
            ErrorCode::Os,
            "connect(('127.0.0.1', 40001)) failed: [Errno 111] ECONNREFUSED (Connection refused)",
            None,
            Some(("ECONNREFUSED", 111)),
        ),
    );
    let names = HashMap::from([(id(1), "gone".to_owned())]);
    assert_eq!(
        python_program(&h.envs, &names),
        "\
import socket

gone = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
gone.bind(('127.0.0.1', 0))
gone.listen(5)
gone_port = gone.getsockname()[1]

gone.close()

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
# raises ConnectionRefusedError: [Errno 111] ECONNREFUSED
try:
    sock.connect(('127.0.0.1', gone_port))
except ConnectionRefusedError as e:
    print(type(e).__name__, e)
sock.close()
"
    );
}

#[test]
fn calls_that_would_block_or_time_out_cannot_hang_the_program() {
    let mut h = H::default();
    connection(&mut h);
    h.step(
        4,
        error(
            ErrorCode::WouldBlock,
            "recv(1024) failed: [Errno 11] EAGAIN (Resource temporarily unavailable)",
            Some(3),
            Some(("EAGAIN", 11)),
        ),
    );
    h.step(
        5,
        error(
            ErrorCode::TimedOut,
            "recv(1024) timed out after 500 ms (Python raises socket.timeout / TimeoutError)",
            Some(2),
            None,
        ),
    );
    h.step(
        6,
        Event::OptionSet {
            socket: id(3),
            option: SockOption::Blocking(false),
            effective: SockOption::Blocking(false),
        },
    );
    h.step(
        7,
        error(
            ErrorCode::WouldBlock,
            "recv(10) failed: [Errno 11] EAGAIN (Resource temporarily unavailable)",
            Some(3),
            Some(("EAGAIN", 11)),
        ),
    );
    h.step(
        8,
        error(
            ErrorCode::UnknownSocket,
            "there is no socket #9 in this session",
            Some(9),
            None,
        ),
    );
    let text = python_program(&h.envs, &lesson_names());
    let tail = text.split("server.accept()\n").nth(1).unwrap();
    assert_eq!(
        tail,
        "
# raises BlockingIOError: [Errno 11] EAGAIN
conn.setblocking(False)
try:
    data = conn.recv(1024)
    print(data)
except BlockingIOError as e:
    print(type(e).__name__, e)
conn.setblocking(True)

# raises socket.timeout (TimeoutError): timed out
client.settimeout(0.5)
try:
    data = client.recv(1024)
    print(data)
except socket.timeout as e:
    print(type(e).__name__, e)
client.setblocking(True)

conn.setblocking(False)

# raises BlockingIOError: [Errno 11] EAGAIN
try:
    data = conn.recv(10)
    print(data)
except BlockingIOError as e:
    print(type(e).__name__, e)

# the lab refused: there is no socket #9 in this session
"
    );
}

#[test]
fn a_reply_reported_after_the_recv_that_read_it_is_sent_first() {
    let mut h = H::default();
    connection(&mut h);
    h.step(4, sent(2, 1, 2, 0, 0));
    // The client's recv comes back before the auto-echo's events reach the history.
    h.step(5, received(2, b"HI", 1024, vec![span(0, 2, 3, 1, 2, 0)]));
    let mut auto = received(3, b"hi", 1024, vec![span(0, 2, 2, 1, 2, 0)]);
    if let Event::Received { auto: a, .. } = &mut auto {
        *a = true;
    }
    h.ev(None, auto).ev(None, sent(3, 1, 2, 0, 0));
    let text = python_program(&h.envs, &lesson_names());
    let tail = text.split("server.accept()\n").nth(1).unwrap();
    assert_eq!(
        tail,
        "
client.send(b'hi')

data = conn.recv(1024)  # auto-recv
print(data)
conn.send(b'HI')

data = client.recv(1024)
print(data)
"
    );
}

#[test]
fn bytes_no_one_saw_are_question_marks() {
    let mut h = H::default();
    connection(&mut h);
    h.step(4, sent(2, 1, 3, 0, 0));
    let text = python_program(&h.envs, &lesson_names());
    assert!(
        text.contains(
            "# (3 of these 3 bytes never reached a lab receiver: written as ?)\nclient.send(b'???')"
        ),
        "{text}"
    );
}

#[test]
fn a_partial_send_is_made_non_blocking() {
    let mut h = H::default();
    connection(&mut h);
    let mut e = sent(2, 1, 100, 0, 0);
    if let Event::Sent { accepted, .. } = &mut e {
        *accepted = 40;
    }
    h.step(4, e);
    let text = python_program(&h.envs, &lesson_names());
    assert!(
        text.contains(
            "client.setblocking(False)\nn = client.send(b'?' * 100)\n\
             print(n)  # the lab's send() took 40 of 100 bytes\nclient.setblocking(True)\n"
        ),
        "{text}"
    );
}

#[test]
fn options_shutdown_names_and_close() {
    let mut h = H::default();
    connection(&mut h);
    h.step(
        4,
        Event::OptionSet {
            socket: id(3),
            option: SockOption::Rcvbuf(4096),
            effective: SockOption::Rcvbuf(8192),
        },
    );
    h.step(
        5,
        Event::OptionSet {
            socket: id(3),
            option: SockOption::TimeoutMs(Some(1500)),
            effective: SockOption::TimeoutMs(Some(1500)),
        },
    );
    h.step(
        6,
        Event::ShutDown {
            socket: id(2),
            how: ShutdownHow::Write,
        },
    );
    h.step(
        7,
        Event::Names {
            socket: id(3),
            local: "127.0.0.1:40001".into(),
            peer: Some("127.0.0.1:50000".into()),
        },
    );
    h.step(8, received(3, b"", 1024, vec![]));
    h.step(9, Event::Closed { socket: id(3) });
    let text = python_program(&h.envs, &lesson_names());
    let tail = text.split("server.accept()\n").nth(1).unwrap();
    assert_eq!(
        tail,
        "conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
print(conn.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))  # the lab's kernel said 8192
conn.settimeout(1.5)

client.shutdown(socket.SHUT_WR)

print(conn.getsockname())
print(conn.getpeername())
data = conn.recv(1024)
print(data)  # b'': the peer closed its side
conn.close()
"
    );
}

#[test]
fn python_bytes_literals_match_repr() {
    assert_eq!(py_bytes(b"hello"), "b'hello'");
    assert_eq!(py_bytes(b"\x05\x00\x00\x00"), "b'\\x05\\x00\\x00\\x00'");
    assert_eq!(py_bytes(b"it's"), "b\"it's\"");
    assert_eq!(py_bytes(b"'\""), "b'\\'\"'");
    assert_eq!(
        py_bytes(b"a\\b\r\n\t\x7f\xff"),
        "b'a\\\\b\\r\\n\\t\\x7f\\xff'"
    );
    assert_eq!(py_data("你好".as_bytes()), "'你好'.encode('utf-8')");
    assert_eq!(
        py_data(&[0xc4, 0xe3, 0xba, 0xc3]),
        "b'\\xc4\\xe3\\xba\\xc3'"
    );
    assert_eq!(py_data(&[b'x'; 100]), "b'x' * 100");
    assert_eq!(py_data(&b"ab".repeat(50)[..99]), "(b'ab' * 50)[:99]");
    assert_eq!(seconds(2000), "2.0");
    assert_eq!(seconds(1250), "1.25");
    assert_eq!(seconds(5), "0.005");
}

#[test]
fn names_become_python_identifiers() {
    assert_eq!(identifier("conn_alice"), "conn_alice");
    assert_eq!(identifier("my server"), "my_server");
    assert_eq!(identifier("2nd"), "s_2nd");
    assert_eq!(identifier("data"), "data_sock");
    assert_eq!(identifier("sock"), "sock_sock");
    assert_eq!(identifier("socks"), "socks");
    let named = HashMap::from([(
        "srv".to_owned(),
        Named {
            socket: id(4),
            port: 1,
        },
    )]);
    assert_eq!(
        socket_names(&named),
        HashMap::from([(id(4), "srv".to_owned())])
    );
}

#[test]
fn two_live_sockets_never_share_a_variable() {
    let mut h = H::default();
    h.step(1, listener(1, 40001)).step(2, listener(2, 40002));
    let names = HashMap::from([(id(1), "server".to_owned()), (id(2), "server".to_owned())]);
    let text = python_program(&h.envs, &names);
    assert!(text.contains("server_2 = socket.socket("), "{text}");
}

#[test]
fn an_empty_history_is_an_empty_program() {
    assert_eq!(python_program(&[], &SocketNames::new()), "");
}

fn auto_recv(n: u32, data: &[u8], bufsize: u32, offset: u64, spans: Vec<SendSpan>) -> Event {
    Event::Received {
        socket: id(n),
        data: Payload::from(data),
        bufsize,
        eof: false,
        spans,
        stream_offset: offset,
        summary: String::new(),
        auto: true,
    }
}

#[test]
fn a_sendall_that_needs_the_reader_at_the_same_time_runs_in_a_thread() {
    let mut h = H::default();
    connection(&mut h);
    h.step(
        4,
        Event::OptionSet {
            socket: id(2),
            option: SockOption::Sndbuf(4096),
            effective: SockOption::Sndbuf(8192),
        },
    );
    h.step(
        5,
        Event::AutoSet {
            socket: id(3),
            auto: AutoBehaviour {
                recv: true,
                bufsize: 65536,
                ..AutoBehaviour::default()
            },
        },
    );
    let mut e = sent(2, 1, 10000, 0, 0);
    if let Event::Sent { all, .. } = &mut e {
        *all = true;
    }
    h.step(6, e);
    // The auto-recvs are reported after the sendall that waited for them.
    let mut second = span(0, 5000, 2, 1, 10000, 0);
    second.offset_in_send = 5000;
    h.ev(
        None,
        auto_recv(
            3,
            &[b'x'; 5000],
            65536,
            0,
            vec![span(0, 5000, 2, 1, 10000, 0)],
        ),
    );
    h.ev(None, auto_recv(3, &[b'x'; 5000], 65536, 5000, vec![second]));
    let text = python_program(&h.envs, &lesson_names());
    assert!(
        text.starts_with("import socket\nimport threading\n"),
        "{text}"
    );
    let tail = text
        .split("by itself; each of its calls is written out below\n")
        .nth(1)
        .unwrap();
    assert_eq!(
        tail,
        "
# client.sendall() waits for room while the other end reads: it runs in a thread
client_thread = threading.Thread(target=client.sendall, args=(b'x' * 10000,))
client_thread.start()

# conn: 2 recv() calls in the lab read these 10000 bytes as they came
got = 0
while got < 10000:
    data = conn.recv(65536)
    print(data)
    got += len(data)

client_thread.join()
"
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
fn an_hmac_answer_is_computed_with_hmac_new() {
    let mut h = H::default();
    connection(&mut h);
    h.step(
        4,
        Event::AutoSet {
            socket: id(2),
            auto: AutoBehaviour {
                recv: true,
                echo: EchoMode::HmacClient { right_key: true },
                ..AutoBehaviour::default()
            },
        },
    );
    h.step(5, sent(3, 1, 32, 0, 0));
    h.ev(
        None,
        auto_recv(2, &[7; 32], 1024, 0, vec![span(0, 32, 3, 1, 32, 0)]),
    );
    h.ev(None, sent(2, 1, 32, 0, 0));
    let text = python_program(&h.envs, &lesson_names());
    assert!(
        text.starts_with("import socket\nimport hashlib\nimport hmac\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "data = client.recv(1024)  # auto-recv\nprint(data)\n\
             client.send(hmac.new(b'socklab secret key', data, hashlib.sha256).digest())\n"
        ),
        "{text}"
    );
}

#[test]
fn a_sendall_that_timed_out_half_way_is_caught() {
    let mut h = H::default();
    connection(&mut h);
    let mut e = sent(2, 1, 4, 0, 0);
    if let Event::Sent { accepted, all, .. } = &mut e {
        *accepted = 2;
        *all = true;
    }
    h.ev(Some(4), e)
        .ev(
            Some(4),
            error(
                ErrorCode::TimedOut,
                "sendall() timed out after 3000 ms (Python raises socket.timeout / TimeoutError)",
                Some(2),
                None,
            ),
        )
        .ev(Some(4), buffers(vec![]));
    h.step(5, received(3, b"ab", 1024, vec![span(0, 2, 2, 1, 4, 0)]));
    let code = PythonCode::new(&h.envs, &lesson_names());
    let text = code.text(None);
    assert!(
        text.contains(
            "# (2 of these 4 bytes never reached a lab receiver: written as ?)\n\
             # raises socket.timeout (TimeoutError): timed out\n\
             client.settimeout(3.0)\n\
             try:\n    client.sendall(b'ab??')\n\
             except socket.timeout as e:\n    print(type(e).__name__, e)\n\
             client.setblocking(True)\n"
        ),
        "{text}"
    );
    // The error is part of the send's block, not a block of its own.
    let send = code.blocks().iter().find(|b| b.event == 7).unwrap();
    assert_eq!(send.merged, [8]);
    assert_eq!(code.step_of(8), 7..10);
}

#[test]
fn a_truncated_datagram_says_what_was_lost() {
    let mut h = H::default();
    h.step(1, udp(1, 40001));
    h.step(
        2,
        Event::ReceivedFrom {
            socket: id(1),
            from: "127.0.0.1:5555".into(),
            data: Payload::from("abcd"),
            bufsize: 4,
            truncated: true,
            real_len: 10,
            from_socket: None,
            send_no: None,
        },
    );
    let text = python_program(&h.envs, &SocketNames::new());
    assert!(
        text.ends_with(
            "msg, addr = s1.recvfrom(4)\nprint(msg)  # the datagram had 10 bytes: the rest is lost\n"
        ),
        "{text}"
    );
}
