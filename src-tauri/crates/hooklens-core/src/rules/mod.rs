//! Response rules: which answer a stored request gets. Pure decisions —
//! conditions, sequences, chance and templates; capture sends the answer
//! and the store keeps the record of it.
//!
//! Bounded per request: conditions read the event as search does
//! (`query::Subject`), a template runs on a fixed amount of fuel and its
//! output is capped, and the counters behind sequences keep at most
//! [`MAX_TRACKED_IDS`] event ids per rule.

mod template;

use std::collections::HashMap;
use std::sync::Mutex;

use axum::http::{HeaderName, HeaderValue, StatusCode};

use crate::model::{AnswerRecord, HeaderPair, ResponseRule, RuleAnswer, SequenceBy};
use crate::query::{Condition, Subject};

pub use template::TemplateError;

/// More rules than anyone manages by hand; bounds the work per request.
pub const MAX_RULES: usize = 50;
pub const MAX_ANSWERS: usize = 20;
/// Past every provider's timeout (the longest documented is 30 s), so a
/// rule can make one give up; longer would only hold sockets.
pub const MAX_DELAY_MS: u32 = 300_000;
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
const MAX_NAME_CHARS: usize = 64;
/// What the record keeps of a body sent.
const RECORD_BODY_BYTES: usize = 64 * 1024;
/// Event ids a sequence remembers per rule; past this the oldest count is
/// forgotten (that event starts over at its first answer).
pub const MAX_TRACKED_IDS: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// What is wrong, naming the rule.
    #[error("{0}")]
    Invalid(String),
}

fn invalid(rule: &str, what: impl std::fmt::Display) -> RuleError {
    RuleError::Invalid(format!("rule {rule:?}: {what}"))
}

/// An endpoint's rules, checked and ready: conditions parsed, templates
/// compiled.
pub struct Compiled {
    rules: Vec<CompiledRule>,
    templates: template::Templates,
}

struct CompiledRule {
    rule: ResponseRule,
    condition: Condition,
}

/// Checks every rule as saving does; the first problem, naming its rule.
pub fn validate(rules: &[ResponseRule]) -> Result<(), RuleError> {
    compile(rules).map(|_| ())
}

pub fn compile(rules: &[ResponseRule]) -> Result<Compiled, RuleError> {
    if rules.len() > MAX_RULES {
        return Err(RuleError::Invalid(format!(
            "{} rules is over the {MAX_RULES} an endpoint can have",
            rules.len()
        )));
    }
    let mut compiled = Vec::with_capacity(rules.len());
    let mut templates = template::Templates::new();
    for (i, rule) in rules.iter().enumerate() {
        let name = rule.name.trim();
        if name.is_empty() {
            return Err(RuleError::Invalid(format!("rule {} needs a name", i + 1)));
        }
        if name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
            return Err(invalid(
                name,
                format!(
                    "a name is at most {MAX_NAME_CHARS} characters, without control characters"
                ),
            ));
        }
        if rules[..i]
            .iter()
            .any(|r| r.name.trim().eq_ignore_ascii_case(name))
        {
            return Err(invalid(name, "another rule has this name"));
        }
        let condition = Condition::parse(&rule.condition).map_err(|e| {
            invalid(
                name,
                format!(
                    "condition: {} (at character {} of {:?})",
                    e.message,
                    e.start + 1,
                    rule.condition
                ),
            )
        })?;
        if rule.answers.is_empty() || rule.answers.len() > MAX_ANSWERS {
            return Err(invalid(
                name,
                format!("a rule gives 1 to {MAX_ANSWERS} answers"),
            ));
        }
        if let Some(chance) = rule.chance
            && !(1..=100).contains(&chance.percent)
        {
            return Err(invalid(name, "a chance is 1 to 100 percent"));
        }
        for (j, answer) in rule.answers.iter().enumerate() {
            let which = if rule.answers.len() > 1 {
                format!("answer {}: ", j + 1)
            } else {
                String::new()
            };
            check_answer(answer).map_err(|e| invalid(name, format!("{which}{e}")))?;
            if template::is_template(&answer.body) {
                templates
                    .add(i, j, &answer.body)
                    .map_err(|e| invalid(name, format!("{which}body template: {e}")))?;
            }
        }
        let mut rule = rule.clone();
        rule.name = name.to_owned();
        compiled.push(CompiledRule { rule, condition });
    }
    Ok(Compiled {
        rules: compiled,
        templates,
    })
}

