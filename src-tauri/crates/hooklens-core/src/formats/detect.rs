//! Which format a source is in, from its first few kilobytes.
//!
//! The order of the checks is the order of certainty:
//! 1. a Hooklens bundle: its first line is a JSON object whose `format` is
//!    [`MAGIC`] (checked before any other JSON, since
//!    a bundle's lines are JSON too);
//! 2. HAR: a JSON object whose first key is `log` (every HAR writer puts it
//!    first), or, when another key comes first, one that shows both `"log"`
//!    and `"entries"` in what was read;
//! 3. any other JSON object or array: a provider's event pasted alone;
//! 4. a curl command: `curl` (or `curl.exe`) as the first word, after blank
//!    lines, `#` comment lines, a `$ ` prompt, or `printf '…' |` (how
//!    Hooklens's own "Copy as curl" sends a binary body); in the shell's form
//!    or cmd.exe's (Chrome's "Copy as cURL (cmd)": `curl ^"https://…^" ^`);
//! 5. raw HTTP: a request line (`METHOD SP target SP HTTP/x.y`), or the
//!    lines of a `curl -v` transcript (`> `, `* `, `< `) or of a
//!    `--trace`/`--trace-ascii` dump (`== Info:`, `=> Send`), with curl's
//!    `Note:`/`Warning:` lines and progress meter before them skipped.
//!
//! JSON and text cannot be mistaken for each other (text never starts with
//! `{` or `[`). A curl command is recognised only by its first word, so a
//! raw request whose method were `CURL` would be taken for one; none is.
//! Anything else is `None`: the caller asks which format it is.

use super::Format;
use super::bundle::MAGIC;
use super::raw;

/// How much of the source detection looks at.
pub const SNIFF_BYTES: usize = 8 << 10;

/// The format of a source, from its start (at most [`SNIFF_BYTES`] are
/// looked at; give at least that much when the source is longer).
pub fn detect(start: &[u8]) -> Option<Format> {
    let start = &start[..start.len().min(SNIFF_BYTES)];
    let start = start.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(start);
    let trimmed = trim_start(start);
    match trimmed.first() {
        Some(b'{') => Some(json_kind(trimmed)),
        Some(b'[') => Some(Format::Json),
        Some(_) if is_curl(trimmed) => Some(Format::Curl),
        Some(_) if is_raw(trimmed) => Some(Format::Raw),
        _ => None,
    }
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let skip = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &bytes[skip..]
}

