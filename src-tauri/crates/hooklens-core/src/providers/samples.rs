//! Sample events for "Send test event". Each provider's file holds its
//! [`Catalogue`]: the event types it has samples of, each a template in
//! `samples/<provider>/<type>.json`, and what fills the templates'
//! placeholders. This is the part they share: making a sample from a
//! template, with fresh ids (or ids from a seed), the caller's time and any
//! values the caller chooses. Samples are unsigned; the signature engine signs
//! them on the way out.
//!
//! A template is the body written the way the provider's documentation shows
//! it, except that `$name` outside a JSON string is a placeholder, replaced by
//! JSON when the sample is made: `$event_type` is the sample's type, any other
//! name a [`Fill`] of the type's or the provider's table, unless the caller
//! gives a value for it. Templates rather than `json!` because serde_json here
//! sorts object keys (no `preserve_order`), and the key order a provider sends
//! is part of what a sample must look like.
//!
//! Where a provider publishes no payload (Kustom's order events, the checkout
//! provider, USAePay's objects, Kulmi Pay's subscriptions) the data is
//! plausible rather than documented; the envelopes and the fields the presets
//! extract follow the documentation wherever it exists.

mod ctx;
#[cfg(test)]
mod tests;

use serde_json::Value;

use ctx::Ctx;

/// One event type a preset can send a sample of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleType {
    pub event_type: &'static str,
    /// One short line, e.g. "A capture has been made on an order".
    pub description: &'static str,
    /// The template's path under `providers/`.
    pub(crate) file: &'static str,
    pub(crate) template: &'static str,
    /// Placeholders of this type alone; they win over the provider's.
    pub(crate) fills: &'static [(&'static str, Fill)],
}

/// A catalogue entry whose template is `samples/<provider>/<type>.json`,
/// embedded at build time: `sample!("kustom", "order.created", "A new order
/// has been created")`, and the type's own fills as a fourth argument.
macro_rules! sample {
    ($provider:literal, $event_type:literal, $description:literal $(,)?) => {
        sample!($provider, $event_type, $description, &[])
    };
    ($provider:literal, $event_type:literal, $description:literal, $fills:expr $(,)?) => {
        $crate::providers::samples::SampleType {
            event_type: $event_type,
            description: $description,
            file: concat!("samples/", $provider, "/", $event_type, ".json"),
            template: include_str!(concat!("samples/", $provider, "/", $event_type, ".json")),
            fills: $fills,
        }
    };
}
pub(crate) use sample;

/// A provider's samples and what they are made with.
#[derive(Debug, Clone, Copy)]
pub struct Catalogue {
    pub(crate) layout: Layout,
    /// Headers the provider sends besides signature headers, in order;
    /// `Content-Type` first.
    pub(crate) headers: &'static [(&'static str, &'static [Part])],
    /// The placeholder holding the provider's event id: for GitHub/Shopify
    /// the delivery/event id header's, None where the provider sends none
    /// (Kulmi Pay). Schemes that sign a message id (Standard Webhooks) use
    /// it as the message id.
    pub(crate) event_id: Option<&'static str>,
    /// Placeholders every template of the provider may use.
    pub(crate) fills: &'static [(&'static str, Fill)],
    /// In a sensible display order.
    pub(crate) types: &'static [SampleType],
}

impl Catalogue {
    /// No samples at all (`generic`).
    pub(crate) const NONE: Catalogue = Catalogue {
        layout: Layout::Compact,
        headers: &[],
        event_id: None,
        fills: &[],
        types: &[],
    };
}

/// How a provider writes its JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// No whitespace outside strings, as most providers send it.
    Compact,
    /// As the template is laid out; a multi-line value is indented to where
    /// it is placed.
    Pretty,
}

