//! Finding what a pattern redacts (emails, card-like numbers) in bytes of
//! any kind, and replacing found spans so that a JSON body stays JSON.
//!
//! The finders are hand-written rather than regular expressions: a card
//! number needs a Luhn check over digit groups either way, and both run in
//! one linear pass with a bounded look around each candidate, whatever the
//! bytes (invalid UTF-8 included).

use std::ops::Range;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What replaces a removed value.
pub const REDACTED: &str = "[REDACTED]";

/// A kind of value redacted wherever it appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PatternKind {
    /// `local@domain.tld` (also with the `@` percent-encoded as `%40`, as in
    /// form bodies and query strings).
    Email,
    /// 13 to 19 digits, optionally in groups separated by one space or dash,
    /// that pass the Luhn check.
    CardNumber,
}

impl PatternKind {
    pub fn words(self) -> &'static str {
        match self {
            PatternKind::Email => "email addresses",
            PatternKind::CardNumber => "card-like numbers (13–19 digits passing the Luhn check)",
        }
    }

    /// The spans of `bytes` this pattern matches, in order, not overlapping.
    pub fn find(self, bytes: &[u8]) -> Vec<Range<usize>> {
        match self {
            PatternKind::Email => emails(bytes),
            PatternKind::CardNumber => card_numbers(bytes),
        }
    }
}

/// The longest local part RFC 5321 allows; the backward scan stops there,
/// which keeps the search linear on `a@a@a@…`.
const MAX_LOCAL: usize = 64;
/// The longest domain name.
const MAX_DOMAIN: usize = 255;

fn is_local_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

fn is_domain_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-')
}

/// Email addresses: the common `[A-Za-z0-9._%+-]+@domain.tld` shape, where
/// the domain has at least one dot and a top-level label of two letters or
/// more. Stricter RFC 5322 forms (quoted local parts) are rare in payloads.
fn emails(bytes: &[u8]) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let at_len = if bytes[i] == b'@' {
            1
        } else if bytes[i] == b'%' && bytes[i..].len() >= 3 && bytes[i + 1..i + 3] == *b"40" {
            3
        } else {
            i += 1;
            continue;
        };
        let floor = found.last().map_or(0, |r: &Range<usize>| r.end);
        let mut start = i;
        while start > floor && i - start < MAX_LOCAL && is_local_byte(bytes[start - 1]) {
            start -= 1;
        }
        // A local part neither starts with a dot nor is empty.
        while start < i && bytes[start] == b'.' {
            start += 1;
        }
        let domain_start = i + at_len;
        let mut end = domain_start;
        while end < bytes.len() && end - domain_start < MAX_DOMAIN && is_domain_byte(bytes[end]) {
            end += 1;
        }
        while end > domain_start && matches!(bytes[end - 1], b'.' | b'-') {
            end -= 1;
        }
        if start < i && valid_domain(&bytes[domain_start..end]) {
            found.push(start..end);
            i = end;
        } else {
            i += at_len;
        }
    }
    found
}

fn valid_domain(domain: &[u8]) -> bool {
    let mut labels = domain.split(|&b| b == b'.');
    let Some(last) = labels.next_back() else {
        return false;
    };
    let mut count = 1;
    for label in labels {
        if label.is_empty() {
            return false;
        }
        count += 1;
    }
    count >= 2 && last.len() >= 2 && last.iter().all(u8::is_ascii_alphabetic)
}

/// One group of digits of a candidate card number.
struct Group {
    start: usize,
    end: usize,
}

