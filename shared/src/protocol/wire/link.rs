//! One direction of the wire's link, and the bounds of its settings.
//!
//! Invariant: a [`LinkSettings`] the server uses has passed [`LinkSettings::validate`].

use serde::{Deserialize, Serialize};

/// One direction of the link: what happens to packets on the cable.
///
/// Percentages are numbers in 0..=100 (decimals allowed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LinkSettings {
    /// One-way delay added to every packet, in milliseconds (0..=10 000).
    pub delay_ms: u32,
    /// Random extra delay, uniform in 0..=jitter_ms (0..=10 000). Jitter alone never reorders a
    /// TCP stream's segments beyond what `reorder_pct` asks: packets leave in order unless
    /// reordered on purpose.
    pub jitter_ms: u32,
    /// Chance a packet is dropped, 0..=100.
    pub loss_pct: f64,
    /// Chance a packet is delivered twice, 0..=100.
    pub duplicate_pct: f64,
    /// Chance a packet is held back and overtaken by the next one, 0..=100.
    pub reorder_pct: f64,
    /// Bandwidth in kilobits per second; 0 means unlimited (up to 10 000 000).
    pub rate_kbit: u64,
    /// The hosts' MTU: 576..=65 520. Both hosts' TUN devices use the smaller of the two
    /// directions' values (an MTU is a property of the link, not of a direction).
    pub mtu: u32,
}

impl Default for LinkSettings {
    fn default() -> Self {
        LinkSettings {
            delay_ms: 0,
            jitter_ms: 0,
            loss_pct: 0.0,
            duplicate_pct: 0.0,
            reorder_pct: 0.0,
            rate_kbit: 0,
            mtu: DEFAULT_MTU,
        }
    }
}

/// The MTU of a fresh link.
pub const DEFAULT_MTU: u32 = 1500;
/// The smallest MTU a link accepts (IPv4's minimum datagram every host must take).
pub const MIN_MTU: u32 = 576;
/// The largest MTU a link accepts (what a TUN device allows with room for headers).
pub const MAX_MTU: u32 = 65_520;
/// The longest delay or jitter, in milliseconds.
pub const MAX_DELAY_MS: u32 = 10_000;
/// The highest rate limit, in kbit/s (10 Gbit/s).
pub const MAX_RATE_KBIT: u64 = 10_000_000;

impl LinkSettings {
    /// Checks every field against its bounds; the message names the field and its range.
    pub fn validate(&self) -> Result<(), crate::Error> {
        let bad = crate::Error::BadMessage;
        let pct = |name: &str, v: f64| {
            if (0.0..=100.0).contains(&v) {
                Ok(())
            } else {
                Err(bad(format!("{name} must be between 0 and 100, got {v}")))
            }
        };
        pct("loss_pct", self.loss_pct)?;
        pct("duplicate_pct", self.duplicate_pct)?;
        pct("reorder_pct", self.reorder_pct)?;
        if self.delay_ms > MAX_DELAY_MS || self.jitter_ms > MAX_DELAY_MS {
            return Err(bad(format!(
                "delay_ms and jitter_ms must be at most {MAX_DELAY_MS}, got {} and {}",
                self.delay_ms, self.jitter_ms
            )));
        }
        if self.rate_kbit > MAX_RATE_KBIT {
            return Err(bad(format!(
                "rate_kbit must be at most {MAX_RATE_KBIT} (0 = unlimited), got {}",
                self.rate_kbit
            )));
        }
        if !(MIN_MTU..=MAX_MTU).contains(&self.mtu) {
            return Err(bad(format!(
                "mtu must be between {MIN_MTU} and {MAX_MTU}, got {}",
                self.mtu
            )));
        }
        Ok(())
    }
}
