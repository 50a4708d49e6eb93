//! Single calls: a partial send made non-blocking, options, shutdown, names and close.

use socklab_shared::protocol::ShutdownHow;

use super::*;

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
