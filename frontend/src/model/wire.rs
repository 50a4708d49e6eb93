//! The wire in words and choices: which host a socket lives on, where a new socket goes, the
//! kernel's TCP numbers for students, and the link panel's settings.

use std::net::SocketAddr;

use socklab_shared::protocol::TcpMetrics;
use socklab_shared::protocol::wire::{HostName, LinkSettings};

use crate::i18n::wire::WireText;
use crate::i18n::{Lang, fill};

/// Where a new socket goes: this machine's loopback, or host A or B of the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Place {
    #[default]
    Machine,
    On(HostName),
}

impl Place {
    /// The value of the workbench's host menu: "machine", "a", "b".
    pub fn value(self) -> &'static str {
        match self {
            Place::Machine => "machine",
            Place::On(h) => h.as_str(),
        }
    }

    /// The menu's value back.
    pub fn from_value(v: &str) -> Place {
        match v {
            "a" => Place::On(HostName::A),
            "b" => Place::On(HostName::B),
            _ => Place::Machine,
        }
    }

    /// The command's `on` field.
    pub fn on(self) -> Option<HostName> {
        match self {
            Place::Machine => None,
            Place::On(h) => Some(h),
        }
    }
}

/// The host of the wire a socket's address is on, if it is one of theirs
/// ("198.18.0.1:40318" → A, "[2001:2::2]:9000" → B, "127.0.0.1:9000" → none).
pub fn host_of(addr: &str) -> Option<HostName> {
    let ip = addr.parse::<SocketAddr>().ok()?.ip();
    HostName::owning(ip)
}

/// "host A", "host B" (in `lang`).
pub fn host_words(h: HostName, lang: Lang) -> &'static str {
    let t = WireText::of(lang);
    match h {
        HostName::A => t.host_a,
        HostName::B => t.host_b,
    }
}

/// Where a new client connects: to the newest listener it can reach (`listeners`: their
/// local addresses, oldest first), else to `default_port` on the other host (a client on a
/// host) or on this machine. Returns (`host`, `port`) for the `connect` command: a listener on
/// a host is named by its host ("b"), which a client on a host can use; a client on this
/// machine reaches only this machine's listeners.
pub fn connect_target(from: Place, listeners: &[&str], default_port: u16) -> (String, u16) {
    let reachable = listeners.iter().rev().find_map(|addr| {
        let port = addr.rsplit(':').next()?.parse::<u16>().ok()?;
        match (from, host_of(addr)) {
            (Place::Machine, None) => Some(("127.0.0.1".to_owned(), port)),
            (Place::On(_), Some(h)) => Some((h.as_str().to_owned(), port)),
            _ => None,
        }
    });
    // A listener on the other host is the usual lesson; prefer it over one on the same host.
    let other = match from {
        Place::On(me) => listeners.iter().rev().find_map(|addr| {
            let port = addr.rsplit(':').next()?.parse::<u16>().ok()?;
            (host_of(addr) == Some(me.other())).then(|| (me.other().as_str().to_owned(), port))
        }),
        Place::Machine => None,
    };
    other.or(reachable).unwrap_or_else(|| match from {
        Place::Machine => ("127.0.0.1".to_owned(), default_port),
        Place::On(me) => (me.other().as_str().to_owned(), default_port),
    })
}

/// A connection's `TCP_INFO` for students: "round trip 0.1 ms · window 64 KiB · in flight 0 ·
/// retransmitted 2 · congestion window 10 segments of 1448 B".
pub fn tcp_info_words(m: &TcpMetrics, lang: Lang) -> String {
    let t = WireText::of(lang);
    let mut parts = vec![fill(t.round_trip, &[&ms_words(m.rtt_us)])];
    if let Some(w) = m.peer_window {
        parts.push(fill(t.peer_window, &[&kib_words(w.into())]));
    }
    parts.push(match m.unacked {
        1 => t.in_flight_one.to_owned(),
        n => fill(t.in_flight_many, &[&n]),
    });
    parts.push(fill(t.retransmitted, &[&m.retransmits]));
    parts.push(fill(t.cwnd, &[&m.cwnd, &m.mss]));
    parts.join(" · ")
}

