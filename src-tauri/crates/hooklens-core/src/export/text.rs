//! Text exports: a curl command per event, or each request as raw HTTP/1.1
//! text. Neither carries deliveries (they are what Hooklens sent, not the
//! case); HAR and bundles do.
//!
//! Each event starts with a `###` line naming it, as HTTP-client files
//! (`.http`, REST Client) separate requests:
//!
//! ```text
//! ### Hooklens event 12 · 2024-05-01T10:00:00Z · body 532 bytes
//! ```
//!
//! **curl**: then the command [`crate::detail::curl_command`] gives for the
//! redacted event (comment lines first), and a blank line. That command
//! reads secret-bearing headers from environment variables even when the
//! redaction kept them, so no secret header value is ever in it.
//!
//! **raw**: then the request line with the target as sent and its version,
//! the headers exactly in order (`Name: value`, each line ending CRLF), a
//! blank line, the body's bytes exactly, and a line feed before the next
//! `###` line. The body's length is in the `###` line, so a reader can take
//! exactly that many bytes even when the body holds a `###` line itself.
//! Trailers of a chunked body are not written (the body is stored
//! de-chunked; the headers are still as they arrived).
//!
//! A redacted event's `###` line ends `· redacted: no longer verifies`; a
//! cancelled export ends with a line saying so.

use std::io::{self, Write};

use super::har::NO_LONGER_VERIFIES;
use super::{ExportOutcome, Prepared};
use crate::model::Endpoint;

/// The `###` line of an event.
fn separator(out: &mut dyn Write, p: &Prepared) -> io::Result<()> {
    let d = &p.event.detail;
    let mut line = format!(
        "### Hooklens event {} · {} · body {} bytes",
        d.summary.id,
        super::rfc3339(d.received_at_ns),
        d.body.len()
    );
    if p.event.changed() {
        line.push_str(" · ");
        line.push_str(NO_LONGER_VERIFIES);
    }
    line.push('\n');
    out.write_all(line.as_bytes())
}

pub fn curl(out: &mut dyn Write, p: &Prepared, endpoints: &[Endpoint]) -> io::Result<()> {
    separator(out, p)?;
    let command = crate::detail::curl_command(&p.event.detail, endpoints, None);
    out.write_all(command.as_bytes())?;
    out.write_all(b"\n\n")
}

pub fn raw(out: &mut dyn Write, p: &Prepared) -> io::Result<()> {
    separator(out, p)?;
    let d = &p.event.detail;
    let version = d.http_version.as_deref().unwrap_or("HTTP/1.1");
    write!(
        out,
        "{} {} {version}\r\n",
        d.summary.method,
        d.request_target()
    )?;
    for h in &d.headers {
        out.write_all(h.name.as_bytes())?;
        out.write_all(b": ")?;
        out.write_all(h.bytes())?;
        out.write_all(b"\r\n")?;
    }
    out.write_all(b"\r\n")?;
    out.write_all(&d.body)?;
    out.write_all(b"\n")
}

/// A line after the last event when the export was cancelled.
pub fn end(out: &mut dyn Write, outcome: &ExportOutcome) -> io::Result<()> {
    if outcome.cancelled {
        writeln!(
            out,
            "### Hooklens: export cancelled after {} events",
            outcome.events
        )?;
    }
    Ok(())
}
