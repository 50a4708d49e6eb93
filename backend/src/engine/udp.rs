//! UDP: bind, sendto, recvfrom. Each datagram is a message of its own: the kernel keeps the
//! boundaries, never merges two datagrams, and a recvfrom with too small a buffer loses the
//! rest of the datagram (MSG_TRUNC tells us how long it really was).

use socket2::{Protocol, Type};
use socklab_shared::Payload;
use socklab_shared::protocol::wire::HostName;
use socklab_shared::protocol::{Event, SocketId, SocketKind};
use tokio::io::Interest;

use super::lab_socket::{DirectoryEntry, datagram_origin, lock, remember_datagram};
use super::step_error::{Call, StepError, StepResult};
use super::sys;
use super::table::NewSocket;
use super::targets::Transport;
use super::tcp::local_addr;
use super::wait::with_wait;
use super::{Engine, Role};

impl Engine {
    /// `socket(AF_INET, SOCK_DGRAM); bind((host, port))`.
    pub(super) async fn udp_bind(
        &mut self,
        on: Option<HostName>,
        host: &str,
        port: u16,
    ) -> StepResult<Event> {
        self.table.check_capacity()?;
        let addr = self.bind_address_on(on, host, port)?;
        let s = self
            .new_socket_on(on, addr, Type::DGRAM, Protocol::UDP)
            .await?;
        s.bind(&addr.into())
            .map_err(|e| StepError::os(&format!("bind(('{}', {port}))", addr.ip()), &e))?;
        let local = local_addr(&s).map_err(|e| StepError::os("getsockname()", &e))?;
        let claim = on
            .is_none()
            .then(|| self.policy.targets.claim(Transport::Udp, local));
        let id = self.table.open(NewSocket {
            claim,
            ..NewSocket::new(SocketKind::Udp, s, local)
        })?;
        let lab = self.table.get_mut(id)?;
        lab.directory = Some(DirectoryEntry::new(&self.udp, local, id, lab.book.clone()));
        self.table.opened_event(id)
    }

    /// One `sendto(data, (host, port))`.
    pub(super) fn send_to(
        &mut self,
        id: SocketId,
        data: Vec<u8>,
        host: &str,
        port: u16,
    ) -> StepResult<Event> {
        let on = self
            .table
            .get(id)?
            .local
            .ip()
            .and_then(|a| HostName::owning(a.ip()));
        let to = self
            .target_on(on, host, port, Transport::Udp)
            .map_err(|e| e.on(id))?;
        let s = self.expect_kind(id, Role::Datagram, "sendto()")?;
        if data.len() as u64 > self.policy.max_send_bytes {
            return Err(StepError::refused(
                format!("{} bytes is more than one send may carry here", data.len()),
                "a UDP datagram holds at most 65507 bytes anyway",
            )
            .on(id));
        }
        let call = format!("sendto(..., ('{}', {port}))", to.ip());
        let mut book = lock(&s.book);
        let n = s
            .socket()
            .send_to(&data, &to.into())
            .map_err(|e| StepError::os(&call, &e).on(id))?;
        let send_no = book.next_send_no();
        remember_datagram(&mut book, to, send_no, &data[..n]);
        Ok(Event::SentTo {
            socket: id,
            send_no,
            to: to.to_string(),
            bytes: n as u64,
        })
    }

    /// One `recvfrom(bufsize)`: one datagram, maybe truncated.
    pub(super) async fn recv_from(
        &mut self,
        id: SocketId,
        bufsize: u32,
        timeout_ms: Option<u64>,
    ) -> StepResult<Event> {
        let s = self.manual_receiver(id, Role::Datagram, "recvfrom()")?;
        let wait = self.wait_for(s, timeout_ms);
        let call = Call::receive(format!("recvfrom({bufsize})"));
        let (data, real_len, from) = with_wait(&s.fd, Interest::READABLE, wait, &call, |sock| {
            sys::recv_datagram(sock, bufsize as usize)
        })
        .await
        .map_err(|e| e.on(id))?;
        let origin = s
            .local
            .ip()
            .and_then(|l| datagram_origin(&self.udp, from, l, &data, real_len));
        Ok(Event::ReceivedFrom {
            socket: id,
            from: from.to_string(),
            truncated: real_len > data.len(),
            real_len: real_len as u64,
            data: Payload(data),
            bufsize,
            from_socket: origin.map(|o| o.0),
            send_no: origin.map(|o| o.1),
        })
    }
}
