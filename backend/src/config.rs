//! Command-line options (`socklab --help`) and the limits they set.
//!
//! Everything defaults to the safe choice: the HTTP server and every lab socket stay on
//! loopback, and a session's sockets, message sizes and send sizes are capped. An operator who
//! wants a classroom network widens these explicitly.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use socklab_shared::protocol::Limits;

/// socklab: an interactive lab for socket programming, on real kernel sockets.
#[derive(Debug, Clone, Parser)]
#[command(version, about)]
pub struct Config {
    /// Address the web server listens on. Keep it on loopback unless the lab must be reached
    /// from other machines.
    #[arg(long, env = "SOCKLAB_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Folder with the built page (trunk's output).
    #[arg(long, env = "SOCKLAB_DIST", default_value = "frontend/dist")]
    pub dist: PathBuf,

    /// Folder of lesson files (`*.toml`); read again on every request, so a dropped-in file
    /// appears without a restart.
    #[arg(long, env = "SOCKLAB_LESSONS", default_value = "static/lessons")]
    pub lessons: PathBuf,

    /// Log filter, e.g. `info`, `socklab=debug`.
    #[arg(long, env = "SOCKLAB_LOG", default_value = "info")]
    pub log: String,

    /// Extra page origins allowed to open /ws (by default only the page's own origin may).
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    pub allowed_origins: Vec<String>,

    /// Let lab sockets bind and connect beyond loopback (127.0.0.0/8, ::1).
    #[arg(long)]
    pub allow_non_loopback: bool,

    /// Most concurrent WebSocket sessions.
    #[arg(long, default_value_t = 64)]
    pub max_sessions: usize,

    /// Most lab sockets one session may hold.
    #[arg(long, default_value_t = 32)]
    pub max_sockets: u32,

    /// Most bytes in one send command.
    #[arg(long, default_value_t = 1 << 20)]
    pub max_send_bytes: u64,

    /// Largest WebSocket message accepted from the page, in bytes. A send command carries its
    /// data base64-encoded, so this must exceed 4/3 of --max-send-bytes for the largest sends.
    #[arg(long, default_value_t = 2 << 20)]
    pub max_message_bytes: usize,

    /// Most bytes one send_bulk command may generate (large transfers, benchmarks).
    #[arg(long, default_value_t = 1 << 30)]
    pub max_bulk_bytes: u64,

    /// Longest a single call (accept, connect, recv with a timeout) may wait, in milliseconds.
    #[arg(long, default_value_t = 30_000)]
    pub max_wait_ms: u64,

    /// How many bytes of a receive buffer a snapshot shows (MSG_PEEK).
    #[arg(long, default_value_t = 4096)]
    pub peek_bytes: u64,
}

impl Config {
    /// The configuration with every default, as `socklab` with no flags would have it.
    pub fn defaults() -> Self {
        Config::parse_from(["socklab"])
    }

    /// The limits announced to the page in the hello event.
    pub fn limits(&self) -> Limits {
        Limits {
            max_sockets: self.max_sockets,
            max_send_bytes: self.max_send_bytes,
            max_message_bytes: self.max_message_bytes as u64,
            peek_bytes: self.peek_bytes,
            max_bulk_bytes: self.max_bulk_bytes,
            max_wait_ms: self.max_wait_ms,
            loopback_only: !self.allow_non_loopback,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_safe() {
        let c = Config::defaults();
        assert!(c.listen.ip().is_loopback());
        assert!(!c.allow_non_loopback);
        assert!(c.limits().loopback_only);
        assert!(c.allowed_origins.is_empty());
    }
}
