//! The wire's commands: sockets on host A or B, the link's settings, holding and stepping the
//! cable, the pcap; and naming the lab sends a packet's payload came from.
//!
//! The network is made on the first command that needs it (a socket `on` a host, or
//! `wire_status` with `up`), in a blocking task because the helper's start takes milliseconds.
//!
//! Addresses on a host follow one rule: hosts reach nothing but each other (see
//! [`crate::wire`]), so a socket on a host may bind any port (the namespace is the session's
//! own, nothing else listens there) and connect or send to any address of 198.18.0.0/15;
//! a loopback socket may not reach the wire, and a wire socket may not reach the machine.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use socket2::{Domain, Protocol, Socket, Type};
use socklab_shared::Payload;
use socklab_shared::protocol::wire::{Directions, HostName, LinkSettings, WireHost, WireStatus};
use socklab_shared::protocol::{ErrorCode, Event};
use tokio::sync::oneshot;

use super::Engine;
use super::step_error::{StepError, StepResult};
use crate::wire::cable::{CableStatus, Control};
use crate::wire::{Wire, WireError};

/// Whether an address is on the wire (198.18.0.0/15, or 2001:2::/64).
pub fn on_wire(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => (u32::from(v4) >> 17) == (u32::from(Ipv4Addr::new(198, 18, 0, 0)) >> 17),
        IpAddr::V6(v6) => v6.segments()[..4] == [0x2001, 2, 0, 0],
    }
}

impl Engine {
    /// The wire, made now if this is its first use.
    pub(super) async fn wire(&mut self) -> StepResult<&Wire> {
        if self.wire.is_none() {
            let Some(config) = self.policy.wire.clone() else {
                return Err(StepError::new(
                    ErrorCode::WireUnavailable,
                    "the wire's hosts are switched off on this server (--no-wire)",
                )
                .hint("start socklab without --no-wire, or use loopback sockets (no `on`)"));
            };
            let tx = self.auto_tx.clone();
            let senders = crate::wire::senders::Senders {
                udp: self.udp.clone(),
                streams: self.table.streams(),
            };
            let started = tokio::task::spawn_blocking(move || Wire::start(&config, tx, senders))
                .await
                .map_err(|e| StepError::new(ErrorCode::WireUnavailable, e.to_string()))?;
            let wire = started.map_err(|e| match e {
                WireError::Unavailable(why) => StepError::new(
                    ErrorCode::WireUnavailable,
                    "the wire's hosts A and B can't be made on this machine",
                )
                .hint(format!("{why} Everything on loopback keeps working.")),
                other => StepError::new(ErrorCode::WireUnavailable, other.to_string())
                    .hint("loopback sockets keep working; the server's log has details"),
            })?;
            tracing::info!(helper = wire.helper_pid(), "wire made: hosts a and b");
            self.wire = Some(wire);
        }
        Ok(self.wire.as_ref().expect("just made"))
    }

    /// `socket()` on `on`'s host, or on this machine for `None`.
    pub(super) async fn new_socket_on(
        &mut self,
        on: Option<HostName>,
        addr: SocketAddr,
        ty: Type,
        protocol: Protocol,
    ) -> StepResult<Socket> {
        let domain = Domain::for_address(addr);
        let made = match on {
            None => Socket::new(domain, ty, Some(protocol)),
            Some(host) => self.wire().await?.socket(host, domain, ty, protocol),
        };
        made.map_err(|e| StepError::os("socket()", &e))
    }