/// What one placeholder is replaced with: its parts' text, as JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fill {
    /// The text is the JSON: a number, `null`.
    Json(&'static [Part]),
    /// A JSON string holding the text.
    Text(&'static [Part]),
}

/// A piece of a placeholder's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Lit(&'static str),
    /// Another placeholder's text (a string's contents, without quotes).
    Var(&'static str),
    /// The first `n` characters of another placeholder's text.
    Head(&'static str, usize),
    /// A random (version 4) UUID, lowercase.
    Uuid,
    /// Characters drawn uniformly from an alphabet.
    Chars(&'static [u8], usize),
    /// This many random bytes in lowercase hex.
    Hex(usize),
    /// This many random bytes in uppercase hex.
    HexUpper(usize),
    /// A number in `low..=high`.
    Number(u64, u64),
    /// A number in `low..=high`, zero-padded to at least `width` digits.
    Padded(u64, u64, usize),
    /// The sample's time moved by the steps, in order.
    Time(&'static [Step], TimeFormat),
}

/// One move of the sample's time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Seconds(i64),
    /// Whole calendar months in UTC, as billing periods are.
    Months(i64),
}

/// How a provider writes a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeFormat {
    /// RFC 3339 in UTC (`Z`) with exactly this many fractional digits.
    Utc(usize),
    /// RFC 3339 in whole seconds at this offset from UTC in hours:
    /// `2026-06-05T13:37:41-05:00` (`+00:00` for 0).
    Offset(i8),
    /// Unix seconds.
    UnixSeconds,
    /// `2026-06-05 18:37:41`, in UTC.
    DateTime,
    /// `0626`: a card expiry's month and year.
    MonthYear,
    /// Unix seconds and microseconds: `1780684661.232000`.
    SecondsMicros,
}

/// The sample's time itself.
pub(crate) const NOW: &[Step] = &[];
pub(crate) const MINUTE: i64 = 60;
pub(crate) const HOUR: i64 = 60 * MINUTE;
pub(crate) const DAY: i64 = 24 * HOUR;

pub(crate) const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
pub(crate) const LOWER_ALNUM: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
pub(crate) const UPPER_ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// A freshly generated sample request, unsigned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleEvent {
    pub event_type: String,
    /// The provider event id inside the sample (fresh each call), e.g. `kevt_…`;
    /// for GitHub/Shopify the delivery/event id header value; None where the
    /// provider sends none (Kulmi Pay). Schemes that sign a message id
    /// (Standard Webhooks) use this as the message id.
    pub event_id: Option<String>,
    /// Headers the provider sends besides signature headers, in order:
    /// always `Content-Type`, plus e.g. `X-GitHub-Event`, `X-GitHub-Delivery`,
    /// `X-Shopify-Topic`, `X-Shopify-Shop-Domain`, `X-Shopify-Webhook-Id`, `X-Shopify-Event-Id`, `User-Agent` where the provider documents one.
    pub headers: Vec<(String, String)>,
    /// The body as the provider would send it (compact or pretty JSON; the
    /// exact bytes are what gets signed).
    pub body: Vec<u8>,
}

/// What a sample is made with besides its type.
#[derive(Debug, Clone, Copy, Default)]
pub struct SampleValues<'a> {
    /// The sample's time, Unix ms.
    pub now_ms: i64,
    /// Where its ids come from: the same seed makes the same ids (for
    /// benchmarks and fixtures); None draws fresh random ones.
    pub seed: Option<u64>,
    /// Values for placeholders by name, in place of the template's own, e.g.
    /// `("merchant_id", json!("m_42"))`. Names a template does not use are
    /// ignored, so one set can be given to every sample.
    pub values: &'a [(&'a str, Value)],
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SampleError {
    #[error("there is no provider preset \"{0}\"; presets with samples: {1}")]
    UnknownPreset(String, String),
    #[error("{preset} has no sample of \"{event_type}\"; it has: {known}")]
    UnknownType {
        preset: String,
        event_type: String,
        known: String,
    },
}

/// The presets that have samples, for error messages.
fn with_samples() -> String {
    super::presets()
        .iter()
        .filter(|p| !p.samples.types.is_empty())
        .map(|p| p.id)
        .collect::<Vec<_>>()
        .join(", ")
}

fn provider(preset_id: &str) -> Result<&'static super::Provider, SampleError> {
    super::preset(preset_id)
        .ok_or_else(|| SampleError::UnknownPreset(preset_id.to_owned(), with_samples()))
}

/// The sample types of a preset (by preset id, case-insensitive), in a sensible display order; empty for `generic`.
pub fn sample_types(preset_id: &str) -> Result<&'static [SampleType], SampleError> {
    Ok(provider(preset_id)?.samples.types)
}

