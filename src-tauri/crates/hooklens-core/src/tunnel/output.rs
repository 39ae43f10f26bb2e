//! A tool's output, read with bounds: lines are cut at [`MAX_LINE`] bytes,
//! at most [`BURST`] lines at once and [`LINES_PER_SECOND`] after that are
//! looked at (the rest are read and dropped, so the tool never blocks on a
//! full pipe), and the details view keeps the last [`SHOWN_LINES`], cleaned
//! of terminal escapes and with secrets scrubbed.

use std::collections::VecDeque;
use std::time::Instant;

use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};

/// Longest line looked at, in bytes; the rest of a longer line is skipped.
pub(super) const MAX_LINE: usize = 4096;
/// Lines looked at in a burst (ssh -v prints ~80 lines while connecting)…
pub(super) const BURST: f64 = 400.0;
/// …and per second after that.
pub(super) const LINES_PER_SECOND: f64 = 50.0;
/// Lines the details view keeps.
pub(super) const SHOWN_LINES: usize = 40;
/// Characters of a line the details view keeps.
pub(super) const SHOWN_CHARS: usize = 300;

/// Lines from a child's pipe, each at most [`MAX_LINE`] bytes. `\r` ends a
/// line too (progress output rewrites a line in place); empty lines are
/// skipped. Cancel-safe: a partial line waits in `self` across calls.
pub(super) struct LineReader<R> {
    inner: BufReader<R>,
    partial: Vec<u8>,
    /// The line in hand is over the limit: drop bytes up to its end.
    skipping: bool,
}

impl<R: AsyncRead + Unpin> LineReader<R> {
    pub(super) fn new(inner: R) -> Self {
        LineReader {
            inner: BufReader::new(inner),
            partial: Vec::new(),
            skipping: false,
        }
    }

    /// The next line, None at the end of the output (or on a read error:
    /// either way nothing more will come).
    pub(super) async fn next_line(&mut self) -> Option<String> {
        loop {
            let buf = match self.inner.fill_buf().await {
                Ok(buf) => buf,
                Err(_) => return self.finish(),
            };
            if buf.is_empty() {
                return self.finish();
            }
            let end = buf.iter().position(|b| matches!(b, b'\n' | b'\r'));
            let take = end.unwrap_or(buf.len());
            if !self.skipping {
                let room = MAX_LINE - self.partial.len();
                self.partial.extend_from_slice(&buf[..take.min(room)]);
                if take > room {
                    self.skipping = true;
                }
            }
            match end {
                Some(at) => {
                    self.inner.consume(at + 1);
                    self.skipping = false;
                    let line = std::mem::take(&mut self.partial);
                    if !line.is_empty() {
                        return Some(String::from_utf8_lossy(&line).into_owned());
                    }
                }
                None => {
                    let len = buf.len();
                    self.inner.consume(len);
                }
            }
        }
    }

    fn finish(&mut self) -> Option<String> {
        self.skipping = false;
        let line = std::mem::take(&mut self.partial);
        (!line.is_empty()).then(|| String::from_utf8_lossy(&line).into_owned())
    }
}

/// A token bucket: [`BURST`] lines at once, [`LINES_PER_SECOND`] after.
#[derive(Debug)]
pub(super) struct RateLimit {
    tokens: f64,
    last: Instant,
    burst: f64,
    per_second: f64,
}

impl RateLimit {
    pub(super) fn new(burst: f64, per_second: f64) -> Self {
        RateLimit {
            tokens: burst,
            last: Instant::now(),
            burst,
            per_second,
        }
    }

    pub(super) fn allow(&mut self) -> bool {
        let now = Instant::now();
        let refill = now.duration_since(self.last).as_secs_f64() * self.per_second;
        self.tokens = (self.tokens + refill).min(self.burst);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit::new(BURST, LINES_PER_SECOND)
    }
}

/// The lines a details view shows, oldest first.
#[derive(Debug, Default)]
pub(super) struct Shown {
    lines: VecDeque<String>,
    /// Lines dropped by the rate limit since the last one shown.
    dropped: u64,
}

impl Shown {
    pub(super) fn push(&mut self, line: String) {
        if self.dropped > 0 {
            let note = format!("(… {} lines not shown)", self.dropped);
            self.dropped = 0;
            self.push_one(note);
        }
        self.push_one(line);
    }

    /// Hooklens's own remark, e.g. that it restarts the tool.
    pub(super) fn note(&mut self, text: impl Into<String>) {
        self.push_one(format!("[hooklens] {}", text.into()));
    }

    pub(super) fn dropped(&mut self) {
        self.dropped += 1;
    }

    fn push_one(&mut self, line: String) {
        if self.lines.len() == SHOWN_LINES {
            self.lines.pop_front();
        }
        self.lines.push_back(line);
    }

    pub(super) fn lines(&self) -> Vec<String> {
        self.lines.iter().cloned().collect()
    }
}

