//! The query parser: text in, a checked [`Query`] or an error with the
//! position of the culprit out. It never touches the store.

use jiff::tz::TimeZone;
use jiff::{Span, Timestamp, civil};

use super::*;

/// Parses a query. `now_ms` (unix milliseconds) anchors relative times such
/// as `after:1h`; dates without an offset are local time. Empty or
/// whitespace-only text matches everything.
pub fn parse(text: &str, now_ms: i64) -> Result<Query, QueryError> {
    parse_in(text, now_ms, &TimeZone::system())
}

/// [`parse`] in a given time zone (tests pin it).
pub(super) fn parse_in(text: &str, now_ms: i64, tz: &TimeZone) -> Result<Query, QueryError> {
    let mut parser = Parser {
        text,
        pos: 0,
        now_ms,
        tz,
    };
    let mut terms = Vec::new();
    loop {
        parser.skip_whitespace();
        if parser.at_end() {
            break;
        }
        let term = parser.term()?;
        if terms.len() == MAX_TERMS {
            return Err(parser.error(
                format!("too many terms: a query takes at most {MAX_TERMS}"),
                term.0,
                text.len(),
            ));
        }
        terms.push(term);
    }
    Ok(Query {
        terms: terms
            .into_iter()
            .map(|(start, end, negated, filter)| Term {
                negated,
                filter,
                start: chars_before(text, start),
                end: chars_before(text, end),
            })
            .collect(),
    })
}

fn chars_before(text: &str, byte: usize) -> usize {
    text.char_indices().take_while(|(i, _)| *i < byte).count()
}

/// A value as written: quoted values are literal.
struct Value {
    text: String,
    quoted: bool,
    start: usize,
    end: usize,
}

struct Parser<'a> {
    text: &'a str,
    /// Byte offset, always on a char boundary.
    pos: usize,
    now_ms: i64,
    tz: &'a TimeZone,
}

