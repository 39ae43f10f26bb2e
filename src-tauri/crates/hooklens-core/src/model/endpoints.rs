//! Endpoints and what configures them: the response, secrets, forwarding,
//! provider presets, and re-verification's progress.

use super::ResponseRule;
use crate::signature::Scheme;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What the sender of a request gets back from an endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConfiguredResponse {
    pub status: u16,
    pub headers: Vec<HeaderPair>,
    pub body: String,
    /// Wait this long (at most 60 000) after storing, before answering.
    pub delay_ms: u32,
}

impl Default for ConfiguredResponse {
    fn default() -> Self {
        ConfiguredResponse {
            status: 200,
            headers: Vec::new(),
            body: String::new(),
            delay_ms: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HeaderPair {
    pub name: String,
    pub value: String,
}

/// A path prefix with a name, a provider preset and a configured response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    /// `/` for the default endpoint, else e.g. `/kustom`.
    pub path_prefix: String,
    /// Provider preset id; None = detect the provider from each request.
    pub preset: Option<String>,
    pub response: ConfiguredResponse,
    /// Takes every path no other endpoint claims; cannot be removed.
    pub is_default: bool,
    /// The scheme chosen for this endpoint; None: the preset's scheme, or the
    /// one each request's headers suggest.
    pub scheme: Option<Scheme>,
    /// Labels and masked values only: secret values never leave the core
    /// unless explicitly revealed.
    pub secrets: Vec<SecretInfo>,
    /// Where each captured request is passed on, in order; empty: nowhere.
    pub forwards: Vec<ForwardTarget>,
    /// Answers chosen per request, before the configured response.
    pub rules: Vec<ResponseRule>,
    /// Bumped by each reset of the rules' counts: sequences and chances
    /// count from zero again.
    #[ts(type = "number")]
    pub rules_epoch: i64,
}

/// A configured secret as shown: its label and a masked form of its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SecretInfo {
    pub label: String,
    /// e.g. `whsec_…x9Qz`; never more than the prefix and the last 4 chars.
    pub masked: String,
    #[ts(type = "number")]
    pub created_at_ms: i64,
}

/// How many stored events an endpoint has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EndpointCount {
    #[ts(type = "number | null")]
    pub endpoint_id: Option<i64>,
    #[ts(type = "number")]
    pub count: i64,
}

/// A provider preset as the endpoint editor offers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PresetInfo {
    pub id: String,
    pub name: String,
    /// How the provider signs; None when it does not.
    pub scheme: Option<Scheme>,
    /// The construction is not published and `scheme` is an educated guess.
    pub assumed: bool,
    /// What the provider counts as delivered, and how long it waits.
    pub delivery: DeliveryRuleInfo,
}

/// A provider's delivery rule: which answers it counts as delivered and how
/// long it waits for one, each part with whether the provider's
/// documentation states it or Hooklens assumes it, and from what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryRuleInfo {
    /// The preset the rule belongs to (`generic` when no provider is known).
    pub preset: String,
    pub name: String,
    pub success: DeliverySuccess,
    pub success_assumed: bool,
    /// A phrase from the documentation, or what the assumption rests on.
    pub success_source: String,
    /// Seconds the provider waits for the answer.
    pub deadline_s: f64,
    pub deadline_assumed: bool,
    pub deadline_source: String,
    /// E.g. "Kulmi Pay counts only 200 as delivered".
    pub success_words: String,
    /// E.g. "answer within 10 s".
    pub deadline_words: String,
    /// Both in one line, assumed parts marked "(assumed)".
    pub words: String,
}

/// What the user gives to create or change an endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EndpointSpec {
    pub name: String,
    pub path_prefix: String,
    pub preset: Option<String>,
    pub response: ConfiguredResponse,
    /// None: the preset's scheme, or the one each request's headers suggest.
    pub scheme: Option<Scheme>,
    /// Where each captured request is passed on; at most
    /// [`MAX_FORWARD_TARGETS`], at most one of them relaying.
    #[serde(default)]
    pub forwards: Vec<ForwardTarget>,
    #[serde(default)]
    pub rules: Vec<ResponseRule>,
}

/// How far a re-verification is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReverifyProgress {
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

/// What a re-verification did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReverifyOutcome {
    /// Events the run set out to check.
    #[ts(type = "number")]
    pub total: u64,
    #[ts(type = "number")]
    pub checked: u64,
    /// Events whose verdict changed.
    #[ts(type = "number")]
    pub changed: u64,
    /// Stopped by the user; the events checked so far keep their new verdicts.
    pub cancelled: bool,
}

/// Most forward targets one endpoint can have: each matching one is a
/// request per captured request.
pub const MAX_FORWARD_TARGETS: usize = 16;

/// One place an endpoint passes captured requests on to, as they arrive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ForwardTarget {
    /// The handler's URL, e.g. `http://localhost:3000/webhooks`. The
    /// request goes with its method, headers and body as received.
    pub url: String,
    pub mode: ForwardMode,
    /// In the search language (`type:dispute.*`): only requests it matches
    /// are forwarded here. Empty: every request.
    #[serde(default)]
    pub condition: String,
    /// Send to `url` exactly as written. False (the default): the request's
    /// path below the endpoint's prefix and its query string are added to
    /// it (`/kustom/orders?x=1` → `http://localhost:3000/webhooks/orders?x=1`).
    #[serde(default)]
    pub exact_url: bool,
}

impl ForwardTarget {
    /// Every request, to `url` with the path below the prefix kept.
    pub fn new(url: impl Into<String>, mode: ForwardMode) -> Self {
        ForwardTarget {
            url: url.into(),
            mode,
            condition: String::new(),
            exact_url: false,
        }
    }
}

/// Why a forward target's condition does not parse: the search language's
/// message and the culprit's place, in chars (Unicode scalar values) of the
/// text as given, so the editor can underline it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConditionProblem {
    pub message: String,
    pub start: u32,
    pub end: u32,
}

/// What the sender of a forwarded request gets back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ForwardMode {
    /// The endpoint's configured response, at once; the handler's reply is
    /// only recorded.
    #[default]
    Respond,
    /// The handler's own status, headers and body (502 when it cannot be
    /// reached), so the provider sees what the handler said.
    Relay,
}

/// Which answers a provider counts as delivered. Redirects are never
/// followed, so a 3xx is a failure under either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum DeliverySuccess {
    /// Any status from 200 to 299.
    #[serde(rename = "any-2xx")]
    Any2xx,
    /// Exactly 200: 201, 202 and 204 are failures too.
    #[serde(rename = "only-200")]
    Only200,
}

impl DeliverySuccess {
    pub fn accepts(self, status: u16) -> bool {
        match self {
            DeliverySuccess::Any2xx => (200..300).contains(&status),
            DeliverySuccess::Only200 => status == 200,
        }
    }
}
