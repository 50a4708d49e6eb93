//! The catalogue's invariants, checked natively: every Chinese entry is Chinese (or a
//! technical word the same in both), carries no English word but technical terms and API
//! names, and has the same holes as its English twin.

use super::{app, lesson, panels, results, timeline, wire, workbench};

/// Entries written the same in both languages: symbols and call names, nothing to translate.
#[rustfmt::skip]
pub const SAME_IN_BOTH: &[&str] = &[
    "A+", "accept()", "close()", "send()", "recv()", "sendto()", "recvfrom()", "shutdown(SHUT_WR)",
    "TCP", "UDP", "hex", "recv(", ")", "recvfrom(", "%", "◀", "▶", "⏮", "⏭",
];

/// English a Chinese lecturer writes as is: protocol and API names (what students type in
/// their code), kernel constants, units, key names, and the course's sample payloads (`hello`,
/// `world`, `b'…'`: data the buttons send). The browser test's allow-list
/// (backend/tests/browser/chinese.rs) is the same idea for the whole page.
#[rustfmt::skip]
pub const TECH_TERMS: &[&str] = &[
    "socklab", "TCP", "UDP", "IP", "IPv4", "IPv6", "Unix", "AF_UNIX", "AF_INET", "socket", "recv",
    "send", "sendall", "sendto", "recvfrom", "accept", "connect", "bind", "listen", "shutdown",
    "close", "setsockopt", "getsockname", "getpeername", "setblocking", "settimeout",
    "SO_REUSEADDR", "SO_RCVBUF", "SO_SNDBUF", "TCP_NODELAY", "MSG_PEEK", "FIONREAD", "SIOCOUTQ",
    "TCP_INFO", "SHUT_WR", "SHUT_RD", "SHUT_RDWR", "Python", "UTF", "GBK", "hex", "MD5", "md5",
    "JSON", "pcap", "Wireshark", "ACK", "SYN", "FIN", "RST", "PSH", "MTU", "RTT", "MSS", "ms",
    "KB", "MB", "GB", "KiB", "MiB", "B", "QR", "Nagle", "TIME_WAIT", "EOF", "A", "Esc", "End",
    "Home", "Ctrl", "C", "bufsize", "kbit", "s", "python3", "https", "localhost", "struct", "I",
    "i", "v", "x", "ss", "ti", "hello", "world", "b", "HMAC",
];

/// Every table in both languages: (table, entry, English, Chinese).
fn catalogue() -> Vec<(&'static str, &'static str, &'static str, &'static str)> {
    let mut all = Vec::new();
    macro_rules! table {
        ($($t:ty),*) => {$(
            for ((name, en), (_, zh)) in <$t>::EN.entries().into_iter().zip(<$t>::ZH.entries()) {
                all.push((stringify!($t), name, en, zh));
            }
        )*};
    }
    table!(
        app::AppText,
        lesson::LessonText,
        panels::PanelText,
        workbench::CardText,
        results::ResultText,
        timeline::TimelineText,
        wire::WireText
    );
    all
}

/// Chinese characters, or the full-width punctuation only Chinese text uses (`：`, `（`).
fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| {
        ('\u{4e00}'..='\u{9fff}').contains(&c)
            || ('\u{3000}'..='\u{303f}').contains(&c)
            || ('\u{ff00}'..='\u{ffef}').contains(&c)
    })
}

/// The ASCII words of `s` (letters, digits, `_`: `md5`, `IPv4`), as a lecturer would read
/// them. A call, a file name, a path, a query or a command-line flag (`str.encode()`,
/// `lab.py`, `/api/lessons`, `?token=…`, `--max-sessions`) is code quoted in the text, not
/// words.
/// (backend/tests/browser/chinese.rs reads the page by the same rule.)
fn english_words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| c.is_whitespace() || !c.is_ascii())
        .filter(|chunk| {
            !(chunk.starts_with("--")
                || chunk.contains('(')
                || chunk
                    .split('.')
                    .skip(1)
                    .any(|after| after.starts_with(|c: char| c.is_ascii_alphabetic()))
                || chunk.starts_with('/')
                || chunk.starts_with('?')
                || chunk.contains('='))
        })
        .flat_map(|chunk| chunk.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')))
        // A word that starts with a digit is a number (`0a`, `3f`, `5B`).
        .filter(|w| !w.starts_with(|c: char| c.is_ascii_digit()))
        .filter(|w| w.chars().any(|c| c.is_ascii_alphabetic()))
}

/// The holes of a template, sorted: `{0}`, `{1}`…
fn holes(s: &str) -> Vec<&str> {
    let mut h: Vec<&str> = s
        .match_indices('{')
        .filter_map(|(i, _)| {
            let end = s[i..].find('}')? + i + 1;
            s[i + 1..end - 1]
                .chars()
                .all(|c| c.is_ascii_digit())
                .then(|| &s[i..end])
        })
        .collect();
    h.sort_unstable();
    h
}

#[test]
fn every_chinese_entry_is_chinese() {
    let bad: Vec<String> = catalogue()
        .into_iter()
        .filter(|(_, _, en, zh)| {
            let same_in_both = zh == en && SAME_IN_BOTH.contains(zh);
            !(has_chinese(zh) || same_in_both)
        })
        .map(|(t, n, _, zh)| format!("{t}.{n}: {zh:?}"))
        .collect();
    assert!(bad.is_empty(), "not Chinese:\n{}", bad.join("\n"));
}

#[test]
fn no_chinese_entry_has_english_words_but_technical_terms() {
    let bad: Vec<String> = catalogue()
        .into_iter()
        .flat_map(|(t, n, _, zh)| {
            english_words(zh)
                .filter(|w| !TECH_TERMS.contains(w))
                .map(move |w| format!("{t}.{n}: {w:?} in {zh:?}"))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(bad.is_empty(), "English in Chinese:\n{}", bad.join("\n"));
}

#[test]
fn both_columns_have_the_same_holes() {
    let bad: Vec<String> = catalogue()
        .into_iter()
        .filter(|(_, _, en, zh)| holes(en) != holes(zh))
        .map(|(t, n, en, zh)| format!("{t}.{n}: {en:?} / {zh:?}"))
        .collect();
    assert!(bad.is_empty(), "holes differ:\n{}", bad.join("\n"));
}

#[test]
fn the_checks_catch_what_they_should() {
    assert!(has_chinese("发送"));
    assert!(!has_chinese("send"));
    assert_eq!(
        english_words("第 {0} 次 send，共 5 B").collect::<Vec<_>>(),
        ["send", "B"]
    );
    assert_eq!(english_words("用 str.encode() 编码").count(), 0);
    assert_eq!(
        english_words("用 --max-sessions 启动，打开 /api/x 或 ?token=1").count(),
        0
    );
    assert_eq!(holes("{1} 和 {0}，{x}"), ["{0}", "{1}"]);
}
