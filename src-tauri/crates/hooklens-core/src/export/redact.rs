//! What an export removes before anything leaves: the [`Redaction`] a user
//! asks for, and [`Rules`], which apply it to one event and its deliveries
//! and list each removal as a [`RedactionItem`]. The preview and the export
//! both go through [`Rules::event`], so they list the same items.
//!
//! Order within an event: header rules (secret-bearing headers by
//! [`crate::secret_headers`], then the names asked for), JSON paths, then
//! one scan of the target, every header value and the body for the
//! patterns asked for, for the configured secrets' values (always, in any
//! export: see `export::secrets`) and for the values removed by the first
//! two steps wherever else they appear in the event. JSON paths and
//! matches are replaced in place; a body is never re-serialised, so what was
//! not redacted keeps its exact bytes.

use std::ops::Range;

use memchr::memmem;
use serde_json::value::RawValue;

pub use super::items::{RedactedPart, Redaction, RedactionItem, RedactionRule};
use super::jsonpath::JsonPath;
use super::patterns::{PatternKind, REDACTED, replace_spans};
use super::secrets::SecretFinder;
use crate::model::Endpoint;
use crate::secret_headers::SecretHeaders;
use crate::store::{EventDetail, StoredHeader};

/// Removed values shorter than this are not looked for elsewhere: a `7` or
/// `ok` would match everywhere and mean nothing.
const MIN_ECHO: usize = 4;
/// Verification's words quote at most this many characters of a header
/// value (a malformed signature), so a removed value's start is looked for too.
const QUOTED_CHARS: usize = 40;

/// A [`Redaction`] ready to apply, with the endpoints and secret values of
/// the store it reads from.
pub struct Rules {
    spec: Redaction,
    headers: Vec<String>,
    paths: Vec<JsonPath>,
    endpoints: std::sync::Arc<[Endpoint]>,
    secrets: SecretFinder,
}

/// One event as it will be exported.
pub struct RedactedEvent {
    pub detail: EventDetail,
    pub items: Vec<RedactionItem>,
    pub(super) secret: SecretHeaders,
    /// The values removed by header rules and JSON paths, found again
    /// wherever they appear (its deliveries, Hooklens's words).
    pub(super) echoes: Echoes,
}

impl RedactedEvent {
    /// The request no longer is what its verdict was computed on.
    pub fn changed(&self) -> bool {
        self.items.iter().any(RedactionItem::breaks_verdict)
    }
}

/// What one scan of a value found: the spans to replace and why.
pub(super) struct Hit {
    pub(super) span: Range<usize>,
    pub(super) rule: RedactionRule,
    pub(super) what: String,
}

