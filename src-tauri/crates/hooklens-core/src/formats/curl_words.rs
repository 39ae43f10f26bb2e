//! A text of curl commands, cut into commands and each into words.
//!
//! The words themselves come from `shlex` (POSIX quoting: single and double
//! quotes, backslashes, `\`-newline continuations). It has no `$'…'`
//! (ANSI-C quoting, which "Copy as cURL (bash)" in Chrome and Firefox emits
//! for anything with a quote, a control character or a line break), and it
//! reads one command, not a text of several; so a small pass runs first,
//! tracking only the quote state, that:
//! - ends a command at a line break outside quotes and continuations;
//! - rewrites `$'…'` into a single-quoted word with the escapes decoded;
//! - drops `#` comments (their apostrophes must not open a quote);
//! - expands `$(printf '…')` inside double quotes (Hooklens's own "Copy as
//!   curl" writes header values with control bytes so) and drops other
//!   `$VAR`/`${…}` expansions with a warning: an import never reads the
//!   environment (a header Hooklens masked comes as `${HOOKLENS_…}`);
//! - takes a here-document (`<<EOF … EOF`) as the command's standard input;
//! - spaces out `|`, `;`, `&&`, `<` and `>` so they are words of their own.
//!
//! A command written for cmd.exe (Chrome's "Copy as cURL (cmd)") follows
//! other rules from its first word on; [`curl_cmd`] reads it.

use super::curl_base::Command;
use super::curl_cmd;

#[derive(Clone, Copy, PartialEq)]
enum State {
    Normal,
    Single,
    Double,
}

/// Every command of the text, in order.
pub(super) fn commands(text: &[u8]) -> Vec<Command> {
    let mut out = Vec::new();
    let mut pos = 0;
    let mut line = 1u64;
    while pos < text.len() {
        // Blank lines and comment lines between commands.
        let rest = &text[pos..];
        let indent = rest
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\r'))
            .count();
        match rest.get(indent) {
            Some(b'\n') => {
                pos += indent + 1;
                line += 1;
                continue;
            }
            Some(b'#') => {
                let end = rest
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(rest.len(), |i| i + 1);
                pos += end;
                line += 1;
                continue;
            }
            None => break,
            Some(_) => {}
        }
        let start_line = line;
        let (command, used, lines) = if curl_cmd::is_cmd_form(&rest[indent..]) {
            curl_cmd::one_command(&text[pos..], start_line)
        } else {
            one_command(&text[pos..], start_line)
        };
        out.push(command);
        pos += used;
        line += lines;
    }
    out
}

