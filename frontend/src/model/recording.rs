//! Recordings: a session's history saved as a versioned JSON-lines file, and read back.
//!
//! The first line is a header object,
//! `{"format":"socklab-recording","version":1,"protocol_version":N,"saved":"..."}`
//! (`saved` may be missing), then one line per envelope, exactly as received
//! (`serde_json` of [`Envelope`]). Blank lines are skipped when reading.

use serde_json::{Value, json};
use socklab_shared::protocol::{Envelope, PROTOCOL_VERSION};

/// The header's `format`.
pub const FORMAT: &str = "socklab-recording";
/// The format version this page writes and reads.
pub const VERSION: u64 = 1;
/// The file name the page saves.
pub const FILE_NAME: &str = "socklab-recording.jsonl";
/// Why a command did not go out while a recording plays: the page's own note (no error
/// code), in English here; the status bar shows it in the page's language
/// (`crate::components::error_words`).
pub const READ_ONLY: &str = crate::i18n::app::AppText::EN.rec_read_only;

/// The recording of `events`: the header, then one line per envelope.
pub fn write(events: &[Envelope], saved: Option<&str>) -> String {
    let mut header = json!({
        "format": FORMAT,
        "version": VERSION,
        "protocol_version": PROTOCOL_VERSION,
    });
    if let Some(saved) = saved {
        header["saved"] = Value::String(saved.to_owned());
    }
    let mut out = header.to_string();
    out.push('\n');
    for env in events {
        // An envelope always serializes (plain data, string keys).
        out.push_str(&serde_json::to_string(env).unwrap_or_default());
        out.push('\n');
    }
    out
}

/// The envelopes of a recording, or why it can't be read (in words for the page).
pub fn read(text: &str) -> Result<Vec<Envelope>, String> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty());
    let Some((n, first)) = lines.next() else {
        return Err("this file is empty: it is not a socklab recording".into());
    };
    let header: Value = serde_json::from_str(first).map_err(|_| {
        format!("line {n} is not a socklab recording header: this is not a socklab recording")
    })?;
    if header.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(format!(
            "line {n} does not say \"format\":\"{FORMAT}\": this is not a socklab recording"
        ));
    }
    let version = header
        .get("version")
        .and_then(Value::as_u64)
        .ok_or_else(|| format!("the recording's header (line {n}) has no format version"))?;
    if version > VERSION {
        return Err(format!(
            "this recording was made by a newer socklab (format version {version}); \
             this page reads version {VERSION}"
        ));
    }
    if version < VERSION {
        return Err(format!(
            "this recording has format version {version}; this page reads version {VERSION}"
        ));
    }
    lines
        .map(|(n, line)| {
            serde_json::from_str::<Envelope>(line)
                .map_err(|e| format!("line {n} of the recording is not an event: {e}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use socklab_shared::protocol::{Event, Sequencer, SocketId};

    fn session() -> Vec<Envelope> {
        let mut seq = Sequencer::default();
        vec![
            seq.stamp(0, None, crate::test_support::hello()),
            seq.stamp(
                10,
                Some(1),
                Event::Closed {
                    socket: SocketId(1),
                },
            ),
        ]
    }

    #[test]
    fn a_recording_reads_back_as_written() {
        let events = session();
        let text = write(&events, Some("2026-12-01T10:40:00Z"));
        let header: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(header["format"], FORMAT);
        assert_eq!(header["version"], 1);
        assert_eq!(header["protocol_version"], PROTOCOL_VERSION);
        assert_eq!(header["saved"], "2026-12-01T10:40:00Z");
        assert_eq!(text.lines().count(), 3);
        assert_eq!(read(&text).unwrap(), events);
        let unsaved = write(&events, None);
        assert!(!unsaved.lines().next().unwrap().contains("saved"));
        assert_eq!(read(&unsaved).unwrap(), events);
        assert_eq!(read(&write(&[], None)).unwrap(), Vec::new());
    }

    #[test]
    fn a_wrong_header_is_not_a_recording() {
        let err = read("{\"format\":\"something-else\",\"version\":1}\n").unwrap_err();
        assert!(err.contains("not a socklab recording"), "{err}");
        let err = read("hello world\n").unwrap_err();
        assert!(err.contains("not a socklab recording"), "{err}");
        let err = read("").unwrap_err();
        assert!(err.contains("empty"), "{err}");
        let err = read("{\"format\":\"socklab-recording\"}\n").unwrap_err();
        assert!(err.contains("no format version"), "{err}");
    }

    #[test]
    fn a_newer_version_says_so() {
        let text = "{\"format\":\"socklab-recording\",\"version\":2,\"protocol_version\":1}\n";
        assert_eq!(
            read(text).unwrap_err(),
            "this recording was made by a newer socklab (format version 2); \
             this page reads version 1"
        );
    }

    #[test]
    fn a_bad_line_names_its_line_number() {
        let mut text = write(&session(), None);
        text.push_str("{\"not\":\"an event\"}\n");
        let err = read(&text).unwrap_err();
        assert!(err.starts_with("line 4 of the recording"), "{err}");
    }
}
