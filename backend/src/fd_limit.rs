//! Enough file descriptors for every session the server promises, checked at start.
//!
//! Each lab socket is a file descriptor, and so is each web connection. With the defaults
//! (64 sessions × 32 sockets) the server may need over 2 000, while many systems start
//! programs with a soft limit of 1024: the 31st busy session would then hit `EMFILE`, and so
//! would the web server itself (even `/healthz`). So at start the server raises its soft
//! `RLIMIT_NOFILE` to the hard limit (allowed without privileges), and refuses to start, with
//! the numbers, if even that can't hold what the configuration allows.

use crate::config::Config;
use crate::error::Error;

/// Descriptors the server needs besides lab sockets and web connections (logs, lesson files,
/// netlink queries, the runtime's own).
const RESERVE: u64 = 64;

/// Descriptors the configuration can use at once.
pub fn needed(config: &Config) -> u64 {
    let sessions = config.max_sessions as u64;
    // Each session: its WebSocket, its sockets, and one transient netlink socket.
    sessions * (u64::from(config.max_sockets) + 2) + config.max_connections as u64 + RESERVE
}

/// Raises the soft limit to the hard one and checks it covers [`needed`]. Returns the limit.
pub fn ensure(config: &Config) -> Result<u64, Error> {
    let need = needed(config);
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a valid, writable rlimit for the call to fill in.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        let e = std::io::Error::last_os_error();
        tracing::warn!("cannot read the open-file limit ({e}); not checking it");
        return Ok(need);
    }
    if lim.rlim_cur < lim.rlim_max {
        let raised = libc::rlimit {
            rlim_cur: lim.rlim_max,
            rlim_max: lim.rlim_max,
        };
        // SAFETY: `raised` is a valid rlimit; raising the soft limit up to the hard one
        // needs no privilege.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
            lim = raised;
        } else {
            let e = std::io::Error::last_os_error();
            tracing::warn!("cannot raise the open-file limit to {}: {e}", lim.rlim_max);
        }
    }
    check(config, lim.rlim_cur, need)?;
    tracing::debug!(limit = lim.rlim_cur, need, "open-file limit");
    Ok(lim.rlim_cur)
}

fn check(config: &Config, limit: u64, need: u64) -> Result<(), Error> {
    if limit >= need {
        return Ok(());
    }
    Err(Error::Setup(format!(
        "this process may open {limit} files, but {} sessions × {} sockets (plus {} web \
         connections) need about {need}. Raise the limit (`ulimit -n {need}`, or the hard \
         limit in /etc/security/limits.conf), or start socklab with fewer --max-sessions, \
         --max-sockets or --max-connections",
        config.max_sessions, config.max_sockets, config.max_connections
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_need_more_than_the_common_soft_limit() {
        let c = Config::defaults();
        assert!(needed(&c) > 1024, "{}", needed(&c));
        let e = check(&c, 1024, needed(&c)).unwrap_err().to_string();
        assert!(e.contains("1024") && e.contains("--max-sessions"), "{e}");
        assert!(check(&c, needed(&c), needed(&c)).is_ok());
    }

    #[test]
    fn start_raises_the_soft_limit() {
        let mut hard = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: `hard` is a valid, writable rlimit.
        assert_eq!(
            unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut hard) },
            0
        );
        let need = needed(&Config::defaults());
        if hard.rlim_max < need {
            eprintln!(
                "SKIPPED start_raises_the_soft_limit: this machine's hard open-file limit is {}, \
                 below the {need} the defaults need (the refusal itself is tested above)",
                hard.rlim_max
            );
            return;
        }
        let limit = ensure(&Config::defaults()).unwrap();
        assert!(limit >= need);
    }
}
