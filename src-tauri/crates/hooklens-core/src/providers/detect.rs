//! Which provider sent a request that landed on the default endpoint: each
//! provider's [`Rule`], tried in the registry's order (`PROVIDERS` in
//! `providers/mod.rs`); the first that matches wins.
//!
//! Rules are data, so the order in the registry is the whole precedence.
//! Header checks cost nothing; the body is parsed at most once, and only when
//! a rule looks into it.

use std::cell::OnceCell;

use super::Provider;
use super::extract::{Body, has_header};
use crate::json::Kind;
use crate::wire::StoredHeader;

/// Bodies larger than this are not parsed for detection: a provider's event
/// envelope is small, and detection runs on every captured request.
const MAX_DETECT_BODY: usize = 5 * 1024 * 1024;

/// What marks a request as one provider's. Pointers are RFC 6901 pointers
/// into a body that is a JSON object (every envelope detected is one); on
/// any other body they match nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Nothing marks it: the fallback.
    Never,
    /// A header of this name is present, whatever its value.
    Header(&'static str),
    Any(&'static [Rule]),
    All(&'static [Rule]),
    /// The string at the pointer is one of these.
    OneOf(&'static str, &'static [&'static str]),
    /// The string at the pointer starts with this.
    StartsWith(&'static str, &'static str),
    /// The value at the pointer is of this kind.
    Is(&'static str, Kind),
    /// There is a value other than null at the pointer.
    Present(&'static str),
}

/// The preset of the provider that sent this request, or None when nothing
/// identifies one (the caller then uses [`super::generic`]).
pub fn detect(headers: &[StoredHeader], body: &[u8]) -> Option<&'static Provider> {
    detect_in(headers, &Body::new(body))
}

pub(super) fn detect_in(headers: &[StoredHeader], body: &Body) -> Option<&'static Provider> {
    let request = Request {
        headers,
        body,
        json: OnceCell::new(),
    };
    super::in_detection_order().find(|p| p.detect.matches(&request))
}

struct Request<'r, 'b> {
    headers: &'r [StoredHeader],
    body: &'r Body<'b>,
    /// Whether the body is worth reading for detection, decided once.
    json: OnceCell<bool>,
}

impl<'r, 'b> Request<'r, 'b> {
    /// The body if it is worth parsing for detection: not too large and
    /// looking like a JSON object.
    fn json(&self) -> Option<&'r Body<'b>> {
        let worth = *self.json.get_or_init(|| {
            let bytes = self.body.bytes();
            bytes.len() <= MAX_DETECT_BODY
                && bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
                && self.body.is_object()
        });
        worth.then_some(self.body)
    }
}

impl Rule {
    fn matches(&self, request: &Request) -> bool {
        let json = || request.json();
        match *self {
            Rule::Never => false,
            Rule::Header(name) => has_header(request.headers, name),
            Rule::Any(rules) => rules.iter().any(|r| r.matches(request)),
            Rule::All(rules) => rules.iter().all(|r| r.matches(request)),
            Rule::OneOf(pointer, values) => json()
                .and_then(|j| j.str_at(pointer))
                .is_some_and(|s| values.contains(&s.as_str())),
            Rule::StartsWith(pointer, prefix) => json()
                .and_then(|j| j.str_at(pointer))
                .is_some_and(|s| s.starts_with(prefix)),
            Rule::Is(pointer, kind) => json().and_then(|j| j.kind_at(pointer)) == Some(kind),
            Rule::Present(pointer) => json()
                .and_then(|j| j.kind_at(pointer))
                .is_some_and(|k| k != Kind::Null),
        }
    }
}
