//! Text from senders and the store, made safe to print on a terminal.
//!
//! A sender chooses the body, header names and values, the path and the
//! query of what it sends; the store also holds names, labels and messages
//! typed elsewhere. Printed as they are, control characters in them drive
//! the terminal: ESC and C1 CSI (U+009B) start sequences that set the window
//! title, clear the screen, recolour text or move the cursor, BEL rings, and
//! a bare CR or a backspace overwrites what was printed before it, so a
//! support engineer would not even see that something was hidden. Every
//! command prints such text through this module (`show --raw` into a file or
//! a pipe is the one exception: it is for the exact bytes).
//!
//! The rule, the same for every command:
//! - C0 controls (U+0000–U+001F) and DEL (U+007F) print as `\xNN`, two
//!   lower-case hex digits (`\x1b` for ESC, `\x07` for BEL), except tab, line
//!   feed and carriage return, which print as `\t`, `\n` and `\r`. In a body
//!   printed over several lines ([`Layout::Block`]) tab and line feed are the
//!   body's own layout and stay as they are; everywhere else (a table cell, a
//!   header value: [`Layout::Line`]) they would break the row, so they are
//!   escaped too. A carriage return is always shown: CRLF line endings are
//!   worth seeing when a signature fails.
//! - C1 controls (U+0080–U+009F, in UTF-8 the bytes C2 80–C2 9F) print as
//!   `\u{NN}`, as Rust writes them (and as the `serve` log already does).
//! - A byte that is not part of valid UTF-8 prints as `\xNN`. So `\x9b` is a
//!   lone byte 0x9B (which some terminals read as CSI) and `\u{9b}` is the
//!   character U+009B: the two forms never stand for the same thing.
//! - Everything else is left as it is: ordinary non-ASCII text (é, 日本,
//!   emoji) and backslashes. Doubling backslashes would make every JSON body
//!   (`\"`, `\u00e9`) harder to read and to copy from; the price is that the
//!   four characters `\x1b` typed in a body look like an escaped ESC. `show`
//!   settles that by saying on stderr when it escaped anything, and
//!   `show --raw > FILE` has the exact bytes.
//!
//! JSON output is escaped the lossless way: see [`json`].

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt::Write as _;

/// Where the text goes, which decides what tab and line feed are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One line: a table cell, a header value, a name in a message.
    Line,
    /// A body printed over several lines: tab and line feed are kept.
    Block,
}

/// Whether `c` must be escaped in `layout`.
fn needs_escape(c: char, layout: Layout) -> bool {
    // `is_control` is exactly C0, DEL and C1 (Unicode category Cc).
    c.is_control() && !(layout == Layout::Block && (c == '\n' || c == '\t'))
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\t' => out.push_str("\\t"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        // C0 and DEL: one byte.
        c if (c as u32) < 0x80 => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        // C1: a character of two bytes in UTF-8.
        c => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

/// `text` with control characters escaped for `layout`; borrowed when there
/// is nothing to escape (the usual case).
pub fn escape(text: &str, layout: Layout) -> Cow<'_, str> {
    let Some(first) = text.find(|c| needs_escape(c, layout)) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str(&text[..first]);
    for c in text[first..].chars() {
        if needs_escape(c, layout) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Bytes as text: valid UTF-8 escaped as [`escape`] does, every byte that is
/// not valid UTF-8 as `\xNN`.
pub fn escape_bytes(bytes: &[u8], layout: Layout) -> Cow<'_, str> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return escape(text, layout);
    }
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        out.push_str(&escape(chunk.valid(), layout));
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    Cow::Owned(out)
}

/// One line of text for a table cell or a message: [`Layout::Line`].
pub fn line(text: &str) -> Cow<'_, str> {
    escape(text, Layout::Line)
}

/// [`line()`] for an optional value, `none` when there is none.
pub fn line_or<'a>(text: Option<&'a str>, none: &'a str) -> Cow<'a, str> {
    line(text.unwrap_or(none))
}

/// Escapes like [`escape`] and remembers whether it changed anything, so
/// `show` can say so once at the end.
#[derive(Default)]
pub struct Tracker {
    escaped: Cell<bool>,
}

impl Tracker {
    fn seen<'a>(&self, text: Cow<'a, str>) -> Cow<'a, str> {
        if matches!(text, Cow::Owned(_)) {
            self.escaped.set(true);
        }
        text
    }

    pub fn line<'a>(&self, text: &'a str) -> Cow<'a, str> {
        self.seen(line(text))
    }

    pub fn bytes<'a>(&self, bytes: &'a [u8], layout: Layout) -> Cow<'a, str> {
        self.seen(escape_bytes(bytes, layout))
    }

    /// Whether anything passed through it was escaped.
    pub fn escaped(&self) -> bool {
        self.escaped.get()
    }
}

