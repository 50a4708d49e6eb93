//! The Python panel's code must really run: lessons are run through the real /ws endpoint,
//! the Python generated from their history ([`socklab_shared::python`]) is written to a file
//! and run with `python3`, and what its `recv` calls print must be what the lab's returned.
//! A generated program that doesn't run is a test failure.

use std::process::Stdio;
use std::time::Duration;

use crate::support::lesson_run::{LessonRun, chosen, lessons, run_lesson};
use crate::support::{LabServer, TempDir};
use socklab_python::sample_file::PYTHON_MAKER;
use socklab_python::{PythonCode, py_bytes, socket_names};
use socklab_shared::lesson::Lesson;
use socklab_shared::protocol::{Command, Envelope, Event};
use socklab_shared::sample_file::generated_chunk;

/// Longest a generated program may run: lessons wait at most a few seconds in total.
const PYTHON_TIMEOUT: Duration = Duration::from_secs(30);

/// After a lesson, the history is complete once no event came for this long.
const QUIET: Duration = Duration::from_millis(300);

fn lesson(slug: &str) -> Lesson {
    lessons()
        .lessons
        .into_iter()
        .find(|l| l.slug == slug)
        .unwrap_or_else(|| panic!("no lesson {slug}"))
}

/// What the lab's recv and recvfrom calls returned, in the generated program's order, as
/// Python prints them.
fn lab_results(code: &PythonCode, history: &[Envelope]) -> Vec<String> {
    // A thread's start and join go with the recv they come before or after: count each
    // event once.
    // A loop that stands for automatic recvs the lab reported as a summary prints nothing, as
    // the lab showed nothing: its block's event is no recv result of the program.
    let mut seen = std::collections::HashSet::new();
    code.blocks()
        .iter()
        .flat_map(|b| {
            let prints = b.lines.iter().any(|l| l.contains("print("));
            prints.then_some(&b.event).into_iter().chain(&b.merged)
        })
        .filter(|&&i| seen.insert(i))
        .filter_map(|&i| match &history[i].event {
            Event::Received { data, .. } | Event::ReceivedFrom { data, .. } => {
                Some(py_bytes(data.as_bytes()))
            }
            _ => None,
        })
        .collect()
}

