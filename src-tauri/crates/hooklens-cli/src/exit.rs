//! Exit statuses other than 0 and `verify`'s and `discover`'s 1, in one
//! place because several commands share each (`hooklens-cli --help` lists
//! them all).

/// Every error (clap's usage errors are 2 as well).
pub const ERROR: u8 = 2;

/// A re-verification or a send that Ctrl-C stopped.
pub const INTERRUPTED: u8 = 130;

/// `send` and `trigger` when the last attempt was not a delivery by the
/// provider's rule: answered with a status the provider does not count
/// (Kulmi Pay counts only 200), not answered within its deadline, or not
/// reached at all.
pub const NOT_ACCEPTED: u8 = 1;
