//! `close()`: the socket leaves the table and the kernel socket is closed before the step
//! ends (its port is free again, or in TIME_WAIT for the side that closed first).
//!
//! What a socket held goes with it by itself (each is dropped with the [`LabSocket`]): its
//! address claim (other lab sockets may no longer reach it), a UDP socket's directory entry.
//! Only the session's Unix accept queues are engine state, forgotten here.
//!
//! [`LabSocket`]: super::lab_socket::LabSocket

use socklab_shared::protocol::{Event, SocketId, SocketKind};

use super::Engine;
use super::step_error::StepResult;

impl Engine {
    /// `close()` on socket `id`.
    pub(super) async fn close(&mut self, id: SocketId) -> StepResult<Event> {
        let mut s = self.table.remove(id)?;
        if s.kind == SocketKind::UnixListener {
            // Connections still queued on it are gone with it: nothing will accept them.
            self.unix.forget_queue(&s.local);
        }
        // The auto task shares the kernel socket: stop it so the socket really closes now.
        s.stop_auto().await;
        drop(s);
        tracing::debug!(%id, "closed");
        Ok(Event::Closed { socket: id })
    }
}
