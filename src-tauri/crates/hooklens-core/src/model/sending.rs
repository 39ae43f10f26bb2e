//! Sending: resends and test events, how they are signed and patterned,
//! and every delivery attempt with its outcome.

use super::endpoints::{DeliveryRuleInfo, HeaderPair};
use super::events::HeaderView;
use crate::signature::Scheme;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How a resend treats signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum SignMode {
    /// New signature headers, timestamp and message id, so the edited
    /// request verifies at the handler.
    #[default]
    Resign,
    /// The headers exactly as given, original signature included.
    Keep,
    /// Signed with the wrong key: a well-formed signature that must be
    /// rejected.
    Missign,
    /// Signed correctly with a timestamp older than the scheme's tolerance:
    /// replay protection must reject it.
    Stale,
}

/// Which endpoint's scheme and secret sign a resend.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Signing {
    pub mode: SignMode,
    /// The endpoint whose scheme and secrets sign; None: the source event's.
    #[ts(type = "number | null")]
    pub endpoint_id: Option<i64>,
    /// The secret to sign with; None: the endpoint's newest.
    pub secret_label: Option<String>,
}

/// How many times, and when, a request is sent.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum Pattern {
    #[default]
    Once,
    /// The same request, with the same event and message id, `count` times
    /// back to back: a duplicate delivery.
    Times { count: u32 },
    /// A provider's retry schedule with its waits divided by `speed`,
    /// stopping at the first delivery by the provider's rule, as the provider
    /// would.
    Schedule { provider: String, speed: f64 },
}

/// A request to send, as the resend editor holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ResendSpec {
    /// The captured event it started from; None for a blank request.
    #[ts(type = "number | null")]
    pub event_id: Option<i64>,
    pub method: String,
    pub url: String,
    /// In order, duplicates kept. Host, Content-Length, Transfer-Encoding and
    /// Connection are set by the transport.
    pub headers: Vec<HeaderPair>,
    /// The body as text (sent as its UTF-8 bytes)…
    pub body_text: Option<String>,
    /// …or as standard base64 for bodies that are not text.
    pub body_base64: Option<String>,
    pub signing: Signing,
    pub pattern: Pattern,
}

/// How a resend would be signed with an endpoint, for the editor to show
/// and to choose its default from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SigningInfo {
    /// The endpoint that signs (the one asked for, else the event's).
    #[ts(type = "number | null")]
    pub endpoint_id: Option<i64>,
    pub scheme: Option<Scheme>,
    /// The provider does not publish the construction.
    pub assumed: bool,
    /// Headers signing writes; the original's of these names are replaced.
    pub headers: Vec<String>,
    /// The scheme signs a timestamp whose age is checked (a stale one can
    /// be tested).
    pub signs_timestamp: bool,
    /// Secret labels, oldest first; the newest signs unless one is chosen.
    pub secret_labels: Vec<String>,
    /// Re-sign when it can, else send the headers as they are.
    pub default_mode: SignMode,
    /// Why it cannot re-sign, in words; None when it can.
    pub problem: Option<String>,
    /// The delivery rule a send judges its attempts by: that of the provider
    /// the request is sent as (the chosen endpoint's preset, else the
    /// event's provider; no provider: any 2xx within 30 s).
    pub delivery: DeliveryRuleInfo,
}

/// Why a delivery got no response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryErrorKind {
    ConnectionRefused,
    Timeout,
    Tls,
    Dns,
    /// The URL cannot be sent to (not http/https, no host, bad header).
    Invalid,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryError {
    pub kind: DeliveryErrorKind,
    /// In words, e.g. "connection refused by 127.0.0.1:3000: nothing is listening there".
    pub message: String,
}

/// What the handler answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryResponse {
    pub status: u16,
    /// The status's standard reason phrase ("Service Unavailable"), if any.
    pub reason: Option<String>,
    pub headers: Vec<HeaderView>,
    pub body_text: Option<String>,
    pub body_base64: Option<String>,
    /// The body was longer than what is kept (1 MiB).
    pub body_truncated: bool,
    /// For a redirect: where it pointed. Redirects are never followed.
    pub redirect_to: Option<String>,
}

