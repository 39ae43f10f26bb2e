//! The error the UI branches on: a kind and a message.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
/// What the UI branches on when a command fails; the message is for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    Config,
    Store,
    Capture,
    NotFound,
    /// The request was refused because a value is not acceptable.
    Invalid,
    /// A send could not be made (the target, the signing, the schedule).
    Send,
    /// A search query that does not parse; the message says where and why.
    Query,
    Internal,
}

/// Every failed command reaches the UI as `{kind, message}`.
#[derive(Debug, Clone, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct ErrorPayload {
    pub kind: ErrorKind,
    pub message: String,
}

impl ErrorPayload {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        ErrorPayload {
            kind,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_serialize_as_kind_and_message() {
        let json =
            serde_json::to_value(ErrorPayload::new(ErrorKind::NotFound, "no event 7")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "not_found", "message": "no event 7"})
        );
    }
}
