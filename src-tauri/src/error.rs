//! Errors of the shell itself. Command errors reach the UI as the core's
//! `ErrorPayload` (`{kind, message}`), so the UI branches on `kind` only.

use hooklens_core::{ConfigError, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot start the thread that opens the store: {0}")]
    Thread(std::io::Error),
}
