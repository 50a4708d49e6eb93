//! A token bucket: the rate limit behind every "detail or summary" choice (auto events,
//! packets on the wire).
//!
//! Invariant: `tokens` never exceeds `burst`; it grows by `rate` a second of wall time.

use tokio::time::Instant;

/// A token bucket: `rate` tokens a second, at most `burst` saved up.
pub struct Bucket {
    tokens: f64,
    rate: f64,
    burst: f64,
    refilled: Instant,
}

impl Bucket {
    pub fn new(rate: f64, burst: f64) -> Self {
        Bucket {
            tokens: burst,
            rate,
            burst,
            refilled: Instant::now(),
        }
    }

    /// Takes one token if there is one.
    pub fn take(&mut self) -> bool {
        if self.has_token() {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Whether a token is there now (without taking it).
    pub fn has_token(&mut self) -> bool {
        let now = Instant::now();
        let earned = now.duration_since(self.refilled).as_secs_f64() * self.rate;
        self.tokens = (self.tokens + earned).min(self.burst);
        self.refilled = now;
        self.tokens >= 1.0
    }
}
