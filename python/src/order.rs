//! The order of the program's calls: the lab's order, except that an event a recv or an
//! accept depends on (the send it read, the connect it accepted) is pulled in front of it,
//! with its socket's earlier calls, so that one sequential program never waits for the other
//! end.

use socklab_shared::protocol::{Envelope, Event};

use crate::knowledge::Knowledge;

impl Knowledge {
    /// The history indices of the events event `i` needs to have happened first.
    fn deps(&self, history: &[Envelope], i: usize) -> Vec<usize> {
        match &history[i].event {
            Event::Received {
                socket, spans, eof, ..
            } => {
                let mut d: Vec<usize> = spans
                    .iter()
                    .filter_map(|s| Some((s.from?, s.send_no?)))
                    .filter_map(|key| self.tcp_sent_at.get(&key).copied())
                    .filter(|sent| !(*sent > i && self.concurrent.contains_key(sent)))
                    .collect();
                if *eof
                    && let Some(peer) = self.peer_socket(*socket)
                    && let Some(fin) = self.fin_at.get(&peer)
                {
                    d.push(*fin);
                }
                d
            }
            Event::ReceivedFrom {
                from_socket: Some(s),
                send_no: Some(n),
                ..
            } => self
                .udp_sent_at
                .get(&(*s, *n))
                .copied()
                .into_iter()
                .collect(),
            Event::SocketOpened {
                listener: Some(_),
                peer: Some(peer),
                ..
            } => self.connect_at.get(peer).copied().into_iter().collect(),
            _ => Vec::new(),
        }
    }

    /// The history in an order a single program can follow: each event after the events it
    /// depends on (pulled forward with the earlier events of their own socket), otherwise in
    /// the lab's order.
    pub(crate) fn order(&self, history: &[Envelope]) -> Vec<usize> {
        struct Walk<'a> {
            k: &'a Knowledge,
            history: &'a [Envelope],
            done: Vec<bool>,
            out: Vec<usize>,
            /// Everything before this index has been visited by the main loop.
            front: usize,
        }
        impl Walk<'_> {
            fn visit(&mut self, i: usize) {
                if self.done[i] {
                    return;
                }
                self.done[i] = true;
                if i > self.front
                    && let Some(s) = self.history[i].event.socket()
                {
                    // Pulled forward: its socket's earlier calls go first.
                    for j in self.front..i {
                        if !self.done[j] && self.history[j].event.socket() == Some(s) {
                            self.visit(j);
                        }
                    }
                }
                for d in self.k.deps(self.history, i) {
                    self.visit(d);
                }
                self.out.push(i);
            }
        }
        let mut walk = Walk {
            k: self,
            history,
            done: vec![false; history.len()],
            out: Vec::with_capacity(history.len()),
            front: 0,
        };
        for i in 0..history.len() {
            walk.front = i;
            walk.visit(i);
        }
        walk.out
    }
}
