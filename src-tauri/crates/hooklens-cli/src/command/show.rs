//! `show ID`: one event as it arrived, escaped for the terminal with
//! secret-bearing header values masked, then what was sent from it; or with
//! `--raw` the body's exact bytes, for a file or a pipe.

use std::io::{IsTerminal, Write};

use clap::Args;
use hooklens_core::model::{Endpoint, TunnelArrival};
use hooklens_core::store::{EventDetail, Store, StoredHeader};

use super::{deliveries, rfc3339};
use crate::error::CliError;
use crate::{term, verdicts};

#[derive(Args)]
pub struct ShowArgs {
    id: i64,
    /// Write only the body, byte for byte as received, to a file or a pipe (refused when
    /// stdout is a terminal, where a body's escape sequences would take effect)
    #[arg(long)]
    raw: bool,
    /// Show the values of secret-bearing headers (Authorization, Cookie, X-Challenge, a
    /// shared-secret scheme's header), masked otherwise
    #[arg(long)]
    reveal: bool,
}

pub fn run(args: ShowArgs, store: &Store) -> Result<u8, CliError> {
    let ShowArgs { id, raw, reveal } = args;
    let mut out = std::io::stdout().lock();
    if raw && out.is_terminal() {
        // Exact bytes are for a file or another program; on a terminal a
        // sender's escape sequences would run. Refused before reading, so the
        // answer is the same for every event.
        return Err(CliError::Usage(raw_on_terminal(id)));
    }
    let reader = store.reader()?;
    let event = reader.event(id)?;
    if raw {
        out.write_all(&event.body)?;
        return Ok(0);
    }
    let shown = write_event(&mut out, &event, &store.endpoints(), reveal)?;
    if let Some(answer) = reader.answer_of(id)? {
        writeln!(out, "answered  {}", term::line(&answer_words(&answer)))?;
        writeln!(out)?;
    }
    deliveries::write_summary(&mut out, &reader, id)?;
    out.flush()?;
    if shown.escaped {
        eprintln!(
            "note: control characters are shown escaped (\\x1b, \\u{{9b}}; \\xNN is a byte that \
is not UTF-8); `hooklens-cli show {id} --raw > FILE` writes the body's exact bytes"
        );
    }
    if !shown.masked.is_empty() {
        eprintln!(
            "note: secret-bearing header values are masked ({}); \
`hooklens-cli show {id} --reveal` shows them",
            term::line(&shown.masked.join(", "))
        );
    }
    Ok(0)
}

/// What an endpoint with response rules answered: "rule flaky: 503 after
/// 200 ms (answer 1 of 3, arrival 1 of event r1)".
fn answer_words(a: &hooklens_core::model::AnswerRecord) -> String {
    let by = match &a.rule {
        Some(rule) => format!("rule {rule}"),
        None => "the configured response".to_owned(),
    };
    let what = match a.status {
        Some(status) => status.to_string(),
        None => "closed the connection without answering".to_owned(),
    };
    let mut words = format!("{by}: {what}");
    if a.delay_ms > 0 {
        words.push_str(&format!(" after {} ms", a.delay_ms));
    }
    if a.rule.is_some() && !a.why.is_empty() {
        words.push_str(&format!(" ({})", a.why));
    }
    if let Some(err) = &a.template_error {
        words.push_str(&format!("; its template failed: {err}"));
    }
    words
}

/// Why `show --raw` does not write to a terminal, and what to do instead.
fn raw_on_terminal(id: i64) -> String {
    format!(
        "show --raw writes the body's exact bytes, and stdout is a terminal, where escape \
sequences in a body would take effect (retitle the window, clear the screen, rewrite lines). \
Redirect it to a file or a pipe: `hooklens-cli show {id} --raw > body.bin`, `... | xxd`, \
`... | jq .`; or leave out --raw to see the body with control characters escaped"
    )
}