/// Card-like numbers: runs of digit groups joined by a single space or
/// dash, not touching letters, digits, `_` or a decimal point on either
/// side. Within a run, the longest span of whole groups holding 13 to 19
/// digits that passes the Luhn check is taken (so "order 12 4111 1111 1111
/// 1111" yields the card, not "12 4111…"). A run of more than 19 digits
/// without separators is an id, not a card.
fn card_numbers(bytes: &[u8]) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || (i > 0 && touches(bytes[i - 1], bytes.get(i - 2))) {
            i += 1;
            continue;
        }
        // Collect the run's groups.
        let mut groups: Vec<Group> = Vec::new();
        let mut j = i;
        loop {
            let start = j;
            while j < bytes.len() && bytes[j].is_ascii_digit() {
                j += 1;
            }
            groups.push(Group { start, end: j });
            let joined = j + 1 < bytes.len()
                && matches!(bytes[j], b' ' | b'-')
                && bytes[j + 1].is_ascii_digit();
            if !joined {
                break;
            }
            j += 1;
        }
        let run_end = j;
        let after_ok = bytes.get(run_end).is_none_or(|&b| {
            !(b.is_ascii_alphanumeric()
                || b == b'_'
                || (b == b'.' && bytes.get(run_end + 1).is_some_and(u8::is_ascii_digit)))
        });
        if after_ok {
            found.extend(cards_in_run(bytes, &groups));
        }
        i = run_end.max(i + 1);
    }
    found
}

/// Whether the byte before a digit run joins it to something else: a
/// letter, digit or `_`, or a decimal point after a digit (a fraction).
fn touches(before: u8, before_that: Option<&u8>) -> bool {
    before.is_ascii_alphanumeric()
        || before == b'_'
        || (before == b'.' && before_that.is_some_and(u8::is_ascii_digit))
}

fn cards_in_run(bytes: &[u8], groups: &[Group]) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut first = 0;
    while first < groups.len() {
        let mut best: Option<usize> = None;
        let mut digits = 0;
        for (last, g) in groups.iter().enumerate().skip(first) {
            digits += g.end - g.start;
            if digits > 19 {
                break;
            }
            if digits >= 13 && luhn(bytes, &groups[first..=last]) {
                best = Some(last);
            }
        }
        match best {
            Some(last) => {
                found.push(groups[first].start..groups[last].end);
                first = last + 1;
            }
            None => first += 1,
        }
    }
    found
}

fn luhn(bytes: &[u8], groups: &[Group]) -> bool {
    let mut sum = 0u32;
    let mut double = false;
    for g in groups.iter().rev() {
        for &b in bytes[g.start..g.end].iter().rev() {
            let mut d = u32::from(b - b'0');
            if double {
                d *= 2;
                if d > 9 {
                    d -= 9;
                }
            }
            sum += d;
            double = !double;
        }
    }
    sum.is_multiple_of(10)
}

/// For each of `offsets` (ascending), whether it lies inside a JSON string
/// of `json`. One linear scan; meaningful only for JSON text.
pub fn inside_strings(json: &[u8], offsets: &[usize]) -> Vec<bool> {
    let mut out = Vec::with_capacity(offsets.len());
    let mut next = offsets.iter().peekable();
    let mut in_string = false;
    let mut escaped = false;
    for (i, &b) in json.iter().enumerate() {
        while next.next_if(|&&o| o == i).is_some() {
            out.push(in_string);
        }
        if next.peek().is_none() {
            break;
        }
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        }
    }
    out.resize(offsets.len(), in_string);
    out
}