/// The command at the start of `text`: it, the bytes it used, and the line
/// breaks in them.
fn one_command(text: &[u8], first_line: u64) -> (Command, usize, u64) {
    let mut out = Vec::with_capacity(text.len().min(1 << 16));
    let mut warnings = Vec::new();
    let mut heredoc_tag: Option<Vec<u8>> = None;
    let mut state = State::Normal;
    let mut quote_line = first_line;
    let mut line = first_line;
    let mut i = 0;
    let at_word_start = |out: &[u8]| out.last().is_none_or(|b| b.is_ascii_whitespace());
    while i < text.len() {
        let b = text[i];
        if b == b'\n' {
            line += 1;
        }
        match state {
            State::Normal => match b {
                b'\n' => break,
                b'\r' if text.get(i + 1) == Some(&b'\n') => {}
                b'\\' => {
                    let mut next = i + 1;
                    if text.get(next) == Some(&b'\r') && text.get(next + 1) == Some(&b'\n') {
                        next += 1;
                    }
                    if let Some(&c) = text.get(next) {
                        if c == b'\n' {
                            // A continuation joins the lines, as the shell
                            // does (shlex would make an empty word of it).
                            line += 1;
                        } else {
                            out.extend_from_slice(&[b'\\', c]);
                        }
                    } else {
                        out.push(b'\\');
                    }
                    i = next;
                }
                b'\'' => {
                    state = State::Single;
                    quote_line = line;
                    out.push(b);
                }
                b'"' => {
                    state = State::Double;
                    quote_line = line;
                    out.push(b);
                }
                b'#' if at_word_start(&out) => {
                    // A comment runs to the end of the line.
                    while i + 1 < text.len() && text[i + 1] != b'\n' {
                        i += 1;
                    }
                }
                b'$' if text.get(i + 1) == Some(&b'\'') => match ansi_c(&text[i + 2..]) {
                    Some((bytes, used)) => {
                        line += text[i..i + 2 + used]
                            .iter()
                            .filter(|&&c| c == b'\n')
                            .count() as u64;
                        out.push(b'\'');
                        for &c in &bytes {
                            if c == b'\'' {
                                out.extend_from_slice(b"'\\''");
                            } else {
                                out.push(c);
                            }
                        }
                        out.push(b'\'');
                        i += 1 + used;
                    }
                    None => {
                        let error = format!("the $' quote opened on line {line} is never closed");
                        return finish(text.len(), first_line, line, Err(error), None, warnings);
                    }
                },
                b'$' => i += expansion(&text[i..], &mut out, &mut warnings, false),
                b'<' if text.get(i + 1) == Some(&b'<') => {
                    let (tag, used) = heredoc_word(&text[i + 2..]);
                    heredoc_tag = Some(tag);
                    i += 1 + used;
                }
                b'|' | b';' | b'&' | b'<' | b'>' => {
                    out.push(b' ');
                    out.push(b);
                    if matches!(text.get(i + 1), Some(&c) if c == b && c != b';') {
                        out.push(b);
                        i += 1;
                    }
                    out.push(b' ');
                }
                _ => out.push(b),
            },
            State::Single => {
                if b == b'\'' {
                    state = State::Normal;
                }
                out.push(b);
            }
            State::Double => match b {
                b'"' => {
                    state = State::Normal;
                    out.push(b);
                }
                b'\\' => {
                    out.push(b);
                    if let Some(&c) = text.get(i + 1) {
                        if c == b'\n' {
                            line += 1;
                        }
                        out.push(c);
                        i += 1;
                    }
                }
                b'$' => i += expansion(&text[i..], &mut out, &mut warnings, true),
                _ => out.push(b),
            },
        }
        i += 1;
    }
    let used = (i + 1).min(text.len());
    if state != State::Normal {
        let which = if state == State::Single { "'" } else { "\"" };
        let error = format!("the {which} quote opened on line {quote_line} is never closed");
        return finish(text.len(), first_line, line, Err(error), None, warnings);
    }
    // The here-document's lines follow the command's line.
    let mut heredoc = None;
    let mut used = used;
    if let Some(tag) = heredoc_tag {
        let mut body = Vec::new();
        let mut found = false;
        for raw in text[used..].split_inclusive(|&b| b == b'\n') {
            used += raw.len();
            line += 1;
            let bare = raw.strip_suffix(b"\n").unwrap_or(raw);
            if bare.strip_suffix(b"\r").unwrap_or(bare) == tag.as_slice() {
                found = true;
                break;
            }
            body.extend_from_slice(raw);
        }
        if !found {
            let error = format!(
                "the here-document <<{} is never closed",
                String::from_utf8_lossy(&tag)
            );
            return finish(text.len(), first_line, line, Err(error), None, warnings);
        }
        heredoc = Some(body);
    }
    let mut shl = shlex::bytes::Shlex::new(&out);
    let words: Vec<Vec<u8>> = shl.by_ref().collect();
    let words = if shl.had_error {
        Err("the command ends in a lone backslash or an open quote".to_owned())
    } else {
        Ok(words)
    };
    finish(used, first_line, line, words, heredoc, warnings)
}

fn finish(
    used: usize,
    first_line: u64,
    line: u64,
    words: Result<Vec<Vec<u8>>, String>,
    heredoc: Option<Vec<u8>>,
    warnings: Vec<String>,
) -> (Command, usize, u64) {
    let command = Command {
        line: first_line,
        words,
        heredoc,
        warnings,
    };
    (command, used, line - first_line)
}

/// The bytes of a `$'…'` body (text starts after the opening quote) and
/// how many bytes it used, closing quote included; None when unclosed.
fn ansi_c(text: &[u8]) -> Option<(Vec<u8>, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let b = text[i];
        i += 1;
        match b {
            b'\'' => return Some((out, i)),
            b'\\' => {
                let c = *text.get(i)?;
                i += 1;
                match c {
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'a' => out.push(0x07),
                    b'b' => out.push(0x08),
                    b'e' | b'E' => out.push(0x1b),
                    b'f' => out.push(0x0c),
                    b'v' => out.push(0x0b),
                    b'\\' | b'\'' | b'"' | b'?' => out.push(c),
                    b'c' => {
                        let ctl = *text.get(i)?;
                        i += 1;
                        out.push(ctl & 0x1f);
                    }
                    b'0'..=b'7' => {
                        let (value, used) = digits(&text[i - 1..], 8, 3);
                        out.push(value as u8);
                        i += used - 1;
                    }
                    b'x' | b'u' | b'U' => {
                        let max = match c {
                            b'x' => 2,
                            b'u' => 4,
                            _ => 8,
                        };
                        let (value, used) = digits(&text[i..], 16, max);
                        if used == 0 {
                            out.extend_from_slice(&[b'\\', c]);
                        } else if c == b'x' {
                            out.push(value as u8);
                        } else {
                            let ch = char::from_u32(value).unwrap_or('\u{fffd}');
                            out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
                        }
                        i += used;
                    }
                    _ => out.extend_from_slice(&[b'\\', c]),
                }
            }
            _ => out.push(b),
        }
    }
    None
}

