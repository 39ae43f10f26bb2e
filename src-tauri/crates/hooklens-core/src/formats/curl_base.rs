//! What every part of the curl reader shares: its error, a command as
//! split into words, and bytes shown as text. A leaf, so the parts (words,
//! the cmd form, inputs, forms, the options) import it and not each other
//! in a circle.

use super::{MAX_BODY_BYTES, MAX_HEADERS};

/// One command: its first line, its words, and what its standard input
/// would be when the text gives it (a here-document).
pub(super) struct Command {
    pub line: u64,
    pub words: Result<Vec<Vec<u8>>, String>,
    pub heredoc: Option<Vec<u8>>,
    pub warnings: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub(super) enum CurlError {
    #[error("not a curl command: it starts with `{0}`")]
    NotCurl(String),
    #[error("the curl command has no URL")]
    NoUrl,
    #[error("{0} needs a value")]
    MissingValue(String),
    #[error("unknown curl option {0}")]
    UnknownOption(String),
    #[error("{0} is not supported by the import ({1})")]
    Unsupported(String, &'static str),
    #[error("{0}")]
    File(String),
    #[error("{0}")]
    Caps(String),
    #[error("{0} and {1} cannot be used together (curl refuses both: one request has one body)")]
    Conflict(String, String),
    #[error(transparent)]
    Form(#[from] FormError),
}

/// Parts per form: far past any real form, low enough that a hostile
/// command cannot make one body a million tiny parts.
pub(super) const MAX_FORM_PARTS: usize = 1_000;

#[derive(Debug, thiserror::Error)]
pub(super) enum FormError {
    #[error("{0} {1}: a form field is name=value (curl refuses it too)")]
    NoEquals(String, String),
    #[error("{0} {1}: `type={2}` is not a content type")]
    BadType(String, String, String),
    #[error("{0} {1}: {2} is not read by the import")]
    Unsupported(String, String, &'static str),
    #[error("more than {MAX_FORM_PARTS} form parts; the import reads at most that many")]
    TooManyParts,
    #[error("the multipart body is over {} MB", MAX_BODY_BYTES >> 20)]
    TooLarge,
    #[error("{0} {1}: more than {MAX_HEADERS} headers for one part")]
    TooManyHeaders(String, String),
    #[error("no boundary that is not in the parts was found")]
    NoBoundary,
    #[error(transparent)]
    File(Box<CurlError>),
}

impl From<CurlError> for FormError {
    fn from(error: CurlError) -> Self {
        FormError::File(Box::new(error))
    }
}

pub(super) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
