//! Doing one system call, waiting for readiness first if the step allows it.
//!
//! Every lab socket is non-blocking underneath. A call is first tried once; if the kernel says
//! EAGAIN and the step may wait, we wait for the socket to become readable/writable (epoll via
//! tokio, no busy loop, no thread blocked) until a deadline, and try again. This is what a
//! blocking call or `settimeout` does inside the kernel, made explicit so the server never
//! blocks and the lab can show "would block" as its own outcome.

use std::io;
use std::time::Duration;

use socket2::Socket;
use tokio::io::Interest;
use tokio::io::unix::AsyncFd;
use tokio::time::Instant;

use super::step_error::{Call, StepError, StepResult};

/// Runs `call` on `fd`: once at once, then (when `wait_ms` is `Some`) again each time the
/// socket becomes ready for `interest`, until it stops saying EAGAIN or the wait is over.
pub async fn with_wait<T>(
    fd: &AsyncFd<Socket>,
    interest: Interest,
    wait_ms: Option<u64>,
    name: &Call,
    mut call: impl FnMut(&Socket) -> io::Result<T>,
) -> StepResult<T> {
    match call(fd.get_ref()) {
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
        Err(e) => return Err(StepError::os(name, &e)),
        Ok(v) => return Ok(v),
    }
    let Some(ms) = wait_ms else {
        let e = io::Error::from_raw_os_error(libc::EAGAIN);
        return Err(StepError::os(name, &e));
    };
    let deadline = Instant::now() + Duration::from_millis(ms);
    loop {
        let mut guard = match tokio::time::timeout_at(deadline, fd.ready(interest)).await {
            Err(_elapsed) => return Err(StepError::timed_out(name, ms)),
            Ok(Err(e)) => return Err(StepError::os(name, &e)),
            Ok(Ok(guard)) => guard,
        };
        match call(fd.get_ref()) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => guard.clear_ready(),
            Err(e) => return Err(StepError::os(name, &e)),
            Ok(v) => return Ok(v),
        }
    }
}
