//! Which pages may open `/ws`.
//!
//! Browsers let any web page open a WebSocket to any host, including 127.0.0.1, and send the
//! page's origin in the `Origin` header. Without a check, a page on some other site open in the
//! lecturer's browser could drive the lab's real sockets (cross-site WebSocket hijacking).
//!
//! A browser connection is accepted when its origin is one the operator allowed with
//! `--allow-origin`, or when it is the lab's own page: `http://` or `https://` followed by a
//! host the server answers to (the [`AllowedHosts`] list, never just whatever `Host` the request
//! claims: under DNS rebinding, `Origin` and `Host` both say `evil.example` and agree) **and**
//! exactly the authority the request was sent to (so `http://localhost:3000`, another local
//! web app, is refused, and so is `http://localhost:8080` for a request sent to
//! `127.0.0.1:8080`: `localhost` may resolve to another server on `::1`).
//!
//! A request without `Origin` does not come from a browser page (Python's `websockets`, a test
//! client): nothing is hijacked there, and scripting the lab is a feature, so it is accepted
//! (it still needs the token).

use crate::access::host::{AllowedHosts, host_name};

/// `Ok(())` when the connection may proceed; `Err(origin)` names the refused origin.
pub fn check(
    origin: Option<&str>,
    host: Option<&str>,
    hosts: &AllowedHosts,
    allowed: &[String],
) -> Result<(), String> {
    let Some(origin) = origin else {
        return Ok(());
    };
    let origin_trimmed = origin.trim_end_matches('/');
    if allowed
        .iter()
        .any(|a| a.trim_end_matches('/').eq_ignore_ascii_case(origin_trimmed))
    {
        return Ok(());
    }
    let authority = origin_trimmed
        .strip_prefix("http://")
        .or_else(|| origin_trimmed.strip_prefix("https://"));
    let own = match (authority, host) {
        (Some(authority), Some(host)) => {
            !authority.contains(['@', '/', '\\'])
                && host_name(authority).is_some()
                && hosts.allows(authority)
                && authority.eq_ignore_ascii_case(host.trim())
        }
        _ => false,
    };
    if own { Ok(()) } else { Err(origin.to_owned()) }
}

#[cfg(test)]
mod tests {
    use super::check;
    use crate::access::host::AllowedHosts;

    fn hosts() -> AllowedHosts {
        AllowedHosts::new("127.0.0.1:8080".parse().unwrap(), &[])
    }

    #[test]
    fn own_page_is_accepted() {
        let h = hosts();
        assert!(
            check(
                Some("http://127.0.0.1:8080"),
                Some("127.0.0.1:8080"),
                &h,
                &[]
            )
            .is_ok()
        );
        assert!(
            check(
                Some("http://localhost:8080"),
                Some("localhost:8080"),
                &h,
                &[]
            )
            .is_ok()
        );
        assert!(check(Some("http://[::1]:8080"), Some("[::1]:8080"), &h, &[]).is_ok());
    }

    #[test]
    fn foreign_page_is_refused() {
        let h = hosts();
        assert_eq!(
            check(Some("http://evil.example"), Some("127.0.0.1:8080"), &h, &[]),
            Err("http://evil.example".to_owned())
        );
        // Same host, other port: another local web app is still another origin.
        assert!(
            check(
                Some("http://127.0.0.1:3000"),
                Some("127.0.0.1:8080"),
                &h,
                &[]
            )
            .is_err()
        );
        assert!(check(Some("null"), Some("127.0.0.1:8080"), &h, &[]).is_err());
        assert!(
            check(
                Some("http://localhost:8080"),
                Some("127.0.0.1:8080"),
                &h,
                &[]
            )
            .is_err()
        );
        assert!(
            check(
                Some("http://x@127.0.0.1:8080"),
                Some("x@127.0.0.1:8080"),
                &h,
                &[]
            )
            .is_err()
        );
        assert!(
            check(
                Some("http://127.0.0.1:8080.evil.example"),
                Some("127.0.0.1:8080"),
                &h,
                &[]
            )
            .is_err()
        );
        assert!(check(Some("ws://127.0.0.1:8080"), Some("127.0.0.1:8080"), &h, &[]).is_err());
    }

    #[test]
    fn dns_rebinding_is_refused_even_when_origin_matches_host() {
        let h = hosts();
        assert!(
            check(
                Some("http://evil.example:8080"),
                Some("evil.example:8080"),
                &h,
                &[]
            )
            .is_err()
        );
    }

    #[test]
    fn operator_can_allow_an_origin() {
        let allowed = vec!["http://lecturer.local:9000".to_owned()];
        assert!(
            check(
                Some("http://lecturer.local:9000"),
                Some("127.0.0.1:8080"),
                &hosts(),
                &allowed
            )
            .is_ok()
        );
    }

    #[test]
    fn non_browser_clients_send_no_origin() {
        assert!(check(None, Some("127.0.0.1:8080"), &hosts(), &[]).is_ok());
    }
}