/// Who sent a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryKind {
    Resend,
    Forward,
    Test,
}

/// One request Hooklens sent, exactly as sent, and what came back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub run_id: i64,
    /// The captured event it was sent from, if any.
    #[ts(type = "number | null")]
    pub event_id: Option<i64>,
    pub kind: DeliveryKind,
    /// 1 for the first attempt of its run.
    pub attempt: u32,
    #[ts(type = "number")]
    pub sent_at_ms: i64,
    pub method: String,
    pub url: String,
    /// As sent, in order, including those the transport adds (Host,
    /// Content-Length).
    pub headers: Vec<HeaderView>,
    pub body_text: Option<String>,
    pub body_base64: Option<String>,
    /// How it was signed, in words, e.g. "re-signed (standard-webhooks) with
    /// \"current\"" or "not re-signed: the endpoint has no secret".
    pub signing: String,
    pub response: Option<DeliveryResponse>,
    pub error: Option<DeliveryError>,
    /// Delivered by the provider's rule (see the run's `rule`): answered in
    /// time with a status the provider counts as success.
    pub delivered: bool,
    /// Why it is not a delivery, in words, e.g. "Kulmi Pay counts only 200
    /// as delivered; the handler answered 201"; None when delivered.
    pub failure: Option<String>,
    /// From sending the first byte to the end of the response body.
    pub duration_ms: f64,
}

/// One send action (once, N times, a schedule, a forward) and its attempts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryRun {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number | null")]
    pub event_id: Option<i64>,
    pub kind: DeliveryKind,
    pub target: String,
    /// E.g. "once", "3 times", "checkout retry schedule at 600×".
    pub pattern: String,
    /// The delivery rule its attempts were judged by, in words, e.g. "Kulmi
    /// Pay counts only 200 as delivered · answer within 10 s (assumed)";
    /// None for runs recorded before Hooklens judged by provider rules.
    pub rule: Option<String>,
    #[ts(type = "number")]
    pub started_at_ms: i64,
    /// None while it is still running.
    #[ts(type = "number | null")]
    pub finished_at_ms: Option<i64>,
    /// How it ended, in words: "answered 200 on attempt 3", "cancelled
    /// after 2 attempts", "not delivered in 8 attempts".
    pub outcome: Option<String>,
    pub attempts: Vec<Delivery>,
}

/// What a running send reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum SendProgress {
    Started {
        #[ts(type = "number")]
        run_id: i64,
        /// Attempts planned (a schedule may stop sooner).
        planned: u32,
        /// The delivery rule each attempt is judged by.
        rule: DeliveryRuleInfo,
    },
    /// An attempt finished (answered or failed).
    Attempt {
        delivery: Box<Delivery>,
    },
    /// Waiting before the next attempt of a schedule.
    Waiting {
        next_attempt: u32,
        #[ts(type = "number")]
        at_ms: i64,
    },
    Finished {
        run: DeliveryRun,
    },
}

/// A sample a preset can send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SampleInfo {
    pub preset: String,
    pub event_type: String,
    pub description: String,
}

/// A provider's retry schedule, for choosing and previewing a replay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleInfo {
    pub preset: String,
    pub name: String,
    /// Seconds before each retry (the first attempt is immediate).
    pub waits_s: Vec<f64>,
    /// The provider does not publish the exact waits.
    pub assumed: bool,
    /// Where the schedule comes from, in one line.
    pub source: String,
}

/// "Send test event": a fresh sample, signed with an endpoint's secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TestEventSpec {
    pub preset: String,
    pub event_type: String,
    /// Whose scheme and newest secret sign it; None: sent unsigned.
    #[ts(type = "number | null")]
    pub endpoint_id: Option<i64>,
    /// None: Hooklens's own listener, at the endpoint's path.
    pub url: Option<String>,
}