/// `value` as one line of JSON that is safe on a terminal and means exactly
/// the same to a JSON reader. serde_json escapes C0 controls in strings
/// already but writes DEL and C1 controls raw; those become `\u007f` and
/// `\u0080`–`\u009f`, which decode to the same characters. (They can only
/// occur inside strings: JSON's own syntax is ASCII without controls.)
pub fn json(value: &impl serde::Serialize) -> Result<String, serde_json::Error> {
    let text = serde_json::to_string(value)?;
    if !text.contains(|c: char| c.is_control()) {
        return Ok(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes a terminal acts on: ESC, BEL, a raw 0x9B, and C1 in UTF-8.
    fn has_terminal_controls(text: &str) -> bool {
        let b = text.as_bytes();
        b.iter().any(|&x| x < 0x20 && x != b'\n' && x != b'\t')
            || b.contains(&0x7f)
            || b.contains(&0x9b)
            || b.windows(2)
                .any(|w| w[0] == 0xc2 && (0x80..=0x9f).contains(&w[1]))
    }

    #[test]
    fn ordinary_text_is_left_as_it_is_and_not_copied() {
        for text in [
            "",
            "plain ASCII {\"a\":1}",
            "café é ü ß",
            "日本語のテキスト",
            "emoji 🎉👍🏽 and a flag 🇫🇷",
            r#"JSON escapes stay: "\u00e9\n\"" and C:\path"#,
            // U+00A0 (no-break space) is the first character after C1.
            "\u{a0}\u{ff}",
        ] {
            for layout in [Layout::Line, Layout::Block] {
                assert!(
                    matches!(escape(text, layout), Cow::Borrowed(t) if t == text),
                    "{text:?} {layout:?}"
                );
                assert!(matches!(
                    escape_bytes(text.as_bytes(), layout),
                    Cow::Borrowed(_)
                ));
            }
        }
    }

    #[test]
    fn c0_del_and_c1_are_escaped_visibly() {
        let attack = "\x1b]0;pwned\x07\x1b[2J\x1b[31mred\x1b[0m\u{9b}2J\u{85}\x7f\x00\x08";
        let shown = line(attack);
        assert_eq!(
            shown,
            r"\x1b]0;pwned\x07\x1b[2J\x1b[31mred\x1b[0m\u{9b}2J\u{85}\x7f\x00\x08"
        );
        assert!(!has_terminal_controls(&shown));
        // The first and last C1.
        assert_eq!(line("\u{80}\u{9f}"), r"\u{80}\u{9f}");
    }

    #[test]
    fn a_block_keeps_line_feeds_and_tabs_but_shows_carriage_returns() {
        let body = "{\r\n\t\"a\": 1\r\n}\n";
        assert_eq!(escape(body, Layout::Block), "{\\r\n\t\"a\": 1\\r\n}\n");
        assert_eq!(line(body), r#"{\r\n\t"a": 1\r\n}\n"#);
        assert_eq!(escape("a\x1bb", Layout::Block), r"a\x1bb");
    }

    #[test]
    fn bytes_that_are_not_utf8_are_hex_and_differ_from_c1_characters() {
        // A raw 0x9B (CSI to an 8-bit terminal), and U+009B encoded as UTF-8.
        assert_eq!(escape_bytes(b"\x9b2J", Layout::Line), r"\x9b2J");
        assert_eq!(escape_bytes(b"\xc2\x9b2J", Layout::Line), r"\u{9b}2J");
        assert_eq!(
            escape_bytes(b"caf\xe9 \x1b\xff\xfe ok \xc3\xa9", Layout::Block),
            r"caf\xe9 \x1b\xff\xfe ok é"
        );
        // A truncated sequence at the end.
        assert_eq!(escape_bytes(b"\xe6\x97", Layout::Line), r"\xe6\x97");
        let all: Vec<u8> = (0..=255).collect();
        assert!(!has_terminal_controls(&escape_bytes(&all, Layout::Block)));
    }

    #[test]
    fn the_tracker_remembers_whether_it_escaped() {
        let t = Tracker::default();
        assert_eq!(t.line("fine"), "fine");
        assert_eq!(t.bytes("日本".as_bytes(), Layout::Block), "日本");
        assert!(!t.escaped());
        assert_eq!(t.line("a\u{9b}"), r"a\u{9b}");
        assert!(t.escaped());
    }

    #[test]
    fn json_output_escapes_del_and_c1_and_still_means_the_same() {
        let value = serde_json::json!({"path": "/\u{9b}2J\u{85}\x7f\x1b[0m", "ok": "é日🎉"});
        let text = json(&value).unwrap();
        assert!(!has_terminal_controls(&text), "{text}");
        assert!(text.contains(r"\u009b2J\u0085\u007f\u001b[0m"), "{text}");
        assert!(text.contains("é日🎉"), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }
}
