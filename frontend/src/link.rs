//! What the page knows about its link to the backend, as plain data.
//!
//! The page reconnects by itself when the server restarts (a lecturer restarting socklab mid-
//! class shouldn't have to tell 40 students to reload). The delay grows so a server that is
//! down for long isn't hammered, and is capped so the page comes back quickly once it's up.

use std::time::Duration;

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
/// (`"127.0.0.1:8080"`): the socket always goes back to the server that served the page.
pub fn ws_url(protocol: &str, host: &str) -> String {
    let scheme = if protocol == "https:" { "wss" } else { "ws" };
    format!("{scheme}://{host}/ws")
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
        assert_eq!(ws_url("http:", "127.0.0.1:8080"), "ws://127.0.0.1:8080/ws");
        assert_eq!(ws_url("https:", "lab.example"), "wss://lab.example/ws");
    }

    #[test]
    fn labels_are_the_words_tests_look_for() {
        assert_eq!(LinkStatus::Connected.label(), "connected");
        assert_eq!(LinkStatus::Disconnected.label(), "disconnected");
    }
}
