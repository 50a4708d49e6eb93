//! A failed step, turned into the error event the page shows where it happened.
//!
//! Socket errors keep the kernel's errno (name and number, as Python prints them) and add a
//! plain-words explanation, so "ConnectionRefusedError: [Errno 111]" on screen comes with "nothing
//! is listening on that port".

use std::io;

use socklab_shared::protocol::{ErrorCode, Event, SocketId};

use super::sys;

/// Which kind of call failed: what EAGAIN and a timeout mean depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallFamily {
    /// `send`, `sendall`, `sendto`: waits for room in the send buffer.
    Send,
    /// `accept`: waits for a connection in the accept queue.
    Accept,
    /// `recv`, `recvfrom`: waits for bytes.
    Receive,
    /// Anything else (`bind`, `listen`, `connect`, `setsockopt`…).
    Other,
}

/// A call as the student's Python would write it (`recv(1024)`, `connect(('127.0.0.1',
/// 9000))`), with its family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub family: CallFamily,
    pub text: String,
}

impl Call {
    pub fn send(text: impl Into<String>) -> Self {
        Call {
            family: CallFamily::Send,
            text: text.into(),
        }
    }

    pub fn accept() -> Self {
        Call {
            family: CallFamily::Accept,
            text: "accept()".to_owned(),
        }
    }

    pub fn receive(text: impl Into<String>) -> Self {
        Call {
            family: CallFamily::Receive,
            text: text.into(),
        }
    }
}

impl From<&str> for Call {
    fn from(text: &str) -> Self {
        Call {
            family: CallFamily::Other,
            text: text.to_owned(),
        }
    }
}

impl From<&String> for Call {
    fn from(text: &String) -> Self {
        Call::from(text.as_str())
    }
}

impl From<&Call> for Call {
    fn from(call: &Call) -> Self {
        call.clone()
    }
}

impl std::fmt::Display for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// Why a command did not do what it was asked.
#[derive(Debug)]
pub struct StepError {
    pub code: ErrorCode,
    pub message: String,
    pub hint: Option<String>,
    pub socket: Option<SocketId>,
    pub errno: Option<socklab_shared::protocol::Errno>,
}

impl StepError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        StepError {
            code,
            message: message.into(),
            hint: None,
            socket: None,
            errno: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn on(mut self, socket: SocketId) -> Self {
        self.socket = Some(socket);
        self
    }

    /// A failed system call: `call` is what the student's code would have called.
    pub fn os(call: impl Into<Call>, e: &io::Error) -> Self {
        let call = call.into();
        let errno = sys::errno_of(e);
        let (code, explanation) = match &errno {
            Some(n) if n.number == libc::EAGAIN => {
                (ErrorCode::WouldBlock, would_block_hint(call.family))
            }
            Some(n) => (ErrorCode::Os, sys::explain_errno(&n.name)),
            None if e.kind() == io::ErrorKind::TimedOut => (ErrorCode::TimedOut, ""),
            None => (ErrorCode::Os, ""),
        };
        let message = match &errno {
            Some(n) => format!("{call} failed: [Errno {}] {} ({e})", n.number, n.name),
            None => format!("{call} failed: {e}"),
        };
        StepError {
            code,
            message,
            hint: (!explanation.is_empty()).then(|| explanation.to_owned()),
            socket: None,
            errno,
        }
    }

    /// The call waited as long as it was allowed to.
    pub fn timed_out(call: impl Into<Call>, waited_ms: u64) -> Self {
        let call = call.into();
        let hint = match call.family {
            CallFamily::Send => {
                "the send buffer stayed full: the receiver is not reading. Let it recv, or wait longer"
            }
            CallFamily::Accept => "no client connected in time: connect one first, or wait longer",
            CallFamily::Receive | CallFamily::Other => {
                "nothing arrived in time: send something from the other side first, or wait longer"
            }
        };
        StepError::new(
            ErrorCode::TimedOut,
            format!("{call} timed out after {waited_ms} ms (Python raises socket.timeout / TimeoutError)"),
        )
        .hint(hint)
    }

    /// No socket with that id.
    pub fn unknown(socket: SocketId) -> Self {
        StepError::new(
            ErrorCode::UnknownSocket,
            format!("there is no socket {socket} in this session"),
        )
        .hint("it may have been closed; the workbench lists the sockets that exist")
        .on(socket)
    }

    /// The socket exists but the command doesn't fit it.
    pub fn wrong(socket: SocketId, message: impl Into<String>) -> Self {
        StepError::new(ErrorCode::WrongSocket, message).on(socket)
    }

    /// A safety policy refused the command.
    pub fn refused(message: impl Into<String>, hint: impl Into<String>) -> Self {
        StepError::new(ErrorCode::Refused, message).hint(hint)
    }

    pub fn into_event(self) -> Event {
        Event::Error {
            code: self.code,
            message: self.message,
            hint: self.hint,
            socket: self.socket,
            errno: self.errno,
        }
    }
}

pub type StepResult<T> = Result<T, StepError>;

/// What "would block" means for this call (EAGAIN / Python's BlockingIOError).
fn would_block_hint(family: CallFamily) -> &'static str {
    match family {
        CallFamily::Send => {
            "the kernel's send buffer is full (the receiver isn't reading fast enough), so a \
             non-blocking send can't take a single byte now. Let the receiver recv, or use sendall"
        }
        CallFamily::Accept => {
            "no connection is waiting in the accept queue yet: connect a client first. A blocking \
             accept() would wait here"
        }
        CallFamily::Receive | CallFamily::Other => sys::explain_errno("EAGAIN"),
    }
}
