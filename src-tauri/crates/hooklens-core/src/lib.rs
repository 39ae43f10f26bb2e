//! Hooklens core: capture, storage and signature verification of
//! webhooks. It knows nothing about Tauri, windows or notifications; the
//! desktop shell and `hooklens-cli` are thin adapters over this crate.

pub mod api;
pub mod bindings;
pub mod capture;
pub mod config;
pub mod inspect;
pub mod json;
pub mod providers;
pub mod query;
pub mod resend;
pub mod secret_headers;
pub mod signature;
pub mod store;
pub mod verification;
pub mod wire;

pub use api::{AppInfo, ErrorPayload, EventSummary, ListenerState, ListenerStatus};
pub use capture::{CaptureError, Listener};
pub use config::{Config, ConfigError};
pub use store::{Store, StoreError};
