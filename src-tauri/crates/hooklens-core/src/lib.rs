//! Hooklens core: capture, storage and signature verification of
//! webhooks. It knows nothing about Tauri, windows or notifications; the
//! desktop shell and `hooklens-cli` are thin adapters over this crate.

pub mod api;
pub mod capture;
pub mod config;
pub mod detail;
pub mod export;
pub mod formats;
pub mod import;
pub mod intake;
pub mod model;
pub mod providers;
pub mod query;
pub mod resend;
pub mod rules;
pub mod secret_headers;
pub mod store;
pub mod tunnel;
pub mod verdict;

// The signature engine and what it reads (wire, json) are a crate of their
// own; core modules and the shell reach them through these names.
pub use hooklens_signature as signature;
pub use hooklens_signature::{json, wire};

pub use capture::{CaptureError, Listener};
pub use config::{Config, ConfigError};
pub use model::{AppInfo, ErrorPayload, EventSummary, ListenerState, ListenerStatus};
pub use store::{Store, StoreError};
