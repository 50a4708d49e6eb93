//! Which pages may open `/ws`.
//!
//! Browsers let any web page open a WebSocket to any host, including 127.0.0.1, and send the
//! page's origin in the `Origin` header. Without a check, a page on some other site open in the
//! lecturer's browser could drive the lab's real sockets (cross-site WebSocket hijacking). So a
//! browser connection is accepted only from the lab's own origin (same host and port as the
//! request's `Host`) or an origin the operator allowed with `--allow-origin`.
//!
//! A request without `Origin` does not come from a browser page (Python's `websockets`, a test
//! client): nothing is hijacked there, and scripting the lab is a feature, so it is accepted.

/// `Ok(())` when the connection may proceed; `Err(origin)` names the refused origin.
pub fn check(origin: Option<&str>, host: Option<&str>, allowed: &[String]) -> Result<(), String> {
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
    match (authority, host) {
        (Some(authority), Some(host)) if authority.eq_ignore_ascii_case(host) => Ok(()),
        _ => Err(origin.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn own_page_is_accepted() {
        assert!(check(Some("http://127.0.0.1:8080"), Some("127.0.0.1:8080"), &[]).is_ok());
        assert!(check(Some("http://localhost:8080"), Some("localhost:8080"), &[]).is_ok());
    }

    #[test]
    fn foreign_page_is_refused() {
        assert_eq!(
            check(Some("http://evil.example"), Some("127.0.0.1:8080"), &[]),
            Err("http://evil.example".to_owned())
        );
        // Same host, other port: another local web app is still another origin.
        assert!(check(Some("http://127.0.0.1:3000"), Some("127.0.0.1:8080"), &[]).is_err());
        assert!(check(Some("null"), Some("127.0.0.1:8080"), &[]).is_err());
    }

    #[test]
    fn operator_can_allow_an_origin() {
        let allowed = vec!["http://lecturer.local:9000".to_owned()];
        assert!(
            check(
                Some("http://lecturer.local:9000"),
                Some("127.0.0.1:8080"),
                &allowed
            )
            .is_ok()
        );
    }

    #[test]
    fn non_browser_clients_send_no_origin() {
        assert!(check(None, Some("127.0.0.1:8080"), &[]).is_ok());
    }
}
