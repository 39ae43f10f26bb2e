//! How each layer's errors reach the UI: as `{kind, message}`, the kind
//! the UI branches on. The domain modules know nothing of this type.

use crate::export::ExportError;
use crate::import::ImportError;
use crate::model::{ErrorKind, ErrorPayload};
use crate::query::QueryError;
use crate::resend::ResendError;
use crate::store::StoreError;
use crate::tunnel::TunnelError;

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

/// A bad redaction rule is the user's to fix; a file that cannot be written
/// is the machine's.
impl From<ExportError> for ErrorPayload {
    fn from(err: ExportError) -> Self {
        match err {
            ExportError::Store(e) => e.into(),
            ExportError::Redaction(_) => ErrorPayload::new(ErrorKind::Invalid, err.to_string()),
            ExportError::Write(_) => ErrorPayload::new(ErrorKind::Internal, err.to_string()),
        }
    }
}

impl From<ImportError> for ErrorPayload {
    fn from(err: ImportError) -> Self {
        match err {
            ImportError::Store(e) => e.into(),
            other => ErrorPayload::new(ErrorKind::Internal, other.to_string()),
        }
    }
}

/// A tunnel choice or a host key the user must fix is theirs; a known_hosts
/// file that cannot be written is the machine's.
impl From<TunnelError> for ErrorPayload {
    fn from(err: TunnelError) -> Self {
        let kind = match err {
            TunnelError::Store(e) => return e.into(),
            TunnelError::Invalid(_)
            | TunnelError::NoHostKeyPending
            | TunnelError::FingerprintMismatch { .. }
            | TunnelError::Saved(_) => ErrorKind::Invalid,
            TunnelError::Stopped => ErrorKind::NotFound,
            TunnelError::KnownHosts { .. } => ErrorKind::Internal,
        };
        ErrorPayload::new(kind, err.to_string())
    }
}
