//! socklab behind nginx with TLS, configured by the README's example file
//! (`docs/deploy/nginx.conf`): a browser-like client opens a lab session through the proxy.
//!
//! Needs `nginx` and `openssl` (scripts/test installs them); without them the test says
//! SKIPPED loudly and asserts nothing.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use socklab_shared::protocol::{Envelope, Event};

use crate::support::{LabServer, TempDir};

const NAME: &str = "lab.school.example";

fn have(tool: &str, arg: &str) -> bool {
    Command::new(tool)
        .arg(arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// The example configuration with this test's ports, certificate and folders put in.
fn configure(example: &str, dir: &Path, listen: u16, upstream: u16) -> String {
    let path = |name: &str| dir.join(name).display().to_string();
    let replaced = [
        ("listen 443 ssl;", format!("listen 127.0.0.1:{listen} ssl;")),
        (
            "server 127.0.0.1:8080;",
            format!("server 127.0.0.1:{upstream};"),
        ),
        ("/etc/ssl/certs/lab.school.example.pem", path("cert.pem")),
        ("/etc/ssl/private/lab.school.example.key", path("key.pem")),
        ("/run/nginx-socklab.pid", path("nginx.pid")),
        ("/var/log/nginx/socklab-error.log", path("error.log")),
    ];
    let mut conf = example.to_owned();
    for (from, to) in replaced {
        assert!(conf.contains(from), "the example no longer has {from:?}");
        conf = conf.replace(from, &to);
    }
    conf
}

/// nginx, stopped when dropped (also when the test fails half way).
struct Nginx(std::process::Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGTERM: the master stops its workers too (a SIGKILL would orphan them).
        // SAFETY: plain kill(2) on our own child.
        unsafe { libc::kill(self.0.id() as i32, libc::SIGTERM) };
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn a_session_opens_through_nginx_with_tls() {
    if !(have("nginx", "-v") && have("openssl", "version")) {
        eprintln!(
            "\n*** SKIPPED proxy: nginx or openssl is not installed (scripts/test installs them)\n"
        );
        return;
    }
    let server = LabServer::start_with(|c| c.allowed_hosts = vec![NAME.to_owned()]).await;
    let dir = TempDir::new();
    let made = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args(["-subj", &format!("/CN={NAME}")])
        .arg("-keyout")
        .arg(dir.0.join("key.pem"))
        .arg("-out")
        .arg(dir.0.join("cert.pem"))
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(made.success(), "openssl made no certificate");
    let listen = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/deploy/nginx.conf"
    ))
    .unwrap();
    let conf = dir.0.join("nginx.conf");
    std::fs::write(
        &conf,
        configure(&example, &dir.0, listen, server.addr.port()),
    )
    .unwrap();
    let mut nginx = Nginx(
        Command::new("nginx")
            .arg("-c")
            .arg(&conf)
            .arg("-p")
            .arg(&dir.0)
            .args(["-g", "daemon off;"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    // nginx says nothing when it is ready: wait (bounded) until its port answers.
    let deadline = Instant::now() + Duration::from_secs(10);
    while tokio::net::TcpStream::connect(("127.0.0.1", listen))
        .await
        .is_err()
    {
        if let Ok(Some(status)) = nginx.0.try_wait() {
            let log = std::fs::read_to_string(dir.0.join("error.log")).unwrap_or_default();
            panic!("nginx stopped ({status}): {log}");
        }
        assert!(Instant::now() < deadline, "nginx never listened");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let out = tokio::process::Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/python/ws_over_tls.py"
        ))
        .args(["127.0.0.1", &listen.to_string(), NAME])
        .arg(server.token.clone().unwrap())
        .output()
        .await
        .unwrap();
    drop(nginx);
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{printed}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let hello = Envelope::parse(printed.trim()).expect("the lab's first event");
    assert!(matches!(hello.event, Event::Hello { .. }), "{printed}");
    let _ = std::fs::remove_dir_all(&dir.0);
}