/// How a tunnelled event came in, in words: "the cloudflared tunnel at
/// https://…; original client 203.0.113.7 (Cf-Connecting-Ip)".
fn tunnel_words(via: &TunnelArrival) -> String {
    let tunnel = match &via.public_url {
        Some(url) => format!("the {} tunnel at {url}", via.kind),
        None => format!("the {} tunnel (its public URL was not known yet)", via.kind),
    };
    let client = match (&via.client_addr, &via.client_header) {
        (Some(addr), Some(header)) if via.client_vouched => {
            format!("original client {addr} ({header})")
        }
        (Some(addr), Some(header)) => {
            format!("original client {addr} ({header}, as the request claims)")
        }
        (Some(addr), None) => format!("original client {addr}"),
        (None, _) => "no original client address passed on".to_owned(),
    };
    format!("{tunnel}; {client}")
}

/// What `show ID` left out, so the caller can say how to get it.
struct Shown {
    /// Something was escaped (the exact bytes need `--raw`).
    escaped: bool,
    /// The names of the headers whose values were masked.
    masked: Vec<String>,
}

/// Secret-bearing header values masked unless `reveal`.
fn write_event(
    out: &mut impl Write,
    event: &EventDetail,
    endpoints: &[Endpoint],
    reveal: bool,
) -> std::io::Result<Shown> {
    let t = term::Tracker::default();
    let e = &event.summary;
    let found = e
        .endpoint_id
        .and_then(|id| endpoints.iter().find(|x| x.id == id));
    let endpoint = found.map_or("(removed endpoint)", |x| x.name.as_str());
    writeln!(out, "event     {}", e.id)?;
    writeln!(out, "received  {}", rfc3339(event.received_at_ns))?;
    writeln!(out, "endpoint  {}", t.line(endpoint))?;
    writeln!(
        out,
        "request   {} {}{}",
        t.line(&e.method),
        t.line(&event.request_target()),
        event
            .http_version
            .as_deref()
            .map(|v| format!(" {}", t.line(v)))
            .unwrap_or_default()
    )?;
    writeln!(
        out,
        "from      {}",
        t.line(e.remote_addr.as_deref().unwrap_or("-"))
    )?;
    if let Some(source) = &event.source {
        let format = hooklens_core::formats::Format::ALL
            .iter()
            .find(|f| f.as_str() == source.format)
            .map_or(source.format.as_str(), |f| f.name());
        let from = match &source.file {
            Some(file) => format!("{} ({format}, entry {})", t.line(file), source.entry),
            None => format!("pasted {format}, entry {}", source.entry),
        };
        writeln!(
            out,
            "imported  {from}; timestamps judged against the {}",
            t.line(&source.arrival)
        )?;
        if let Some(note) = &source.note {
            writeln!(out, "note      {}", t.line(note))?;
        }
        for warning in &source.warnings {
            writeln!(out, "warning   {}", t.line(warning))?;
        }
        if let Some(recorded) = &source.recorded_verdict {
            writeln!(
                out,
                "exported  with the verdict {} (judged where it was captured)",
                verdicts::short(Some(recorded))
            )?;
        }
        for redaction in &source.redactions {
            writeln!(
                out,
                "redacted  {} (before export: the request is not the one judged there)",
                t.line(redaction)
            )?;
        }
    }
    if let Some(via) = &event.via {
        writeln!(out, "via       {}", t.line(&tunnel_words(via)))?;
    }
    if let Some(p) = &e.provider {
        writeln!(out, "provider  {}", t.line(p))?;
    }
    if let Some(ty) = &e.event_type {
        writeln!(out, "type      {}", t.line(ty))?;
    }
    if let Some(id) = &e.provider_event_id {
        writeln!(out, "event id  {} (delivery {})", t.line(id), e.delivery)?;
    }
    if let Some(m) = &e.merchant_id {
        writeln!(out, "merchant  {}", t.line(m))?;
    }
    for (label, value) in &event.refs {
        writeln!(out, "{:<9} {}", t.line(label), t.line(value))?;
    }
    writeln!(out, "size      {} bytes", e.size)?;
    let scheme_name = e
        .verdict
        .as_ref()
        .and_then(|v| verdicts::scheme_name(v, found, e.provider.as_deref(), &event.headers));
    verdicts::write_block(out, e.verdict.as_ref(), scheme_name, found)?;
    writeln!(out)?;
    let secret = hooklens_core::detail::secret_headers(event, endpoints);
    let mut masked = Vec::new();
    // Trailers follow the same rule: a credential may travel in either.
    let field_value =
        |h: &StoredHeader, masked: &mut Vec<String>| match secret.shown(h).filter(|_| !reveal) {
            Some(mask) => {
                if !masked
                    .iter()
                    .any(|m: &String| m.eq_ignore_ascii_case(&h.name))
                {
                    masked.push(h.name.clone());
                }
                mask
            }
            None => t.bytes(h.bytes(), term::Layout::Line).into_owned(),
        };
    for h in &event.headers {
        let value = field_value(h, &mut masked);
        writeln!(out, "{}: {value}", t.line(&h.name))?;
    }
    writeln!(out)?;
    match std::str::from_utf8(&event.body) {
        Ok(text) => {
            // Line feeds and tabs are the body's layout; anything else that
            // would drive the terminal is shown escaped.
            let shown = t.bytes(text.as_bytes(), term::Layout::Block);
            out.write_all(shown.as_bytes())?;
            if !text.ends_with('\n') && !text.is_empty() {
                writeln!(out)?;
            }
        }
        Err(_) => writeln!(
            out,
            "(binary body, {} bytes: `hooklens-cli show {} --raw > FILE` writes it exactly)",
            event.body.len(),
            e.id
        )?,
    }
    if !event.trailers.is_empty() {
        writeln!(out)?;
        writeln!(out, "trailers (sent after the chunked body)")?;
        for h in &event.trailers {
            let value = field_value(h, &mut masked);
            writeln!(out, "{}: {value}", t.line(&h.name))?;
        }
    }
    Ok(Shown {
        escaped: t.escaped(),
        masked,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use hooklens_core::model::EventSummary;

    fn tunnelled(via: TunnelArrival) -> EventDetail {
        EventDetail {
            summary: EventSummary {
                id: 7,
                cursor: "1:7".into(),
                received_at_ms: 1,
                endpoint_id: None,
                method: "POST".into(),
                path: "/twilio/sms".into(),
                query: None,
                size: 2,
                content_type: None,
                remote_addr: Some("127.0.0.1:50000".into()),
                provider: None,
                event_type: None,
                provider_event_id: None,
                merchant_id: None,
                delivery: 1,
                pinned: false,
                verdict: None,
                imported: false,
                tunneled: true,
            },
            received_at_ns: 1_000_000,
            headers: Vec::new(),
            target: None,
            http_version: None,
            trailers: Vec::new(),
            body: b"{}".to_vec(),
            refs: Vec::new(),
            source: None,
            via: Some(via),
        }
    }

    fn shown(event: &EventDetail) -> String {
        let mut out = Vec::new();
        write_event(&mut out, event, &[], false).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn show_says_which_tunnel_brought_an_event_and_from_whom() {
        let text = shown(&tunnelled(TunnelArrival {
            kind: "cloudflared".into(),
            public_url: Some("https://abc.trycloudflare.com".into()),
            client_addr: Some("203.0.113.7".into()),
            client_header: Some("Cf-Connecting-Ip".into()),
            client_vouched: true,
        }));
        assert!(
            text.contains(
                "via       the cloudflared tunnel at https://abc.trycloudflare.com; \
                 original client 203.0.113.7 (Cf-Connecting-Ip)\n"
            ),
            "{text}"
        );
        let text = shown(&tunnelled(TunnelArrival {
            kind: "ssh".into(),
            public_url: None,
            client_addr: Some("198.51.100.1".into()),
            client_header: Some("X-Forwarded-For".into()),
            client_vouched: false,
        }));
        assert!(
            text.contains(
                "via       the ssh tunnel (its public URL was not known yet); original client \
                 198.51.100.1 (X-Forwarded-For, as the request claims)\n"
            ),
            "{text}"
        );
        let mut local = tunnelled(TunnelArrival {
            kind: "ngrok".into(),
            public_url: None,
            client_addr: None,
            client_header: None,
            client_vouched: false,
        });
        assert!(shown(&local).contains("no original client address passed on"));
        local.via = None;
        assert!(!shown(&local).contains("via "));
    }
}
