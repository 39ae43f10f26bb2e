//! The search language of the query box and `hooklens-cli events`.
//!
//! Words (all must match) and quoted phrases search the full-text index over
//! path, headers and body; `field:value` filters narrow the result; a leading
//! `-` excludes. A value in quotes is taken literally (no `*` wildcard).
//!
//! Parsing is separate from running: [`parse`] only checks and normalises, the
//! store turns a [`Query`] into SQL with bound parameters (store::search). A
//! query that does not parse is an error with a position, never a different
//! search.

mod matcher;
mod parser;

pub use matcher::{Condition, Subject, endpoint_ids};

pub use parser::parse;

use crate::model::QueryField;
use crate::signature::VerdictStatus;

/// More terms than anyone types; bounds the SQL a query turns into.
pub const MAX_TERMS: usize = 64;

/// Why a query does not parse. `start..end` are offsets in chars (Unicode
/// scalar values, not bytes) into the text given to [`parse`], so a caret
/// can be drawn under the culprit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct QueryError {
    pub message: String,
    pub start: usize,
    pub end: usize,
}

/// A parsed query: every term must hold. Empty matches every event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pub terms: Vec<Term>,
}

impl Query {
    /// Matches every event.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }
}

/// One condition, possibly negated, with where it was written (chars).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub negated: bool,
    pub filter: Filter,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// Words that must appear, in this order, in the path, headers or body
    /// text (a bare word is a one-word phrase). `prefix`: the last word may
    /// continue (`checko*`).
    Text { text: String, prefix: bool },
    /// `type:` event type, exactly or by prefix (`type:dispute.*`).
    Type(TypeMatch),
    /// `provider:` preset id, lowercase.
    Provider(String),
    /// `endpoint:` an endpoint's id, path prefix or name (case-insensitive),
    /// resolved against the endpoints when the query runs.
    Endpoint(String),
    /// `method:` uppercase.
    Method(String),
    /// `path:` a path prefix; `*` matches any run of characters unless
    /// `literal` (the value was quoted).
    Path { value: String, literal: bool },
    /// `status:` the verdict; None: not verified yet (`unverified`).
    Status(Option<VerdictStatus>),
    /// `id:` the provider's event id exactly; `own` is also Hooklens's own
    /// event id when the value is `#123` or all digits.
    Id { value: String, own: Option<i64> },
    /// `merchant:` merchant or account id, exactly.
    Merchant(String),
    /// `header.<name>:` a header named `name` (lowercase; compared without
    /// case) whose value contains `value` without regard to case; None: any
    /// value (`header.x-foo:*`).
    Header { name: String, value: Option<String> },
    /// `json.<path>:` the JSON body's value at `path` equals `value` (numbers
    /// and booleans as written), or with `prefix` starts with it
    /// (`json.data.status:pend*`); None: the path exists (`json.a.b:*`).
    /// All-digit keys index arrays. Keys are as the JSON has them, after the
    /// query's escapes (`json.a\:1:x` is the key `a:1`).
    Json {
        path: Vec<String>,
        value: Option<String>,
        prefix: bool,
    },
    /// `after:` received at or after this time (unix ns).
    After(i64),
    /// `before:` received strictly before this time (unix ns).
    Before(i64),
    /// `dup:` true: redeliveries (delivery > 1); false: first deliveries.
    Dup(bool),
    /// `source:` true: imported events; false: captured by the listener.
    Imported(bool),
    /// `via:` true: came through a tunnel to the tunnel ingress; false:
    /// sent to the listener's local port (imports are neither).
    Tunneled(bool),
    /// `rule:` answered by the response rule of this name (any case).
    Rule(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeMatch {
    Exact(String),
    /// Empty: any event that has a type.
    Prefix(String),
}

/// The status values `status:` accepts, in the order they are suggested.
pub fn status_values() -> Vec<&'static str> {
    VerdictStatus::ALL
        .iter()
        .map(VerdictStatus::as_str)
        .chain([UNVERIFIED])
        .collect()
}