impl Parser<'_> {
    fn at_end(&self) -> bool {
        self.pos >= self.text.len()
    }

    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn skip_whitespace(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    fn at_boundary(&self) -> bool {
        self.peek().is_none_or(char::is_whitespace)
    }

    /// An error over bytes `start..end`, reported in chars.
    fn error(&self, message: impl Into<String>, start: usize, end: usize) -> QueryError {
        QueryError {
            message: message.into(),
            start: chars_before(self.text, start),
            end: chars_before(self.text, end.max(start)),
        }
    }

    /// Reads up to whitespace, a quote or (when `stop_at_colon`) a colon.
    /// Reading a field name (`stop_at_colon`), a backslash takes the
    /// character after it along, whatever it is: `json.a\:1:x` is the key
    /// `a:1`, not the field `json.a\` with the value `1:x`.
    fn bare(&mut self, stop_at_colon: bool) -> &str {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c.is_whitespace() || c == '"' || (stop_at_colon && c == ':') {
                break;
            }
            self.bump();
            if stop_at_colon && c == '\\' {
                self.bump();
            }
        }
        &self.text[start..self.pos]
    }

    /// A quoted string starting at the opening quote; `\"` and `\\` escape.
    /// Must end at whitespace or the end of the query.
    fn quoted(&mut self) -> Result<Value, QueryError> {
        let start = self.pos;
        self.bump();
        let mut text = String::new();
        loop {
            match self.bump() {
                None => {
                    return Err(self.error(
                        "unterminated quote: add a closing \"",
                        start,
                        self.text.len(),
                    ));
                }
                Some('"') => break,
                Some('\\') if matches!(self.peek(), Some('"' | '\\')) => {
                    text.extend(self.bump());
                }
                Some(c) => text.push(c),
            }
        }
        let end = self.pos;
        if !self.at_boundary() {
            let extra_start = self.pos;
            self.bare(false);
            return Err(self.error(
                "put a space after the closing quote (or put the whole text in quotes)",
                extra_start,
                self.pos.max(extra_start + 1).min(self.text.len()),
            ));
        }
        Ok(Value {
            text,
            quoted: true,
            start,
            end,
        })
    }

    /// A bare word or value: up to whitespace, and no quote inside.
    fn bare_value(&mut self) -> Result<Value, QueryError> {
        let start = self.pos;
        let text = self.bare(false).to_owned();
        if self.peek() == Some('"') {
            let quote = self.pos;
            return Err(self.error(
                "a quote inside a word: put the whole text in quotes",
                quote,
                quote + 1,
            ));
        }
        Ok(Value {
            text,
            quoted: false,
            start,
            end: self.pos,
        })
    }

    /// One term: `(start, end, negated, filter)` in bytes.
    fn term(&mut self) -> Result<(usize, usize, bool, Filter), QueryError> {
        let start = self.pos;
        let negated = self.peek() == Some('-');
        if negated {
            self.bump();
            if self.at_boundary() {
                return Err(self.error(
                    "- must be followed by a word, a quoted phrase or a filter to exclude",
                    start,
                    self.pos,
                ));
            }
            if self.peek() == Some('-') {
                return Err(self.error(
                    "one - excludes; to search for text starting with -, put it in quotes",
                    start,
                    self.pos + 1,
                ));
            }
        }
        let body = self.pos;
        if self.peek() == Some('"') {
            let phrase = self.quoted()?;
            let filter = text_filter(phrase.text, false)
                .map_err(|message| self.error(message, phrase.start, phrase.end))?;
            return Ok((start, self.pos, negated, filter));
        }
        let head = self.bare(true).to_owned();
        if self.peek() == Some(':') && is_field_name(&head) {
            self.bump();
            let filter = self.field(&head, body)?;
            return Ok((start, self.pos, negated, filter));
        }
        // `json.a\:1` escapes the only colon: a filter without its value,
        // not the words "json a 1".
        if head.contains('\\') && is_field_name(&head) && field_base(&head) == "json" {
            return Err(self.error(
                format!(
                    "{head} has no value: in a json. path a backslash makes the next character \
                     part of the key (\\: a colon, \\. a dot), so the value goes after a colon \
                     of its own, as in json.a\\:1:VALUE or json.a\\:1:* (to search for the \
                     text instead, put it in quotes)"
                ),
                body,
                self.pos,
            ));
        }
        // A plain word (which may hold colons, as in 10:30).
        self.pos = body;
        let word = self.bare_value()?;
        let (text, prefix) = match word.text.strip_suffix('*') {
            Some(stem) => (stem.to_owned(), true),
            None => (word.text, false),
        };
        let filter =
            text_filter(text, prefix).map_err(|message| self.error(message, body, word.end))?;
        Ok((start, self.pos, negated, filter))
    }

    /// The value of `name:` (the colon consumed), as a filter.
    fn field(&mut self, name: &str, name_start: usize) -> Result<Filter, QueryError> {
        // Errors about the name point at it; about the value, at `name:`.
        let name_end = self.pos - 1;
        let colon = self.pos;
        let (base, suffix) = match name.split_once('.') {
            Some((base, suffix)) => (base.to_ascii_lowercase(), Some(suffix)),
            None => (name.to_ascii_lowercase(), None),
        };
        let spec = FIELDS
            .iter()
            .find(|f| f.name.trim_end_matches('.') == base)
            .ok_or_else(|| self.unknown_field(name, name_start, colon))?;
        let takes_suffix = spec.name.ends_with('.');
        match suffix {
            Some(_) if !takes_suffix => {
                return Err(self.error(
                    format!("{base}: has no parts after a dot; e.g. {}", spec.example),
                    name_start,
                    name_end,
                ));
            }
            None | Some("") if takes_suffix => {
                return Err(self.error(
                    format!("{base}. needs a name after the dot, e.g. {}", spec.example),
                    name_start,
                    name_end,
                ));
            }
            _ => {}
        }
        if self.at_boundary() {
            return Err(self.error(
                format!("{name}: needs a value, e.g. {}", spec.example),
                name_start,
                colon,
            ));
        }
        let value = if self.peek() == Some('"') {
            self.quoted()?
        } else {
            self.bare_value()?
        };
        let bad = |message: String| self.error(message, value.start, value.end);
        if value.text.is_empty() {
            return Err(bad(format!("{name}: needs a value, e.g. {}", spec.example)));
        }
        let any = !value.quoted && value.text == "*";
        Ok(match base.as_str() {
            "type" => match star_suffix(&value, name, spec.example) {
                Ok((stem, true)) => Filter::Type(TypeMatch::Prefix(stem)),
                Ok((text, false)) => Filter::Type(TypeMatch::Exact(text)),
                Err(message) => return Err(bad(message)),
            },
            "provider" => Filter::Provider(value.text.to_lowercase()),
            "endpoint" => Filter::Endpoint(value.text),
            "method" => Filter::Method(value.text.to_ascii_uppercase()),
            "path" => Filter::Path {
                value: value.text,
                literal: value.quoted,
            },
            "status" => {
                let wanted = value.text.to_ascii_lowercase().replace('-', "_");
                if wanted == UNVERIFIED {
                    Filter::Status(None)
                } else {
                    Filter::Status(Some(VerdictStatus::parse(&wanted).ok_or_else(|| {
                        bad(format!(
                            "unknown status {:?}; use one of {}",
                            value.text,
                            status_values().join(", ")
                        ))
                    })?))
                }
            }
            "id" => {
                let digits = value.text.strip_prefix('#').unwrap_or(&value.text);
                let own = (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| digits.parse().ok())
                    .flatten();
                Filter::Id {
                    value: value.text,
                    own,
                }
            }
            "merchant" => Filter::Merchant(value.text),
            "header" => {
                let name = suffix.unwrap_or_default();
                // Only json. paths take escapes; no header name holds a
                // backslash or a colon.
                if name.contains('\\') {
                    return Err(self.error(
                        "a header name has no backslash: header names are letters, digits \
                             and !#$%&'*+-.^_`|~",
                        name_start,
                        name_end,
                    ));
                }
                Filter::Header {
                    name: name.to_ascii_lowercase(),
                    value: (!any).then_some(value.text),
                }
            }
            "json" => {
                let path = json_keys(suffix.unwrap_or_default());
                if path.iter().any(String::is_empty) {
                    return Err(self.error(
                        "json. path has an empty key (two dots in a row, or a dot at the end)",
                        name_start,
                        name_end,
                    ));
                }
                if any {
                    Filter::Json {
                        path,
                        value: None,
                        prefix: false,
                    }
                } else {
                    let (value, prefix) =
                        star_suffix(&value, name, "json.data.status:pend*").map_err(bad)?;
                    Filter::Json {
                        path,
                        value: Some(value),
                        prefix,
                    }
                }
            }
            "after" | "before" => {
                // jiff reads `-1h` as a negative span; taken as its size, it
                // silently meant `1h`. A leading - belongs before the filter.
                if value.text.trim_start().starts_with('-') {
                    return Err(bad(format!(
                        "{base}: takes a time in the past, like 1h (an hour ago) or a date; \
                         {} is not a duration. To exclude events, put the - before the filter: \
                         -{base}:{}",
                        value.text,
                        value.text.trim_start().trim_start_matches('-')
                    )));
                }
                let at = parse_time(&value.text, self.now_ms, self.tz).map_err(|why| {
                    bad(format!(
                        "{base}: cannot read {:?} as a time ({why}); use a date (2026-11-20), \
                         a local time (2026-11-20T10:00), an RFC 3339 time \
                         (2026-11-20T10:00:00Z) or how long ago (30m, 1h, 2d, 1w)",
                        value.text
                    ))
                })?;
                if base == "after" {
                    Filter::After(at)
                } else {
                    Filter::Before(at)
                }
            }
            "dup" => match value.text.to_ascii_lowercase().as_str() {
                "yes" | "true" => Filter::Dup(true),
                "no" | "false" => Filter::Dup(false),
                _ => {
                    return Err(bad(format!("dup: takes yes or no, not {:?}", value.text)));
                }
            },
            "source" => match value.text.to_ascii_lowercase().as_str() {
                "import" | "imported" => Filter::Imported(true),
                "live" | "captured" => Filter::Imported(false),
                _ => {
                    return Err(bad(format!(
                        "source: takes import or live, not {:?}",
                        value.text
                    )));
                }
            },
            "via" => match value.text.to_ascii_lowercase().as_str() {
                "tunnel" | "tunneled" | "tunnelled" => Filter::Tunneled(true),
                "local" => Filter::Tunneled(false),
                _ => {
                    return Err(bad(format!(
                        "via: takes tunnel or local, not {:?}",
                        value.text
                    )));
                }
            },
            "rule" => Filter::Rule(value.text),
            _ => unreachable!("every field in FIELDS is handled"),
        })
    }

    /// `end`: just after the colon.
    fn unknown_field(&self, name: &str, start: usize, end: usize) -> QueryError {
        let typed = name.to_ascii_lowercase();
        let typed_base = typed.split('.').next().unwrap_or_default();
        let nearest = FIELDS
            .iter()
            .map(|f| {
                let base = f.name.trim_end_matches('.');
                (strsim::levenshtein(typed_base, base), f.name)
            })
            .min_by_key(|(distance, _)| *distance)
            .filter(|(distance, name)| *distance <= 2.max(name.len() / 3));
        let hint = match nearest {
            Some((_, field)) if field.ends_with('.') => format!("; did you mean {field}…:?"),
            Some((_, field)) => format!("; did you mean {field}:?"),
            None => format!(
                "; fields are {}",
                FIELDS.iter().map(|f| f.name).collect::<Vec<_>>().join(" ")
            ),
        };
        self.error(
            format!(
                "unknown field {name}:{hint} (to search for text with a colon, put it in quotes)"
            ),
            start,
            end,
        )
    }
}

