//! The namespace helper: a small child process that makes the wire's hosts and hands their
//! file descriptors to the server.
//!
//! Why a child: a multithreaded process (the server runs tokio) may not `unshare` a user
//! namespace, and `setns` into a network namespace needs CAP_SYS_ADMIN over it. So, like
//! rootlesskit and slirp4netns, the server starts itself again as `socklab __wire-helper`;
//! that single-threaded child becomes root of a fresh user namespace (mapped to the server's
//! own user, so no privilege is gained on the machine), makes one network namespace per host
//! with its TUN device, and then creates sockets inside a host on request. The descriptors
//! travel back over a `SOCK_SEQPACKET` socket pair with SCM_RIGHTS (see [`super::helper_wire`]
//! for the messages). A socket stays in the namespace it was created in, wherever its
//! descriptor goes, so the server uses it like any other lab socket.
//!
//! Lifetime: the child serves until the server closes its end of the pair (the session ended)
//! and dies with the server (`PR_SET_PDEATHSIG`). The namespaces live as long as a descriptor
//! or process refers to them: once the session's sockets, TUN descriptors and this child are
//! gone, the kernel removes the hosts, so nothing is left behind.

use std::ffi::CStr;
use std::fs::File;
use std::io;
use std::os::fd::{AsFd, FromRawFd, OwnedFd};

use nix::sched::{CloneFlags, setns, unshare};
use socklab_shared::protocol::wire::{DEFAULT_MTU, HostName};

use super::helper_wire::{self as msg, Reply, Request};
use super::netconf;

/// The argument that makes `socklab` run as the helper (never shown in `--help`).
pub const HELPER_ARG: &str = "__wire-helper";

/// The helper's `main`: stdin is its end of the socket pair. Returns the exit code.
pub fn run() -> i32 {
    // SAFETY: the server started us with its end of a socket pair as stdin; we own it now.
    let ctl = unsafe { OwnedFd::from_raw_fd(0) };
    // SAFETY: plain prctl; asks the kernel to kill us when the server exits.
    unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) };
    match make_hosts() {
        Ok((hosts, user_namespace)) => {
            let tuns: Vec<_> = hosts.iter().map(|h| h.tun.as_fd()).collect();
            if msg::send(&ctl, &Reply::Ready, &tuns).is_err() {
                return 1;
            }
            let namespaces: Vec<File> = hosts.into_iter().map(|h| h.namespace).collect();
            serve(&ctl, &namespaces, user_namespace.as_ref());
            0
        }
        Err(why) => {
            let _ = msg::send(&ctl, &Reply::Failed(why), &[]);
            1
        }
    }
}

/// A host as the helper holds it: its namespace and its TUN device.
struct Host {
    namespace: File,
    tun: OwnedFd,
}

/// Enters a fresh user namespace, then makes host A's and host B's network namespaces.
/// Returns them with the user namespace, when one was made (not when root works without).
fn make_hosts() -> Result<(Vec<Host>, Option<File>), String> {
    let user_namespace = if enter_user_namespace()? {
        Some(
            File::open("/proc/thread-self/ns/user")
                .map_err(|e| format!("opening the user namespace: {e}"))?,
        )
    } else {
        None
    };
    let hosts = HostName::ALL
        .into_iter()
        .map(make_host)
        .collect::<Result<_, _>>()?;
    Ok((hosts, user_namespace))
}

/// Becomes root of a new user namespace mapped onto our own user and group; `false` when
/// running as root where user namespaces are not allowed (network namespaces still are).
fn enter_user_namespace() -> Result<bool, String> {
    let uid = nix::unistd::getuid();
    let gid = nix::unistd::getgid();
    match unshare(CloneFlags::CLONE_NEWUSER) {
        Ok(()) => {
            let write = |path: &str, text: String| {
                std::fs::write(path, text).map_err(|e| format!("writing {path}: {e}"))
            };
            write("/proc/self/setgroups", "deny".into())?;
            write("/proc/self/uid_map", format!("0 {uid} 1"))?;
            write("/proc/self/gid_map", format!("0 {gid} 1"))?;
            Ok(true)
        }
        // Root without user namespaces (some containers) can still make network namespaces.
        Err(_) if uid.is_root() => Ok(false),
        Err(e) => Err(format!(
            "this machine does not let socklab make a user namespace ({e}). {}",
            USERNS_FIX
        )),
    }
}

