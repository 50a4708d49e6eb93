//! Configuring a host's network from inside its namespace: the TUN device, its address, MTU
//! and the loopback interface, with the classic `ioctl`s (`TUNSETIFF`, `SIOCSIFADDR`...).
//!
//! Runs in the namespace helper only (see [`super::helper`]): every call acts on the network
//! namespace of the calling thread, which is why the parent process can't make them itself.
//! No command is run (`ip` is not needed); each call is one system call with a checked result.
//!
//! Invariant: a host's TUN device is named [`TUN_NAME`], is point-to-point (IFF_TUN, no packet
//! information header), and carries the host's address with a /15 netmask, so the kernel adds
//! the route to 198.18.0.0/15 through it and every packet for the other host crosses the cable.

use std::ffi::CStr;
use std::fs::{File, OpenOptions};
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::fs::OpenOptionsExt;

/// The TUN device's name inside each host.
pub const TUN_NAME: &CStr = c"cable0";
/// The netmask of the wire's addresses: 198.18.0.0/15.
pub const NETMASK: Ipv4Addr = Ipv4Addr::new(255, 254, 0, 0);
/// The prefix length of the wire's IPv6 addresses: 2001:2::/64.
pub const PREFIX_V6: u32 = 64;

/// `_IOW('T', 202, int)`: attach the opened `/dev/net/tun` to a new interface.
const TUNSETIFF: libc::c_ulong = 0x4004_54ca;

/// An `ifreq` naming `name`, every other field zero.
fn ifreq(name: &CStr) -> libc::ifreq {
    // SAFETY: `ifreq` is plain old data (a name and a union of integers and addresses), for
    // which all-zero bytes are a valid value.
    let mut req: libc::ifreq = unsafe { std::mem::zeroed() };
    for (dst, src) in req.ifr_name.iter_mut().zip(name.to_bytes()) {
        *dst = *src as libc::c_char;
    }
    req
}

/// One `ioctl` with an `ifreq`, its -1 turned into the OS error, named after `what`.
fn ioctl(fd: RawFd, request: libc::c_ulong, req: &mut libc::ifreq, what: &str) -> io::Result<()> {
    // SAFETY: every request used here reads or writes one `ifreq`, which `req` points to and
    // which lives across the call.
    let rc = unsafe { libc::ioctl(fd, request as _, req as *mut libc::ifreq) };
    if rc < 0 {
        let e = io::Error::last_os_error();
        return Err(io::Error::new(e.kind(), format!("{what}: {e}")));
    }
    Ok(())
}

