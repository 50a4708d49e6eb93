//! Command-line options (`socklab --help`) and the limits they set.
//!
//! Everything defaults to the safe choice: the HTTP server and every lab socket stay on
//! loopback, and a session's sockets, message sizes and send sizes are capped. An operator who
//! wants a classroom network widens these explicitly.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use socklab_shared::protocol::{Limits, PortRanges};

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

    /// The secret every /ws and /api request must carry (`?token=` or `Authorization: Bearer`).
    /// By default a random one is made at start and printed in the lab's URL.
    #[arg(
        long,
        env = "SOCKLAB_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub token: Option<String>,

    /// Serve without a token. Allowed only when --listen is a loopback address.
    #[arg(long, conflicts_with = "token")]
    pub no_token: bool,

    /// Extra host names the web server answers to (the `Host` header), e.g. a classroom's DNS
    /// name. localhost, 127.0.0.1, [::1] and the --listen address are always accepted.
    #[arg(long = "allow-host", value_name = "NAME")]
    pub allowed_hosts: Vec<String>,

    /// Extra page origins allowed to open /ws (by default only the lab's own: http:// followed
    /// by an accepted host and the listen port).
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    pub allowed_origins: Vec<String>,

    /// Ports that connect and send_to may reach besides those held by lab sockets of this
    /// server: e.g. `9000-9999`, `7000,9000-9999`, or `none`. The web server's own port is
    /// never reachable.
    #[arg(long, value_name = "PORTS", default_value = "9000-9999")]
    pub allow_ports: PortRanges,

    /// Let lab sockets bind ports below 1024 (refused by default, also when running as root).
    #[arg(long)]
    pub allow_privileged_ports: bool,

    /// Let lab sockets bind and connect beyond loopback (127.0.0.0/8, ::1).
    #[arg(long)]
    pub allow_non_loopback: bool,

    /// Never make the wire's virtual hosts (network namespaces); lab sockets stay on loopback.
    #[arg(long)]
    pub no_wire: bool,

    /// The binary started as the wire's namespace helper (default: this one). Tests whose own
    /// binary is not `socklab` set it.
    #[arg(long, hide = true, value_name = "PATH")]
    pub wire_helper: Option<PathBuf>,

    /// Most concurrent WebSocket sessions.
    #[arg(long, default_value_t = 64)]
    pub max_sessions: usize,

    /// Most followers of shared sessions at once (read-only, no sockets; not counted in the
    /// session caps, so a classroom behind one address can follow).
    #[arg(long, default_value_t = 400)]
    pub max_followers: usize,

    /// Most concurrent WebSocket sessions from one client address.
    #[arg(long, default_value_t = 16)]
    pub max_sessions_per_client: usize,

    /// Most open HTTP connections (WebSockets included, followers too); more are closed at
    /// once.
    #[arg(long, default_value_t = 512)]
    pub max_connections: usize,

    /// Seconds a client has to send a request's headers before the connection is closed.
    #[arg(long, default_value_t = 10)]
    pub header_timeout_secs: u64,

    /// A session that sends nothing for this many seconds is closed (the page pings every
    /// 20 s). 0 turns the idle timeout off.
    #[arg(long, default_value_t = 120)]
    pub idle_timeout_secs: u64,

    /// A session whose WebSocket does not take its events within this many seconds (a client
    /// that stopped reading) is closed.
    #[arg(long, default_value_t = 5)]
    pub write_timeout_secs: u64,

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
            allowed_ports: self.allow_ports.clone(),
            privileged_ports: self.allow_privileged_ports,
            idle_timeout_ms: self.idle_timeout_secs.saturating_mul(1000),
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
        assert!(c.allowed_hosts.is_empty());
        assert!(!c.no_token && !c.allow_privileged_ports);
        assert_eq!(c.allow_ports.to_string(), "9000-9999");
        assert!(c.idle_timeout_secs > 0 && c.write_timeout_secs > 0);
    }
}
