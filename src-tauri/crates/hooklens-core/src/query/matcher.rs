//! The search language run against one event in memory, as it is stored:
//! response rules and forward targets use it as their condition, so a
//! condition means what the same text means in the search box.
//!
//! Each filter follows the SQL the store runs for it (store::search), with
//! two known differences: words are matched by the same tokenising as the
//! full-text index (runs of letters and digits, case folded) but without
//! its diacritic folding, and `json.` keys made of digits index arrays and
//! also name object members.
//!
//! Work per event is bounded: headers and the first 1 MiB of the body are
//! tokenised at most once, and only when a word term needs it; JSON values
//! are read by pointer without building a tree (`json::LazyJson`).

use std::borrow::Cow;
use std::cell::OnceCell;

use crate::json::{self, Kind, LazyJson};
use crate::model::{Endpoint, EventSummary};
use crate::secret_headers::SecretHeaders;
use crate::signature::VerdictStatus;
use crate::wire::StoredHeader;

use super::{Filter, Query, QueryError, Term, TypeMatch};

/// What the full-text index reads of a body; a condition reads no more.
const TEXT_LIMIT: usize = 1024 * 1024;

/// A parsed condition: the text as written and its terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    text: String,
    query: Query,
    /// Each term's words when it is a text term (tokenized once, here).
    phrases: Vec<Vec<String>>,
}

impl Condition {
    /// Parses `text` in the search language; an empty text matches every
    /// event. `after:` and `before:` are refused: a condition is checked
    /// as each request arrives, where "within the last hour" would mean a
    /// time fixed when the condition was saved.
    pub fn parse(text: &str) -> Result<Condition, QueryError> {
        let query = super::parse(text, 0)?;
        if let Some(term) = query.terms.iter().find(|t| {
            matches!(
                t.filter,
                Filter::After(_) | Filter::Before(_) | Filter::Rule(_)
            )
        }) {
            let message = if matches!(term.filter, Filter::Rule(_)) {
                "rule: finds events a rule answered; a condition is checked before any rule \
                 answers, so it cannot use it"
            } else {
                "after: and before: search stored events; a condition is checked as each \
                 request arrives, so it cannot use them"
            };
            return Err(QueryError {
                message: message.into(),
                start: term.start,
                end: term.end,
            });
        }
        let phrases = query
            .terms
            .iter()
            .map(|t| match &t.filter {
                Filter::Text { text, .. } => {
                    let mut words = Words::default();
                    words.add(text);
                    words.iter().map(str::to_owned).collect()
                }
                _ => Vec::new(),
            })
            .collect();
        Ok(Condition {
            text: text.trim().to_owned(),
            query,
            phrases,
        })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn matches_everything(&self) -> bool {
        self.query.is_empty()
    }

    pub fn matches(&self, subject: &Subject<'_>) -> bool {
        self.query
            .terms
            .iter()
            .zip(&self.phrases)
            .all(|(term, phrase)| term_holds(term, phrase, subject) != term.negated)
    }
}

/// One event as a condition sees it, the moment it is stored.
pub struct Subject<'a> {
    /// Hooklens's own event id (`id:#12`).
    pub own_id: Option<i64>,
    pub received_at_ns: i64,
    pub endpoint_id: Option<i64>,
    /// Every endpoint, to resolve `endpoint:` as the search box does.
    pub endpoints: &'a [Endpoint],
    pub method: &'a str,
    pub path: &'a str,
    /// The query string, without `?` (templates read it; no filter does).
    pub query: Option<&'a str>,
    pub headers: &'a [StoredHeader],
    pub body: &'a [u8],
    pub provider: Option<&'a str>,
    pub event_type: Option<&'a str>,
    pub provider_event_id: Option<&'a str>,
    pub merchant_id: Option<&'a str>,
    /// None: not verified.
    pub verdict: Option<VerdictStatus>,
    /// 1 for a first arrival, 2 for the first redelivery, …
    pub delivery: i64,
    pub imported: bool,
    pub tunneled: bool,
    /// Which headers are secret (conditions see their masks, as search
    /// does): decided on first need by the endpoint's or provider's scheme.
    secret: OnceCell<SecretHeaders>,
    json: LazyJson<'a>,
    words: OnceCell<Words>,
}

