//! Reading a captured request's event type, provider event id,
//! merchant/account id and extra reference ids with a provider's rules.
//!
//! Headers and bodies come straight off the wire, so nothing here may panic on
//! any input, and every extracted value is capped in length.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::wire::StoredHeader;

/// Longest extracted value, in chars. Extracted values are indexed and shown
/// in the timeline; without a cap a hostile body could bloat the index.
pub const MAX_VALUE_CHARS: usize = 512;

/// How one value is found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum Source {
    /// An RFC 6901 pointer into the body parsed as JSON.
    JsonPointer { pointer: String },
    /// A request header, matched case-insensitively.
    Header { name: String },
}

impl Source {
    pub fn pointer(pointer: impl Into<String>) -> Self {
        Source::JsonPointer {
            pointer: pointer.into(),
        }
    }

    pub fn header(name: impl Into<String>) -> Self {
        Source::Header { name: name.into() }
    }
}

/// Where a provider puts the values Hooklens indexes. For each field the
/// first source that yields a non-empty value wins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtractionRules {
    pub event_type: Vec<Source>,
    pub event_id: Vec<Source>,
    pub merchant_id: Vec<Source>,
    /// Labelled extra ids, e.g. `("session_id", /data/session_id)`.
    pub refs: Vec<(String, Source)>,
}

/// What the rules found in one request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extracted {
    pub event_type: Option<String>,
    pub event_id: Option<String>,
    pub merchant_id: Option<String>,
    pub refs: Vec<(String, String)>,
}

/// Shorthands for the providers' rule tables.
pub(super) fn ptr(pointer: &str) -> Source {
    Source::pointer(pointer)
}

pub(super) fn hdr(name: &str) -> Source {
    Source::header(name)
}

pub(super) fn refs<const N: usize>(pairs: [(&str, Source); N]) -> Vec<(String, Source)> {
    pairs
        .into_iter()
        .map(|(label, source)| (label.to_owned(), source))
        .collect()
}

/// Applies `rules` to one request. Never fails: what cannot be found is left
/// empty.
pub fn extract(rules: &ExtractionRules, headers: &[StoredHeader], body: &[u8]) -> Extracted {
    extract_from(rules, headers, &Body::new(body))
}

/// A request body read as JSON by pointer, without building a tree: any
/// size and depth costs time linear in the body and no more memory.
pub(super) type Body<'a> = crate::json::LazyJson<'a>;

pub(super) fn extract_from(
    rules: &ExtractionRules,
    headers: &[StoredHeader],
    body: &Body,
) -> Extracted {
    // The body is parsed only if a pointer source is actually consulted.
    let lookup = |source: &Source| match source {
        Source::JsonPointer { pointer } => body.scalar_at(pointer).as_ref().and_then(scalar_text),
        Source::Header { name } => header_text(headers, name),
    };
    let first = |sources: &[Source]| sources.iter().find_map(lookup);
    Extracted {
        event_type: first(&rules.event_type),
        event_id: first(&rules.event_id),
        merchant_id: first(&rules.merchant_id),
        refs: rules
            .refs
            .iter()
            .filter_map(|(label, source)| Some((label.clone(), lookup(source)?)))
            .collect(),
    }
}

/// A JSON scalar as text: strings as they are, numbers and bools as serde_json
/// writes them (integers exactly as sent; a number's text is always short, so
/// it needs no cap). Null, objects, arrays and empty strings yield nothing.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(capped(s)),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The first non-empty UTF-8 value of the header `name`; values that are not
/// UTF-8 are skipped.
fn header_text(headers: &[StoredHeader], name: &str) -> Option<String> {
    crate::wire::headers_named(headers, name)
        .filter_map(|h| h.value.as_deref())
        .find(|v| !v.is_empty())
        .map(capped)
}

pub(super) fn has_header(headers: &[StoredHeader], name: &str) -> bool {
    crate::wire::header(headers, name).is_some()
}

/// `s` cut to at most [`MAX_VALUE_CHARS`] chars, on a char boundary.
fn capped(s: &str) -> String {
    match s.char_indices().nth(MAX_VALUE_CHARS) {
        Some((end, _)) => s[..end].to_owned(),
        None => s.to_owned(),
    }
}
