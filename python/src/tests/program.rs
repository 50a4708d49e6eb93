//! Whole programs: the sticky-packet sequence, sockets without names, steps of one command,
//! a reply moved before the recv that read it, unknown bytes and the empty history.

use super::*;

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
fn an_empty_history_is_an_empty_program() {
    assert_eq!(python_program(&[], &SocketNames::new()), "");
}
