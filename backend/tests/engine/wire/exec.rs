//! `socklab exec`: a Python program run inside host A talks to a lab listener on host B over
//! the visible cable.

use serde_json::json;
use socklab_shared::protocol::Event;

use super::{packets, tcp, wire_server, wire_session};
use crate::support::opened;

#[tokio::test]
async fn a_python_script_joins_host_a_with_socklab_exec() {
    let server = wire_server().await;
    let Some(mut ws) = wire_session(&server, "socklab exec").await else {
        return;
    };
    let listener = opened(
        &ws.ok(json!({"cmd": "tcp_listen", "on": "b", "port": 9040}))
            .await,
    );
    let state = ws.ok(json!({"cmd": "wire_status"})).await;
    let Event::WireState { wire } = state else {
        panic!("{state:?}")
    };
    let command = wire.exec.expect("the page is told the exact command");
    // "socklab exec --control P --session K --host a -- python3 client.py": our own program.
    let args: Vec<&str> = command.split_whitespace().collect();
    assert_eq!(&args[..2], ["socklab", "exec"]);
    let at = args.iter().position(|a| *a == "--").unwrap();
    let script = "import socket\n\
                  s = socket.create_connection(('198.18.0.2', 9040), timeout=5)\n\
                  s.sendall(b'hello from python')\n\
                  print(s.getsockname()[0])\n\
                  s.close()\n";
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_socklab"))
        .args(&args[1..=at])
        .args(["python3", "-c", script])
        .output()
        .await
        .expect("socklab exec runs");
    assert!(
        out.status.success(),
        "socklab exec failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "198.18.0.1");
    let conn = opened(
        &ws.ok(json!({"cmd": "accept", "socket": listener, "timeout_ms": 2000}))
            .await,
    );
    let got = ws
        .ok(json!({"cmd": "recv", "socket": conn, "bufsize": 1024, "timeout_ms": 2000}))
        .await;
    let Event::Received { data, .. } = got else {
        panic!("{got:?}")
    };
    assert_eq!(data.0, b"hello from python");
    let seen = packets(&mut ws, 1).await;
    assert_eq!(tcp(&seen[0]).flags.label(), "SYN");
    assert_eq!(
        seen[0].ip.src, "198.18.0.1",
        "the script's SYN crossed the cable"
    );

    // A wrong key is refused with a sentence, and nothing runs.
    let mut wrong: Vec<&str> = args[1..=at].to_vec();
    let key = wrong.iter().position(|a| *a == "--session").unwrap() + 1;
    wrong[key] = "0000";
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_socklab"))
        .args(&wrong)
        .args(["python3", "-c", "print('ran')"])
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no session with that key"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
