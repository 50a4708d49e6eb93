//! Automatic behaviours: a `sendall` that needs the reader at the same time runs in a
//! thread, and an HMAC answer computed with `hmac.new`.

use socklab_shared::protocol::{AutoBehaviour, EchoMode};

use super::*;

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
client_thread = threading.Thread(target=client.sendall, args=(b'x' * 10000,), daemon=True)
client_thread.start()

# conn: 2 recv() calls in the lab read these 10000 bytes as they came
got = 0
while got < 10000:
    data = conn.recv(min(65536, 10000 - got))
    print(data)
    got += len(data)

client_thread.join()
"
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
fn a_sendall_bigger_than_the_buffers_read_later_runs_in_a_thread() {
    // The lab's kernel held it all until conn's recvs; one program can't count on that for a
    // send bigger than the buffers surely hold, so it sends in a thread and reads meanwhile.
    let mut h = H::default();
    connection(&mut h);
    let mut e = sent(2, 1, 100_000, 0, 0);
    if let Event::Sent { all, .. } = &mut e {
        *all = true;
    }
    h.step(4, e);
    for (n, at) in [0u64, 60_000].into_iter().enumerate() {
        let len = if at == 0 { 60_000 } else { 40_000 };
        let mut got = span(0, len, 2, 1, 100_000, 0);
        got.offset_in_send = at;
        let mut r = received(3, &vec![b'y'; len as usize], 65536, vec![got]);
        if let Event::Received { stream_offset, .. } = &mut r {
            *stream_offset = at;
        }
        h.step(5 + n as u64, r);
    }
    let text = python_program(&h.envs, &lesson_names());
    assert!(
        text.contains(
            "client_thread = threading.Thread(target=client.sendall, args=(b'y' * 100000,), daemon=True)\n\
             client_thread.start()\n\n\
             # conn: 2 recv() calls in the lab read these 100000 bytes as they came\n\
             got = 0\nwhile got < 100000:\n    data = conn.recv(min(65536, 100000 - got))\n\
             \x20   print(data)\n    got += len(data)\n\nclient_thread.join()\n"
        ),
        "{text}"
    );
    // A send the buffers surely hold stays a plain call.
    let text = python_program(&super::sticky(), &lesson_names());
    assert!(!text.contains("threading"), "{text}");
}
