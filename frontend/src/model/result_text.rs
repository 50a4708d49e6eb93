//! A card's "latest result" for the calls that have no panel of their own (setsockopt,
//! shutdown, getsockname…), worded for students: the call as the course writes it, never a
//! Rust debug dump like `OptionSet { socket: SocketId(2), … }`.

use socklab_shared::protocol::Event;

use super::timeline::{auto_set_label, option_label, shutdown_name};

/// What the card says about `event`, the latest result on its socket.
pub fn result_text(event: &Event) -> String {
    match event {
        Event::OptionSet {
            option, effective, ..
        } => {
            let call = option_label(option, effective);
            if option == effective {
                format!("{call}: done")
            } else {
                format!("{call}: the kernel chose the value after the arrow")
            }
        }
        Event::AutoSet { auto, .. } => auto_set_label(auto),
        Event::ShutDown { how, .. } => format!("shutdown({}): done", shutdown_name(*how)),
        Event::Names { local, peer, .. } => match peer {
            Some(p) => format!("getsockname() → {local} · getpeername() → {p}"),
            None => format!("getsockname() → {local} · getpeername() fails: not connected"),
        },
        Event::FileReceived { filename, size, .. } => {
            format!("received the file {filename}: {size} bytes")
        }
        Event::SocketOpened { local, peer, .. } => match peer {
            Some(p) => format!("connected: {local} ⇄ {p}"),
            None => format!("bound to {local}"),
        },
        Event::Closed { .. } => "close(): done".to_owned(),
        other => {
            // An event this page has no words for yet: its name, never its fields.
            let json = serde_json::to_value(other).unwrap_or_default();
            json["event"].as_str().unwrap_or("done").replace('_', " ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use socklab_shared::protocol::{SockOption, SocketId};

    #[test]
    fn an_option_reads_as_the_call_not_as_rust() {
        let t = result_text(&Event::OptionSet {
            socket: SocketId(2),
            option: SockOption::Nodelay(true),
            effective: SockOption::Nodelay(true),
        });
        assert_eq!(t, "setsockopt(TCP_NODELAY, 1): done");
        assert!(!t.contains('{'));
    }

    #[test]
    fn names_read_as_the_calls() {
        let t = result_text(&Event::Names {
            socket: SocketId(1),
            local: "127.0.0.1:9000".into(),
            peer: None,
        });
        assert!(t.starts_with("getsockname() → 127.0.0.1:9000"), "{t}");
    }
}