impl Rules {
    /// Checks `spec` (a bad JSON path or header name is an error naming it).
    pub fn new(
        spec: &Redaction,
        endpoints: std::sync::Arc<[Endpoint]>,
        secrets: SecretFinder,
    ) -> Result<Rules, String> {
        let paths = spec
            .json_paths
            .iter()
            .map(|p| JsonPath::parse(p).map_err(|e| format!("the JSON path {p:?} {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        let mut headers = Vec::new();
        for name in &spec.headers {
            let name = name.trim();
            if name.is_empty() || !name.bytes().all(is_token_byte) {
                return Err(format!(
                    "{name:?} is not a header name: letters, digits and !#$%&'*+-.^_`|~"
                ));
            }
            headers.push(name.to_ascii_lowercase());
        }
        Ok(Rules {
            spec: spec.clone(),
            headers,
            paths,
            endpoints,
            secrets,
        })
    }

    /// The rules in words, for a bundle's header and a HAR's log.
    pub fn words(&self) -> Vec<String> {
        let mut words = Vec::new();
        if self.spec.default_headers {
            words.push(
                "secret-bearing headers (Authorization, Proxy-Authorization, Cookie, Set-Cookie, \
                 X-Challenge, a shared-secret scheme's header)"
                    .to_owned(),
            );
        }
        words.extend(
            self.spec
                .headers
                .iter()
                .map(|h| format!("header {}", h.trim())),
        );
        words.extend(self.paths.iter().map(|p| format!("JSON path {p}")));
        words.extend(self.spec.patterns.iter().map(|p| p.words().to_owned()));
        words.push("configured secret values, wherever they appear".to_owned());
        words
    }

    /// Whether JSON paths were asked for (bodies are parsed only then).
    pub(super) fn has_paths(&self) -> bool {
        !self.paths.is_empty()
    }

    pub fn endpoints(&self) -> &[Endpoint] {
        &self.endpoints
    }

    pub(super) fn header_rule(&self, secret: &SecretHeaders, name: &str) -> Option<RedactionRule> {
        if self.spec.default_headers && secret.is_secret(name) {
            Some(RedactionRule::SecretHeader)
        } else if self
            .headers
            .iter()
            .any(|h| h.eq_ignore_ascii_case(name.trim()))
        {
            Some(RedactionRule::Header)
        } else {
            None
        }
    }

    /// `detail` redacted, with every removal listed.
    pub fn event(&self, mut detail: EventDetail) -> RedactedEvent {
        let id = detail.summary.id;
        let secret = crate::detail::secret_headers(&detail, &self.endpoints);
        let mut items = Vec::new();
        let mut removed: Vec<String> = Vec::new();
        let item = |part, rule, place: String, offset: Option<usize>, what: String| RedactionItem {
            event_id: id,
            delivery_id: None,
            part,
            rule,
            place,
            offset: offset.map(|o| o as u64),
            what,
        };

        // Header rules first: they remove whole values.
        for (part, list) in [
            (RedactedPart::Header, &mut detail.headers),
            (RedactedPart::Trailer, &mut detail.trailers),
        ] {
            for h in list.iter_mut() {
                if let Some(rule) = self.header_rule(&secret, &h.name) {
                    let value = String::from_utf8_lossy(h.bytes()).into_owned();
                    // `Bearer tok`: the token may travel alone elsewhere.
                    if let Some(rest) = crate::wire::auth_scheme(h.bytes())
                        .and_then(|word| value.trim_start_matches([' ', '\t']).get(word.len()..))
                    {
                        removed.push(rest.trim().to_owned());
                    }
                    removed.push(value);
                    *h = StoredHeader::new(&h.name, REDACTED.as_bytes());
                    items.push(item(
                        part,
                        rule,
                        h.name.clone(),
                        None,
                        "value removed".into(),
                    ));
                }
            }
        }

        // JSON paths, replaced in place.
        let mut splices: Vec<(Range<usize>, usize)> = Vec::new();
        if !self.paths.is_empty()
            && let Some(text) = json_text(&detail.body)
        {
            let found = self.json_values(text, &mut removed);
            for (range, path) in &found {
                items.push(item(
                    RedactedPart::Body,
                    RedactionRule::JsonPath,
                    path.clone(),
                    None,
                    "value removed".into(),
                ));
                splices.push((range.clone(), QUOTED_REDACTED.len()));
            }
            if !found.is_empty() {
                let spans: Vec<Range<usize>> = found.into_iter().map(|(r, _)| r).collect();
                detail.body = replace_spans(&detail.body, &spans, true);
            }
        }

        // One scan of everything left for patterns, secrets and echoes.
        let echoes = Echoes::new(&removed);
        let scan = |bytes: &[u8], json_aware: bool| self.scan(bytes, json_aware, &echoes);
        let target = detail.request_target();
        let (new_target, hits) = scan(target.as_bytes(), false);
        for hit in hits {
            items.push(item(
                RedactedPart::Target,
                hit.rule,
                "request target".into(),
                Some(hit.span.start),
                hit.what,
            ));
        }
        if let Some(new_target) = new_target {
            let new_target = String::from_utf8_lossy(&new_target).into_owned();
            // The summary's path and query are views of the target; the
            // URL formats build from them.
            let (path, query) = split_target(&new_target, &detail.summary.path);
            detail.summary.path = path;
            detail.summary.query = query;
            detail.target = Some(new_target);
        }
        for (part, list) in [
            (RedactedPart::Header, &mut detail.headers),
            (RedactedPart::Trailer, &mut detail.trailers),
        ] {
            for h in list.iter_mut() {
                let (value, hits) = scan(h.bytes(), false);
                for hit in hits {
                    items.push(item(
                        part,
                        hit.rule,
                        h.name.clone(),
                        Some(hit.span.start),
                        hit.what,
                    ));
                }
                if let Some(value) = value {
                    *h = StoredHeader::new(&h.name, &value);
                }
            }
        }
        let (body, hits) = scan(&detail.body, true);
        for hit in hits {
            // Offsets name the body as stored: undo the JSON paths' splices.
            let at = original_offset(hit.span.start, &splices);
            items.push(item(
                RedactedPart::Body,
                hit.rule,
                format!("byte {at}"),
                Some(at),
                hit.what,
            ));
        }
        if let Some(body) = body {
            detail.body = body;
        }
        detail.summary.size = detail.body.len() as i64;
        RedactedEvent {
            detail,
            items,
            secret,
            echoes,
        }
    }

    /// Every value the JSON paths name in `text`, outermost only (a value
    /// inside another one removed is removed with it), in body order.
    pub(super) fn json_values(
        &self,
        text: &str,
        removed: &mut Vec<String>,
    ) -> Vec<(Range<usize>, String)> {
        if self.paths.is_empty() {
            return Vec::new();
        }
        let Ok(root) = serde_json::from_str::<&RawValue>(text) else {
            return Vec::new();
        };
        let mut found: Vec<(Range<usize>, String)> = self
            .paths
            .iter()
            .flat_map(|p| p.find(text, root))
            .map(|f| (f.range, f.path))
            .collect();
        found.sort_by(|a, b| a.0.start.cmp(&b.0.start).then(b.0.end.cmp(&a.0.end)));
        let mut outer: Vec<(Range<usize>, String)> = Vec::new();
        for (range, path) in found {
            if outer.last().is_some_and(|(last, _)| range.start < last.end) {
                continue;
            }
            removed.extend(scalar_text(&text[range.clone()]));
            outer.push((range, path));
        }
        outer
    }

    /// Patterns, secret values and `echoes` in `bytes`: the replaced bytes
    /// (None when nothing matched) and what was found, at offsets of `bytes`.
    /// With `json_aware`, a body that is JSON stays JSON (see
    /// [`replace_spans`]); it is parsed only when something matched.
    pub(super) fn scan(
        &self,
        bytes: &[u8],
        json_aware: bool,
        echoes: &Echoes,
    ) -> (Option<Vec<u8>>, Vec<Hit>) {
        self.scan_for(bytes, json_aware, echoes, &self.spec.patterns)
    }

    /// [`Rules::scan`] with the patterns given.
    fn scan_for(
        &self,
        bytes: &[u8],
        json_aware: bool,
        echoes: &Echoes,
        patterns: &[PatternKind],
    ) -> (Option<Vec<u8>>, Vec<Hit>) {
        let mut hits: Vec<Hit> = Vec::new();
        for &kind in patterns {
            let (rule, what) = match kind {
                PatternKind::Email => (RedactionRule::Email, "email removed"),
                PatternKind::CardNumber => (RedactionRule::CardNumber, "card number removed"),
            };
            hits.extend(kind.find(bytes).into_iter().map(|span| Hit {
                span,
                rule,
                what: what.to_owned(),
            }));
        }
        hits.extend(
            self.secrets
                .find(bytes)
                .into_iter()
                .map(|(span, what)| Hit {
                    span,
                    rule: RedactionRule::SecretValue,
                    what,
                }),
        );
        hits.extend(echoes.find(bytes).map(|span| Hit {
            span,
            rule: RedactionRule::RedactedValue,
            what: "a value redacted elsewhere in this event removed".to_owned(),
        }));
        if hits.is_empty() {
            return (None, hits);
        }
        // Overlaps keep the one that starts first (the longest of equals).
        hits.sort_by(|a, b| {
            a.span
                .start
                .cmp(&b.span.start)
                .then(b.span.end.cmp(&a.span.end))
        });
        let mut kept: Vec<Hit> = Vec::with_capacity(hits.len());
        for hit in hits {
            if kept.last().is_none_or(|k| hit.span.start >= k.span.end) {
                kept.push(hit);
            }
        }
        let spans: Vec<Range<usize>> = kept.iter().map(|h| h.span.clone()).collect();
        let json = json_aware && json_text(bytes).is_some();
        (Some(replace_spans(bytes, &spans, json)), kept)
    }

    /// Words Hooklens recorded about `event` (verdict reasons, an endpoint's
    /// name), with secret values and the event's removed values taken out;
    /// each removal is listed as a [`RedactedPart::Details`] item at `place`.
    pub fn words_of(&self, event: &mut RedactedEvent, text: &str, place: &str) -> String {
        self.words_in(event, None, text, place)
    }

    pub(super) fn words_in(
        &self,
        event: &mut RedactedEvent,
        delivery_id: Option<i64>,
        text: &str,
        place: &str,
    ) -> String {
        // Without the patterns: Hooklens's own words hold no emails or
        // cards of their own, only what a sender sent.
        let (out, hits) = self.scan_for(text.as_bytes(), false, &event.echoes, &[]);
        for hit in hits {
            event.items.push(RedactionItem {
                event_id: event.detail.summary.id,
                delivery_id,
                part: RedactedPart::Details,
                rule: hit.rule,
                place: place.to_owned(),
                offset: Some(hit.span.start as u64),
                what: hit.what,
            });
        }
        match out {
            Some(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            None => text.to_owned(),
        }
    }

    /// `text` with secret values taken out, for words that belong to no
    /// event (an endpoint's name or its secrets' labels in a bundle).
    pub fn scrub(&self, text: &str) -> String {
        match self
            .scan_for(text.as_bytes(), false, &Echoes::default(), &[])
            .0
        {
            Some(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            None => text.to_owned(),
        }
    }
}

const QUOTED_REDACTED: &str = "\"[REDACTED]\"";

/// `body` as JSON text, when it is a JSON document.
pub fn json_text(body: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(body).ok()?;
    let first = text.trim_start().as_bytes().first()?;
    // Cheap refusal of bodies that cannot be JSON before parsing them.
    if !matches!(
        first,
        b'{' | b'[' | b'"' | b't' | b'f' | b'n' | b'-' | b'0'..=b'9'
    ) {
        return None;
    }
    serde_json::from_str::<&RawValue>(text).ok().map(|_| text)
}

/// The text of a removed scalar worth looking for elsewhere: a string's
/// content, a number as written.
fn scalar_text(raw: &str) -> Option<String> {
    let text = match raw.as_bytes().first()? {
        b'"' => serde_json::from_str::<String>(raw).ok()?,
        b'{' | b'[' | b't' | b'f' | b'n' => return None,
        _ => raw.to_owned(),
    };
    Some(text)
}

/// Values removed from one event, looked for again elsewhere in it (and
/// the start of long ones, as verification quotes them). A handful of
/// needles per event: memchr's substring finders build in nanoseconds,
/// where an automaton per event would cost more than the event's search.
#[derive(Clone, Default)]
pub(super) struct Echoes {
    finders: Vec<memmem::Finder<'static>>,
}

impl Echoes {
    fn new(removed: &[String]) -> Echoes {
        let mut finders: Vec<memmem::Finder<'static>> = Vec::new();
        let mut add = |needle: &str| {
            if !finders.iter().any(|f| f.needle() == needle.as_bytes()) {
                finders.push(memmem::Finder::new(needle.as_bytes()).into_owned());
            }
        };
        for value in removed {
            if value.len() < MIN_ECHO || value == REDACTED {
                continue;
            }
            add(value);
            if let Some((at, _)) = value.char_indices().nth(QUOTED_CHARS) {
                add(&value[..at]);
            }
        }
        Echoes { finders }
    }

    /// Every place a needle occurs (they may overlap; the caller keeps the
    /// first and longest).
    fn find<'a>(&'a self, bytes: &'a [u8]) -> impl Iterator<Item = Range<usize>> + 'a {
        self.finders.iter().flat_map(move |f| {
            let len = f.needle().len();
            f.find_iter(bytes).map(move |at| at..at + len)
        })
    }
}

/// An offset in a body after `splices` (range of the original, length of
/// what replaced it; ascending) as an offset in the original; an offset
/// inside a replacement maps to the start of what it replaced.
fn original_offset(at: usize, splices: &[(Range<usize>, usize)]) -> usize {
    let mut shift: isize = 0;
    for (range, new_len) in splices {
        let new_start = range.start.saturating_add_signed(shift);
        if at < new_start {
            break;
        }
        if at < new_start + new_len {
            return range.start;
        }
        shift += *new_len as isize - range.len() as isize;
    }
    at.saturating_add_signed(-shift)
}

/// The path and query of a request-target (absolute form included);
/// `path` when there is none (`*`, an authority).
fn split_target(target: &str, path: &str) -> (String, Option<String>) {
    let rest = ["http://", "https://"]
        .iter()
        .find_map(|s| {
            let head = target.get(..s.len())?;
            head.eq_ignore_ascii_case(s).then(|| &target[s.len()..])
        })
        .map(|after| after.find('/').map_or("/", |at| &after[at..]));
    let origin = match rest {
        Some(rest) => rest,
        None if target.starts_with('/') => target,
        None => return (path.to_owned(), None),
    };
    match origin.split_once('?') {
        Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
        None => (origin.to_owned(), None),
    }
}

/// A delivery body's bytes from its text or base64 form.
pub(super) fn body_bytes(text: &Option<String>, base64: &Option<String>) -> Option<Vec<u8>> {
    use base64::Engine as _;
    match (text, base64) {
        (Some(t), _) => Some(t.as_bytes().to_vec()),
        (None, Some(b)) => base64::engine::general_purpose::STANDARD.decode(b).ok(),
        (None, None) => None,
    }
}

/// RFC 9110 token characters, what a header name is made of.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_after_splices_map_back() {
        // "ab" at 2..6 replaced by 12 bytes, then "cd" at 10..12 by 12.
        let splices = [(2..6, 12), (10..12, 12)];
        assert_eq!(original_offset(1, &splices), 1);
        assert_eq!(original_offset(15, &splices), 7);
        assert_eq!(original_offset(30, &splices), 12);
    }

    #[test]
    fn targets_split_into_path_and_query() {
        assert_eq!(
            split_target("/a/b?x=1", "/"),
            ("/a/b".into(), Some("x=1".into()))
        );
        assert_eq!(
            split_target("HTTP://h:1/a?q", "/"),
            ("/a".into(), Some("q".into()))
        );
        assert_eq!(split_target("http://h", "/"), ("/".into(), None));
        assert_eq!(split_target("h:443", "/p"), ("/p".into(), None));
    }
}
