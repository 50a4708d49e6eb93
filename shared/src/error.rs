//! The crate's one error type. Every variant carries a message written for the person who
//! made the mistake (a script author, a lecturer writing a lesson, an operator typing a flag):
//! what was wrong, and what the right thing looks like.

/// What was wrong with something given to this crate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A WebSocket text frame that is not a valid command.
    #[error("{0}")]
    BadMessage(String),
    /// Text that is not valid base64.
    #[error("{0}")]
    Base64(String),
    /// A lesson file that does not load or does not check.
    #[error("{0}")]
    Lesson(String),
    /// A port list (`--allow-ports`) that is not one.
    #[error("{0}")]
    Ports(String),
    /// An upload's length field or JSON header that is not one.
    #[error("{0}")]
    Upload(String),
}
