//! socklab-python: Python for what happened in the lab, the course's own socket code (standard
//! library only), generated from the session's history, ready to copy and run. The page shows
//! it in its Python panel; the backend's tests run it with `python3`.
//!
//! Every socket event in the history is one call a Python program makes: `socket_opened` of a
//! listener is `socket(); bind(); listen()`, `sent` is `send(...)`, `received` is `recv(n)`,
//! an error is the exception that call raises. [`PythonCode`] turns a history into those calls,
//! one [`Block`] of lines per event, with variables named after the sockets (`server`,
//! `client`, `conn` when the lesson named them, else `s1`, `s2`…), and
//! [`PythonCode::text`] puts them together as ONE program that performs the same calls in the
//! same order, both ends in one process, and prints what each `recv` returns.
//!
//! # Why one sequential program works
//!
//! `connect()` returns once the kernel has finished the handshake, before the server calls
//! `accept()`; `send()` returns once the kernel has copied the bytes. So the lab's order of
//! calls, replayed top to bottom, never waits for the other end. Where the lab's history is
//! not in that order (an auto-echo reported after the recv that read it), the generator moves
//! the call a recv depends on in front of it. The one thing a single thread can't do is a
//! `sendall` bigger than the buffers while the other end reads (the lab's auto-recv, or recvs
//! later on): that send runs in a `threading.Thread`, joined once its last byte has been
//! read, and the recvs that raced it are one loop that never reads past its bytes. A file
//! upload bigger than the buffers is the other way round: the sender's chunk loop stays the
//! course's loop, and the receiving side (the course's upload server, `receive_file`) runs in
//! the thread, started before the upload and joined after it. Threads are daemons, so a
//! program cut before a join (the panel's program up to a past moment) ends too. Every program
//! the panel offers runs to completion; the backend's tests run big uploads and sends with a
//! timeout.
//!
//! # Runs anywhere
//!
//! Servers bind port 0 (any free port) and clients connect to `server.getsockname()[1]`, so the
//! program doesn't depend on the ports the lab happened to get. A call that failed in the lab
//! is wrapped in `try`/`except` for the exception Python raises, with the socket made
//! non-blocking (or given the lab's timeout) around it, so the program runs to the end.
//!
//! # What the history can't say
//!
//! Events report results, not requests: a `sent` event carries how many bytes went, not which.
//! The generator finds the bytes where the receiving side saw them (recv results and buffer
//! peeks, matched by send number), recognises a length prefix, a JSON header (with its
//! `hashlib.md5(body).hexdigest()`) or a JSON text from the bytes, and writes `b'?'` for bytes
//! no one ever saw. [`PythonCode::with_commands`] takes the commands as sent
//! ([`SentCommands`](socklab_shared::protocol::SentCommands), by request number) and is then
//! exact: bytes, `struct` format, `SO_REUSEADDR`, backlog, the address of a failed `connect`.
//! Without them, signedness of a length prefix is the course's habit (`'i'`, `'!I'` network
//! order) and the backlog is 5. The course's `'i'` is the machine's own int: 4 bytes, signed,
//! little-endian on the machines the lab runs on, so the program writes `'i'` (saying so once)
//! where the lab sent those bytes.
//!
//! # The course's reads
//!
//! A recv that took a send's whole length prefix, then one that took exactly its body, are
//! written as the course reads a message (lesson 11): `header = recv_exactly(conn, 4)`,
//! `n = struct.unpack('i', header)[0]`, `data = recv_exactly(conn, n)`, with the small
//! `recv_exactly` helper defined once. Other recvs are written as the lab called them.
//!
//! # Layout
//! - `program`: the API ([`PythonCode`], its [`Block`]s and [`PyLine`]s) and how the blocks
//!   become one program: imports, blank lines, the steps of one command.
//! - `knowledge`: the first pass, gathering what the history tells about sent bytes,
//!   connections, and sends that need a thread.
//! - `order`: the order a single program can follow (each recv after the send it read).
//! - `generator`: the generator's state and its walk over the history, event by event.
//! - `names`: socket variables, and ports and addresses as Python expressions.
//! - `tcp`: opening sockets (listen, accept, connect, UDP bind) and TCP sends.
//! - `udp`: `sendto` and its destination.
//! - `options`: socket options and each socket's blocking mode.
//! - `auto`: the lab's automatic behaviours (summary loops, echoes, the HMAC answer).
//! - `threads`: sends that run in a thread, and the recvs that raced them as one loop.
//! - `upload_thread`: uploads bigger than the buffers, whose receiving side (the course's
//!   `receive_file`) runs in a thread.
//! - `exact`: a length-prefixed message read as the course does (`recv_exactly`).
//! - `errors`: failed calls in `try`/`except`, made unable to hang.
//! - `failed`: which call failed, from the command or the error message.
//! - `files`: file uploads (the chunk loop) and the file receiver's verdict.
//! - `unix`: AF_UNIX sockets: a folder of the program's own, a path per file name.
//! - `sends`: one send's bytes as Python (`struct.pack`, JSON header).
//! - `literal`: Python literals (`repr` of bytes, `json.dumps(...)`, MD5).
//! - `wire`: programs from the wire's hosts, run on this machine's loopback instead.
//! - [`sample_file`]: the lab's generated test file as Python, and recognising its bytes.
//! - `tests`: the generator's tests, on histories written by hand.

mod auto;
mod errors;
mod exact;
mod failed;
mod files;
mod generator;
mod knowledge;
mod literal;
mod names;
mod options;
mod order;
mod program;
pub mod sample_file;
mod sends;
mod tcp;
mod threads;
mod udp;
mod unix;
mod upload_thread;
mod wire;

pub use literal::py_bytes;
pub use program::{
    Block, PyLine, PythonCode, SocketNames, python_for_event, python_program, socket_names,
};

#[cfg(test)]
mod tests;
