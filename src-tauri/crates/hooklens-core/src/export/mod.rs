//! Export: selected events leave Hooklens as a HAR 1.2 file, a case bundle
//! that re-imports byte-exact, curl commands or raw HTTP text, redacted
//! first ([`redact`]).

mod deliveries;
mod items;
mod jsonpath;
pub mod patterns;
pub mod redact;
mod secrets;

pub use jsonpath::{JsonPath, MAX_STEPS as MAX_JSON_PATH_STEPS};
pub use patterns::{PatternKind, REDACTED};
pub use redact::{RedactedEvent, RedactedPart, Redaction, RedactionItem, RedactionRule, Rules};
pub use secrets::SecretFinder;
