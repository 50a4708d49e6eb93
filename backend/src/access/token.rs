//! The lab's token: a secret that `/ws` and `/api/*` requests must carry, the Jupyter way.
//!
//! Without it, anyone who can reach the web server (another machine on a classroom network, or
//! another user of a shared machine) could open lab sessions. The server makes a random token
//! at start (or takes `--token` / `SOCKLAB_TOKEN`) and prints the lab's URL with it; the page
//! takes it from the address bar once and sends it with every request.
//!
//! A request carries the token as `?token=…` in its query (what a browser's `WebSocket` can
//! send) or as `Authorization: Bearer …` (or Jupyter's `Authorization: token …`). The
//! comparison runs in constant time, so response timing says nothing about how much of a
//! guess was right.

use axum::http::{HeaderMap, Uri, header};
use subtle::ConstantTimeEq;

/// Random bytes in a generated token (hex-encoded: 48 characters, as Jupyter's).
const TOKEN_BYTES: usize = 24;

/// What a request must carry. Invariant: `Required` never holds an empty string.
#[derive(Clone)]
pub enum Token {
    Required(String),
    /// `--no-token` (loopback listeners only): every request passes.
    Off,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never log the secret itself.
        match self {
            Token::Required(_) => f.write_str("Token::Required(..)"),
            Token::Off => f.write_str("Token::Off"),
        }
    }
}

/// `bytes` random bytes from the operating system, in hex: the lab's token, follow keys,
/// `socklab exec` keys.
pub fn random_hex(bytes: usize) -> std::io::Result<String> {
    let mut raw = vec![0u8; bytes];
    getrandom::fill(&mut raw).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(hex::encode(raw))
}

impl Token {
    /// A fresh random token.
    pub fn generate() -> Self {
        let token =
            random_hex(TOKEN_BYTES).expect("the operating system's random number generator failed");
        Token::Required(token)
    }

    /// The token given by the operator; an empty one is refused (it would let everyone in).
    pub fn given(text: &str) -> Result<Self, &'static str> {
        let text = text.trim();
        if text.is_empty() {
            return Err(
                "the token is empty; give a non-empty --token, or leave it out for a random one",
            );
        }
        Ok(Token::Required(text.to_owned()))
    }

    /// The secret, for the URL printed at start; `None` when tokens are off.
    pub fn secret(&self) -> Option<&str> {
        match self {
            Token::Required(t) => Some(t),
            Token::Off => None,
        }
    }

    /// Whether a request with this URI and these headers carries the token.
    pub fn admits(&self, uri: &Uri, headers: &HeaderMap) -> bool {
        let Token::Required(expected) = self else {
            return true;
        };
        let mut found = from_query(uri).into_iter().chain(from_header(headers));
        // Check every place the token may be (not just the first), each in constant time.
        found.any(|given| bool::from(given.as_bytes().ct_eq(expected.as_bytes())))
    }
}

/// The value of `token=` in the query, percent-decoded.
fn from_query(uri: &Uri) -> Option<String> {
    let query = uri.query()?;
    form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "token")
        .map(|(_, value)| value.into_owned())
}

/// `Authorization: Bearer <token>` or `Authorization: token <token>`.
fn from_header(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, rest) = value.trim().split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("token"))
        .then(|| rest.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn uri(s: &str) -> Uri {
        s.parse().unwrap()
    }

    #[test]
    fn generated_tokens_are_long_random_hex() {
        let (a, b) = (Token::generate(), Token::generate());
        let (a, b) = (a.secret().unwrap(), b.secret().unwrap());
        assert_eq!(a.len(), 48);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn query_and_headers_carry_the_token() {
        let t = Token::given("s3cret").unwrap();
        let none = HeaderMap::new();
        assert!(t.admits(&uri("/ws?token=s3cret"), &none));
        assert!(t.admits(&uri("/ws?a=1&token=s3cret"), &none));
        assert!(!t.admits(&uri("/ws"), &none));
        assert!(!t.admits(&uri("/ws?token=s3cre"), &none));
        assert!(!t.admits(&uri("/ws?token=s3cret2"), &none));
        assert!(!t.admits(&uri("/ws?token="), &none));
        for value in ["Bearer s3cret", "token s3cret", "bearer  s3cret "] {
            let mut h = HeaderMap::new();
            h.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
            assert!(t.admits(&uri("/ws"), &h), "{value}");
        }
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Basic s3cret"),
        );
        assert!(!t.admits(&uri("/ws"), &h));
    }

    #[test]
    fn percent_encoding_is_decoded() {
        let t = Token::given("a b+c").unwrap();
        assert!(t.admits(&uri("/ws?token=a%20b%2Bc"), &HeaderMap::new()));
    }

    #[test]
    fn off_admits_everyone_and_empty_is_refused() {
        assert!(Token::Off.admits(&uri("/ws"), &HeaderMap::new()));
        assert!(Token::given("  ").is_err());
        assert!(!format!("{:?}", Token::given("s3cret").unwrap()).contains("s3cret"));
    }
}