fn check_answer(answer: &RuleAnswer) -> Result<(), String> {
    if answer.delay_ms > MAX_DELAY_MS {
        return Err(format!(
            "delay {} ms is over the {MAX_DELAY_MS} ms maximum",
            answer.delay_ms
        ));
    }
    if answer.close {
        return Ok(());
    }
    if answer.status < 100 || StatusCode::from_u16(answer.status).is_err() {
        return Err(format!(
            "status {} is not an HTTP status (100–999)",
            answer.status
        ));
    }
    if answer.body.len() > MAX_BODY_BYTES {
        return Err(format!("the body is over {MAX_BODY_BYTES} bytes"));
    }
    for h in &answer.headers {
        HeaderName::from_bytes(h.name.as_bytes())
            .map_err(|_| format!("{:?} is not a valid header name", h.name))?;
        HeaderValue::from_str(&h.value)
            .map_err(|_| format!("the value of header {} is not a valid header value", h.name))?;
    }
    Ok(())
}

/// The rule that answers a request, and which of its answers.
pub struct Chosen<'c> {
    pub rule: &'c ResponseRule,
    pub answer: &'c RuleAnswer,
    rule_index: usize,
    answer_index: usize,
    pub why: String,
}

/// What is sent: status, headers and body ready for the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// None: close the connection without answering.
    pub status: Option<u16>,
    pub headers: Vec<HeaderPair>,
    pub body: Vec<u8>,
    pub delay_ms: u32,
    pub record: AnswerRecord,
}

impl Compiled {
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The first enabled rule whose condition holds and whose chance takes
    /// this request, with the answer its sequence gives; counts it.
    /// `epoch`: the endpoint's reset count; counts of an earlier one are
    /// dropped.
    pub fn choose(
        &self,
        (endpoint_id, epoch): (i64, i64),
        subject: &Subject<'_>,
        counters: &Counters,
    ) -> Option<Chosen<'_>> {
        for (i, c) in self.rules.iter().enumerate() {
            if !c.rule.enabled || !c.condition.matches(subject) {
                continue;
            }
            let rule = &c.rule;
            let mut counts = counters.lock();
            let key = (endpoint_id, epoch, rule.name.to_lowercase());
            if !counts.contains_key(&key) {
                // Counts from before the endpoint's last reset go.
                counts.retain(|(id, was, _), _| *id != endpoint_id || *was == epoch);
            }
            let count = counts.entry(key).or_default();
            count.matched += 1;
            let mut chance_words = String::new();
            if let Some(chance) = rule.chance {
                let taken = chance_takes(chance.seed, count.matched, chance.percent);
                chance_words = format!(
                    "chance {} % (seed {}): matching request {} {}",
                    chance.percent,
                    chance.seed,
                    count.matched,
                    if taken { "taken" } else { "passed on" }
                );
                if !taken {
                    continue;
                }
            }
            let (answer_index, mut why) = if rule.answers.len() == 1 {
                (0, String::new())
            } else {
                let (nth, whose) = match (rule.sequence, subject.provider_event_id) {
                    (SequenceBy::EventId, Some(id)) => {
                        let n = count.arrival_of(id);
                        (n, format!("arrival {n} of event {id}"))
                    }
                    (SequenceBy::EventId, None) => (
                        1,
                        "a request without an event id counts as a first arrival".to_owned(),
                    ),
                    (SequenceBy::Arrival, _) => {
                        count.arrivals += 1;
                        let n = count.arrivals;
                        (n, format!("request {n} this rule answered"))
                    }
                };
                let index = usize::try_from(nth.saturating_sub(1))
                    .unwrap_or(usize::MAX)
                    .min(rule.answers.len() - 1);
                (
                    index,
                    format!("answer {} of {}, {whose}", index + 1, rule.answers.len()),
                )
            };
            if !chance_words.is_empty() {
                if !why.is_empty() {
                    why.push_str("; ");
                }
                why.push_str(&chance_words);
            }
            return Some(Chosen {
                rule,
                answer: &rule.answers[answer_index],
                rule_index: i,
                answer_index,
                why,
            });
        }
        None
    }

    /// The chosen answer made ready: a template rendered from the request
    /// (a failed one answers 500 and says why).
    pub fn render(&self, chosen: &Chosen<'_>, subject: &Subject<'_>) -> Answer {
        let answer = chosen.answer;
        let (status, body, error) = if answer.close {
            (None, Vec::new(), None)
        } else if let Some(result) =
            self.templates
                .render(chosen.rule_index, chosen.answer_index, subject)
        {
            match result {
                Ok(text) => (Some(answer.status), text.into_bytes(), None),
                Err(err) => (
                    Some(500),
                    format!(
                        "Hooklens stored this request, but rule {:?} could not render its body: {err}\n",
                        chosen.rule.name
                    )
                    .into_bytes(),
                    Some(err.to_string()),
                ),
            }
        } else {
            (Some(answer.status), answer.body.clone().into_bytes(), None)
        };
        let headers = if error.is_some() {
            Vec::new()
        } else {
            answer.headers.clone()
        };
        Answer {
            record: AnswerRecord {
                rule: Some(chosen.rule.name.clone()),
                status,
                headers: headers.clone(),
                body: record_text(&body),
                delay_ms: answer.delay_ms,
                closed: answer.close,
                why: chosen.why.clone(),
                template_error: error,
            },
            status,
            headers,
            body,
            delay_ms: answer.delay_ms,
        }
    }
}

