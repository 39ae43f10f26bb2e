//! Errors of the shell itself. Command errors reach the UI as the core's
//! `ErrorPayload` (`{kind, message}`), so the UI branches on `kind` only.

use hooklens_core::{ConfigError, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("tauri.conf.json describes no window labelled main")]
    NoWindow,
    #[error("cannot open the window: {0}")]
    Window(#[from] tauri::Error),
    #[error("cannot start the thread that opens the store: {0}")]
    Thread(std::io::Error),
}
