//! UDP: `sendto` and `recvfrom` answering to `addr`, and a truncated datagram.

use super::*;

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
