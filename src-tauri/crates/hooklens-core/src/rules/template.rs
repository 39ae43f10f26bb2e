//! Templated answer bodies (minijinja): values from the request in the
//! answer, e.g. `{"received": "{{ json.data.order_id }}"}`.
//!
//! The context: `json` (the body parsed, when it is JSON of at most
//! 256 KiB), `header` (lowercase names; `header["webhook-id"]`, or with `_`
//! for `-`: `header.webhook_id`), `event` (`type`, `id`, `provider`,
//! `merchant`, `delivery`, `verdict`, `number`), `request` (`method`,
//! `path`, `query`, `body` as text) and `now` (RFC 3339, UTC). A value the
//! request lacks renders empty. Rendering
//! runs on a fixed amount of fuel and its output is capped; no HTML
//! escaping is applied (`|tojson` quotes a value for JSON).

use std::collections::{BTreeMap, HashMap};

use minijinja::value::{Serde, Value};
use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

use super::MAX_BODY_BYTES;
use crate::query::Subject;

/// Instructions one rendering may run: plenty for a body, not for a loop
/// over a million items.
const FUEL: u64 = 100_000;
/// JSON bodies parsed for `json`; larger ones leave it undefined. A parsed
/// tree costs several times the body, per request answered at once.
const MAX_JSON_BYTES: usize = 256 * 1024;
/// What `request.body` holds of a body.
const MAX_TEXT_BYTES: usize = 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TemplateError(String);

/// A body is a template when it has a tag or an expression.
pub fn is_template(body: &str) -> bool {
    body.contains("{{") || body.contains("{%")
}

pub(super) struct Templates {
    env: Environment<'static>,
    /// Each template's name, and whether it reads `json` (only then is the
    /// body parsed).
    names: HashMap<(usize, usize), (String, bool)>,
}

impl Templates {
    pub(super) fn new() -> Self {
        let mut env = Environment::new();
        env.set_fuel(Some(FUEL));
        // A value the request lacks renders empty, also deeper down
        // (`json.data.missing.id`), rather than failing the answer.
        env.set_undefined_behavior(UndefinedBehavior::Chainable);
        Templates {
            env,
            names: HashMap::new(),
        }
    }

    /// Compiles the body of answer `answer` of rule `rule`; a syntax error,
    /// or `header.name-with-dashes` (which a template reads as a
    /// subtraction), is refused with where it is.
    pub(super) fn add(
        &mut self,
        rule: usize,
        answer: usize,
        source: &str,
    ) -> Result<(), TemplateError> {
        if let Some(name) = dashed_header(source) {
            return Err(TemplateError(format!(
                "write header[\"{name}\"] or header.{}: in a template, header.{name} subtracts",
                name.replace('-', "_")
            )));
        }
        let key = format!("rule{rule}-answer{answer}");
        self.env
            .add_template_owned(key.clone(), source.to_owned())
            .map_err(|e| TemplateError(describe(&e)))?;
        self.names
            .insert((rule, answer), (key, source.contains("json")));
        Ok(())
    }

    /// None when that answer's body is not a template.
    pub(super) fn render(
        &self,
        rule: usize,
        answer: usize,
        subject: &Subject<'_>,
    ) -> Option<Result<String, TemplateError>> {
        let (name, reads_json) = self.names.get(&(rule, answer))?;
        Some(self.render_named(name, *reads_json, subject))
    }

    fn render_named(
        &self,
        name: &str,
        reads_json: bool,
        subject: &Subject<'_>,
    ) -> Result<String, TemplateError> {
        let template = self
            .env
            .get_template(name)
            .map_err(|e| TemplateError(describe(&e)))?;
        let text = template
            .render(context(subject, reads_json))
            .map_err(|e| TemplateError(describe(&e)))?;
        if text.len() > MAX_BODY_BYTES {
            return Err(TemplateError(format!(
                "the rendered body is over {MAX_BODY_BYTES} bytes"
            )));
        }
        Ok(text)
    }
}

/// The error in words, with its line when the template has several.
fn describe(err: &minijinja::Error) -> String {
    let what = err.detail().map_or_else(
        || err.kind().to_string(),
        |d| format!("{}: {d}", err.kind()),
    );
    match err.line() {
        Some(line) => format!("{what} (line {line})"),
        None => what,
    }
}

/// The first `header.some-name` in an expression or tag.
fn dashed_header(source: &str) -> Option<String> {
    let mut rest = source;
    while let Some(at) = rest.find("header.") {
        let after = &rest[at + "header.".len()..];
        let word_end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let tail = &after[word_end..];
        if word_end > 0
            && tail.starts_with('-')
            && tail[1..].starts_with(|c: char| c.is_ascii_alphabetic())
        {
            let name_end = tail
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
                .unwrap_or(tail.len());
            return Some(format!("{}{}", &after[..word_end], &tail[..name_end]));
        }
        rest = after;
    }
    None
}

#[derive(Serialize)]
struct Context<'a> {
    json: Option<serde_json::Value>,
    header: BTreeMap<String, String>,
    event: EventContext<'a>,
    request: RequestContext<'a>,
    now: String,
}

#[derive(Serialize)]
struct EventContext<'a> {
    #[serde(rename = "type")]
    event_type: Option<&'a str>,
    id: Option<&'a str>,
    provider: Option<&'a str>,
    merchant: Option<&'a str>,
    delivery: i64,
    verdict: Option<&'static str>,
    number: Option<i64>,
}

#[derive(Serialize)]
struct RequestContext<'a> {
    method: &'a str,
    path: &'a str,
    query: Option<&'a str>,
    body: String,
}

fn context(s: &Subject<'_>, reads_json: bool) -> Value {
    let json = (reads_json && s.body.len() <= MAX_JSON_BYTES && !crate::json::too_deep(s.body))
        .then(|| serde_json::from_slice::<serde_json::Value>(s.body).ok())
        .flatten();
    let mut header = BTreeMap::new();
    for h in s.headers {
        let name = h.name.to_ascii_lowercase();
        let value = String::from_utf8_lossy(h.bytes()).into_owned();
        if name.contains('-') {
            header
                .entry(name.replace('-', "_"))
                .or_insert_with(|| value.clone());
        }
        header.entry(name).or_insert(value);
    }
    let body = &s.body[..s.body.len().min(MAX_TEXT_BYTES)];
    Value::from(Serde(&Context {
        json,
        header,
        event: EventContext {
            event_type: s.event_type,
            id: s.provider_event_id,
            provider: s.provider,
            merchant: s.merchant_id,
            delivery: s.delivery,
            verdict: s.verdict.map(|v| v.as_str()),
            number: s.own_id,
        },
        request: RequestContext {
            method: s.method,
            path: s.path,
            query: s.query,
            body: String::from_utf8_lossy(body).into_owned(),
        },
        now: jiff::Timestamp::now().to_string(),
    }))
}