/// `bytes` with each of `spans` (ascending, not overlapping) replaced by
/// [`REDACTED`]. In a JSON body (`json`), a span outside a string (a number
/// or a bare word) grows to its whole token and becomes the string
/// `"[REDACTED]"`, so the body stays valid JSON.
pub fn replace_spans(bytes: &[u8], spans: &[Range<usize>], json: bool) -> Vec<u8> {
    let starts: Vec<usize> = spans.iter().map(|s| s.start).collect();
    let in_string = if json {
        inside_strings(bytes, &starts)
    } else {
        vec![true; spans.len()]
    };
    let mut out = Vec::with_capacity(bytes.len());
    let mut copied = 0;
    for (span, in_string) in spans.iter().zip(in_string) {
        let (mut start, mut end) = (span.start.max(copied), span.end.max(copied));
        if in_string {
            out.extend_from_slice(&bytes[copied..start]);
            out.extend_from_slice(REDACTED.as_bytes());
        } else {
            let token = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.');
            while start > copied && token(bytes[start - 1]) {
                start -= 1;
            }
            while end < bytes.len() && token(bytes[end]) {
                end += 1;
            }
            out.extend_from_slice(&bytes[copied..start]);
            out.push(b'"');
            out.extend_from_slice(REDACTED.as_bytes());
            out.push(b'"');
        }
        copied = end;
    }
    out.extend_from_slice(&bytes[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(kind: PatternKind, text: &str) -> Vec<&str> {
        kind.find(text.as_bytes())
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn emails_are_found_in_text_json_and_forms() {
        assert_eq!(
            found(
                PatternKind::Email,
                r#"{"email":"jane.doe+shop@mail.example.co.uk","x":"@home"}"#
            ),
            ["jane.doe+shop@mail.example.co.uk"]
        );
        assert_eq!(
            found(PatternKind::Email, "email=jane%40example.com&x=1"),
            ["jane%40example.com"]
        );
        assert_eq!(
            found(PatternKind::Email, "mail a@b.io, then c_d@e-f.org."),
            ["a@b.io", "c_d@e-f.org"]
        );
        for none in [
            "user@localhost",
            "@example.com",
            "a@b.c",
            "a@.com",
            "x@y.123",
        ] {
            assert!(found(PatternKind::Email, none).is_empty(), "{none}");
        }
        // Linear on hostile input.
        let at = "a@".repeat(200_000);
        assert!(PatternKind::Email.find(at.as_bytes()).is_empty());
    }

    #[test]
    fn card_numbers_pass_luhn_in_groups_or_runs() {
        assert_eq!(
            found(
                PatternKind::CardNumber,
                "card 4111 1111 1111 1111 exp 12/30"
            ),
            ["4111 1111 1111 1111"]
        );
        assert_eq!(
            found(PatternKind::CardNumber, "order 12 4111-1111-1111-1111."),
            ["4111-1111-1111-1111"]
        );
        assert_eq!(
            found(
                PatternKind::CardNumber,
                r#"{"pan":378282246310005,"n":"5555555555554444"}"#
            ),
            ["378282246310005", "5555555555554444"]
        );
        for none in [
            "4111111111111112",
            "id_4111111111111111",
            "41111111111111110000000",
            "0.4111111111111111",
            "4111111111111111abc",
            "123",
        ] {
            assert!(found(PatternKind::CardNumber, none).is_empty(), "{none}");
        }
    }

    #[test]
    fn replacing_keeps_json_valid() {
        let body = br#"{"pan":4111111111111111,"note":"card 4111 1111 1111 1111 ok","m":"a@b.io"}"#;
        let mut spans = PatternKind::CardNumber.find(body);
        spans.extend(PatternKind::Email.find(body));
        spans.sort_by_key(|s| s.start);
        let out = replace_spans(body, &spans, true);
        let value: serde_json::Value = serde_json::from_slice(&out).expect("still JSON");
        assert_eq!(value["pan"], "[REDACTED]");
        assert_eq!(value["note"], "card [REDACTED] ok");
        assert_eq!(value["m"], "[REDACTED]");
        let one: Vec<Range<usize>> = PatternKind::Email.find(b"to a@b.io now");
        assert_eq!(
            replace_spans(b"to a@b.io now", &one, false),
            b"to [REDACTED] now"
        );
    }

    #[test]
    fn string_positions_follow_escapes() {
        let json = br#"{"a\"b":1,"c":"x"}"#;
        assert_eq!(
            inside_strings(json, &[2, 8, 9, 15]),
            [true, false, false, true]
        );
    }
}
