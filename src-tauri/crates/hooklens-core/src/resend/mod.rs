//! Sending: resends of captured events (edited, re-signed, duplicated, on a
//! provider's retry schedule, shuffled), forwarding as requests arrive, and
//! test events. Every request sent is recorded with its reply.

mod cancel;
pub mod client;
mod compose;
mod exchange;
mod forward;
mod judge;
mod prepare;
mod run;

use reqwest::Url;

pub use cancel::Cancel;
pub use client::{Attempted, Client, Outgoing};
pub use compose::forward_url;
pub use forward::{FORWARDED_HEADER, Stored, was_forwarded};
pub use judge::delivery_preset;
pub use prepare::{Draft, default_sign_mode, fresh_id, signing_info, signing_scheme};
pub use run::Sender;

use crate::providers::samples::SampleError;
use crate::store::StoreError;

/// At most this many copies in one duplicate delivery.
pub const MAX_TIMES: u32 = 100;
/// A compressed schedule runs between real time and a million times faster.
pub const MIN_SPEED: f64 = 1.0;
pub const MAX_SPEED: f64 = 1_000_000.0;

#[derive(Debug, thiserror::Error)]
pub enum ResendError {
    #[error("{0}")]
    Target(String),
    #[error("{0}")]
    Signing(String),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Sample(#[from] SampleError),
    #[error("the HTTP client cannot start: {0}")]
    Client(String),
}

/// A URL requests can be sent to: http or https with a host.
pub fn target_url(raw: &str) -> Result<Url, ResendError> {
    crate::wire::target_url(raw).map_err(ResendError::Target)
}
