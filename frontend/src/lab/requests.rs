//! The page's one request counter: every command the page numbers takes its `req` here,
//! whoever sends it (a button, a fallback, [`super::Lab::ask`], a script's next step).
//!
//! Invariants: numbers start at 1 and only grow, for the whole life of the page (a new
//! session does not start them over), so a number names one command: the record of sent
//! commands, the waiters of `ask`, the fallbacks and a script's step in flight all match
//! answers to commands by it. A number is taken only for a command that goes out.

/// Hands out request numbers.
#[derive(Debug, Default)]
pub struct RequestCounter {
    last: u64,
}

impl RequestCounter {
    /// The number for the next command.
    pub fn take(&mut self) -> u64 {
        self.last += 1;
        self.last
    }

    /// Offers the next number to `command_for`, and takes it only when `command_for` has a
    /// command to send with it (a script may have none ready).
    pub fn take_if<T>(&mut self, command_for: impl FnOnce(u64) -> Option<T>) -> Option<(u64, T)> {
        let req = self.last + 1;
        let command = command_for(req)?;
        self.last = req;
        Some((req, command))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_start_at_one_and_grow() {
        let mut counter = RequestCounter::default();
        assert_eq!(counter.take(), 1);
        assert_eq!(counter.take(), 2);
        assert_eq!(counter.take_if(|req| Some(req * 10)), Some((3, 30)));
        assert_eq!(counter.take(), 4);
    }

    #[test]
    fn a_number_offered_but_not_used_is_offered_again() {
        let mut counter = RequestCounter::default();
        assert_eq!(counter.take_if(|_| None::<()>), None);
        assert_eq!(counter.take_if(Some), Some((1, 1)));
    }
}