/// A new sample of `event_type`, with fresh ids and `now_ms` (Unix ms) as its time.
pub fn sample_event(
    preset_id: &str,
    event_type: &str,
    now_ms: i64,
) -> Result<SampleEvent, SampleError> {
    render_sample(
        preset_id,
        event_type,
        &SampleValues {
            now_ms,
            ..SampleValues::default()
        },
    )
}

/// A sample of `event_type` made with `with`: its time, the seed of its ids,
/// and values the caller chose for its placeholders.
pub fn render_sample(
    preset_id: &str,
    event_type: &str,
    with: &SampleValues,
) -> Result<SampleEvent, SampleError> {
    let provider = provider(preset_id)?;
    let types = provider.samples.types;
    // Types are matched like preset ids, so a CLI user need not mind case; the
    // sample carries the provider's own spelling.
    let sample_type = types
        .iter()
        .find(|t| t.event_type.eq_ignore_ascii_case(event_type))
        .ok_or_else(|| SampleError::UnknownType {
            preset: provider.id.to_owned(),
            event_type: event_type.to_owned(),
            known: if types.is_empty() {
                "none".to_owned()
            } else {
                types
                    .iter()
                    .map(|t| t.event_type)
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        })?;
    Ok(Maker::new(&provider.samples, sample_type, with).make())
}

/// Makes one sample: each placeholder is made once, when first needed, so
/// a value used twice (an order id in the body and a URL) is the same.
struct Maker<'a> {
    catalogue: &'a Catalogue,
    sample_type: &'a SampleType,
    given: &'a [(&'a str, Value)],
    ctx: Ctx,
    made: Vec<(&'a str, Made)>,
    /// Placeholders being made, so a fill that refers to itself ends.
    making: Vec<&'a str>,
    /// Names nothing could fill; the tests require none.
    unresolved: Vec<String>,
}

struct Made {
    json: String,
    text: String,
}

impl<'a> Maker<'a> {
    fn new(catalogue: &'a Catalogue, sample_type: &'a SampleType, with: &'a SampleValues) -> Self {
        Maker {
            catalogue,
            sample_type,
            given: with.values,
            ctx: Ctx::new(with.now_ms, with.seed),
            made: Vec::new(),
            making: Vec::new(),
            unresolved: Vec::new(),
        }
    }

    fn make(self) -> SampleEvent {
        self.make_reporting().0
    }

    /// The sample, the placeholders it used, and those nothing filled.
    fn make_reporting(mut self) -> (SampleEvent, Vec<&'a str>, Vec<String>) {
        // A template file ends with a newline; the body does not.
        let template = self.sample_type.template;
        let template = template.strip_suffix('\n').unwrap_or(template);
        let layout = self.catalogue.layout;
        let body = render_with(
            template,
            &mut |name| self.value(name).map(|made| made.json.clone()),
            layout,
        );
        let event_id = self
            .catalogue
            .event_id
            .and_then(|name| self.value(name).map(|made| made.text.clone()));
        let headers = self
            .catalogue
            .headers
            .iter()
            .map(|(name, parts)| ((*name).to_owned(), self.text(parts)))
            .collect();
        let sample = SampleEvent {
            event_type: self.sample_type.event_type.to_owned(),
            event_id,
            headers,
            body: body.into_bytes(),
        };
        let used = self.made.iter().map(|(name, _)| *name).collect();
        (sample, used, self.unresolved)
    }

    fn value(&mut self, name: &str) -> Option<&Made> {
        let at = match self.made.iter().position(|(n, _)| *n == name) {
            Some(at) => at,
            None => {
                let (name, made) = self.fill(name)?;
                self.made.push((name, made));
                self.made.len() - 1
            }
        };
        Some(&self.made[at].1)
    }