/// 87 µs → "0.09 ms", 51 234 µs → "51 ms".
fn ms_words(us: u32) -> String {
    match us {
        0..10_000 => format!("{:.2} ms", us as f64 / 1000.0).replace(".00 ms", " ms"),
        _ => format!("{} ms", (us as f64 / 1000.0).round()),
    }
}

/// Bytes as "512 B", "64 KiB", "1.5 MiB".
fn kib_words(n: u64) -> String {
    match n {
        0..1024 => format!("{n} B"),
        1024..1_048_576 => {
            let k = n as f64 / 1024.0;
            if k.fract() < 0.05 || k >= 100.0 {
                format!("{} KiB", k.round())
            } else {
                format!("{k:.1} KiB")
            }
        }
        _ => format!("{:.1} MiB", n as f64 / 1_048_576.0),
    }
}

/// The MTU presets: Ethernet, the IPv4 minimum, jumbo frames (named by [`mtu_name`]).
pub const MTU_PRESETS: [u32; 3] = [1500, 576, 9000];

/// The name of an MTU preset in `lang` (the number itself for any other MTU).
pub fn mtu_name(mtu: u32, lang: Lang) -> String {
    let t = WireText::of(lang);
    match mtu {
        1500 => t.mtu_ethernet.to_owned(),
        576 => t.mtu_smallest.to_owned(),
        9000 => t.mtu_jumbo.to_owned(),
        other => other.to_string(),
    }
}

/// The link panel's form, as typed: every field text, checked on "apply".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkForm {
    pub delay_ms: String,
    pub jitter_ms: String,
    pub loss_pct: String,
    pub duplicate_pct: String,
    pub reorder_pct: String,
    pub rate_kbit: String,
    pub mtu: String,
    pub seed: String,
}

impl Default for LinkForm {
    fn default() -> Self {
        LinkForm::from_settings(&LinkSettings::default())
    }
}

impl LinkForm {
    /// The form showing `s` (what the server reports), with no seed.
    pub fn from_settings(s: &LinkSettings) -> Self {
        LinkForm {
            delay_ms: s.delay_ms.to_string(),
            jitter_ms: s.jitter_ms.to_string(),
            loss_pct: s.loss_pct.to_string(),
            duplicate_pct: s.duplicate_pct.to_string(),
            reorder_pct: s.reorder_pct.to_string(),
            rate_kbit: s.rate_kbit.to_string(),
            mtu: s.mtu.to_string(),
            seed: String::new(),
        }
    }

    /// The settings and seed, or what is wrong in words ("loss %: 120 is not between 0 and
    /// 100"; the range check is the protocol crate's, in English). An empty field is its
    /// default.
    pub fn parse(&self, lang: Lang) -> Result<(LinkSettings, Option<u64>), String> {
        let w = WireText::of(lang);
        let d = LinkSettings::default();
        let s = LinkSettings {
            delay_ms: number(w, w.delay, &self.delay_ms)?.unwrap_or(d.delay_ms),
            jitter_ms: number(w, w.jitter, &self.jitter_ms)?.unwrap_or(d.jitter_ms),
            loss_pct: number(w, w.loss_pct, &self.loss_pct)?.unwrap_or(d.loss_pct),
            duplicate_pct: number(w, w.duplicate_pct, &self.duplicate_pct)?
                .unwrap_or(d.duplicate_pct),
            reorder_pct: number(w, w.reorder_pct, &self.reorder_pct)?.unwrap_or(d.reorder_pct),
            rate_kbit: number(w, w.rate, &self.rate_kbit)?.unwrap_or(d.rate_kbit),
            mtu: number(w, "MTU", &self.mtu)?.unwrap_or(d.mtu),
        };
        s.validate().map_err(|e| e.to_string())?;
        Ok((s, number(w, w.seed, &self.seed)?))
    }
}

/// A field's number (`None` when empty: its default), or what is wrong with it in `w`'s
/// language ("loss %: \"x\" is not a number").
fn number<T: std::str::FromStr>(w: &WireText, name: &str, text: &str) -> Result<Option<T>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse()
        .map(Some)
        .map_err(|_| fill(w.not_a_number, &[&name, &format!("{t:?}")]))
}

