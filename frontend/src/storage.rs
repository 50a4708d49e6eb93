//! The tab's `sessionStorage`, for what a reload must keep ([`crate::model::place::Place`]).
//! Storage may be refused (privacy settings): then nothing is kept, and nothing fails.

/// Where the lecturer's place is kept.
pub const PLACE_KEY: &str = "socklab.place";

/// The text kept under `key`, if any.
pub fn read(key: &str) -> Option<String> {
    web_sys::window()?
        .session_storage()
        .ok()??
        .get_item(key)
        .ok()?
}

/// Keeps `value` under `key` (silently nothing when storage is refused).
pub fn write(key: &str, value: &str) {
    if let Some(storage) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = storage.set_item(key, value);
    }
}