/// Runs `program` with python3 in an empty temporary folder (files it writes go there);
/// returns its stdout, or why it failed: it didn't finish in time or exited with an error.
async fn run_python(program: &str) -> Result<String, String> {
    let dir = TempDir::new();
    let path = dir.0.join("generated.py");
    std::fs::write(&path, program).unwrap();
    let child = tokio::process::Command::new("python3")
        .arg("-u")
        .arg(&path)
        .current_dir(&dir.0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run python3: {e}"));
    let Ok(out) = tokio::time::timeout(PYTHON_TIMEOUT, child.wait_with_output()).await else {
        return Err(format!("it did not finish in {PYTHON_TIMEOUT:?}"));
    };
    let out = out.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        return Err(format!(
            "it failed ({})\n--- stdout\n{stdout}\n--- stderr\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(stdout)
}

/// Keeps a case for a closer look (a failed one, or every one with `SOCKLAB_KEEP_PYTHON` set):
/// the program and the lab's history, in the system's temp folder. Returns where.
fn keep(what: &str, program: &str, history: &[Envelope]) -> String {
    let dir = std::env::temp_dir().join("socklab-python-generated");
    std::fs::create_dir_all(&dir).unwrap();
    let base = dir.join(what.replace([' ', ':', '(', ')'], "_"));
    std::fs::write(base.with_extension("py"), program).unwrap();
    let lines: Vec<String> = history.iter().map(Envelope::to_json).collect();
    std::fs::write(base.with_extension("jsonl"), lines.join("\n")).unwrap();
    base.display().to_string()
}

/// Runs `program` as [`run_python`] does and returns its stdout; fails the test, keeping the
/// case (see [`keep`]), when it doesn't run to its end. With `SOCKLAB_KEEP_PYTHON` set every
/// case is kept.
async fn run_or_keep(what: &str, program: &str, history: &[Envelope]) -> String {
    let stdout = match run_python(program).await {
        Ok(stdout) => stdout,
        Err(why) => {
            let kept = keep(what, program, history);
            panic!("{what}: the program doesn't run: {why}\n(kept in {kept}.py/.jsonl)\n{program}");
        }
    };
    if std::env::var_os("SOCKLAB_KEEP_PYTHON").is_some() {
        keep(what, program, history);
    }
    stdout
}

/// Fails unless `program` contains each of `lines`.
fn assert_has_lines(program: &str, lines: &[&str]) {
    for line in lines {
        assert!(program.contains(line), "no {line:?} in\n{program}");
    }
}

/// The same text in both languages.
fn text(t: &str) -> socklab_shared::lesson::Text {
    socklab_shared::lesson::Text {
        en: t.into(),
        zh: t.into(),
    }
}

/// The lines a program printed for its recv results (bytes reprs).
fn printed_bytes(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|l| l.starts_with("b'") || l.starts_with("b\""))
        .map(str::to_owned)
        .collect()
}

/// Runs `slug` in the lab, generates its Python (from the history alone, as the page does,
/// or with the commands too), runs it, and checks it printed what the lab received. Returns
/// the program and what it printed.
async fn check(server: &LabServer, slug: &str, with_commands: bool) -> (String, Vec<String>) {
    let run = run_lesson(server, &lesson(slug), Some(QUIET)).await;
    check_run(&run, &format!("lesson {slug}"), with_commands).await
}

/// [`check`] of lesson `slug`, from its history alone, on a server of its own: fails unless
/// the program printed exactly `printed` and has every one of `lines`. Returns the program.
async fn check_prints(slug: &str, printed: &[&str], lines: &[&str]) -> String {
    let server = LabServer::start().await;
    let (program, got) = check(&server, slug, false).await;
    assert_eq!(got, printed, "{program}");
    assert_has_lines(&program, lines);
    program
}

/// [`check`] for a lesson already run: `what` names it in failures.
async fn check_run(run: &LessonRun, what: &str, with_commands: bool) -> (String, Vec<String>) {
    let names = socket_names(&run.names);
    let code = if with_commands {
        PythonCode::with_commands(&run.history, &run.commands, &names)
    } else {
        PythonCode::new(&run.history, &names)
    };
    let program = code.text(None);
    let what = format!("{what} (commands: {with_commands})");
    let stdout = run_or_keep(&what, &program, &run.history).await;
    let printed = printed_bytes(&stdout);
    let expected = lab_results(&code, &run.history);
    if program.contains("threading.Thread") {
        // A send in a thread races the recvs that read it, in Python as in the lab: how the
        // bytes are cut into recv results may differ, the bytes may not.
        let got: Vec<u8> = printed.iter().flat_map(|p| unrepr(p)).collect();
        let want: Vec<u8> = expected.iter().flat_map(|p| unrepr(p)).collect();
        let first_difference = got.iter().zip(&want).position(|(a, b)| a != b);
        assert!(
            got == want,
            "{what}: the program received other bytes than the lab: {} bytes instead of {}, \
             first difference at {first_difference:?}\n{program}",
            got.len(),
            want.len()
        );
    } else {
        assert_eq!(
            printed, expected,
            "{what}: the program's recv results differ from the lab's\n{program}"
        );
    }
    (program, printed)
}

/// The bytes of a Python bytes repr (`b'a\\x00'`), as printed.
fn unrepr(repr: &str) -> Vec<u8> {
    let inner = &repr.as_bytes()[2..repr.len() - 1];
    let mut out = Vec::new();
    let mut i = 0;
    while i < inner.len() {
        if inner[i] != b'\\' {
            out.push(inner[i]);
            i += 1;
            continue;
        }
        match inner[i + 1] {
            b'x' => {
                let hex = std::str::from_utf8(&inner[i + 2..i + 4]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 4;
            }
            c => {
                out.push(match c {
                    b'n' => b'\n',
                    b'r' => b'\r',
                    b't' => b'\t',
                    other => other,
                });
                i += 2;
            }
        }
    }
    out
}

#[tokio::test]
async fn tcp_hello_runs_in_python() {
    check_prints(
        "tcp-hello",
        &["b'hello'", "b'hi, client'", "b''"],
        &[
            "server.bind(('127.0.0.1', 0))",
            "client.connect(('127.0.0.1', server.getsockname()[1]))",
            "conn, addr = server.accept()",
            "client.send(b'hello')",
            "data = conn.recv(1024)",
            "conn.send(b'hi, client')",
            "client.close()",
        ],
    )
    .await;
}

#[tokio::test]
async fn udp_basics_runs_in_python() {
    check_prints(
        "udp-basics",
        &["b'hi'", "b'how are you?'", "b'fine'"],
        &[
            "server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "client.sendto(b'hi', ('127.0.0.1', server.getsockname()[1]))",
            "msg, addr = server.recvfrom(1024)",
            "server.sendto(b'fine', addr)",
        ],
    )
    .await;
}

#[tokio::test]
async fn length_prefix_runs_in_python() {
    let program = check_prints(
        "length-prefix",
        &[
            "b'\\x05\\x00\\x00\\x00'",
            "b'hello'",
            "b'\\x05\\x00\\x00\\x00'",
            "b'world'",
            "b'\\x00\\x00\\x00\\x05'",
            "b'world'",
        ],
        &[
            // The lesson's 'i' (the same 4 bytes as '<i' on these machines, as the program
            // says).
            "body = b'hello'\nclient.send(struct.pack('i', len(body)) + body)",
            "# 'i': a C int, 4 bytes, little-endian on these machines",
            // The receiver reads as the course does: the prefix, the length, exactly n bytes.
            "def recv_exactly(sock, n):",
            "header = recv_exactly(conn, 4)  # the length prefix",
            "n = struct.unpack('i', header)[0]  # 5\ndata = recv_exactly(conn, n)\nprint(data)",
            "n = struct.unpack('!I', header)[0]  # 5\ndata = recv_exactly(conn, n)\nprint(data)",
            "body = b'world'\nclient.send(struct.pack('!I', len(body)) + body)",
        ],
    )
    .await;
    assert!(!program.contains("conn.recv(5)"), "{program}");
    assert!(program.starts_with("import socket\nimport struct\n"));
}

#[tokio::test]
async fn a_custom_header_is_read_as_the_course_reads_it() {
    let server = LabServer::start().await;
    let (program, printed) = check(&server, "custom-header", true).await;
    assert_eq!(printed.len(), 3, "{program}");
    assert_has_lines(
        &program,
        &[
            "header = recv_exactly(conn, 4)  # the length prefix",
            "n = struct.unpack('i', header)[0]  # 75\ndata = recv_exactly(conn, n)",
            "header = json.loads(data.decode('utf-8'))",
            "data = recv_exactly(conn, header['size'])  # 77",
        ],
    );
}

#[tokio::test]
async fn sticky_packets_run_in_python() {
    check_prints(
        "sticky-sender",
        &["b'helloworld'"],
        &["data = conn.recv(12)"],
    )
    .await;
}

#[tokio::test]
async fn af_unix_runs_in_python() {
    let server = LabServer::start().await;
    for with_commands in [false, true] {
        let (program, printed) = check(&server, "af-unix", with_commands).await;
        assert_eq!(
            printed,
            ["b'helloworld'", "b'helloworld'", "b'hello again'"]
        );
        assert_has_lines(
            &program,
            &[
                "import os",
                "import tempfile",
                "server_path = os.path.join(folder, 'server.sock')",
                "unix_server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)",
                "unix_server.bind(server_path)",
                "unix_client.connect(server_path)",
                "except ConnectionRefusedError as e:",
                "# raises OSError: [Errno 98] EADDRINUSE",
                "    os.remove(server_path)",
            ],
        );
        assert!(
            !program.contains("socklab-"),
            "the lab's folder leaked:\n{program}"
        );
    }
}

/// Every lesson, from the history alone and with the commands: the program runs to the end
/// and its recvs return what the lab's did.
#[tokio::test]
async fn every_lesson_runs_in_python() {
    let set = lessons();
    // A lesson on the wire's hosts gets a program that runs both ends on this machine's
    // loopback (see the generator's `wire` module). Where the lesson's point is what the link
    // did to the packets (loss, reordering, a closed window, a held cable, a host's answer to
    // a closed port), loopback's recvs differ by design: those run in the lab only.
    const LINK_DEPENDENT: [&str; 5] = [
        "loss-tcp-vs-udp",
        "reordering",
        "refused-on-the-wire",
        "zero-window",
        "held-wire",
    ];
    let server = crate::wire::wire_server().await;
    let (link_dependent, runnable): (Vec<_>, Vec<_>) = set
        .lessons
        .iter()
        .filter(|l| chosen(l))
        .partition(|l| LINK_DEPENDENT.contains(&l.slug.as_str()));
    if !link_dependent.is_empty() {
        let list: Vec<String> = link_dependent
            .iter()
            .map(|l| format!("{} ({})", l.number, l.slug))
            .collect();
        eprintln!(
            "\n*** NOT RUN in python3: lessons {}: their recvs depend on what the wire's link \
             did, which loopback doesn't do; the lesson test runs them in the lab\n",
            list.join(", ")
        );
    }
    for lesson in runnable {
        for with_commands in [false, true] {
            check(&server, &lesson.slug, with_commands).await;
        }
    }
}

#[test]
fn unrepr_reads_back_what_py_bytes_writes() {
    let all: Vec<u8> = (0..=255).collect();
    assert_eq!(unrepr(&py_bytes(&all)), all);
    assert_eq!(unrepr(&py_bytes(b"it's")), b"it's");
}

#[tokio::test]
async fn the_python_sample_file_maker_writes_the_pages_generated_bytes() {
    // A generated upload's program makes its file with this function: it must write exactly
    // the bytes the page sent, or the md5 in the header it sends would be wrong. Several 1 MiB
    // blocks and a size that ends in the middle of a 64-bit word.
    let dir = TempDir::new();
    let file = dir.0.join("sample.bin");
    let size: u64 = (3 << 20) + 5;
    let program = format!(
        "import struct\n\n{PYTHON_MAKER}\n\nmake_sample_file('{}', {size})\n",
        file.display()
    );
    if let Err(why) = run_python(&program).await {
        panic!("the maker failed: {why}\n{program}");
    }
    let made = std::fs::read(&file).unwrap();
    assert_eq!(made.len() as u64, size);
    assert!(made == generated_chunk(0, size), "python made other bytes");
}

/// A lesson-shaped upload of the page's generated file: the header as a length-prefixed
/// `sendall`, the file in two `send_file_chunk` commands, to a connection whose auto-recv is
/// the file receiver.
fn generated_upload(size: u64, chunk: u64) -> Lesson {
    use md5::{Digest, Md5};
    use serde_json::json;
    use socklab_shared::Payload;
    use socklab_shared::lesson::{Expect, Step};

    let body = generated_chunk(0, size);
    let md5: String = Md5::digest(&body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let header = json!({"filename": "random-40KB.bin", "size": size, "md5": md5}).to_string();
    let prefix = json!({"kind": "length_prefixed", "max_len": 65536,
        "prefix": {"width": 4, "endian": "little", "signed": true}});
    let mut run = vec![
        json!({"cmd": "tcp_listen", "port": 0, "as": "server"}),
        json!({"cmd": "connect", "port": "$server.port", "as": "client"}),
        json!({"cmd": "accept", "socket": "$server", "timeout_ms": 2000, "as": "conn"}),
        json!({"cmd": "set_auto", "socket": "$conn",
            "auto": {"recv": true, "echo": "file_receiver", "bufsize": 4096}}),
        json!({"cmd": "send_all", "socket": "$client", "text": header, "framing": prefix}),
    ];
    for offset in (0..size).step_by(chunk as usize) {
        let piece = &body[offset as usize..(offset + chunk).min(size) as usize];
        run.push(json!({"cmd": "send_file_chunk", "socket": "$client",
            "data": Payload::from(piece).to_base64(), "name": "random-40KB.bin",
            "offset": offset, "total": size}));
    }
    Lesson {
        number: 99,
        slug: "generated-upload".into(),
        title: text("a generated upload"),
        goal: text("the page's generated file, uploaded"),
        steps: vec![Step {
            say: text("upload"),
            run,
            look: vec![],
            expect: vec![Expect {
                event: "file_received".into(),
                ..Default::default()
            }],
        }],
    }
}

/// Runs [`generated_upload`] on a server of its own and checks the lab's receiver found the
/// md5 right; returns the run and its Python as the page's panel writes it (with the
/// commands: the chunk loop needs them).
async fn run_generated_upload(size: u64, chunk: u64) -> (LessonRun, PythonCode) {
    let server = LabServer::start().await;
    let run = run_lesson(&server, &generated_upload(size, chunk), Some(QUIET)).await;
    let verdict = run.history.iter().find_map(|e| match &e.event {
        Event::FileReceived { ok, .. } => Some(*ok),
        _ => None,
    });
    assert_eq!(verdict, Some(true), "the lab's receiver checked the md5");
    let names = socket_names(&run.names);
    let code = PythonCode::with_commands(&run.history, &run.commands, &names);
    (run, code)
}

#[tokio::test]
async fn an_upload_of_a_generated_file_runs_in_python_without_the_file() {
    // The program makes the file itself (make_sample_file), sends header and chunks, and the
    // receiving end reads them all: it runs in an empty folder, where no such file exists.
    let (run, code) = run_generated_upload(40_000, 16_384).await;
    let program = code.text(None);
    assert!(
        program.contains("make_sample_file('random-40KB.bin', 40000)"),
        "{program}"
    );
    run_or_keep("generated upload", &program, &run.history).await;
}

#[tokio::test]
async fn a_10_mb_upload_runs_in_python_to_completion() {
    // Both ends live in one program: a sendall of 10 MB finishes only while the receiver
    // reads, so the receiving side must run at the same time (a thread), or the program
    // waits forever. The timeout of `run_python` fails the test.
    let (run, code) = run_generated_upload(10 << 20, 1 << 20).await;
    let program = code.text(None);
    let what = "10 MB upload";
    assert_has_lines(
        &program,
        &[
            "def receive_file(sock, bufsize):",
            "conn_thread = threading.Thread(target=receive_file, args=(conn, 4096), daemon=True)",
            "        client.sendall(chunk)\n\nconn_thread.join()\n",
        ],
    );
    assert!(
        !program.contains("# auto-recv"),
        "the thread reads the upload: no auto-recv lines of its own\n{program}"
    );
    let stdout = run_or_keep(what, &program, &run.history).await;
    assert!(
        stdout.contains("random-40KB.bin 10485760 bytes, ok = True"),
        "the program's receiver checked the md5:\n{stdout}"
    );
    // The panel's program up to a past moment (the timeline's cursor) runs to its end too:
    // cut after the header, after the first chunk, and just before the verdict.
    let first_chunk = run
        .history
        .iter()
        .position(|e| {
            matches!(e.event, Event::Sent { .. })
                && e.req.is_some_and(|r| {
                    matches!(run.commands.get(&r), Some(Command::SendFileChunk { .. }))
                })
        })
        .expect("a chunk was sent");
    let verdict = run
        .history
        .iter()
        .position(|e| matches!(e.event, Event::FileReceived { .. }))
        .unwrap();
    for upto in [first_chunk, first_chunk + 1, verdict] {
        let cut = code.text(Some(upto));
        run_or_keep(&format!("{what} up to event {upto}"), &cut, &run.history).await;
    }
}

/// Sends bigger than the buffers, read later or while they are sent: a 1 MiB `send_all` read
/// by explicit recvs (the rest by an auto-recv), a `send_bulk` read later, and an 8 MiB
/// `send_bulk` to an auto-receiving socket.
fn big_sends() -> Lesson {
    use serde_json::json;
    use socklab_shared::lesson::{Expect, Step};

    let step = |run: Vec<serde_json::Value>, expect: Vec<Expect>| Step {
        say: text("step"),
        run,
        look: vec![],
        expect,
    };
    let recvs = |socket: &str, n: usize| {
        (0..n)
            .map(|_| json!({"cmd": "recv", "socket": socket, "bufsize": 65536, "timeout_ms": 2000}))
            .collect::<Vec<_>>()
    };
    let mut read_later = vec![json!({"cmd": "send_all", "socket": "$client",
        "text": "0123456789abcdef".repeat(1 << 16), "timeout_ms": 5000})];
    read_later.extend(recvs("$conn", 12));
    read_later.push(json!({"cmd": "set_auto", "socket": "$conn",
        "auto": {"recv": true, "bufsize": 65536}}));
    let mut bulk_later = vec![
        json!({"cmd": "send_bulk", "socket": "$conn", "bytes": 200_000,
        "timeout_ms": 5000}),
    ];
    bulk_later.extend(recvs("$client", 3));
    bulk_later.push(json!({"cmd": "set_auto", "socket": "$client",
        "auto": {"recv": true, "bufsize": 65536}}));
    let sent = |socket: &str| Expect {
        event: "sent".into(),
        socket: Some(socket.into()),
        partial: Some(false),
        ..Default::default()
    };
    Lesson {
        number: 98,
        slug: "big-sends".into(),
        title: text("sends bigger than the buffers"),
        goal: text("sends that only finish while the other end reads"),
        steps: vec![
            step(
                vec![
                    json!({"cmd": "tcp_listen", "port": 0, "as": "server"}),
                    json!({"cmd": "connect", "port": "$server.port", "as": "client"}),
                    json!({"cmd": "accept", "socket": "$server", "timeout_ms": 2000, "as": "conn"}),
                ],
                vec![],
            ),
            step(read_later, vec![sent("client")]),
            step(bulk_later, vec![sent("conn")]),
            step(
                vec![
                    json!({"cmd": "send_bulk", "socket": "$conn", "bytes": 8 << 20,
                    "timeout_ms": 10000}),
                ],
                vec![sent("conn")],
            ),
        ],
    }
}

#[tokio::test]
async fn sends_bigger_than_the_buffers_run_in_python_to_completion() {
    let server = LabServer::start().await;
    let run = run_lesson(&server, &big_sends(), Some(QUIET)).await;
    for with_commands in [true, false] {
        let (program, _) = check_run(&run, "big sends", with_commands).await;
        assert!(program.contains("threading.Thread"), "{program}");
    }
}