/// A line as a person should see it: terminal escapes and control
/// characters removed, trailing space trimmed.
pub(super) fn clean(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ parameters… final byte in @..~
            if chars.next_if_eq(&'[').is_some() {
                for p in chars.by_ref() {
                    if ('@'..='~').contains(&p) {
                        break;
                    }
                }
            } else {
                chars.next();
            }
            continue;
        }
        if c == '\t' {
            out.push(' ');
        } else if !c.is_control() {
            out.push(c);
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// `line` with every secret replaced by `••••`: the values given (an ngrok
/// authtoken), and whatever follows `authtoken` (any case) with `=`, `:`
/// or quotes, so a token from a config file the tool echoes is hidden too.
pub(super) fn scrub(line: &str, secrets: &[&str]) -> String {
    let mut out = line.to_owned();
    for secret in secrets {
        if secret.len() >= 4 {
            out = out.replace(secret, "••••");
        }
    }
    let lower = out.to_ascii_lowercase();
    let mut result = String::with_capacity(out.len());
    let mut from = 0;
    let mut search = 0;
    while let Some(found) = lower[search..].find("authtoken") {
        let key_end = search + found + "authtoken".len();
        let separator: String = out[key_end..]
            .chars()
            .take_while(|c| matches!(c, '=' | ':' | '"' | '\'' | ' '))
            .collect();
        let value_start = key_end + separator.len();
        let value_len: usize = out[value_start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
            .map(char::len_utf8)
            .sum();
        // A key-value separator and a value of token length, not the word
        // in prose ("authtoken is missing", "your-authtoken ERR_NGROK_4018").
        if separator.contains(['=', ':', '"']) && value_len >= 16 {
            result.push_str(&out[from..value_start]);
            result.push_str("••••");
            from = value_start + value_len;
        }
        search = key_end.max(from);
    }
    result.push_str(&out[from..]);
    result
}

/// A line cut to what the details view shows.
pub(super) fn shorten(line: String) -> String {
    if line.chars().count() <= SHOWN_CHARS {
        return line;
    }
    let mut cut: String = line.chars().take(SHOWN_CHARS - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn lines_of(bytes: &[u8]) -> Vec<String> {
        let mut reader = LineReader::new(bytes);
        let mut out = Vec::new();
        while let Some(line) = reader.next_line().await {
            out.push(line);
        }
        out
    }

    #[tokio::test]
    async fn lines_end_at_newlines_and_carriage_returns() {
        assert_eq!(
            lines_of(b"one\r\ntwo\nthree\rfour").await,
            ["one", "two", "three", "four"]
        );
        assert_eq!(lines_of(b"\n\n\r\n").await, Vec::<String>::new());
        assert_eq!(lines_of(b"caf\xc3\xa9 \xff\n").await, ["café \u{fffd}"]);
    }

    #[tokio::test]
    async fn a_long_line_is_cut_and_the_next_one_read_whole() {
        let mut input = vec![b'a'; MAX_LINE * 3];
        input.extend_from_slice(b"\nnext\n");
        let lines = lines_of(&input).await;
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].len(), MAX_LINE);
        assert_eq!(lines[1], "next");
    }

    #[test]
    fn the_rate_limit_allows_a_burst_then_refuses() {
        let mut limit = RateLimit::new(3.0, 0.0);
        assert!(limit.allow() && limit.allow() && limit.allow());
        assert!(!limit.allow());
    }

    #[test]
    fn shown_lines_are_capped_and_drops_are_counted() {
        let mut shown = Shown::default();
        for n in 0..SHOWN_LINES + 5 {
            shown.push(format!("line {n}"));
        }
        assert_eq!(shown.lines().len(), SHOWN_LINES);
        assert_eq!(shown.lines()[0], "line 5");
        shown.dropped();
        shown.dropped();
        shown.push("after".into());
        let lines = shown.lines();
        assert_eq!(lines[SHOWN_LINES - 2], "(… 2 lines not shown)");
        assert_eq!(lines[SHOWN_LINES - 1], "after");
    }

    #[test]
    fn terminal_escapes_are_removed() {
        assert_eq!(
            clean("\u{1b}[1;32mhttps://x.example\u{1b}[0m\t \u{7}"),
            "https://x.example"
        );
    }

    #[test]
    fn secrets_are_scrubbed() {
        let token = "2abcDEFghiJKLmnoPQRstu_3vwxYZ1234567890abcd";
        assert_eq!(
            scrub(&format!("using {token} now"), &[token]),
            "using •••• now"
        );
        assert_eq!(
            scrub(
                "t=1 msg=\"config\" authtoken=XyZ12345678abcdef path=/x",
                &[]
            ),
            "t=1 msg=\"config\" authtoken=•••• path=/x"
        );
        assert_eq!(
            scrub(
                "{\"authtoken\":\"XyZ12345678abcdef\"} NGROK_AUTHTOKEN=abcdefgh12345678",
                &[]
            ),
            "{\"authtoken\":\"••••\"} NGROK_AUTHTOKEN=••••"
        );
        assert_eq!(
            scrub("Install your authtoken: https://dashboard.ngrok.com", &[]),
            "Install your authtoken: https://dashboard.ngrok.com"
        );
        assert_eq!(scrub("authtoken is missing", &[]), "authtoken is missing");
        let prose = "Install your authtoken: https://dashboard.ngrok.com/get-started/your-authtoken ERR_NGROK_4018";
        assert_eq!(scrub(prose, &[]), prose);
    }

    #[test]
    fn long_lines_are_shortened_for_display() {
        let line = "x".repeat(SHOWN_CHARS * 2);
        let short = shorten(line);
        assert_eq!(short.chars().count(), SHOWN_CHARS);
        assert!(short.ends_with('…'));
    }
}