const UNVERIFIED: &str = "unverified";

struct FieldSpec {
    name: &'static str,
    description: &'static str,
    example: &'static str,
}

/// Every field, in the order the autocomplete offers them.
const FIELDS: [FieldSpec; 16] = [
    FieldSpec {
        name: "type",
        description: "Event type as the provider names it; end with * to match a prefix",
        example: "type:dispute.*",
    },
    FieldSpec {
        name: "provider",
        description: "Provider preset that recognised the event",
        example: "provider:kustom",
    },
    FieldSpec {
        name: "endpoint",
        description: "Endpoint by name, path prefix or id",
        example: "endpoint:Kustom",
    },
    FieldSpec {
        name: "method",
        description: "HTTP method",
        example: "method:POST",
    },
    FieldSpec {
        name: "path",
        description: "Request path starting with this; * matches anything",
        example: "path:/kustom/*/orders",
    },
    FieldSpec {
        name: "status",
        description: "Signature verdict; unverified: not checked yet",
        example: "status:invalid",
    },
    FieldSpec {
        name: "id",
        description: "Provider event id; #123 for Hooklens's own event number",
        example: "id:evt_1Nq2",
    },
    FieldSpec {
        name: "merchant",
        description: "Merchant or account id",
        example: "merchant:m_4021",
    },
    FieldSpec {
        name: "header.",
        description: "A header whose value contains the text (any case); * for any value",
        example: "header.user-agent:curl",
    },
    FieldSpec {
        name: "json.",
        description: "The JSON body's value at a dot path; end with * to match a prefix; * alone \
                      when the path exists; \\ before a colon or a dot puts it in a key \
                      (json.a\\:1:x)",
        example: "json.metadata.checkoutId:chk_81",
    },
    FieldSpec {
        name: "after",
        description: "Received on or after a date or time, or within the last 30m, 1h, 2d, 1w",
        example: "after:1h",
    },
    FieldSpec {
        name: "before",
        description: "Received before a date or time (2026-11-20, 2026-11-20T10:00), or longer ago than 30m, 1h, 2d, 1w",
        example: "before:2026-11-20",
    },
    FieldSpec {
        name: "dup",
        description: "yes: redeliveries of a provider event; no: first deliveries",
        example: "dup:yes",
    },
    FieldSpec {
        name: "source",
        description: "import: events brought in from a file or a paste; live: captured by the listener",
        example: "source:import",
    },
    FieldSpec {
        name: "via",
        description: "tunnel: came through the public URL's tunnel; local: sent to the listener's own address",
        example: "via:tunnel",
    },
    FieldSpec {
        name: "rule",
        description: "Answered by the endpoint's response rule of this name",
        example: "rule:fail-refunds",
    },
];

/// Every field with a description and an example. Values are filled for the
/// fields whose values are fixed; the store adds what it has seen
/// (`Reader::query_fields`).
pub fn fields() -> Vec<QueryField> {
    FIELDS
        .iter()
        .map(|f| QueryField {
            name: f.name.to_owned(),
            description: f.description.to_owned(),
            example: f.example.to_owned(),
            values: match f.name {
                "status" => status_values().into_iter().map(String::from).collect(),
                "method" => ["GET", "POST", "PUT", "PATCH", "DELETE"]
                    .map(String::from)
                    .to_vec(),
                "provider" => crate::providers::presets()
                    .iter()
                    .map(|p| p.id.to_owned())
                    .collect(),
                "after" | "before" => ["30m", "1h", "1d", "1w"].map(String::from).to_vec(),
                "dup" => ["yes", "no"].map(String::from).to_vec(),
                "source" => ["import", "live"].map(String::from).to_vec(),
                "via" => ["tunnel", "local"].map(String::from).to_vec(),
                _ => Vec::new(),
            },
        })
        .collect()
}

#[cfg(test)]
mod tests;
