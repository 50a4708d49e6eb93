//! Unix-domain sockets (experiment 25): a folder and a path variable of the program's own,
//! `bind(path)`, `connect(path)`, the removal of an old socket file, and failed calls.

use socklab_shared::protocol::Command;

use super::*;

const DIR: &str = "/tmp/socklab-1-00ff";

fn unix_listener(n: u32, name: &str) -> Event {
    Event::SocketOpened {
        socket: id(n),
        kind: SocketKind::UnixListener,
        local: format!("{DIR}/{name}"),
        peer: None,
        listener: None,
        peer_socket: None,
    }
}

fn unix_client(n: u32, name: &str) -> Event {
    Event::SocketOpened {
        socket: id(n),
        kind: SocketKind::UnixStream,
        local: "(unnamed)".into(),
        peer: Some(format!("{DIR}/{name}")),
        listener: None,
        peer_socket: None,
    }
}

/// Connection `n` accepted on listener `l`, from lab client `client` (`None`: from outside).
fn unix_accepted(n: u32, l: u32, name: &str, client: Option<u32>) -> Event {
    Event::SocketOpened {
        socket: id(n),
        kind: SocketKind::UnixStream,
        local: format!("{DIR}/{name}"),
        peer: Some("(unnamed)".into()),
        listener: Some(id(l)),
        peer_socket: client.map(id),
    }
}

/// server #1 on server.sock, client #2, conn #3; two sends of the client, one recv.
fn unix_sticky(h: &mut H) {
    h.step(1, unix_listener(1, "server.sock"))
        .step(2, unix_client(2, "server.sock"))
        .step(3, unix_accepted(3, 1, "server.sock", Some(2)))
        .step(4, sent(2, 1, 5, 0, 0))
        .step(5, sent(2, 2, 5, 0, 5))
        .step(
            6,
            received(
                3,
                b"helloworld",
                1024,
                vec![span(0, 5, 2, 1, 5, 0), span(5, 5, 2, 2, 5, 0)],
            ),
        );
}

#[test]
fn a_unix_stream_is_written_with_a_path_of_the_programs_own() {
    let mut h = H::default();
    unix_sticky(&mut h);
    let commands = SentCommands::from([
        (
            1,
            Command::UnixListen {
                path: "server.sock".into(),
                backlog: 1,
                unlink: true,
            },
        ),
        (
            2,
            Command::UnixConnect {
                path: "server.sock".into(),
                timeout_ms: None,
            },
        ),
    ]);
    let text = PythonCode::with_commands(&h.envs, &commands, &lesson_names()).text(None);
    assert_eq!(
        text,
        "\
import os
import socket
import tempfile

folder = tempfile.mkdtemp()  # a new folder for this program's socket files
server_path = os.path.join(folder, 'server.sock')
if os.path.exists(server_path):  # the file of an earlier server stays after close()
    os.remove(server_path)
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(server_path)
server.listen(1)

client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
client.connect(server_path)

conn, addr = server.accept()

client.send(b'hello')
client.send(b'world')

data = conn.recv(1024)
print(data)
",
        "the lab's path ({DIR}) never appears: the program makes its own folder"
    );
}

#[test]
fn from_the_history_alone_names_come_from_the_paths() {
    let mut h = H::default();
    unix_sticky(&mut h);
    // The server closes and binds the same name again: only possible once the file is gone.
    h.step(7, Event::Closed { socket: id(1) })
        .step(8, unix_listener(4, "server.sock"));
    let names = HashMap::from([(id(4), "again".to_owned())]);
    let text = python_program(&h.envs, &names);
    assert!(
        text.contains("s1.bind(server_path)\ns1.listen(5)\n"),
        "{text}"
    );
    assert!(text.contains("s2.connect(server_path)\n"), "{text}");
    assert!(
        text.contains("s3, addr = s1.accept()\n"),
        "a lab client, not an outsider: {text}"
    );
    assert_eq!(text.matches("os.path.join").count(), 1, "{text}");
    assert!(
        text.ends_with(
            "if os.path.exists(server_path):  # the file of an earlier server stays after close()\n    \
             os.remove(server_path)\nagain = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n\
             again.bind(server_path)\nagain.listen(5)\n"
        ),
        "{text}"
    );
}

#[test]
fn an_outside_client_is_marked_and_accepts_pair_as_the_engine_says() {
    let mut h = H::default();
    // #2 is accepted from outside; #3 connects, but a Python client had queued before it, so
    // the next accept (#4) takes the outsider and only #5 gets #3: no order rule could know.
    h.step(1, unix_listener(1, "a.sock"))
        .step(2, unix_accepted(2, 1, "a.sock", None))
        .step(3, unix_client(3, "a.sock"))
        .step(4, unix_accepted(4, 1, "a.sock", None))
        .step(5, unix_accepted(5, 1, "a.sock", Some(3)));
    let text = python_program(&h.envs, &HashMap::new());
    for outsider in ["s2", "s4"] {
        assert!(
            text.contains(&format!(
                "{outsider}, addr = s1.accept()  # waits for a client from outside this program"
            )),
            "{text}"
        );
    }
    assert!(text.contains("s5, addr = s1.accept()\n"), "{text}");
    let know = super::super::knowledge::Knowledge::build(&h.envs);
    assert_eq!(know.peer_socket(id(5)), Some(id(3)));
    assert_eq!(know.peer_socket(id(3)), Some(id(5)));
    assert_eq!(know.peer_socket(id(4)), None);
    assert_eq!(know.peer_socket(id(2)), None);
}

#[test]
fn failed_binds_and_connects_are_caught() {
    let mut h = H::default();
    h.step(
        1,
        error(
            ErrorCode::Os,
            &format!(
                "connect('{DIR}/nobody.sock') failed: [Errno 2] ENOENT (No such file or directory)"
            ),
            None,
            Some(("ENOENT", 2)),
        ),
    );
    h.step(2, unix_listener(1, "server.sock"))
        .step(3, Event::Closed { socket: id(1) })
        .step(
            4,
            error(
                ErrorCode::Os,
                &format!(
                    "bind('{DIR}/server.sock') failed: [Errno 98] EADDRINUSE (Address in use)"
                ),
                None,
                Some(("EADDRINUSE", 98)),
            ),
        );
    let text = python_program(&h.envs, &HashMap::new());
    assert!(
        text.contains(
            "nobody_path = os.path.join(folder, 'nobody.sock')\n\
             sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n\
             # raises FileNotFoundError: [Errno 2] ENOENT\n\
             try:\n    sock.connect(nobody_path)\n\
             except FileNotFoundError as e:\n    print(type(e).__name__, e)\nsock.close()\n"
        ),
        "{text}"
    );
    assert!(
        text.ends_with(
            "sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n\
             # raises OSError: [Errno 98] EADDRINUSE\n\
             try:\n    sock.bind(server_path)\n    sock.listen(5)\n\
             except OSError as e:\n    print(type(e).__name__, e)\nsock.close()\n"
        ),
        "{text}"
    );
}