/// How to allow user namespaces, for the common cases.
const USERNS_FIX: &str = "To allow it: on Ubuntu 23.10 and later run \
`sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0`; on older Debian \
`sudo sysctl kernel.unprivileged_userns_clone=1`; if `/proc/sys/user/max_user_namespaces` is 0, \
`sudo sysctl user.max_user_namespaces=10000`; in a container, allow `unshare` (e.g. \
`--security-opt seccomp=unconfined`) or start socklab as root.";

/// Makes one host: a network namespace with loopback up and a configured TUN device.
fn make_host(host: HostName) -> Result<Host, String> {
    let fail =
        |what: &str, e: &dyn std::fmt::Display| format!("host {}: {what}: {e}", host.as_str());
    unshare(CloneFlags::CLONE_NEWNET).map_err(|e| fail("making the network namespace", &e))?;
    let namespace =
        File::open("/proc/thread-self/ns/net").map_err(|e| fail("opening the namespace", &e))?;
    // IPv6 on the cable without its link-local chatter: no duplicate address detection (the
    // address works at once), no router solicitations, no link-local address of its own.
    for (knob, value) in [
        ("accept_dad", "0"),
        ("router_solicitations", "0"),
        ("addr_gen_mode", "1"),
    ] {
        netconf::sysctl(&format!("/proc/sys/net/ipv6/conf/default/{knob}"), value);
    }
    netconf::bring_up(c"lo").map_err(|e| fail("loopback", &e))?;
    let tun = netconf::create_tun().map_err(|e| {
        fail(
            "creating the TUN device (is the `tun` module loaded? `sudo modprobe tun`)",
            &e,
        )
    })?;
    configure(netconf::TUN_NAME, host, DEFAULT_MTU).map_err(|e| fail("configuring", &e))?;
    Ok(Host { namespace, tun })
}

fn configure(name: &CStr, host: HostName, mtu: u32) -> io::Result<()> {
    netconf::set_mtu(name, mtu)?;
    netconf::set_address(name, host.ipv4())?;
    netconf::bring_up(name)?;
    // A kernel without IPv6 keeps the hosts IPv4-only.
    if let Err(e) = netconf::set_address_v6(name, host.ipv6()) {
        tracing::debug!(error = %e, "no IPv6 on the wire");
    }
    Ok(())
}

/// Answers requests until the server closes the pair.
fn serve(ctl: &OwnedFd, namespaces: &[File], user_namespace: Option<&File>) {
    loop {
        let request = match msg::recv_request(ctl) {
            Ok(Some(r)) => r,
            Ok(None) | Err(_) => return,
        };
        let sent = match request {
            Request::Socket {
                host,
                domain,
                ty,
                protocol,
            } => match in_host(namespaces, host, || new_socket(domain, ty, protocol)) {
                Ok(fd) => msg::send(ctl, &Reply::Done, &[fd.as_fd()]),
                Err(e) => msg::send(ctl, &Reply::Errno(errno_of(&e)), &[]),
            },
            Request::Namespaces { host } => {
                let mut fds: Vec<_> = user_namespace.iter().map(|f| f.as_fd()).collect();
                fds.push(namespaces[host as usize].as_fd());
                msg::send(ctl, &Reply::Done, &fds)
            }
            Request::Mtu { mtu } => {
                let all = namespaces.iter().enumerate().try_for_each(|(i, _)| {
                    in_host(namespaces, HostName::ALL[i], || {
                        netconf::set_mtu(netconf::TUN_NAME, mtu)
                    })
                });
                match all {
                    Ok(()) => msg::send(ctl, &Reply::Done, &[]),
                    Err(e) => msg::send(ctl, &Reply::Errno(errno_of(&e)), &[]),
                }
            }
        };
        if sent.is_err() {
            return;
        }
    }
}

/// Runs `f` inside `host`'s network namespace.
fn in_host<T>(
    namespaces: &[File],
    host: HostName,
    f: impl FnOnce() -> io::Result<T>,
) -> io::Result<T> {
    let ns = &namespaces[host as usize];
    setns(ns.as_fd(), CloneFlags::CLONE_NEWNET).map_err(io::Error::from)?;
    f()
}

fn new_socket(domain: i32, ty: i32, protocol: i32) -> io::Result<OwnedFd> {
    // SAFETY: plain `socket(2)`; the result is checked before it's owned.
    let fd = unsafe { libc::socket(domain, ty | libc::SOCK_CLOEXEC, protocol) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` was just returned by `socket` and is owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

fn errno_of(e: &io::Error) -> i32 {
    e.raw_os_error().unwrap_or(libc::EIO)
}
