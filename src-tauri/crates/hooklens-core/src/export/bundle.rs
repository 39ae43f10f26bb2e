//! The Hooklens case bundle, written line by line in the shape of
//! [`crate::formats::bundle`]: the header, the endpoints the events refer
//! to (names, presets, schemes and secret labels; never a secret's value),
//! then each event (body base64, so any bytes survive exactly) followed by
//! the deliveries sent from it.
//!
//! A cancelled export ends after the last complete line, which is what a
//! bundle's reader expects of a truncated file; there is no closing line.

use std::collections::BTreeSet;
use std::io::{self, Write};

use base64::Engine as _;

use super::{Prepared, RedactionItem, Rules};
use crate::formats::bundle::{
    DeliveryLine, EndpointLine, EventLine, Header, Line, MAGIC, RunLine, VERSION,
};

fn line(out: &mut dyn Write, line: &Line) -> io::Result<()> {
    serde_json::to_writer(&mut *out, line)?;
    out.write_all(b"\n")
}

/// The header line, then a line for each endpoint of `used` that still
/// exists (events of a removed endpoint refer to none).
pub fn begin(out: &mut dyn Write, rules: &Rules, used: &BTreeSet<i64>) -> io::Result<()> {
    line(
        out,
        &Line::Header(Header {
            format: MAGIC.to_owned(),
            version: VERSION,
            exported_at: super::rfc3339(crate::wire::now_ns()),
            app_version: env!("CARGO_PKG_VERSION").to_owned(),
            redaction: rules.words(),
        }),
    )?;
    for endpoint in rules.endpoints().iter().filter(|e| used.contains(&e.id)) {
        line(
            out,
            &Line::Endpoint(EndpointLine {
                id: endpoint.id,
                name: rules.scrub(&endpoint.name),
                path_prefix: rules.scrub(&endpoint.path_prefix),
                preset: endpoint.preset.clone(),
                scheme: endpoint.scheme.clone(),
                secret_labels: endpoint
                    .secrets
                    .iter()
                    .map(|s| rules.scrub(&s.label))
                    .collect(),
            }),
        )?;
    }
    Ok(())
}

/// The event's line and its deliveries' lines.
pub fn event(out: &mut dyn Write, p: &Prepared) -> io::Result<()> {
    let d = &p.event.detail;
    line(
        out,
        &Line::Event(Box::new(EventLine {
            id: d.summary.id,
            received_at_ns: d.received_at_ns,
            endpoint: d.summary.endpoint_id,
            method: d.summary.method.clone(),
            target: d.request_target(),
            http_version: d.http_version.clone(),
            headers: d.headers.clone(),
            trailers: d.trailers.clone(),
            body_base64: base64::engine::general_purpose::STANDARD.encode(&d.body),
            remote_addr: d.summary.remote_addr.clone(),
            provider: d.summary.provider.clone(),
            verdict: p.verdict.clone(),
            pinned: d.summary.pinned,
            // Only what changed the request: the line's promise is that a
            // non-empty list means the verdict no longer holds.
            redactions: p
                .event
                .items
                .iter()
                .filter(|i| i.breaks_verdict())
                .map(RedactionItem::words)
                .collect(),
            via: d.via.clone(),
        })),
    )?;
    for delivery in &p.deliveries {
        let run = p.runs.iter().find(|r| r.id == delivery.run_id);
        line(
            out,
            &Line::Delivery(Box::new(DeliveryLine {
                event: d.summary.id,
                run: run.map(RunLine::of),
                delivery: delivery.clone(),
            })),
        )?;
    }
    Ok(())
}
