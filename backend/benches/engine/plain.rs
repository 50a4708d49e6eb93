//! The baseline: the same transfer with nothing but `std::net` and two threads.
//!
//! It makes the same system calls the lab makes for a bulk transfer — `write()`s of 64 KiB
//! on one socket, `read()`s of up to 64 KiB on the other, over 127.0.0.1 with default socket
//! options — and nothing else. Syscall size matters more than anything else on loopback: each
//! call costs a fixed kernel entry plus a copy, so a baseline with 1 MiB writes would be
//! faster for reasons that have nothing to do with the lab. Keeping the sizes equal means the
//! gap between the two columns is what the lab adds: events, bookkeeping, the WebSocket.
//! (The lab's `send_bulk` actually sends 65,520-byte pieces, 16 bytes short of 64 KiB, so any
//! phase of its 16-byte pattern can be sliced out of one buffer; 0.02% is not measurable.)

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::{CHUNK, Result, STALL};

/// Turns an I/O error into a sentence saying which step failed.
fn io(what: &'static str) -> impl Fn(std::io::Error) -> String {
    move |e| format!("plain baseline: {what}: {e}")
}

/// One transfer of `bytes` bytes; returns the time from the first write to the reader
/// having every byte.
pub fn transfer(bytes: u64) -> Result<Duration> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(io("bind"))?;
    let addr = listener.local_addr().map_err(io("getsockname"))?;
    let mut writer = TcpStream::connect(addr).map_err(io("connect"))?;
    let (mut reader, _) = listener.accept().map_err(io("accept"))?;
    // Blocking sockets with time limits: a stuck transfer ends in an error, not a hang.
    reader
        .set_read_timeout(Some(STALL))
        .map_err(io("SO_RCVTIMEO"))?;
    writer
        .set_write_timeout(Some(STALL))
        .map_err(io("SO_SNDTIMEO"))?;

    // The reader runs on its own thread, like the lab's auto-recv task: sending and receiving
    // overlap, each on a core of its own when there are two.
    let (ready_tx, ready) = mpsc::channel::<()>();
    let (done_tx, done) = mpsc::channel::<Result<Instant>>();
    std::thread::Builder::new()
        .name("plain-reader".into())
        .spawn(move || {
            // One buffer for the whole transfer: the best a hand-written receiver does.
            let mut buf = vec![0u8; CHUNK];
            let mut got = 0u64;
            let _ = ready_tx.send(());
            let result = loop {
                if got >= bytes {
                    break Ok(Instant::now());
                }
                match reader.read(&mut buf) {
                    Ok(0) => {
                        break Err(format!("plain baseline: EOF after {got} of {bytes} bytes"));
                    }
                    Ok(n) => got += n as u64,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => break Err(format!("plain baseline: read after {got} bytes: {e}")),
                }
            };
            let _ = done_tx.send(result);
        })
        .map_err(io("spawn the reader thread"))?;
    // Start the clock only once the reader is running, as the lab's auto-recv task is
    // already waiting on its socket when `send_bulk` starts.
    ready
        .recv_timeout(STALL)
        .map_err(|_| "plain baseline: the reader thread never started".to_owned())?;

    // The lab's bulk pattern, so both sides push the same bytes. A 64 KiB buffer holds a
    // whole number of 16-byte periods, so every chunk starts at phase 0.
    let pattern: Vec<u8> = b"0123456789abcdef"
        .iter()
        .copied()
        .cycle()
        .take(CHUNK)
        .collect();
    let start = Instant::now();
    let mut left = bytes;
    while left > 0 {
        let n = left.min(CHUNK as u64) as usize;
        writer.write_all(&pattern[..n]).map_err(io("write_all"))?;
        left -= n as u64;
    }
    let finished = done.recv_timeout(STALL).map_err(|_| {
        format!("plain baseline: the reader did not get {bytes} bytes within {STALL:?}")
    })??;
    Ok(finished - start)
}