fn record_text(body: &[u8]) -> String {
    let cut = &body[..body.len().min(RECORD_BODY_BYTES)];
    String::from_utf8_lossy(cut).into_owned()
}

/// The record of an answer no rule gave: the endpoint's configured one.
pub fn fallback_record(
    status: u16,
    headers: &[HeaderPair],
    body: &str,
    delay_ms: u32,
) -> AnswerRecord {
    AnswerRecord {
        rule: None,
        status: Some(status),
        headers: headers.to_vec(),
        body: record_text(body.as_bytes()),
        delay_ms,
        closed: false,
        why: "no rule matched: the endpoint's configured response".into(),
        template_error: None,
    }
}

/// Whether a rule with `percent` takes its `n`th matching request: a
/// SplitMix64 hash of seed and count, so a seed repeats its pattern.
fn chance_takes(seed: u32, n: u64, percent: u8) -> bool {
    let mut z = u64::from(seed)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(n.wrapping_mul(0xBF58_476D_1CE4_E5B9));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    z % 100 < u64::from(percent)
}

/// What sequences and chances have counted, per endpoint and rule, since
/// Hooklens started or the endpoint's counts were reset.
#[derive(Default)]
pub struct Counters {
    counts: Mutex<HashMap<(i64, i64, String), RuleCount>>,
}

#[derive(Default)]
struct RuleCount {
    /// Requests the condition matched (chance counts these).
    matched: u64,
    /// Requests the rule answered (SequenceBy::Arrival).
    arrivals: u64,
    /// Arrivals per provider event id, and the order ids were first seen
    /// in, to forget the oldest.
    by_id: HashMap<String, u64>,
    order: std::collections::VecDeque<String>,
}

impl RuleCount {
    fn arrival_of(&mut self, id: &str) -> u64 {
        if let Some(n) = self.by_id.get_mut(id) {
            *n += 1;
            return *n;
        }
        if self.order.len() >= MAX_TRACKED_IDS
            && let Some(oldest) = self.order.pop_front()
        {
            self.by_id.remove(&oldest);
        }
        self.order.push_back(id.to_owned());
        self.by_id.insert(id.to_owned(), 1);
        1
    }
}

impl Counters {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(i64, i64, String), RuleCount>> {
        self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests;
