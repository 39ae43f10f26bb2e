//! The top of the core: what crosses to the UI beyond the plain types of
//! [`crate::model`]: the list of every transport type the bindings are
//! generated from, and the conversion of every layer's error into the
//! payload the UI branches on. It names types of every layer, so it lives
//! above them all; nothing in the core imports it.

mod bindings;
mod errors;

pub use bindings::typescript_bindings;