/// Bundle, HAR or plain JSON, for text starting with `{`.
fn json_kind(text: &[u8]) -> Format {
    let first_line = text.split(|&b| b == b'\n').next().unwrap_or(text);
    if let Ok(serde_json::Value::Object(header)) =
        serde_json::from_slice::<serde_json::Value>(first_line)
        && header.get("format").and_then(|f| f.as_str()) == Some(MAGIC)
    {
        return Format::Hooklens;
    }
    let after_brace = trim_start(&text[1..]);
    if after_brace.starts_with(b"\"log\"") {
        return Format::Har;
    }
    if contains(text, b"\"log\"") && contains(text, b"\"entries\"") {
        return Format::Har;
    }
    Format::Json
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// `curl` as the first word of the first line that is not blank or a
/// comment, after an optional `$ ` prompt or a `printf '…' |` feeding it.
fn is_curl(text: &[u8]) -> bool {
    let Some(line) = text
        .split(|&b| b == b'\n')
        .map(trim_start)
        .find(|l| !l.is_empty() && !l.starts_with(b"#"))
    else {
        return false;
    };
    let line = line.strip_prefix(b"$ ").map_or(line, trim_start);
    if line.starts_with(b"printf ") {
        return contains(line, b"| curl ") || contains(line, b"| curl\\");
    }
    let rest = line
        .strip_prefix(b"curl.exe")
        .or_else(|| line.strip_prefix(b"curl"));
    // After the word: the end, a blank, a continuation (`\` for a shell,
    // `^` for cmd.exe), or cmd's `^"` quoting.
    rest.is_some_and(|rest| {
        matches!(
            rest.first(),
            None | Some(b' ' | b'\t' | b'\\' | b'\r' | b'^')
        )
    })
}

/// A request line, or a curl transcript's first line.
fn is_raw(text: &[u8]) -> bool {
    text.split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| !trim_start(l).is_empty())
        .find(|l| !raw::is_transcript_noise(l))
        .is_some_and(|l| raw::is_request_line(l) || raw::is_transcript_line(l))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_header_line_is_a_bundle() {
        let text = br#"{"kind":"header","format":"hooklens-bundle","version":1,"exported_at":"2026-01-01T00:00:00Z","app_version":"0.1.0"}
{"kind":"endpoint","id":1,"name":"Default","path_prefix":"/"}"#;
        assert_eq!(detect(text), Some(Format::Hooklens));
    }

    #[test]
    fn har_with_log_first_or_later() {
        assert_eq!(
            detect(b"\xEF\xBB\xBF{\n  \"log\": {\n    \"version\": \"1.2\""),
            Some(Format::Har)
        );
        assert_eq!(
            detect(br#"{"comment":"x","log":{"version":"1.2","entries":[]}}"#),
            Some(Format::Har)
        );
        // Cut off before "entries": the first key still says HAR.
        assert_eq!(
            detect(br#"{"log":{"creator":{"name":"x""#),
            Some(Format::Har)
        );
    }

    #[test]
    fn other_json_is_an_event() {
        assert_eq!(
            detect(br#"  {"type":"order.created","log":1}"#),
            Some(Format::Json)
        );
        assert_eq!(detect(b"[1,2]"), Some(Format::Json));
        // The word "hooklens-bundle" in an event is not a header.
        assert_eq!(detect(br#"{"note":"hooklens-bundle"}"#), Some(Format::Json));
    }

    #[test]
    fn curl_commands_in_their_usual_dresses() {
        assert_eq!(detect(b"curl https://x"), Some(Format::Curl));
        assert_eq!(detect(b"\n  $ curl -X POST https://x"), Some(Format::Curl));
        assert_eq!(detect(b"curl \\\n  -H 'a: b' x"), Some(Format::Curl));
        assert_eq!(
            detect(b"# Hooklens masked Authorization\nprintf '\\001' | curl \\\n  -X 'POST'"),
            Some(Format::Curl)
        );
        assert_eq!(detect(b"curly braces"), None);
        // Chrome's "Copy as cURL (cmd)", one line and several.
        assert_eq!(
            detect(b"curl ^\"http://localhost^\" -b ^\"eva=^%^22Sg4^%^22^\""),
            Some(Format::Curl)
        );
        assert_eq!(
            detect(b"curl ^\"https://x/^\" ^\r\n  -H ^\"a: b^\" ^\r\n  --compressed"),
            Some(Format::Curl)
        );
        assert_eq!(detect(b"curl.exe ^\"https://x/^\""), Some(Format::Curl));
        assert_eq!(detect(b"curl.exeter"), None);
    }

    #[test]
    fn raw_requests_and_curl_transcripts() {
        assert_eq!(
            detect(b"POST /hook HTTP/1.1\r\nHost: x\r\n\r\n"),
            Some(Format::Raw)
        );
        assert_eq!(detect(b"\n\nGET / HTTP/1.0\n\n"), Some(Format::Raw));
        assert_eq!(
            detect(b"Note: Unnecessary use of -X or --request, POST is already inferred.\n*   Trying 127.0.0.1:80...\n"),
            Some(Format::Raw)
        );
        assert_eq!(
            detect(b"> POST / HTTP/1.1\r\n> Host: x\r\n"),
            Some(Format::Raw)
        );
        assert_eq!(
            detect(b"== Info:   Trying 127.0.0.1:8000...\n"),
            Some(Format::Raw)
        );
        assert_eq!(
            detect(b"22:18:46.123456 == Info:   Trying 127.0.0.1:8000...\n"),
            Some(Format::Raw)
        );
        assert_eq!(
            detect(b"=> Send header, 83 bytes (0x53)\n"),
            Some(Format::Raw)
        );
    }

    #[test]
    fn nothing_known() {
        assert_eq!(detect(b""), None);
        assert_eq!(detect(b"   \n\t"), None);
        assert_eq!(detect(b"hello world"), None);
        assert_eq!(detect(b"POST /hook"), None);
        assert_eq!(detect(&[0xff, 0x00, 0x13, 0x37]), None);
    }
}
