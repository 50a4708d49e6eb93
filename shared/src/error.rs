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
    /// A command template (a demo's or a lesson's) that gives no command.
    #[error(transparent)]
    Script(#[from] ScriptError),
}

/// Why a command template ([`crate::script`]) gives no lab command: the script family of
/// [`Error`], returned by the template functions themselves.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScriptError {
    /// `"$name"` for a name no earlier command gave a socket with `"as"`.
    #[error("no socket is named {0:?} yet (name it with \"as\")")]
    UnknownName(String),
    /// `"$name.field"` with a field other than `port`.
    #[error("unknown field {field:?} in {reference:?}: use $name or $name.port")]
    UnknownField { field: String, reference: String },
    /// A `"text"` or `"hex"` shorthand that is not a string (the key is named).
    #[error("\"{0}\" must be a string")]
    NotAString(&'static str),
    /// Hex text with an odd number of digits.
    #[error("hex {0:?} has an odd number of digits")]
    OddHexDigits(String),
    /// Two characters of hex text that are not a byte.
    #[error("{0:?} is not a hex byte")]
    NotAHexByte(String),
    /// A resolved template that is not a command; the parser's reason.
    #[error("not a valid command: {0}")]
    NotACommand(String),
    /// A name used before any earlier command of the sequence gave a socket that name.
    #[error("uses ${0} before any command named a socket {0:?}")]
    UsedBeforeNamed(String),
    /// A command of a sequence that does not check, numbered from 1.
    #[error("command {number}: {error}")]
    InCommand {
        number: usize,
        error: Box<ScriptError>,
    },
}