impl<'a> Subject<'a> {
    /// A subject with nothing recognised yet; fill the public fields.
    pub fn new(
        method: &'a str,
        path: &'a str,
        headers: &'a [StoredHeader],
        body: &'a [u8],
    ) -> Self {
        Subject {
            own_id: None,
            received_at_ns: 0,
            endpoint_id: None,
            endpoints: &[],
            method,
            path,
            query: None,
            headers,
            body,
            provider: None,
            event_type: None,
            provider_event_id: None,
            merchant_id: None,
            verdict: None,
            delivery: 1,
            imported: false,
            tunneled: false,
            secret: OnceCell::new(),
            json: LazyJson::new(body),
            words: OnceCell::new(),
        }
    }

    /// A stored event with the request it was made from: everything a
    /// condition reads, the secret headers decided by its endpoint's or
    /// provider's scheme.
    pub fn stored(
        event: &'a EventSummary,
        headers: &'a [StoredHeader],
        body: &'a [u8],
        endpoints: &'a [Endpoint],
    ) -> Self {
        Subject {
            own_id: Some(event.id),
            received_at_ns: event.received_at_ms.saturating_mul(1_000_000),
            endpoint_id: event.endpoint_id,
            endpoints,
            query: event.query.as_deref(),
            provider: event.provider.as_deref(),
            event_type: event.event_type.as_deref(),
            provider_event_id: event.provider_event_id.as_deref(),
            merchant_id: event.merchant_id.as_deref(),
            verdict: event.verdict.as_ref().map(|v| v.status),
            delivery: event.delivery,
            imported: event.imported,
            tunneled: event.tunneled,
            ..Subject::new(&event.method, &event.path, headers, body)
        }
    }

    fn secret(&self) -> &SecretHeaders {
        self.secret.get_or_init(|| {
            SecretHeaders::of_event(
                self.endpoints,
                self.endpoint_id,
                self.provider,
                self.headers,
            )
        })
    }

    /// Path, headers (secret ones masked) and body text, as the index
    /// tokenises them; made once.
    fn words(&self) -> &Words {
        self.words.get_or_init(|| {
            let body = body_text(self.body);
            let bytes = self.path.len()
                + self
                    .headers
                    .iter()
                    .map(|h| h.name.len() + h.bytes().len())
                    .sum::<usize>()
                + body.len();
            let mut words = Words::with_capacity(bytes);
            words.add(self.path);
            for h in self.headers {
                words.add(&h.name);
                match self.secret().shown(h) {
                    Some(masked) => words.add(&masked),
                    None => words.add(&String::from_utf8_lossy(h.bytes())),
                }
            }
            words.add(body);
            words
        })
    }

    /// Validated once, on the first `json.` term.
    fn json(&self) -> &LazyJson<'a> {
        &self.json
    }
}

fn term_holds(term: &Term, phrase: &[String], s: &Subject<'_>) -> bool {
    match &term.filter {
        Filter::Text { prefix, .. } => s.words().contains_phrase(phrase, *prefix),
        Filter::Type(TypeMatch::Exact(value)) => s.event_type == Some(value.as_str()),
        Filter::Type(TypeMatch::Prefix(prefix)) => {
            s.event_type.is_some_and(|t| t.starts_with(prefix.as_str()))
        }
        Filter::Provider(value) => s.provider == Some(value.as_str()),
        Filter::Endpoint(key) => s
            .endpoint_id
            .is_some_and(|id| endpoint_ids(s.endpoints, key).contains(&id)),
        Filter::Method(value) => s.method.eq_ignore_ascii_case(value),
        Filter::Path { value, literal } => path_matches(s.path, value, *literal),
        Filter::Status(status) => s.verdict == *status,
        Filter::Id { value, own } => {
            s.provider_event_id == Some(value.as_str()) || (own.is_some() && s.own_id == *own)
        }
        Filter::Merchant(value) => s.merchant_id == Some(value.as_str()),
        Filter::Header { name, value } => s.headers.iter().any(|h| {
            h.name.eq_ignore_ascii_case(name)
                && value.as_deref().is_none_or(|wanted| {
                    let shown = match s.secret().shown(h) {
                        Some(masked) => Cow::Owned(masked),
                        None => String::from_utf8_lossy(h.bytes()),
                    };
                    contains_ascii_nocase(&shown, wanted)
                })
        }),
        Filter::Json {
            path,
            value,
            prefix,
        } => json_holds(s.json(), path, value.as_deref(), *prefix),
        Filter::After(at) => s.received_at_ns >= *at,
        Filter::Before(at) => s.received_at_ns < *at,
        Filter::Dup(yes) => (s.delivery > 1) == *yes,
        Filter::Imported(yes) => s.imported == *yes,
        Filter::Tunneled(true) => s.tunneled,
        Filter::Tunneled(false) => !s.tunneled && !s.imported,
        // Refused by Condition::parse: no rule has answered yet.
        Filter::Rule(_) => false,
    }
}