    fn fill(&mut self, name: &str) -> Option<(&'a str, Made)> {
        let event_type = self.sample_type.event_type;
        if name == "event_type" {
            return Some(("event_type", Made::string(event_type.to_owned())));
        }
        if let Some(&(given, ref value)) = self.given.iter().find(|(n, _)| *n == name) {
            let text = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let json = value.to_string();
            return Some((given, Made { json, text }));
        }
        let found = self
            .sample_type
            .fills
            .iter()
            .chain(self.catalogue.fills)
            .find(|(n, _)| *n == name);
        let Some(&(name, fill)) = found else {
            self.unresolved.push(name.to_owned());
            return None;
        };
        if self.making.contains(&name) {
            self.unresolved.push(name.to_owned());
            return None;
        }
        self.making.push(name);
        let made = match fill {
            Fill::Json(parts) => {
                let text = self.text(parts);
                Made {
                    json: text.clone(),
                    text,
                }
            }
            Fill::Text(parts) => Made::string(self.text(parts)),
        };
        self.making.pop();
        Some((name, made))
    }

    fn text(&mut self, parts: &[Part]) -> String {
        let mut out = String::new();
        for part in parts {
            match *part {
                Part::Lit(text) => out.push_str(text),
                Part::Var(name) => match self.value(name) {
                    Some(made) => out.push_str(&made.text),
                    None => out.push_str(&format!("${name}")),
                },
                Part::Head(name, n) => match self.value(name) {
                    Some(made) => out.extend(made.text.chars().take(n)),
                    None => out.push_str(&format!("${name}")),
                },
                Part::Uuid => out.push_str(&self.ctx.rng.uuid()),
                Part::Chars(alphabet, len) => out.push_str(&self.ctx.rng.chars(alphabet, len)),
                Part::Hex(bytes) => out.push_str(&self.ctx.rng.hex(bytes)),
                Part::HexUpper(bytes) => out.push_str(&self.ctx.rng.hex(bytes).to_uppercase()),
                Part::Number(low, high) => {
                    out.push_str(&self.ctx.rng.number(low..=high).to_string())
                }
                Part::Padded(low, high, width) => {
                    let n = self.ctx.rng.number(low..=high);
                    out.push_str(&format!("{n:0width$}"));
                }
                Part::Time(steps, format) => out.push_str(&self.ctx.time(steps, format)),
            }
        }
        out
    }
}

impl Made {
    fn string(text: String) -> Made {
        Made {
            json: js(&text),
            text,
        }
    }
}

/// `text` as a JSON string literal.
fn js(text: &str) -> String {
    Value::String(text.to_owned()).to_string()
}

/// Renders `template` compactly, its placeholders bound to `vars`.
#[cfg(test)]
fn render(template: &str, vars: &[(&str, String)]) -> String {
    render_with(template, &mut |name| bound(vars, name), Layout::Compact)
}

/// Renders `template` keeping its line breaks and indentation.
#[cfg(test)]
fn render_pretty(template: &str, vars: &[(&str, String)]) -> String {
    render_with(template, &mut |name| bound(vars, name), Layout::Pretty)
}

#[cfg(test)]
fn bound(vars: &[(&str, String)], name: &str) -> Option<String> {
    vars.iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.clone())
}

/// Replaces each `$name` outside JSON strings with the JSON text `value`
/// gives for `name`. A placeholder without a value is left as it is: the
/// result is then not JSON, which the tests catch for every sample.
fn render_with(
    template: &str,
    value: &mut dyn FnMut(&str) -> Option<String>,
    layout: Layout,
) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut in_string = false;
    let mut escaped = false;
    let mut resume_at = 0;
    for (i, c) in template.char_indices() {
        if i < resume_at {
            continue;
        }
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '$' => {
                let rest = &template[i + 1..];
                let len = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                match value(&rest[..len]) {
                    Some(json) => {
                        // Values are JSON already; rendering one again only
                        // brings its layout in line with the template's.
                        let json = render_with(&json, &mut |_| None, layout);
                        match layout {
                            Layout::Compact => out.push_str(&json),
                            Layout::Pretty => {
                                let line = &out[out.rfind('\n').map_or(0, |n| n + 1)..];
                                let indent = line.len() - line.trim_start().len();
                                let newline = format!("\n{}", " ".repeat(indent));
                                out.push_str(&json.replace('\n', &newline));
                            }
                        }
                        resume_at = i + 1 + len;
                    }
                    None => out.push(c),
                }
            }
            c if c.is_ascii_whitespace() && layout == Layout::Compact => {}
            c => out.push(c),
        }
    }
    out
}
