//! The lab's token, as the page sees it.
//!
//! socklab prints its URL with a token (`http://127.0.0.1:8080/?token=…`, the Jupyter way), and
//! refuses `/ws` and `/api/*` requests without it. The page:
//! 1. takes the token from its own address once, at load (`?token=`, percent-decoded as a
//!    form value, as the server decodes it);
//! 2. keeps it in `sessionStorage` under [`STORAGE_KEY`], so a reload of the tab (or the bare
//!    URL opened in the same tab) still has it;
//! 3. removes it from the address bar with `history.replaceState`, keeping the rest of the URL,
//!    so it doesn't end up in screenshots of the lecture or in the browser's history. Only once
//!    it is stored: with storage refused, a reload would otherwise lose it.
//!
//! Everything but [`page_token`] is plain string handling, tested natively; [`page_token`] is
//! the glue to the browser (location, storage, history), computed once and cached.

use std::cell::OnceCell;

/// Where the token is kept for the tab (`sessionStorage`: per tab, gone when it closes).
pub const STORAGE_KEY: &str = "socklab.token";

/// The name of the query parameter that carries the token.
const PARAM: &str = "token";

/// What to do with the page's address and storage at load, decided by [`plan`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The token the page sends, if it has one.
    pub token: Option<String>,
    /// A token to write to storage (it came in the address).
    pub store: Option<String>,
    /// The query string to put in the address bar instead of the current one (`""` for none),
    /// when the current one carries a `token` parameter.
    pub clean_search: Option<String>,
}

/// Decides from the address's query string (`location.search`: `""` or `"?a=1&token=…"`) and the
/// token kept in storage: a token in the address wins (the lecturer restarted socklab and
/// printed a new one) and is stored; without one, the stored token is used.
pub fn plan(search: &str, stored: Option<&str>) -> Plan {
    let from_url = token_from_query(search);
    let has_param = params(search).any(|(name, _)| name == PARAM);
    Plan {
        token: from_url
            .clone()
            .or_else(|| stored.filter(|t| !t.is_empty()).map(str::to_owned)),
        store: from_url,
        clean_search: has_param.then(|| strip_token(search)),
    }
}

/// The first non-empty `token` parameter of a query string, percent-decoded.
pub fn token_from_query(search: &str) -> Option<String> {
    params(search)
        .filter(|(name, _)| name == PARAM)
        .map(|(_, value)| value)
        .find(|value| !value.is_empty())
}

/// The query string without its `token` parameters; the others are kept as they were written,
/// in order. `""` when nothing is left.
pub fn strip_token(search: &str) -> String {
    let kept: Vec<&str> = pairs(search)
        .filter(|pair| decode(pair.split('=').next().unwrap_or_default()) != PARAM)
        .collect();
    if kept.is_empty() {
        String::new()
    } else {
        format!("?{}", kept.join("&"))
    }
}

/// `path` with `token=<token>` added to its query (percent-encoded); unchanged without a token.
pub fn with_token(path: &str, token: Option<&str>) -> String {
    match token {
        Some(token) => {
            let sep = if path.contains('?') { '&' } else { '?' };
            format!("{path}{sep}{PARAM}={}", encode(token))
        }
        None => path.to_owned(),
    }
}

/// Whether an HTTP status from `/api/*` means "no (valid) token".
pub fn is_refusal(status: u16) -> bool {
    status == 401
}

/// Percent-encodes everything but the unreserved characters of RFC 3986 (letters, digits,
/// `-._~`), so any token survives a URL's query.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes a form value: `+` is a space, `%XX` a byte; a `%` not followed by two hex digits is
/// kept as it is. Bytes that aren't UTF-8 become U+FFFD.
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| bytes.get(i + 1..i + 3).and_then(hex_pair))
            .flatten();
        match (escaped, bytes[i]) {
            (Some(byte), _) => {
                out.push(byte);
                i += 2;
            }
            (None, b'+') => out.push(b' '),
            (None, b) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The byte two hex digits stand for.
fn hex_pair(digits: &[u8]) -> Option<u8> {
    let digit = |c: u8| char::from(c).to_digit(16);
    let value = digit(*digits.first()?)? * 16 + digit(*digits.get(1)?)?;
    u8::try_from(value).ok()
}

/// The `name=value` pieces of a query string, as written.
fn pairs(search: &str) -> impl Iterator<Item = &str> {
    search
        .strip_prefix('?')
        .unwrap_or(search)
        .split('&')
        .filter(|p| !p.is_empty())
}

/// The decoded `(name, value)` pairs of a query string.
fn params(search: &str) -> impl Iterator<Item = (String, String)> + '_ {
    pairs(search).map(|pair| {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        (decode(name), decode(value))
    })
}

thread_local! {
    static PAGE_TOKEN: OnceCell<Option<String>> = const { OnceCell::new() };
}

