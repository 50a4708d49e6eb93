//! `socklab exec`: a student's own program on the lab's wire.
//!
//! `socklab exec --control PATH --session KEY --host a -- python3 client.py`, typed by the
//! operator in a terminal, runs `python3 client.py` inside host A's network namespace, so the
//! script's sockets are on the cable like the lab's: its packets show on the page, and it can
//! connect to a lab listener on host B. The page shows the exact command.
//!
//! How: the server listens on a Unix socket in a private folder (mode 0700, so only the user
//! running socklab, or root, can ask). A request names a session's key and a host; the answer
//! carries the namespaces to join as SCM_RIGHTS descriptors, which the session's helper hands
//! out ([`super::hosts::Hosts::namespaces`]). The `exec` side ([`run_client`]) joins them while
//! still single-threaded and then replaces itself with the program.
//!
//! Invariants: a key names a session only while its wire exists (the [`ExecEntry`] is dropped
//! with it); keys are 128-bit random, so one session's key can't be guessed from another's;
//! every request is answered within [`REQUEST_TIMEOUT`] or dropped.

use std::collections::HashMap;
use std::os::fd::{AsFd, BorrowedFd};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use socklab_shared::protocol::wire::HostName;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::{UnixListener, UnixStream};

use super::hosts::Hosts;

/// The longest a request may take to arrive and be answered.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(2);
/// The longest request line ("<key> <host>").
const MAX_REQUEST: u64 = 256;

type Registry = Arc<Mutex<HashMap<String, Weak<Hosts>>>>;

/// The server's exec socket and the sessions whose wire can be joined.
#[derive(Clone)]
pub struct ExecPoint {
    socket: PathBuf,
    registry: Registry,
}

/// A session's key in the registry; dropping it makes the key unknown.
pub struct ExecEntry {
    pub key: String,
    registry: Registry,
}

impl Drop for ExecEntry {
    fn drop(&mut self) {
        lock(&self.registry).remove(&self.key);
    }
}

fn lock(r: &Registry) -> std::sync::MutexGuard<'_, HashMap<String, Weak<Hosts>>> {
    r.lock().unwrap_or_else(|p| p.into_inner())
}

impl std::fmt::Debug for ExecPoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExecPoint")
            .field("socket", &self.socket)
            .finish_non_exhaustive()
    }
}

impl ExecPoint {
    /// Makes the private folder (`socklab-<pid>-<hex>` in the temporary folder, removed as stale
    /// after a crash like the Unix socket folders) and listens on `exec.sock` in it.
    pub fn start() -> std::io::Result<ExecPoint> {
        let socket = crate::engine::unix_dir::create_private_dir()?.join("exec.sock");
        let listener = UnixListener::bind(&socket)?;
        let point = ExecPoint {
            socket,
            registry: Registry::default(),
        };
        let registry = point.registry.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let registry = registry.clone();
                tokio::spawn(async move {
                    match tokio::time::timeout(REQUEST_TIMEOUT, answer(stream, &registry)).await {
                        Ok(Err(e)) => tracing::debug!(error = %e, "exec request failed"),
                        Err(_) => tracing::debug!("exec request timed out"),
                        Ok(Ok(())) => {}
                    }
                });
            }
        });
        Ok(point)
    }

    /// Lists a session's hosts under a new random key until the entry is dropped.
    pub fn register(&self, hosts: &Arc<Hosts>) -> std::io::Result<ExecEntry> {
        let key = crate::access::token::random_hex(16)?;
        lock(&self.registry).insert(key.clone(), Arc::downgrade(hosts));
        Ok(ExecEntry {
            key,
            registry: self.registry.clone(),
        })
    }

    /// The command that runs a program on `host` of the session with `key`.
    pub fn command(&self, key: &str, host: HostName) -> String {
        format!(
            "socklab exec --control {} --session {key} --host {} -- python3 client.py",
            self.socket.display(),
            host.as_str()
        )
    }

    /// Removes the folder (at shutdown).
    pub fn remove(&self) {
        if let Some(dir) = self.socket.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Reads one request line and answers it: `ok` with the namespaces, or `error: ...`.
async fn answer(mut stream: UnixStream, registry: &Registry) -> std::io::Result<()> {
    use tokio::io::AsyncReadExt;
    let mut line = String::new();
    {
        let (reader, _) = stream.split();
        BufReader::new(reader.take(MAX_REQUEST))
            .read_line(&mut line)
            .await?;
    }
    let reply = match resolve(line.trim(), registry) {
        Ok(hosts_and_host) => {
            let (hosts, host) = hosts_and_host;
            tokio::task::spawn_blocking(move || hosts.namespaces(host))
                .await
                .map_err(std::io::Error::other)?
                .map_err(|e| format!("the session's hosts did not answer: {e}"))
        }
        Err(why) => Err(why),
    };
    stream.writable().await?;
    let std_stream = stream.into_std()?;
    match reply {
        Ok(fds) => {
            let borrowed: Vec<BorrowedFd<'_>> = fds.iter().map(|f| f.as_fd()).collect();
            super::scm::send(std_stream.as_fd(), b"ok\n", &borrowed)
        }
        Err(why) => super::scm::send(
            std_stream.as_fd(),
            format!("error: {why}\n").as_bytes(),
            &[],
        ),
    }
}

fn resolve(line: &str, registry: &Registry) -> Result<(Arc<Hosts>, HostName), String> {
    let (key, host) = line
        .split_once(' ')
        .ok_or("the request must be \"<session key> <host>\"")?;
    let host = match host {
        "a" => HostName::A,
        "b" => HostName::B,
        other => return Err(format!("there is no host {other:?}; the hosts are a and b")),
    };
    let hosts = lock(registry)
        .get(key)
        .and_then(Weak::upgrade)
        .ok_or("no session with that key has a wire now (it ended, or its page was reloaded: copy the command again from the page)")?;
    Ok((hosts, host))
}
