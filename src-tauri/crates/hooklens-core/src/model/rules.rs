//! Response rules: an endpoint's answer chosen per request, and what each
//! event was answered.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::HeaderPair;

/// One of an endpoint's response rules. The first enabled rule whose
/// condition matches a stored request answers it; when none does, the
/// endpoint's configured response answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ResponseRule {
    /// Unique within the endpoint; `rule:NAME` finds the events it answered.
    pub name: String,
    #[serde(default = "yes")]
    pub enabled: bool,
    /// In the search language (`type:refund.* header.user-agent:Kustom*`);
    /// empty: every request.
    #[serde(default)]
    pub condition: String,
    /// One answer, or several given in turn (see `sequence`): `503, 503,
    /// 200` answers the first two arrivals 503 and every later one 200.
    pub answers: Vec<RuleAnswer>,
    /// What counts arrivals when there are several answers.
    #[serde(default)]
    pub sequence: SequenceBy,
    /// Answer only this share of the requests that match; the others go on
    /// to the next rule.
    #[serde(default)]
    pub chance: Option<Chance>,
}

fn yes() -> bool {
    true
}

/// What a rule sends back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RuleAnswer {
    #[serde(default = "ok")]
    pub status: u16,
    #[serde(default)]
    pub headers: Vec<HeaderPair>,
    /// Sent as written, or rendered as a template (minijinja) when it holds
    /// `{{` or `{%`: `{{ json.data.order_id }}`, `{{ header["webhook-id"] }}`,
    /// `{{ event.type }}`.
    #[serde(default)]
    pub body: String,
    /// Wait this long after storing, before answering (or closing).
    #[serde(default)]
    pub delay_ms: u32,
    /// Close the connection without an answer (after the delay): the
    /// request is stored, the sender sees its connection drop.
    #[serde(default)]
    pub close: bool,
}

fn ok() -> u16 {
    200
}

/// How the nth answer of a rule with several is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum SequenceBy {
    /// The nth arrival of the same provider event id (a provider's retries
    /// of one event); requests without one count as first arrivals.
    #[default]
    EventId,
    /// The nth request the rule answers, whatever its event.
    Arrival,
}

/// A failure rate that repeats: which matching requests a rule takes is
/// decided from the seed and their count, so the same seed gives the same
/// pattern again (after a reset).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Chance {
    /// 1–100.
    pub percent: u8,
    pub seed: u32,
}

/// What an event was answered, when its endpoint has rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AnswerRecord {
    /// The rule that answered; None: no rule matched and the endpoint's
    /// configured response answered.
    pub rule: Option<String>,
    /// None when the connection was closed without an answer.
    pub status: Option<u16>,
    pub headers: Vec<HeaderPair>,
    /// As sent (a template rendered), cut at 64 KiB for the record.
    pub body: String,
    pub delay_ms: u32,
    pub closed: bool,
    /// Why this answer: "answer 2 of 3, arrival 2 of event evt_1",
    /// "chance 20 % (seed 42): request 7 taken".
    pub why: String,
    /// The template could not be rendered: the answer was a 500 saying so.
    pub template_error: Option<String>,
}