/// An `AF_INET` datagram socket of this namespace: the handle the interface `ioctl`s need.
fn control_socket() -> io::Result<OwnedFd> {
    // SAFETY: plain `socket(2)`; the result is checked before it's owned.
    let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` was just returned by `socket` and is owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Creates the TUN device of this namespace (non-blocking), without configuring it.
pub fn create_tun() -> io::Result<OwnedFd> {
    let file: File = OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open("/dev/net/tun")
        .map_err(|e| io::Error::new(e.kind(), format!("open /dev/net/tun: {e}")))?;
    let mut req = ifreq(TUN_NAME);
    req.ifr_ifru.ifru_flags = (libc::IFF_TUN | libc::IFF_NO_PI) as libc::c_short;
    ioctl(file.as_raw_fd(), TUNSETIFF, &mut req, "TUNSETIFF")?;
    Ok(file.into())
}

/// An IPv4 `sockaddr` for an `ifreq`.
fn sockaddr(ip: Ipv4Addr) -> libc::sockaddr {
    let sin = libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: 0,
        sin_addr: libc::in_addr {
            s_addr: u32::from(ip).to_be(),
        },
        sin_zero: [0; 8],
    };
    // SAFETY: `sockaddr_in` and `sockaddr` have the same size on Linux, and `sockaddr` is the
    // generic view of any address the kernel reads by its family.
    unsafe { std::mem::transmute::<libc::sockaddr_in, libc::sockaddr>(sin) }
}

/// Gives `name` the address `ip/15` in this namespace.
pub fn set_address(name: &CStr, ip: Ipv4Addr) -> io::Result<()> {
    let sock = control_socket()?;
    let mut req = ifreq(name);
    req.ifr_ifru.ifru_addr = sockaddr(ip);
    ioctl(sock.as_raw_fd(), libc::SIOCSIFADDR, &mut req, "SIOCSIFADDR")?;
    let mut req = ifreq(name);
    req.ifr_ifru.ifru_netmask = sockaddr(NETMASK);
    ioctl(
        sock.as_raw_fd(),
        libc::SIOCSIFNETMASK,
        &mut req,
        "SIOCSIFNETMASK",
    )
}

/// Gives `name` the IPv6 address `ip/64` in this namespace (`SIOCSIFADDR` on an `AF_INET6`
/// socket takes an `in6_ifreq`, which names the interface by index).
pub fn set_address_v6(name: &CStr, ip: Ipv6Addr) -> io::Result<()> {
    // SAFETY: plain `socket(2)`; the result is checked before it's owned.
    let fd = unsafe { libc::socket(libc::AF_INET6, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` was just returned by `socket` and is owned by nobody else.
    let sock = unsafe { OwnedFd::from_raw_fd(fd) };
    // SAFETY: `name` is a NUL-terminated string that lives across the call.
    let index = unsafe { libc::if_nametoindex(name.as_ptr()) };
    if index == 0 {
        return Err(io::Error::last_os_error());
    }
    let mut req = libc::in6_ifreq {
        ifr6_addr: libc::in6_addr {
            s6_addr: ip.octets(),
        },
        ifr6_prefixlen: PREFIX_V6,
        ifr6_ifindex: index as libc::c_int,
    };
    // SAFETY: SIOCSIFADDR on an AF_INET6 socket reads one `in6_ifreq`, which `req` is.
    let rc = unsafe {
        libc::ioctl(
            sock.as_raw_fd(),
            libc::SIOCSIFADDR as _,
            &mut req as *mut libc::in6_ifreq,
        )
    };
    if rc < 0 {
        let e = io::Error::last_os_error();
        return Err(io::Error::new(e.kind(), format!("SIOCSIFADDR (IPv6): {e}")));
    }
    Ok(())
}

/// Sets the MTU of `name` in this namespace.
pub fn set_mtu(name: &CStr, mtu: u32) -> io::Result<()> {
    let sock = control_socket()?;
    let mut req = ifreq(name);
    req.ifr_ifru.ifru_mtu = mtu as libc::c_int;
    ioctl(sock.as_raw_fd(), libc::SIOCSIFMTU, &mut req, "SIOCSIFMTU")
}

/// Brings `name` up in this namespace.
pub fn bring_up(name: &CStr) -> io::Result<()> {
    let sock = control_socket()?;
    let mut req = ifreq(name);
    ioctl(
        sock.as_raw_fd(),
        libc::SIOCGIFFLAGS,
        &mut req,
        "SIOCGIFFLAGS",
    )?;
    // SAFETY: SIOCGIFFLAGS just filled in the flags member of the union.
    let flags = unsafe { req.ifr_ifru.ifru_flags };
    req.ifr_ifru.ifru_flags = flags | (libc::IFF_UP | libc::IFF_RUNNING) as libc::c_short;
    ioctl(
        sock.as_raw_fd(),
        libc::SIOCSIFFLAGS,
        &mut req,
        "SIOCSIFFLAGS",
    )
}

/// Writes a sysctl of this namespace (`/proc/sys/net/...` shows the caller's namespace).
/// Best effort: a kernel without IPv6 has no such file, which is fine.
pub fn sysctl(path: &str, value: &str) {
    if let Err(e) = std::fs::write(path, value) {
        tracing::debug!(path, error = %e, "sysctl not set");
    }
}
