//! Events the unit tests of several modules build alike.

use socklab_shared::protocol::{ErrorCode, Event, Limits};

/// A server's hello, with no idle timeout (so the page would not ping).
pub fn hello() -> Event {
    Event::Hello {
        protocol_version: 1,
        server_version: "test".into(),
        limits: Limits {
            max_sockets: 16,
            max_send_bytes: 1 << 20,
            max_message_bytes: 1 << 20,
            peek_bytes: 256,
            max_bulk_bytes: 1 << 20,
            max_wait_ms: 5000,
            loopback_only: true,
            allowed_ports: Default::default(),
            privileged_ports: false,
            idle_timeout_ms: 0,
        },
    }
}

/// An error event not tied to a socket, without hint.
pub fn error(code: ErrorCode, message: &str) -> Event {
    Event::Error {
        code,
        message: message.into(),
        hint: None,
        socket: None,
        errno: None,
    }
}
