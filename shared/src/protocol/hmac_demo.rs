//! The fixed secrets of the lab's HMAC challenge (experiment 22), which both ends need: the
//! backend's HMAC services answer with them, and the Python generator writes them into the
//! program it gives students, so the generated code talks to the lab. A lesson shows the key
//! on screen: it protects nothing and is not meant to.

/// The key both ends of the HMAC challenge share.
pub const HMAC_KEY: &[u8] = b"socklab secret key";
/// The key a client that does not know the secret guesses.
pub const HMAC_WRONG_KEY: &[u8] = b"guess";
/// Length of the server's random challenge, and of an HMAC-SHA256 digest.
pub const HMAC_LEN: usize = 32;
