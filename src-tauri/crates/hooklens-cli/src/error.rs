//! The one error type of every command; `main` prints it and exits with
//! [`crate::exit::ERROR`].

use hooklens_core::providers::samples::SampleError;
use hooklens_core::signature::SignError;

use crate::term;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Config(#[from] hooklens_core::ConfigError),
    #[error(transparent)]
    Store(#[from] hooklens_core::StoreError),
    #[error(transparent)]
    Capture(#[from] hooklens_core::CaptureError),
    #[error("cannot sign: {0}")]
    Sign(#[from] SignError),
    #[error("cannot read input or write output: {0}")]
    Output(#[from] std::io::Error),
    #[error("cannot encode output: {0}")]
    Json(#[from] serde_json::Error),
    #[error("cannot read {path}: {source}")]
    ReadFile {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Send(#[from] hooklens_core::resend::ResendError),
    #[error(transparent)]
    Sample(#[from] SampleError),
    #[error(transparent)]
    Import(#[from] hooklens_core::import::ImportError),
    #[error(transparent)]
    Export(#[from] hooklens_core::export::ExportError),
    #[error("cannot write to {path}: {source}")]
    WriteFile {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Usage(String),
    #[error("{}", query_error(.text, .error))]
    Query {
        text: String,
        error: hooklens_core::query::QueryError,
    },
}

/// The message, then the query with the culprit underlined.
fn query_error(text: &str, error: &hooklens_core::query::QueryError) -> String {
    let (start, end) = (error.start, error.end.max(error.start + 1));
    // The caret counts chars, so each control character becomes one space
    // rather than a longer escape: the query still lines up with it.
    let shown: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    format!(
        "{}\n  {}\n  {}{}",
        term::line(&error.message),
        shown,
        " ".repeat(start),
        "^".repeat(end - start)
    )
}
