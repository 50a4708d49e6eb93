//! What the page knows about its link to the backend, as plain data.
//!
//! The page reconnects by itself when the server restarts (a lecturer restarting socklab mid-
//! class shouldn't have to tell 40 students to reload). The delay grows so a server that is
//! down for long isn't hammered, and is capped so the page comes back quickly once it's up.
//!
//! While connected the page pings ([`ping_interval`]): the server closes a session it hears
//! nothing from for `hello.limits.idle_timeout_ms`. Those pings carry no request number, and
//! their pongs ([`is_keepalive_reply`]) are dropped before they reach the history.

use std::time::Duration;

use socklab_shared::protocol::{Envelope, ErrorCode, Event};

/// The keep-alive period when the server's idle timeout allows it.
const PING_EVERY: Duration = Duration::from_secs(20);

/// The shortest keep-alive period, whatever the idle timeout: a server configured with a tiny
/// one still doesn't get a flood.
const PING_AT_MOST_EVERY: Duration = Duration::from_millis(100);

/// The state of the WebSocket link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkStatus {
    /// A connection attempt is under way.
    Connecting,
    /// The WebSocket is open.
    Connected,
    /// The link is down; another attempt follows after a delay.
    Disconnected,
}

impl LinkStatus {
    /// The word shown on the page (tests look for these).
    pub fn label(self) -> &'static str {
        match self {
            LinkStatus::Connecting => "connecting",
            LinkStatus::Connected => "connected",
            LinkStatus::Disconnected => "disconnected",
        }
    }
}

/// What the server said about itself in its hello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerInfo {
    pub protocol_version: u32,
    pub server_version: String,
}

/// Delay before reconnect attempt number `attempt` (0 = the first retry): 250 ms doubling up
/// to 4 s.
pub fn reconnect_delay(attempt: u32) -> Duration {
    let ms = 250u64.saturating_mul(1u64 << attempt.min(16));
    Duration::from_millis(ms.min(4_000))
}

/// The `/ws` URL for a page served from `protocol` (`"http:"`/`"https:"`) and `host`
/// (`"127.0.0.1:8080"`): the socket always goes back to the server that served the page. The
/// lab's token, if the page has one, goes in the query (a browser's `WebSocket` can't send
/// headers), percent-encoded.
pub fn ws_url(protocol: &str, host: &str, token: Option<&str>) -> String {
    let scheme = if protocol == "https:" { "wss" } else { "ws" };
    crate::token::with_token(&format!("{scheme}://{host}/ws"), token)
}

/// How often to ping a server whose idle timeout is `idle_timeout_ms` (from its hello): every
/// 20 s, or a third of the timeout if that is shorter (two pings may be late and the session
/// still lives). `None` when the server has no idle timeout (0).
pub fn ping_interval(idle_timeout_ms: u64) -> Option<Duration> {
    (idle_timeout_ms > 0)
        .then(|| Duration::from_millis(idle_timeout_ms / 3).clamp(PING_AT_MOST_EVERY, PING_EVERY))
}

/// The keep-alive ping: no request number, so its pong is told apart from a lesson's `ping`.
pub fn keepalive_ping() -> String {
    socklab_shared::protocol::Request {
        req: None,
        command: socklab_shared::protocol::Command::Ping,
    }
    .to_json()
}

/// Whether `env` answers a keep-alive ping: a pong without request number. Those don't go into
/// the history (they would fill the timeline's replay with nothing).
pub fn is_keepalive_reply(env: &Envelope) -> bool {
    env.req.is_none() && matches!(env.event, Event::Pong)
}

/// Whether an error with this code stays shown after the page reconnects: one saying why the
/// previous session ended, and its sockets with it (`idle_timeout`). Others are cleared when
/// the link comes back.
pub fn error_survives_reconnect(code: ErrorCode) -> bool {
    code == ErrorCode::IdleTimeout
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delay_doubles_then_caps() {
        let ms: Vec<u64> = (0..8)
            .map(|a| reconnect_delay(a).as_millis() as u64)
            .collect();
        assert_eq!(ms, [250, 500, 1000, 2000, 4000, 4000, 4000, 4000]);
        assert_eq!(reconnect_delay(u32::MAX), Duration::from_secs(4));
    }

    #[test]
    fn ws_url_follows_the_page() {
        assert_eq!(
            ws_url("http:", "127.0.0.1:8080", None),
            "ws://127.0.0.1:8080/ws"
        );
        assert_eq!(
            ws_url("https:", "lab.example", None),
            "wss://lab.example/ws"
        );
    }

    #[test]
    fn ws_url_carries_the_token_encoded() {
        assert_eq!(
            ws_url("http:", "127.0.0.1:8080", Some("0a1b2c")),
            "ws://127.0.0.1:8080/ws?token=0a1b2c"
        );
        assert_eq!(
            ws_url("https:", "lab.example", Some("a b&c=d")),
            "wss://lab.example/ws?token=a%20b%26c%3Dd"
        );
    }

    #[test]
    fn pings_every_20_s_or_a_third_of_the_idle_timeout() {
        assert_eq!(ping_interval(120_000), Some(Duration::from_secs(20)));
        assert_eq!(ping_interval(60_000), Some(Duration::from_secs(20)));
        assert_eq!(ping_interval(30_000), Some(Duration::from_secs(10)));
        assert_eq!(ping_interval(3_000), Some(Duration::from_secs(1)));
        assert_eq!(ping_interval(0), None, "no idle timeout: no pings");
        assert_eq!(ping_interval(1), Some(Duration::from_millis(100)));
        assert_eq!(ping_interval(u64::MAX), Some(Duration::from_secs(20)));
    }

    #[test]
    fn keepalive_pings_and_their_pongs_have_no_request_number() {
        let ping: serde_json::Value = serde_json::from_str(&keepalive_ping()).unwrap();
        assert_eq!(ping, serde_json::json!({"cmd": "ping"}));
        let pong = |req| Envelope {
            seq: 2,
            t_us: 0,
            req,
            event: Event::Pong,
        };
        assert!(is_keepalive_reply(&pong(None)));
        assert!(
            !is_keepalive_reply(&pong(Some(3))),
            "a lesson's ping is shown"
        );
        let snapshot = Envelope {
            event: Event::Buffers {
                sockets: Vec::new(),
            },
            ..pong(None)
        };
        assert!(!is_keepalive_reply(&snapshot));
    }

    #[test]
    fn only_an_idle_timeout_stays_shown_after_reconnecting() {
        assert!(error_survives_reconnect(ErrorCode::IdleTimeout));
        assert!(!error_survives_reconnect(ErrorCode::ShuttingDown));
        assert!(!error_survives_reconnect(ErrorCode::BadMessage));
    }

    #[test]
    fn labels_are_the_words_tests_look_for() {
        assert_eq!(LinkStatus::Connected.label(), "connected");
        assert_eq!(LinkStatus::Disconnected.label(), "disconnected");
    }
}
