//! How each layer's errors reach the UI: as `{kind, message}`, the kind
//! the UI branches on. The domain modules know nothing of this type.

use crate::model::{ErrorKind, ErrorPayload};
use crate::query::QueryError;
use crate::resend::ResendError;
use crate::store::StoreError;

/// How a store error reaches the UI.
impl From<StoreError> for ErrorPayload {
    fn from(err: StoreError) -> Self {
        let kind = match err {
            StoreError::BadCursor(_) => ErrorKind::Internal,
            StoreError::NotFound(_) => ErrorKind::NotFound,
            StoreError::Invalid(_) => ErrorKind::Invalid,
            _ => ErrorKind::Store,
        };
        ErrorPayload::new(kind, err.to_string())
    }
}

impl From<QueryError> for ErrorPayload {
    fn from(err: QueryError) -> Self {
        ErrorPayload::new(ErrorKind::Query, err.message)
    }
}

/// A resend's store and sample errors keep their kinds; the rest failed to send.
impl From<ResendError> for ErrorPayload {
    fn from(err: ResendError) -> Self {
        match err {
            ResendError::Store(e) => e.into(),
            ResendError::Sample(e) => ErrorPayload::new(ErrorKind::NotFound, e.to_string()),
            other => ErrorPayload::new(ErrorKind::Send, other.to_string()),
        }
    }
}
