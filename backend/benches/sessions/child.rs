//! The server under test: the real `socklab` binary as a child process, so its memory, file
//! descriptors and threads are its own and can be read from `/proc/<pid>`.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::Result;

pub struct Server {
    child: Child,
    pub addr: SocketAddr,
}

impl Server {
    /// Starts `socklab` on an ephemeral loopback port with these extra flags (no token: the
    /// benchmark runs on loopback), and waits for the line that names its URL.
    pub fn start(extra: &[&str]) -> Result<Self> {
        let mut child = Command::new(env!("CARGO_BIN_EXE_socklab"))
            .args(["--listen", "127.0.0.1:0", "--no-token", "--log", "error"])
            .args(["--dist", "/nonexistent", "--lessons", "/nonexistent"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start socklab: {e}"))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let mut addr = None;
        for line in lines.by_ref().take(20) {
            let line = line.map_err(|e| format!("reading socklab's output: {e}"))?;
            addr = line
                .trim()
                .strip_prefix("socklab listening on http://")
                .and_then(|rest| rest.trim_end_matches('/').parse().ok());
            if addr.is_some() {
                break;
            }
        }
        let addr = addr.ok_or("socklab never printed its URL")?;
        // Keep reading what it prints, so it never writes into a closed pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Ok(Server { child, addr })
    }

    fn status_field(&self, name: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    }

    /// Resident memory, KiB.
    pub fn rss_kib(&self) -> u64 {
        self.status_field("VmRSS:")
    }

    /// Open file descriptors.
    pub fn fds(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.child.id())).map_or(0, |d| d.count())
    }

    /// OS threads.
    pub fn threads(&self) -> u64 {
        self.status_field("Threads:")
    }

    /// `GET /api/stats` (sessions, lab ports, tasks, session folders), as JSON.
    pub async fn stats(&self) -> Result<serde_json::Value> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut s = tokio::net::TcpStream::connect(self.addr)
            .await
            .map_err(|e| format!("stats: {e}"))?;
        let request = format!(
            "GET /api/stats HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        );
        s.write_all(request.as_bytes())
            .await
            .map_err(|e| format!("stats: {e}"))?;
        let mut out = Vec::new();
        tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut out))
            .await
            .map_err(|_| "stats: no answer in 10 s")?
            .map_err(|e| format!("stats: {e}"))?;
        let text = String::from_utf8_lossy(&out);
        let body = text.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
        serde_json::from_str(body).map_err(|e| format!("stats: {e}: {text}"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
