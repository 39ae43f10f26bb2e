//! Transport types: what crosses the IPC boundary to the UI. Each derives its
//! TypeScript twin (ts-rs); the bindings module lists them for
//! `ui/src/ipc/bindings.gen.ts`, and `make test` fails when that file drifts.

mod endpoints;
mod errors;
mod events;
mod rules;
mod sending;
mod tunnel;

pub use endpoints::*;
pub use errors::*;
pub use events::*;
pub use rules::*;
pub use sending::*;
pub use tunnel::*;