/// The token this page sends with its requests. The first call reads it from the address or
/// storage, stores it and cleans the address bar ([`plan`]); later calls return the same.
pub fn page_token() -> Option<String> {
    PAGE_TOKEN.with(|cell| cell.get_or_init(read_page).clone())
}

fn read_page() -> Option<String> {
    let window = web_sys::window()?;
    let location = window.location();
    let search = location.search().unwrap_or_default();
    // Storage may be refused (privacy settings): then the token stays in the address.
    let storage = window.session_storage().ok().flatten();
    let stored = storage
        .as_ref()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
    let plan = plan(&search, stored.as_deref());
    let kept = match (&plan.store, &storage) {
        (Some(token), Some(storage)) => storage.set_item(STORAGE_KEY, token).is_ok(),
        (Some(_), None) => false,
        (None, _) => true,
    };
    if let (true, Some(clean)) = (kept, &plan.clean_search)
        && let Ok(history) = window.history()
    {
        let url = format!(
            "{}{clean}{}",
            location.pathname().unwrap_or_else(|_| "/".to_owned()),
            location.hash().unwrap_or_default()
        );
        let state = history.state().unwrap_or(wasm_bindgen::JsValue::NULL);
        let _ = history.replace_state_with_url(&state, "", Some(&url));
    }
    plan.token
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn the_token_in_the_address_is_used_stored_and_removed() {
        let p = plan(&format!("?token={HEX}"), None);
        assert_eq!(p.token.as_deref(), Some(HEX));
        assert_eq!(p.store.as_deref(), Some(HEX));
        assert_eq!(p.clean_search.as_deref(), Some(""));
    }

    #[test]
    fn the_address_wins_over_storage() {
        let p = plan("?token=new", Some("old"));
        assert_eq!(p.token.as_deref(), Some("new"));
        assert_eq!(p.store.as_deref(), Some("new"));
    }

    #[test]
    fn without_one_in_the_address_the_stored_token_is_used() {
        let p = plan("", Some("kept"));
        assert_eq!(p.token.as_deref(), Some("kept"));
        assert_eq!(p.store, None);
        assert_eq!(
            p.clean_search, None,
            "an address without a token is left alone"
        );
        assert_eq!(plan("?lesson=3", Some("kept")).clean_search, None);
        assert_eq!(plan("", None).token, None);
        assert_eq!(
            plan("", Some("")).token,
            None,
            "an empty stored token is none"
        );
    }

    #[test]
    fn an_empty_token_parameter_falls_back_but_is_still_removed() {
        let p = plan("?token=&a=1", Some("kept"));
        assert_eq!(p.token.as_deref(), Some("kept"));
        assert_eq!(p.store, None);
        assert_eq!(p.clean_search.as_deref(), Some("?a=1"));
    }

    #[test]
    fn other_parameters_are_kept_in_order_as_written() {
        assert_eq!(strip_token("?a=1&token=x&b=%20y"), "?a=1&b=%20y");
        assert_eq!(strip_token("?token=x&token=y"), "");
        assert_eq!(strip_token("?tokens=1&token"), "?tokens=1");
        assert_eq!(
            strip_token("?%74oken=x&a"),
            "?a",
            "an encoded name is still the token"
        );
        assert_eq!(strip_token(""), "");
        assert_eq!(
            token_from_query("?a=1&token=t&token=u").as_deref(),
            Some("t")
        );
        assert_eq!(token_from_query("?token=&token=u").as_deref(), Some("u"));
        assert_eq!(token_from_query("?tokens=1"), None);
    }

    #[test]
    fn percent_encoding_round_trips() {
        assert_eq!(decode("a%20b%2Bc+d"), "a b+c d");
        assert_eq!(decode("%E4%B8%AD"), "中");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz%4"), "%zz%4");
        assert_eq!(encode(HEX), HEX, "a generated token needs no escaping");
        assert_eq!(encode("a b+c/&=中"), "a%20b%2Bc%2F%26%3D%E4%B8%AD");
        for token in ["a b+c", "x&token=y", "中文%", "~-._"] {
            assert_eq!(decode(&encode(token)), token);
        }
    }

    #[test]
    fn requests_carry_the_token_encoded() {
        assert_eq!(with_token("/api/lessons", None), "/api/lessons");
        assert_eq!(
            with_token("/api/lessons", Some("a b")),
            "/api/lessons?token=a%20b"
        );
        assert_eq!(with_token("/x?y=1", Some("t")), "/x?y=1&token=t");
    }

    #[test]
    fn only_401_means_no_token() {
        assert!(is_refusal(401));
        assert!(!is_refusal(200) && !is_refusal(403) && !is_refusal(500));
    }

    #[test]
    fn the_message_says_where_the_token_is() {
        use crate::i18n::app::AppText;
        assert!(AppText::EN.token_needed.contains("?token="));
        assert!(AppText::ZH.token_needed.contains("?token="));
    }
}
