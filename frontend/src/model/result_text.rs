//! A card's "latest result" for the calls that have no panel of their own (setsockopt,
//! shutdown, getsockname…), worded for students: the call as the course writes it, never a
//! Rust debug dump like `OptionSet { socket: SocketId(2), … }`.

use socklab_shared::protocol::Event;

use super::timeline::{auto_set_label, option_label, shutdown_name};
use crate::i18n::results::ResultText;
use crate::i18n::{Lang, fill};

/// What the card says about `event`, the latest result on its socket, in `lang`.
pub fn result_text(event: &Event, lang: Lang) -> String {
    let t = ResultText::of(lang);
    match event {
        Event::OptionSet {
            option, effective, ..
        } => {
            let call = option_label(option, effective);
            if option == effective {
                fill(t.option_done, &[&call])
            } else {
                fill(t.option_changed, &[&call])
            }
        }
        Event::AutoSet { auto, .. } => auto_set_label(auto, lang),
        Event::ShutDown { how, .. } => fill(t.shutdown_done, &[&shutdown_name(*how)]),
        Event::Names { local, peer, .. } => match peer {
            Some(p) => fill(t.names_peer, &[local, p]),
            None => fill(t.names_no_peer, &[local]),
        },
        Event::FileReceived { filename, size, .. } => fill(t.file_received, &[filename, size]),
        Event::SocketOpened { local, peer, .. } => match peer {
            Some(p) => fill(t.connected, &[local, p]),
            None => fill(t.bound, &[local]),
        },
        Event::Closed { .. } => t.close_done.to_owned(),
        other => {
            // An event this page has no words for yet: its name (the protocol's, so
            // untranslated), never its fields.
            let json = serde_json::to_value(other).unwrap_or_default();
            json["event"].as_str().unwrap_or(t.done).replace('_', " ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use socklab_shared::protocol::{SockOption, SocketId};

    #[test]
    fn an_option_reads_as_the_call_not_as_rust() {
        let t = result_text(
            &Event::OptionSet {
                socket: SocketId(2),
                option: SockOption::Nodelay(true),
                effective: SockOption::Nodelay(true),
            },
            Lang::En,
        );
        assert_eq!(t, "setsockopt(TCP_NODELAY, 1): done");
        assert!(!t.contains('{'));
    }

    #[test]
    fn names_read_as_the_calls() {
        let t = result_text(
            &Event::Names {
                socket: SocketId(1),
                local: "127.0.0.1:9000".into(),
                peer: None,
            },
            Lang::En,
        );
        assert!(t.starts_with("getsockname() → 127.0.0.1:9000"), "{t}");
        let zh = result_text(
            &Event::Names {
                socket: SocketId(1),
                local: "127.0.0.1:9000".into(),
                peer: None,
            },
            Lang::Zh,
        );
        assert_eq!(
            zh,
            "getsockname() → 127.0.0.1:9000 · getpeername() 失败：未连接"
        );
    }
}