/// A direction's settings in a few words: "50 ms · 10 % loss · MTU 576"; "no impairment"
/// when the link is as fresh.
pub fn settings_words(s: &LinkSettings, lang: Lang) -> String {
    let t = WireText::of(lang);
    let mut parts = Vec::new();
    if s.delay_ms > 0 {
        parts.push(fill(t.s_delay, &[&s.delay_ms]));
    }
    if s.jitter_ms > 0 {
        parts.push(fill(t.s_jitter, &[&s.jitter_ms]));
    }
    for (v, template) in [
        (s.loss_pct, t.s_loss),
        (s.duplicate_pct, t.s_duplicates),
        (s.reorder_pct, t.s_reordering),
    ] {
        if v > 0.0 {
            parts.push(fill(template, &[&v]));
        }
    }
    if s.rate_kbit > 0 {
        parts.push(format!("{} kbit/s", s.rate_kbit));
    }
    if s.mtu != LinkSettings::default().mtu {
        parts.push(format!("MTU {}", s.mtu));
    }
    if parts.is_empty() {
        t.no_impairment.to_owned()
    } else {
        parts.join(" · ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_socket_s_host_comes_from_its_address() {
        assert_eq!(host_of("198.18.0.1:40318"), Some(HostName::A));
        assert_eq!(host_of("[2001:2::2]:9000"), Some(HostName::B));
        assert_eq!(host_of("127.0.0.1:9000"), None);
        assert_eq!(host_of("/tmp/x/server.sock"), None);
    }

    #[test]
    fn a_client_on_a_connects_to_the_server_on_b_by_name() {
        let ls = ["127.0.0.1:9000", "198.18.0.2:9000", "198.18.0.1:7000"];
        assert_eq!(
            connect_target(Place::On(HostName::A), &ls, 9000),
            ("b".to_owned(), 9000)
        );
        // Only one on its own host: that one.
        assert_eq!(
            connect_target(Place::On(HostName::B), &ls[..2], 9000),
            ("b".to_owned(), 9000)
        );
        assert_eq!(
            connect_target(Place::Machine, &ls, 9000),
            ("127.0.0.1".to_owned(), 9000)
        );
        assert_eq!(
            connect_target(Place::On(HostName::B), &[], 9000),
            ("a".to_owned(), 9000)
        );
        assert_eq!(
            connect_target(Place::Machine, &["198.18.0.2:9001"], 9000),
            ("127.0.0.1".to_owned(), 9000)
        );
        assert_eq!(
            Place::from_value(Place::On(HostName::B).value()).on(),
            Some(HostName::B)
        );
    }

    #[test]
    fn tcp_info_in_words_for_students() {
        let m = TcpMetrics {
            rtt_us: 87,
            rttvar_us: 30,
            cwnd: 10,
            mss: 1448,
            unacked: 0,
            retransmits: 2,
            peer_window: Some(65536),
        };
        assert_eq!(
            tcp_info_words(&m, Lang::En),
            "round trip 0.09 ms · peer's window 64 KiB · 0 segments in flight · retransmitted 2 · congestion window 10 × 1448 B"
        );
        let m = TcpMetrics {
            rtt_us: 101_400,
            unacked: 1,
            peer_window: None,
            ..m
        };
        let w = tcp_info_words(&m, Lang::En);
        assert!(
            w.starts_with("round trip 101 ms · 1 segment in flight"),
            "{w}"
        );
    }

    #[test]
    fn the_link_form_checks_what_was_typed() {
        let mut f = LinkForm {
            delay_ms: "50".into(),
            ..LinkForm::default()
        };
        let (s, seed) = f.parse(Lang::En).unwrap();
        assert_eq!((s.delay_ms, s.mtu, seed), (50, 1500, None));
        f.seed = "7".into();
        f.loss_pct = "".into();
        assert_eq!(f.parse(Lang::En).unwrap().1, Some(7));
        f.loss_pct = "120".into();
        assert!(f.parse(Lang::En).unwrap_err().contains("loss_pct"));
        f.loss_pct = "x".into();
        assert!(f.parse(Lang::En).unwrap_err().contains("loss %"));
        assert_eq!(
            settings_words(&LinkSettings::default(), Lang::En),
            "no delay, no loss"
        );
        assert_eq!(settings_words(&s, Lang::En), "delay 50 ms");
    }
}