    /// The address a socket on `on` binds: on a host, loopback (the field's default) and the
    /// host's name mean its address on the cable.
    pub(super) fn bind_address_on(
        &self,
        on: Option<HostName>,
        host: &str,
        port: u16,
    ) -> StepResult<SocketAddr> {
        let Some(me) = on else {
            let addr = self.policy.address(host, port)?;
            self.policy.bindable_port(port)?;
            return Ok(addr);
        };
        let ip = match host.trim() {
            "" | "localhost" | "127.0.0.1" => IpAddr::V4(me.ipv4()),
            "::1" => IpAddr::V6(me.ipv6()),
            "0.0.0.0" => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            "::" => IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED),
            other => wire_ip(other)?,
        };
        Ok(SocketAddr::new(ip, port))
    }

    /// The address a socket on `on` connects or sends to, checked against what it may reach.
    pub(super) fn target_on(
        &self,
        on: Option<HostName>,
        host: &str,
        port: u16,
        transport: super::targets::Transport,
    ) -> StepResult<SocketAddr> {
        if on.is_none() {
            let addr = self.policy.address(host, port)?;
            if on_wire(addr.ip()) {
                return Err(wire_only());
            }
            self.policy.targets.check(transport, addr)?;
            return Ok(addr);
        }
        Ok(SocketAddr::new(wire_ip(host)?, port))
    }

    /// `wire_status`: the hosts and the link (making them first when `up`).
    pub(super) async fn wire_status(&mut self, up: bool) -> StepResult<Event> {
        if up {
            self.wire().await?;
        }
        let status = match &self.wire {
            Some(w) => {
                let (tx, rx) = oneshot::channel();
                w.cable.send(Control::Status(tx)).await;
                Some(rx.await.map_err(|_| cable_stopped())?)
            }
            None => None,
        };
        let exec = self
            .wire
            .as_ref()
            .and_then(|w| w.exec_command().map(str::to_string));
        Ok(state_event(status, exec))
    }

    /// `link_set`: the impairments of one or both directions (and the hosts' MTU).
    pub(super) async fn link_set(
        &mut self,
        directions: Directions,
        settings: LinkSettings,
        seed: Option<u64>,
    ) -> StepResult<Event> {
        settings
            .validate()
            .map_err(|e| StepError::new(ErrorCode::BadMessage, e.to_string()))?;
        let mtu = settings.mtu;
        let wire = self.wire().await?;
        wire.set_mtu(mtu)
            .map_err(|e| StepError::os(format!("setting the MTU to {mtu}").as_str(), &e))?;
        let control = Control::Set {
            directions,
            settings: settings.clone(),
            seed,
        };
        self.control(control).await?;
        // The MTU belongs to the link: the other direction follows it.
        if directions != Directions::Both {
            let status = self.cable_status().await?;
            for (d, current) in [
                (Directions::AToB, status.a_to_b),
                (Directions::BToA, status.b_to_a),
            ] {
                if current.mtu != mtu {
                    let settings = LinkSettings { mtu, ..current };
                    self.control(Control::Set {
                        directions: d,
                        settings,
                        seed: None,
                    })
                    .await?;
                }
            }
        }
        self.wire_status(false).await
    }

    /// `wire_hold`, `wire_step`, `wire_drop_next`: one control message, then the state.
    pub(super) async fn wire_control(&mut self, control: Control) -> StepResult<Event> {
        self.wire().await?;
        self.control(control).await?;
        self.wire_status(false).await
    }

    /// `wire_pcap`: the session's packets as a pcap file.
    pub(super) async fn wire_pcap(&mut self) -> StepResult<Event> {
        self.wire().await?;
        let (tx, rx) = oneshot::channel();
        self.control(Control::Pcap(tx)).await?;
        let file = rx
            .await
            .map_err(|_| cable_stopped())?
            .map_err(|e| StepError::new(ErrorCode::Os, format!("writing the pcap: {e}")))?;
        Ok(Event::Pcap {
            data: Payload(file.bytes),
            packets: file.packets,
            truncated: file.truncated,
        })
    }

    async fn control(&mut self, control: Control) -> StepResult<()> {
        let wire = self.wire().await?;
        if wire.cable.send(control).await {
            Ok(())
        } else {
            Err(cable_stopped())
        }
    }

    async fn cable_status(&mut self) -> StepResult<CableStatus> {
        let (tx, rx) = oneshot::channel();
        self.control(Control::Status(tx)).await?;
        rx.await.map_err(|_| cable_stopped())
    }
}

/// `host` as an address on the wire: "a", "b", or an IPv4 address in 198.18.0.0/15.
fn wire_ip(host: &str) -> StepResult<IpAddr> {
    let ip = match host.trim() {
        "a" | "A" => IpAddr::V4(HostName::A.ipv4()),
        "b" | "B" => IpAddr::V4(HostName::B.ipv4()),
        other => other.parse().map_err(|_| {
            StepError::refused(
                format!("{other:?} is not a host of the wire"),
                "name host \"a\" or \"b\", or an address such as 198.18.0.2 or 2001:2::2",
            )
        })?,
    };
    if !on_wire(ip) && !ip.is_unspecified() {
        return Err(StepError::refused(
            format!("{ip} is not on the wire; a socket on a host reaches only the other host"),
            "use \"a\" (198.18.0.1) or \"b\" (198.18.0.2)",
        ));
    }
    Ok(ip)
}

fn wire_only() -> StepError {
    StepError::refused(
        "the wire's hosts are reachable only from sockets on the wire",
        "open the socket on a host: add \"on\": \"a\" (or \"b\") to the command",
    )
}

fn cable_stopped() -> StepError {
    StepError::new(ErrorCode::WireUnavailable, "the wire's cable has stopped")
        .hint("reload the page to start a new session")
}

fn state_event(status: Option<CableStatus>, exec: Option<String>) -> Event {
    let up = status.is_some();
    let s = status.unwrap_or(CableStatus {
        a_to_b: LinkSettings::default(),
        b_to_a: LinkSettings::default(),
        held: false,
        waiting: 0,
        packets: 0,
    });
    Event::WireState {
        wire: WireStatus {
            up,
            hosts: HostName::ALL
                .into_iter()
                .map(|name| WireHost {
                    name,
                    ipv4: name.ipv4().to_string(),
                    ipv6: name.ipv6().to_string(),
                })
                .collect(),
            a_to_b: s.a_to_b,
            b_to_a: s.b_to_a,
            held: s.held,
            waiting: s.waiting,
            packets: s.packets,
            exec,
        },
    }
}