/// `endpoint:` resolved against `endpoints`: an id, else every endpoint
/// with that path prefix, else every one with that name (any case). The
/// search box and conditions both resolve it here.
pub fn endpoint_ids(endpoints: &[Endpoint], key: &str) -> Vec<i64> {
    if let Ok(id) = key.parse::<i64>()
        && endpoints.iter().any(|e| e.id == id)
    {
        return vec![id];
    }
    let prefix = key.trim_end_matches('/');
    let by_prefix: Vec<i64> = endpoints
        .iter()
        .filter(|e| e.path_prefix == prefix || (prefix.is_empty() && e.path_prefix == "/"))
        .map(|e| e.id)
        .collect();
    if !by_prefix.is_empty() {
        return by_prefix;
    }
    let key = key.to_lowercase();
    endpoints
        .iter()
        .filter(|e| e.name.to_lowercase() == key)
        .map(|e| e.id)
        .collect()
}

/// `path:` a prefix in which `*` matches any run of characters, unless the
/// value was quoted.
fn path_matches(path: &str, value: &str, literal: bool) -> bool {
    if literal || !value.contains('*') {
        return path.starts_with(value);
    }
    // Glob with `*` only, anchored at the start, open at the end: each
    // piece must follow the previous one.
    let mut pieces = value.split('*');
    let first = pieces.next().unwrap_or_default();
    let Some(mut rest) = path.strip_prefix(first) else {
        return false;
    };
    for piece in pieces {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    true
}

/// LIKE's containment, ASCII case folded as SQLite folds it.
fn contains_ascii_nocase(haystack: &str, needle: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

fn json_holds(json: &LazyJson<'_>, keys: &[String], value: Option<&str>, prefix: bool) -> bool {
    // One walk to the value; its kind is its first byte.
    let Some(raw) = json.at_keys(keys.iter().map(String::as_str)) else {
        return false;
    };
    let Some(wanted) = value else {
        return true;
    };
    // As the SQL compares: strings by their text, numbers as JSON writes
    // them, true/false/null by name; objects and arrays never.
    let text: Cow<'_, str> = match json::kind(raw) {
        Kind::Object | Kind::Array => return false,
        Kind::String => match json::string(raw) {
            Some(text) => text,
            None => return false,
        },
        Kind::Number | Kind::Bool | Kind::Null => Cow::Borrowed(raw.get().trim()),
    };
    if prefix {
        text.starts_with(wanted)
    } else {
        text == wanted
    }
}

/// The longest valid UTF-8 prefix of the body, up to what the index reads.
fn body_text(body: &[u8]) -> &str {
    let head = &body[..body.len().min(TEXT_LIMIT)];
    match std::str::from_utf8(head) {
        Ok(text) => text,
        Err(err) => std::str::from_utf8(&head[..err.valid_up_to()]).unwrap_or_default(),
    }
}

/// Runs of letters and digits, lowercased: the index's unicode61 tokens,
/// kept in one string with their ranges (no allocation per word). ASCII
/// text is kept whole, separators included, outside every range.
#[derive(Default)]
struct Words {
    folded: String,
    ranges: Vec<(usize, usize)>,
}

impl Words {
    /// Room for `bytes` of text and a word every eight bytes, so a body is
    /// not copied again and again as it grows (most of the words' cost in a
    /// profile of response rules). The guess stops at 64 Ki words (1 MiB of
    /// ranges): a large body of few words should not hold more up front.
    fn with_capacity(bytes: usize) -> Self {
        Words {
            folded: String::with_capacity(bytes),
            ranges: Vec::with_capacity((bytes / 8).min(1 << 16)),
        }
    }

    fn add(&mut self, text: &str) {
        if text.is_ascii() {
            self.add_ascii(text);
        } else {
            self.add_chars(text);
        }
    }

    fn add_chars(&mut self, text: &str) {
        let mut start = None;
        for c in text.chars() {
            if c.is_alphanumeric() {
                if start.is_none() {
                    start = Some(self.folded.len());
                }
                self.folded.extend(c.to_lowercase());
            } else if let Some(from) = start.take() {
                self.ranges.push((from, self.folded.len()));
            }
        }
        if let Some(from) = start {
            self.ranges.push((from, self.folded.len()));
        }
    }

    /// `add` for ASCII text (most webhooks): the same words, without
    /// Unicode tables. The text is copied whole and lowercased in one pass,
    /// separators too (no range covers them): a response rule's words are
    /// read from every request's body, and a push per byte was most of it.
    fn add_ascii(&mut self, text: &str) {
        let base = self.folded.len();
        self.folded.push_str(text);
        self.folded[base..].make_ascii_lowercase();
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i].is_ascii_alphanumeric() {
                let start = i;
                while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                    i += 1;
                }
                self.ranges.push((base + start, base + i));
            } else {
                i += 1;
            }
        }
    }

    fn iter(&self) -> impl Iterator<Item = &str> {
        self.ranges.iter().map(|&(a, b)| &self.folded[a..b])
    }

    /// The words of `phrase` in a row; with `prefix`, the last may continue.
    fn contains_phrase(&self, phrase: &[String], prefix: bool) -> bool {
        if phrase.is_empty() {
            return true;
        }
        let last = phrase.len() - 1;
        self.ranges.windows(phrase.len()).any(|window| {
            window
                .iter()
                .zip(phrase)
                .enumerate()
                .all(|(i, (&(a, b), wanted))| {
                    let word = &self.folded[a..b];
                    if prefix && i == last {
                        word.starts_with(wanted.as_str())
                    } else {
                        word == wanted
                    }
                })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_glob_is_anchored_at_the_start_and_open_at_the_end() {
        assert!(path_matches(
            "/kustom/a/orders/9",
            "/kustom/*/orders",
            false
        ));
        assert!(!path_matches(
            "/x/kustom/a/orders",
            "/kustom/*/orders",
            false
        ));
        assert!(path_matches("/a*b", "/a*", true));
        assert!(!path_matches("/ab", "/a*b*", true));
    }

    #[test]
    fn words_fold_case_and_split_on_everything_else() {
        let mut words = Words::default();
        words.add("Kustom-Webhooks/2.1 ÉTÉ order_created");
        let all: Vec<&str> = words.iter().collect();
        assert_eq!(
            all,
            ["kustom", "webhooks", "2", "1", "été", "order", "created"]
        );
        assert!(words.contains_phrase(&["order".into(), "cre".into()], true));
        assert!(!words.contains_phrase(&["order".into(), "cre".into()], false));
    }

    #[test]
    fn the_ascii_fast_path_finds_the_same_words_as_the_unicode_one() {
        // Every ASCII byte, in runs and alone, at the edges of the text.
        let every: String = (0u8..128).map(char::from).collect();
        let texts = [
            every.clone(),
            every.chars().rev().collect(),
            "X-Kustom-Signature: t=1700000000,v1=ABCdef012".into(),
            "{\"type\":\"Order.Created\",\"id\":\"evt_9\"}".into(),
            "a".into(),
            String::new(),
            "__--99zz".into(),
        ];
        for text in texts {
            let (mut fast, mut slow) = (Words::default(), Words::default());
            // After other text, as the path and headers come before a body.
            for words in [&mut fast, &mut slow] {
                words.add_chars("Été-x ");
            }
            fast.add_ascii(&text);
            slow.add_chars(&text);
            let (fast, slow): (Vec<&str>, Vec<&str>) =
                (fast.iter().collect(), slow.iter().collect());
            assert_eq!(fast, slow, "{text:?}");
        }
    }
}