/// Up to `max` digits of `radix` at the start of `text`: their value and count.
fn digits(text: &[u8], radix: u32, max: usize) -> (u32, usize) {
    let mut value = 0u32;
    let mut used = 0;
    for &b in text.iter().take(max) {
        match (b as char).to_digit(radix) {
            Some(d) => {
                value = value * radix + d;
                used += 1;
            }
            None => break,
        }
    }
    (value, used)
}

/// A `$` outside single quotes, at the start of `text`: how many bytes
/// after the `$` it used, writing what stands for it into `out`.
fn expansion(text: &[u8], out: &mut Vec<u8>, warnings: &mut Vec<String>, quoted: bool) -> usize {
    if let Some(rest) = text.strip_prefix(b"$(printf '")
        && let Some(end) = rest.iter().position(|&b| b == b'\'')
        && rest.get(end + 1) == Some(&b')')
        && let Ok(bytes) = printf(&rest[..end])
    {
        for &b in &bytes {
            if quoted && matches!(b, b'"' | b'\\' | b'$' | b'`') || !quoted && b == b'\'' {
                out.push(b'\\');
            }
            out.push(b);
        }
        return "$(printf '".len() + end + 1;
    }
    let rest = &text[1..];
    let name_len = if rest.first() == Some(&b'{') {
        rest.iter().position(|&b| b == b'}').map(|i| i + 1)
    } else {
        let n = rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
        (n > 0).then_some(n)
    };
    match name_len {
        Some(n) => {
            let name: String = String::from_utf8_lossy(&rest[..n])
                .trim_start_matches('{')
                .trim_end_matches('}')
                .split([':', '-', '=', '?', '+'])
                .next()
                .unwrap_or_default()
                .to_owned();
            warnings.push(format!(
                "${name} is read from the environment when the command runs; an import does not read it, so it is left empty"
            ));
            n
        }
        None => {
            out.push(b'$');
            0
        }
    }
}

/// The delimiter of a here-document (after `<<`): its word, unquoted, and
/// the bytes it used.
fn heredoc_word(text: &[u8]) -> (Vec<u8>, usize) {
    let mut i = usize::from(text.first() == Some(&b'-'));
    while text.get(i).is_some_and(|b| *b == b' ' || *b == b'\t') {
        i += 1;
    }
    let start = i;
    while text
        .get(i)
        .is_some_and(|b| !b.is_ascii_whitespace() && !b"|;&<>".contains(b))
    {
        i += 1;
    }
    let word: Vec<u8> = text[start..i]
        .iter()
        .copied()
        .filter(|b| !matches!(b, b'\'' | b'"' | b'\\'))
        .collect();
    (word, i)
}

/// What `printf FORMAT` prints, for the formats "Copy as curl" writes:
/// octal and backslash escapes, and `%%`. Other conversions are refused.
pub(super) fn printf(format: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(format.len());
    let mut i = 0;
    while i < format.len() {
        let b = format[i];
        i += 1;
        match b {
            b'\\' => {
                let Some(&c) = format.get(i) else {
                    out.push(b'\\');
                    break;
                };
                i += 1;
                match c {
                    b'0'..=b'7' => {
                        let (value, used) = digits(&format[i - 1..], 8, 3);
                        out.push(value as u8);
                        i += used - 1;
                    }
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'\\' => out.push(b'\\'),
                    b'a' => out.push(0x07),
                    b'b' => out.push(0x08),
                    b'f' => out.push(0x0c),
                    b'v' => out.push(0x0b),
                    b'"' => out.push(b'"'),
                    _ => out.extend_from_slice(&[b'\\', c]),
                }
            }
            b'%' if format.get(i) == Some(&b'%') => {
                out.push(b'%');
                i += 1;
            }
            b'%' => return Err("printf with a % conversion is not read".into()),
            _ => out.push(b),
        }
    }
    Ok(out)
}
