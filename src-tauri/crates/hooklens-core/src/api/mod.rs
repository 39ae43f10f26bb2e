//! The top of the core: what crosses to the UI beyond the plain types of
//! [`crate::model`]: the list of every transport type the bindings are
//! generated from, the lists of presets, schedules and samples the UI
//! offers, and the conversion of every layer's error into the
//! payload the UI branches on. It names types of every layer, so it lives
//! above them all; nothing in the core imports it.

mod bindings;
mod conditions;
mod errors;
mod lists;

pub use bindings::typescript_bindings;
pub use conditions::condition_problem;
pub use lists::{presets, samples, schedules};
