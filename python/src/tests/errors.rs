//! Failed calls: a refused connect, calls that would block or time out, a `sendall` that
//! timed out half-way.

use super::*;

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
