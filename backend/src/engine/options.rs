//! `setsockopt`, `setblocking`, `settimeout`: each answered with what the kernel reports back,
//! which is not always what was asked (Linux doubles SO_RCVBUF/SO_SNDBUF to leave room for its
//! own bookkeeping, and clamps them to a minimum).

use socklab_shared::protocol::{Event, SockOption, SocketId, SocketKind};

use super::Engine;
use super::lab_socket::WaitMode;
use super::step_error::{StepError, StepResult};

impl Engine {
    pub(super) fn set_option(&mut self, id: SocketId, option: SockOption) -> StepResult<Event> {
        let s = self.table.get(id)?;
        let sock = s.socket();
        let os = |call: &'static str| move |e: std::io::Error| StepError::os(call, &e).on(id);
        let effective = match option {
            SockOption::Nodelay(on) => {
                if s.kind == SocketKind::Udp {
                    return Err(StepError::wrong(
                        id,
                        "TCP_NODELAY is a TCP option; this is a UDP socket",
                    ));
                }
                // On a Unix socket the kernel itself refuses (EOPNOTSUPP): let it say so.
                sock.set_tcp_nodelay(on).map_err(|e| {
                    let err = StepError::os("setsockopt(TCP_NODELAY)", &e).on(id);
                    if s.kind.is_unix() {
                        err.hint(
                            "TCP_NODELAY switches off TCP's Nagle delay; a Unix-domain socket \
                             has no TCP and no Nagle: its bytes go straight to the peer",
                        )
                    } else {
                        err
                    }
                })?;
                SockOption::Nodelay(sock.tcp_nodelay().map_err(os("getsockopt(TCP_NODELAY)"))?)
            }
            SockOption::Rcvbuf(n) => {
                sock.set_recv_buffer_size(n as usize)
                    .map_err(os("setsockopt(SO_RCVBUF)"))?;
                SockOption::Rcvbuf(
                    sock.recv_buffer_size()
                        .map_err(os("getsockopt(SO_RCVBUF)"))? as u32,
                )
            }
            SockOption::Sndbuf(n) => {
                sock.set_send_buffer_size(n as usize)
                    .map_err(os("setsockopt(SO_SNDBUF)"))?;
                SockOption::Sndbuf(
                    sock.send_buffer_size()
                        .map_err(os("getsockopt(SO_SNDBUF)"))? as u32,
                )
            }
            SockOption::ReuseAddr(on) => {
                sock.set_reuse_address(on)
                    .map_err(os("setsockopt(SO_REUSEADDR)"))?;
                SockOption::ReuseAddr(
                    sock.reuse_address()
                        .map_err(os("getsockopt(SO_REUSEADDR)"))?,
                )
            }
            // The kernel socket stays non-blocking underneath; these set how long the lab's
            // calls wait, which is what blocking mode means to a program.
            SockOption::Blocking(blocking) => {
                self.table.get_mut(id)?.wait = if blocking {
                    WaitMode::Blocking
                } else {
                    WaitMode::Step
                };
                SockOption::Blocking(blocking)
            }
            SockOption::TimeoutMs(t) => {
                self.table.get_mut(id)?.wait = match t {
                    None => WaitMode::Blocking,
                    Some(0) => WaitMode::Step,
                    Some(ms) => WaitMode::Timeout(ms.min(self.policy.max_wait_ms)),
                };
                SockOption::TimeoutMs(t.map(|ms| ms.min(self.policy.max_wait_ms)))
            }
        };
        Ok(Event::OptionSet {
            socket: id,
            option,
            effective,
        })
    }
}