/// A value of a field where a trailing `*` asks for a prefix (`type:`,
/// `json.`): `(stem, true)` then, else `(value, false)`. Quotes make the
/// value literal, `*` and all, which is how to search for a star; a `*`
/// anywhere but the end is refused rather than silently taken literally.
/// `name` is the field as typed, for the message.
fn star_suffix(value: &Value, name: &str, example: &str) -> Result<(String, bool), String> {
    if value.quoted {
        return Ok((value.text.clone(), false));
    }
    let (stem, prefix) = match value.text.strip_suffix('*') {
        Some(stem) => (stem, true),
        None => (value.text.as_str(), false),
    };
    if stem.contains('*') {
        return Err(format!(
            "{name}: takes * only at the end, for a prefix, as in {example}; for a literal *, \
             put the value in quotes: {name}:\"{}\"",
            value.text.replace('\\', "\\\\")
        ));
    }
    Ok((stem.to_owned(), prefix))
}

/// The field of `name` as written before a colon, lowercase: `json` for
/// `JSON.a.b`.
fn field_base(name: &str) -> String {
    name.split('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// The keys of a `json.` path: dots separate them, and a backslash makes the
/// character after it part of the key (`\.` a dot, `\:` a colon, `\\` a
/// backslash, `\ ` a space). Empty keys are kept for the caller to refuse.
fn json_keys(path: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut key = String::new();
    let mut chars = path.chars();
    while let Some(c) = chars.next() {
        match c {
            // The field name reader pairs every backslash with the character
            // after it, so a lone one at the end is only ever literal.
            '\\' => key.push(chars.next().unwrap_or('\\')),
            '.' => keys.push(std::mem::take(&mut key)),
            c => key.push(c),
        }
    }
    keys.push(key);
    keys
}

/// `name` as written before a colon looks like a field (rather than, say,
/// the `10` of `10:30`): a letter first, then letters, digits or `_`, then
/// optionally a dot and anything (header names, JSON paths).
fn is_field_name(name: &str) -> bool {
    let base = name.split('.').next().unwrap_or_default();
    base.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && base.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A word or phrase for the full-text index, which only sees letters and
/// digits: text without any would match nothing, silently.
fn text_filter(text: String, prefix: bool) -> Result<Filter, String> {
    if text.trim().is_empty() {
        return Err(if prefix {
            "* must follow the start of a word, as in checko*".into()
        } else {
            "empty quotes: put the words to search for between them".into()
        });
    }
    if !text.chars().any(char::is_alphanumeric) {
        return Err(format!(
            "{text:?} has no letters or digits; text search looks for words \
             (use path: or header. to match punctuation)"
        ));
    }
    Ok(Filter::Text { text, prefix })
}

/// Unix nanoseconds for an absolute time (dates and times without an offset
/// are in `tz`), or `now` minus a duration.
fn parse_time(value: &str, now_ms: i64, tz: &TimeZone) -> Result<i64, String> {
    let instant = if value.starts_with(|c: char| c.is_ascii_digit()) && value.get(4..5) == Some("-")
    {
        if let Ok(ts) = value.parse::<Timestamp>() {
            ts
        } else if let Ok(dt) = value.parse::<civil::DateTime>() {
            dt.to_zoned_datetime(tz.clone())
                .map_err(|e| e.to_string())?
                .timestamp()
        } else {
            value
                .parse::<civil::Date>()
                .map_err(|_| "not a date".to_owned())?
                .to_zoned_datetime(tz.clone())
                .map_err(|e| e.to_string())?
                .timestamp()
        }
    } else {
        let span: Span = value
            .parse()
            .map_err(|_| "not a date or a duration".to_owned())?;
        let now = Timestamp::from_millisecond(now_ms).map_err(|e| e.to_string())?;
        // Calendar units (days, weeks, months) follow the local calendar, so
        // `1d` across a DST change is the same clock time yesterday.
        now.to_zoned_datetime(tz.clone())
            .checked_sub(span.abs())
            .map_err(|e| e.to_string())?
            .timestamp()
    };
    i64::try_from(instant.as_nanosecond()).map_err(|_| "out of range".to_owned())
}
