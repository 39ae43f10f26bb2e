//! What a redaction is asked to remove ([`Redaction`]), and how each value
//! removed is reported ([`RedactionItem`]): the preview lists these, the
//! export's outcome too, and a bundle or HAR entry carries them in words.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::patterns::PatternKind;

/// What to remove before events leave Hooklens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Redaction {
    /// The secret-bearing headers: Authorization, Proxy-Authorization,
    /// Cookie, Set-Cookie, X-Challenge and the header an endpoint's
    /// shared-secret scheme reads. On unless turned off.
    #[serde(default = "yes")]
    pub default_headers: bool,
    /// More header names (any case) whose values are removed.
    #[serde(default)]
    pub headers: Vec<String>,
    /// JSON paths (`data.customer.email`, `card.*`, `items[*].email`) whose
    /// values become the string `"[REDACTED]"`.
    #[serde(default)]
    pub json_paths: Vec<String>,
    /// Kinds of value removed wherever they appear.
    #[serde(default)]
    pub patterns: Vec<PatternKind>,
}

fn yes() -> bool {
    true
}

impl Default for Redaction {
    fn default() -> Self {
        Redaction {
            default_headers: true,
            headers: Vec::new(),
            json_paths: Vec::new(),
            patterns: Vec::new(),
        }
    }
}

/// Which part of an event (or of a delivery sent from it) held the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RedactedPart {
    /// The request-target (path and query) or, for a delivery, its URL.
    Target,
    Header,
    /// A trailer field after a chunked body.
    Trailer,
    Body,
    /// A header of the handler's answer to a delivery.
    ResponseHeader,
    ResponseBody,
    /// Words Hooklens recorded beside the request (a verdict's reason, how
    /// a delivery was signed, an error, an endpoint's name or labels).
    Details,
}

impl RedactedPart {
    fn words(self) -> &'static str {
        match self {
            RedactedPart::Target => "target",
            RedactedPart::Header => "header",
            RedactedPart::Trailer => "trailer",
            RedactedPart::Body => "body",
            RedactedPart::ResponseHeader => "response header",
            RedactedPart::ResponseBody => "response body",
            RedactedPart::Details => "details",
        }
    }
}

/// Why a value was removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RedactionRule {
    /// A secret-bearing header (on by default).
    SecretHeader,
    /// A header name asked for.
    Header,
    /// A JSON path asked for.
    JsonPath,
    Email,
    CardNumber,
    /// The value of a configured secret (or its base64 or hex form), found
    /// where no other rule removed it. Always on.
    SecretValue,
    /// A value another rule removed, found again elsewhere in the event.
    RedactedValue,
}

/// One value removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RedactionItem {
    #[ts(type = "number")]
    pub event_id: i64,
    /// The delivery (resend, forward, test send) of the event it was in;
    /// None: the event as captured.
    #[ts(type = "number | null")]
    pub delivery_id: Option<i64>,
    pub part: RedactedPart,
    pub rule: RedactionRule,
    /// Where in the part: a header's name, a JSON value's path
    /// (`items[2].email`), `byte 120`, or which detail (`verdict reason`).
    pub place: String,
    /// For matches inside a target, value or body: the byte offset in it as
    /// stored.
    #[ts(type = "number | null")]
    pub offset: Option<u64>,
    /// E.g. "value removed", "email removed".
    pub what: String,
}

impl RedactionItem {
    /// One line for a bundle or a HAR entry: `header Authorization: value removed`.
    pub fn words(&self) -> String {
        format!("{} {}: {}", self.part.words(), self.place, self.what)
    }

    /// Whether it changed the request the verdict was computed on.
    pub fn breaks_verdict(&self) -> bool {
        self.delivery_id.is_none()
            && matches!(
                self.part,
                RedactedPart::Target
                    | RedactedPart::Header
                    | RedactedPart::Trailer
                    | RedactedPart::Body
            )
    }
}
