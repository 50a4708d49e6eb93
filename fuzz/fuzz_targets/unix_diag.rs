//! Fuzzes the sock_diag reply parser, `socklab::engine::sys::unix_diag::parse_reply`, which
//! reads a Unix listener's accept queue out of the kernel's netlink answer.
//!
//! Input layout: 4 bytes (native endian) for the inode asked about, then the reply bytes. A
//! real reply comes from the kernel, but the parser promises not to panic on any input
//! (engine/sys.rs: "No panics on any input"), so the bytes are arbitrary here.
//!
//! Invariants asserted:
//! - nothing panics (with overflow checks on: cargo-fuzz builds with debug assertions);
//! - the answer depends only on the `nlmsg_len` bytes the header announces: the same reply
//!   with those bytes alone gives the same answer;
//! - `Ok((queued, backlog))` exactly for a `SOCK_DIAG_BY_FAMILY` message about inode `ino` in
//!   state `TCP_LISTEN`, and the two numbers are the payload of a `UNIX_DIAG_RQLEN`
//!   attribute found by an independent walk over the attributes written here;
//! - an `NLMSG_ERROR` reply gives exactly the kernel's errno (negated, as netlink sends it),
//!   or, for `i32::MIN`, which has no positive counterpart, an error without an errno.
#![no_main]

use std::io;

use libfuzzer_sys::fuzz_target;
use socklab::engine::sys::unix_diag::parse_reply;

fn u16_at(buf: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_ne_bytes(
        buf.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

fn u32_at(buf: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(
        buf.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

/// The reference walk: `struct nlattr`s after the 16-byte `nlmsghdr` and 16-byte
/// `unix_diag_msg`, each `len` bytes long (header included) and padded to 4; the first
/// `UNIX_DIAG_RQLEN` (4) with at least 8 bytes of payload.
fn rqlen_of(msg: &[u8]) -> Option<(u32, u32)> {
    let mut at = 32;
    loop {
        let (len, kind) = (usize::from(u16_at(msg, at)?), u16_at(msg, at + 2)?);
        if len < 4 {
            return None;
        }
        if kind == 4 && len >= 12 {
            return Some((u32_at(msg, at + 4)?, u32_at(msg, at + 8)?));
        }
        at += len.next_multiple_of(4);
    }
}

/// Two answers are the same: equal numbers, or errors of the same kind and errno.
fn same(a: &io::Result<(u32, u32)>, b: &io::Result<(u32, u32)>) -> bool {
    match (a, b) {
        (Ok(x), Ok(y)) => x == y,
        (Err(x), Err(y)) => x.kind() == y.kind() && x.raw_os_error() == y.raw_os_error(),
        _ => false,
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((ino, reply)) = data.split_first_chunk::<4>() else {
        return;
    };
    let ino = u32::from_ne_bytes(*ino);
    let answer = parse_reply(reply, ino);

    let Some(len) = u32_at(reply, 0).map(|l| l as usize) else {
        assert!(answer.is_err(), "a reply without a header was accepted");
        return;
    };
    if let Some(msg) = reply.get(..len) {
        let alone = parse_reply(msg, ino);
        assert!(
            same(&answer, &alone),
            "bytes after nlmsg_len changed {answer:?} to {alone:?}"
        );
    }

    // What the documented layout says the answer is, read independently.
    let msg = reply.get(..len);
    let expected = msg.and_then(|m| {
        let about_listener = u16_at(m, 4) == Some(20) && m.get(18) == Some(&10);
        (about_listener && u32_at(m, 20) == Some(ino)).then(|| rqlen_of(m))?
    });
    assert_eq!(answer.as_ref().ok(), expected.as_ref(), "{answer:?}");
    if let Some(errno) = msg
        .filter(|m| u16_at(m, 4) == Some(2))
        .and_then(|m| u32_at(m, 16))
    {
        let e = answer
            .as_ref()
            .expect_err("an NLMSG_ERROR reply was accepted");
        // The kernel's errno, negated back; i32::MIN has no positive counterpart and is
        // refused as malformed rather than negated with overflow.
        let want = (errno as i32).checked_neg();
        assert_eq!(e.raw_os_error(), want, "{e}");
    }
});
