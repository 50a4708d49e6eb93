//! The lab's automatic behaviours: the comment saying what a socket now does by itself, the
//! loop that stands for many automatic recvs reported as one summary (echoing back when the
//! echo is one Python can repeat), and the HMAC client's answer computed as the lab's service
//! computes it.

use socklab_shared::protocol::hmac_demo::{HMAC_KEY, HMAC_LEN, HMAC_WRONG_KEY};
use socklab_shared::protocol::{AutoBehaviour, EchoMode, SocketId, SocketKind};

use crate::generator::Gen;
use crate::literal::py_bytes;
use crate::program::Imports;
use crate::sends::Outgoing;

impl Gen<'_> {
    /// An auto-receiving socket's answer, as the lab's service computes it: the HMAC client's
    /// `hmac.new(key, challenge, hashlib.sha256).digest()` of the challenge just received; the
    /// HMAC server's challenge is random, so it stays a literal, with a comment.
    pub(crate) fn service_reply(
        &self,
        socket: SocketId,
        len: u64,
        out: &mut Outgoing,
        imports: &mut Imports,
    ) {
        let echo = self.auto.get(&socket).map(|a| a.echo);
        match echo {
            Some(EchoMode::HmacClient { right_key })
                if len == HMAC_LEN as u64 && self.data_holds == Some((socket, HMAC_LEN)) =>
            {
                let key = if right_key { HMAC_KEY } else { HMAC_WRONG_KEY };
                out.pre.clear();
                out.expr = format!("hmac.new({}, data, hashlib.sha256).digest()", py_bytes(key));
                imports.hmac = true;
                imports.hashlib = true;
            }
            Some(EchoMode::HmacServer) if len == HMAC_LEN as u64 => {
                out.pre
                    .push("# a random challenge: os.urandom(32) in a real server".to_owned());
            }
            _ => {}
        }
    }

    /// The bufsize of a socket's automatic recvs (1024 when the lab's default).
    pub(crate) fn auto_bufsize(&self, socket: SocketId) -> u32 {
        match self.auto.get(&socket).map(|a| a.bufsize) {
            None | Some(0) => 1024,
            Some(n) => n,
        }
    }

    /// Many automatic recvs reported as one summary: a loop that reads as many bytes (or
    /// datagrams), echoing them back as the lab did when the echo is one Python can repeat.
    pub(crate) fn auto_summary(
        &mut self,
        socket: SocketId,
        recvs: u64,
        bytes: u64,
        echoed: u64,
        eof: bool,
    ) -> Vec<String> {
        let var = self.var(socket);
        let auto = self.auto.get(&socket).copied().unwrap_or_default();
        let bufsize = self.auto_bufsize(socket);
        let udp = self.know.kinds.get(&socket) == Some(&SocketKind::Udp);
        self.data_holds = None;
        let (what, data) = if udp {
            ("recvfrom", "msg")
        } else {
            ("recv", "data")
        };
        let echo = match auto.echo {
            _ if echoed == 0 => None,
            EchoMode::Same => Some(data.to_owned()),
            EchoMode::Upper => Some(format!("{data}.upper()")),
            _ => None,
        };
        let mut lines = vec![format!(
            "# {var}: {recvs} automatic {what}() calls read {bytes} bytes"
        )];
        if udp {
            lines.push(format!("for _ in range({recvs}):"));
            lines.push(format!("    msg, addr = {var}.recvfrom({bufsize})"));
            if let Some(e) = &echo {
                lines.push(format!("    {var}.sendto({e}, addr)"));
            }
            self.addr_holds = None;
        } else if bytes > 0 {
            lines.push("got = 0".to_owned());
            lines.push(format!("while got < {bytes}:"));
            // Never more than the bytes left, as course code reads a known length.
            lines.push(format!(
                "    data = {var}.recv(min({bufsize}, {bytes} - got))"
            ));
            lines.push("    got += len(data)".to_owned());
            if let Some(e) = &echo {
                lines.push(format!("    {var}.sendall({e})"));
            }
        }
        if echoed > 0 && echo.is_none() {
            lines.push(format!(
                "# (the lab also answered with {echoed} bytes: not written out)"
            ));
        }
        if eof && !udp {
            lines.push(format!(
                "data = {var}.recv({bufsize})  # b'': the peer closed its side"
            ));
        }
        lines
    }
}

pub(crate) fn describe_auto(a: &AutoBehaviour) -> String {
    let mut on = Vec::new();
    if a.accept {
        on.push("accepts".to_owned());
    }
    if a.recv {
        on.push("receives".to_owned());
    }
    match a.echo {
        EchoMode::Off => {}
        EchoMode::Same => on.push("echoes".to_owned()),
        EchoMode::Upper => on.push("echoes in upper case".to_owned()),
        EchoMode::Time => on.push("answers with the time".to_owned()),
        EchoMode::Canned { bytes } => on.push(format!("answers with {bytes} bytes")),
        EchoMode::Chat => on.push("relays chat messages".to_owned()),
        EchoMode::Login => on.push("checks logins".to_owned()),
        EchoMode::HmacServer => on.push("challenges clients (HMAC)".to_owned()),
        EchoMode::HmacClient { .. } => on.push("answers HMAC challenges".to_owned()),
        EchoMode::FileReceiver => on.push("receives files and checks their md5".to_owned()),
    }
    if on.is_empty() {
        "automatic behaviours off".to_owned()
    } else {
        format!(
            "the lab now {} by itself; each of its calls is written out below",
            on.join(", ")
        )
    }
}
