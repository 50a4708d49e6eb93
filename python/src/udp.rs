//! UDP sends: `sendto` of the datagram the command or its receiver tells, to `addr` when the
//! latest `recvfrom` left that address there, else to an address tuple.

use socklab_shared::protocol::{Command, SocketId};

use crate::generator::Gen;
use crate::names::split_addr;
use crate::program::Imports;
use crate::sends::outgoing_from_bytes;

impl Gen<'_> {
    pub(crate) fn sent_to(
        &mut self,
        i: usize,
        socket: SocketId,
        send_no: u32,
        to: &str,
        bytes: u64,
    ) {
        let var = self.var(socket);
        let data = match self.command(i) {
            Some(Command::SendTo { data, .. }) => Some(data.as_bytes().to_vec()),
            _ => self.know.udp.get(&(socket, send_no)).cloned(),
        };
        let data: Vec<Option<u8>> = match data {
            Some(d) => d.into_iter().map(Some).collect(),
            None => vec![None; usize::try_from(bytes).unwrap_or(0)],
        };
        let out = outgoing_from_bytes(&data, 0, 0, None);
        let dest = self.dest(to);
        let imports = Imports::of(&out);
        let mut lines = out.pre;
        lines.push(format!("{var}.sendto({}, {dest})", out.expr));
        self.push_with(i, Some(socket), lines, imports);
    }

    /// The address argument of `sendto`: `addr` when it holds that address, else a tuple.
    pub(crate) fn dest(&mut self, to: &str) -> String {
        if self.addr_holds.as_deref() == Some(to) {
            return "addr".to_owned();
        }
        let (ip, port) = split_addr(to);
        let port = self.port_ref(true, port);
        format!("('{ip}', {port})")
    }
}
