//! HAR 1.2 (<http://www.softwareishard.com/blog/har-12-spec/>), written one
//! entry at a time.
//!
//! Each exported event is an entry: its request as received (method, the
//! absolute URL the sender addressed, version, headers in order, query,
//! body), then one more entry for each delivery sent from it (resend,
//! forward, test), with the request as sent and the response as recorded.
//!
//! What HAR asks for and Hooklens does not have:
//! - the response to a captured request: Hooklens does not record what it
//!   answered (the endpoint's configured response may have changed since,
//!   and a relaying forward answers with the handler's reply), so the
//!   entry's response has status 0, an empty content of type `x-unknown`,
//!   and `_hooklens.note` saying so;
//! - timings of a captured request: 0 (it is stored as a whole); a
//!   delivery's `wait` is its recorded duration;
//! - a delivery that got no answer has status 0 and the error in
//!   `_hooklens.note`.
//!
//! Bodies that are UTF-8 go in `text`; others in base64 with `encoding:
//! "base64"` (HAR 1.2 defines it for response content; browsers and
//! mitmproxy write it on `postData` too). A header value that is not UTF-8
//! is written lossily with its exact bytes in `_base64`.
//!
//! Hooklens's own fields sit under `_hooklens` (extension fields start
//! with `_` in HAR): on each entry the event id, kind, endpoint, provider,
//! scheme, delivery number, recorded verdict and redactions; on the log the
//! redaction rules and whether the export was cancelled.

use std::io::{self, Write};

use base64::Engine as _;
use serde::Serialize;

use super::{ExportOutcome, Prepared, Rules};
use crate::model::{Delivery, DeliveryKind, HeaderView};
use crate::signature::Verdict;
use crate::store::StoredHeader;

/// Said on a redacted event, beside its verdict as recorded.
pub const NO_LONGER_VERIFIES: &str = "redacted: no longer verifies";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Entry<'a> {
    started_date_time: String,
    time: f64,
    request: Request,
    response: Response,
    cache: Empty,
    timings: Timings,
    #[serde(rename = "_hooklens")]
    hooklens: EntryMeta<'a>,
}

#[derive(Serialize)]
struct Empty {}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Request {
    method: String,
    url: String,
    http_version: String,
    cookies: [Empty; 0],
    headers: Vec<NameValue>,
    query_string: Vec<NameValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    post_data: Option<PostData>,
    headers_size: i64,
    body_size: i64,
}

#[derive(Serialize)]
struct NameValue {
    name: String,
    value: String,
    /// The exact bytes of a value that is not UTF-8.
    #[serde(rename = "_base64", skip_serializing_if = "Option::is_none")]
    base64: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PostData {
    mime_type: String,
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    encoding: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Response {
    status: u16,
    status_text: String,
    http_version: String,
    cookies: [Empty; 0],
    headers: Vec<NameValue>,
    content: Content,
    #[serde(rename = "redirectURL")]
    redirect_url: String,
    headers_size: i64,
    body_size: i64,
    #[serde(rename = "_hooklens", skip_serializing_if = "Option::is_none")]
    hooklens: Option<Note>,
}

#[derive(Serialize)]
struct Note {
    note: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Content {
    size: i64,
    mime_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    encoding: Option<&'static str>,
}

#[derive(Serialize)]
struct Timings {
    send: f64,
    wait: f64,
    receive: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EntryMeta<'a> {
    event_id: i64,
    /// `captured`, or the delivery's kind: `resend`, `forward`, `test`.
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    delivery_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    run_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attempt: Option<u32>,
    endpoint: Option<&'a str>,
    endpoint_id: Option<i64>,
    provider: Option<&'a str>,
    scheme: Option<&'a str>,
    /// The nth arrival of the provider's event id (captured entries).
    #[serde(skip_serializing_if = "Option::is_none")]
    delivery: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verdict: Option<&'a Verdict>,
    #[serde(skip_serializing_if = "Option::is_none")]
    diagnosis: Option<&'a str>,
    /// The request was changed by redaction: [`NO_LONGER_VERIFIES`].
    #[serde(skip_serializing_if = "Option::is_none")]
    verification: Option<&'static str>,
    redacted: bool,
    redactions: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pinned: Option<bool>,
    /// A delivery: how it was signed, whether it counted as delivered, why not.
    #[serde(skip_serializing_if = "Option::is_none")]
    signing: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    delivered: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    failure: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogMeta<'a> {
    exported_at: String,
    redaction: Vec<String>,
    events: u64,
    deliveries: u64,
    cancelled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
}

/// Writes a HAR log entry by entry.
#[derive(Default)]
pub struct HarWriter {
    entries: u64,
}

impl HarWriter {
    /// The log's opening, up to its first entry.
    pub fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let creator = serde_json::json!({
            "name": "Hooklens",
            "version": env!("CARGO_PKG_VERSION"),
        });
        write!(
            out,
            "{{\"log\":{{\"version\":\"1.2\",\"creator\":{creator},\"entries\":["
        )
    }

    /// The event's entry, then one per delivery.
    pub fn event(&mut self, out: &mut dyn Write, p: &Prepared) -> io::Result<()> {
        self.entry(out, &captured(p))?;
        for d in &p.deliveries {
            self.entry(out, &delivered(p, d))?;
        }
        Ok(())
    }

    fn entry(&mut self, out: &mut dyn Write, entry: &Entry) -> io::Result<()> {
        out.write_all(if self.entries == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut *out, entry)?;
        self.entries += 1;
        Ok(())
    }

    /// Closes the log, also after a cancel, so the file stays valid JSON.
    pub fn end(
        &mut self,
        out: &mut dyn Write,
        rules: &Rules,
        outcome: &ExportOutcome,
    ) -> io::Result<()> {
        let meta = LogMeta {
            exported_at: super::rfc3339(crate::wire::now_ns()),
            redaction: rules.words(),
            events: outcome.events,
            deliveries: outcome.deliveries,
            cancelled: outcome.cancelled,
            note: outcome
                .cancelled
                .then_some("the export was cancelled: the entries end early"),
        };
        out.write_all(b"\n],\"_hooklens\":")?;
        serde_json::to_writer(&mut *out, &meta)?;
        out.write_all(b"}}\n")
    }
}

fn captured(p: &Prepared) -> Entry<'_> {
    let d = &p.event.detail;
    let url = url_of(&d.headers, &d.request_target());
    let changed = p.event.changed();
    let content_type = crate::wire::header_text(&d.headers, "content-type").unwrap_or("");
    Entry {
        started_date_time: super::rfc3339(d.received_at_ns),
        time: 0.0,
        request: Request {
            method: d.summary.method.clone(),
            query_string: query_of(&url),
            url,
            http_version: d.http_version.clone().unwrap_or_else(|| "HTTP/1.1".into()),
            cookies: [],
            headers: d.headers.iter().map(stored_pair).collect(),
            post_data: post_data(&d.body, content_type),
            headers_size: -1,
            body_size: d.body.len() as i64,
        },
        response: unrecorded(
            "Hooklens does not record the response it gave the sender; status 0 stands for \
             \"not recorded\""
                .into(),
        ),
        cache: Empty {},
        timings: Timings {
            send: 0.0,
            wait: 0.0,
            receive: 0.0,
        },
        hooklens: EntryMeta {
            event_id: d.summary.id,
            kind: "captured",
            delivery_id: None,
            run_id: None,
            attempt: None,
            endpoint: p.endpoint.as_deref(),
            endpoint_id: d.summary.endpoint_id,
            provider: d.summary.provider.as_deref(),
            scheme: p
                .verdict
                .as_ref()
                .and_then(|v| v.scheme.as_deref())
                .or(p.endpoint_scheme.as_deref()),
            delivery: Some(d.summary.delivery),
            verdict: p.verdict.as_ref(),
            diagnosis: p
                .verdict
                .as_ref()
                .and_then(|v| v.diagnosis.as_ref())
                .map(|x| x.message.as_str()),
            verification: changed.then_some(NO_LONGER_VERIFIES),
            redacted: changed,
            redactions: p
                .event
                .items
                .iter()
                .filter(|i| i.delivery_id.is_none())
                .map(|i| i.words())
                .collect(),
            pinned: Some(d.summary.pinned),
            signing: None,
            delivered: None,
            failure: None,
        },
    }
}

/// HAR requires a response; status 0 with `note` stands for one Hooklens
/// did not record.
fn unrecorded(note: String) -> Response {
    Response {
        status: 0,
        status_text: String::new(),
        http_version: String::new(),
        cookies: [],
        headers: Vec::new(),
        content: Content {
            size: 0,
            mime_type: "x-unknown".into(),
            text: None,
            encoding: None,
        },
        redirect_url: String::new(),
        headers_size: -1,
        body_size: -1,
        hooklens: Some(Note { note }),
    }
}

fn delivered<'a>(p: &'a Prepared, d: &'a Delivery) -> Entry<'a> {
    let content_type = view_header(&d.headers, "content-type").unwrap_or_default();
    let body = view_body(&d.body_text, &d.body_base64);
    let response = match &d.response {
        Some(r) => {
            let rbody = view_body(&r.body_text, &r.body_base64);
            let mime = view_header(&r.headers, "content-type").unwrap_or_default();
            let (text, encoding) = body_text(&rbody).map_or((None, None), |(t, e)| (Some(t), e));
            Response {
                status: r.status,
                status_text: r.reason.clone().unwrap_or_default(),
                http_version: "HTTP/1.1".into(),
                cookies: [],
                headers: r.headers.iter().map(view_pair).collect(),
                content: Content {
                    size: rbody.len() as i64,
                    text,
                    encoding,
                    mime_type: mime,
                },
                redirect_url: r.redirect_to.clone().unwrap_or_default(),
                headers_size: -1,
                body_size: rbody.len() as i64,
                hooklens: r.body_truncated.then(|| Note {
                    note: "the handler's body was longer than Hooklens keeps (1 MiB): \
                           the text is its start"
                        .into(),
                }),
            }
        }
        None => unrecorded(match &d.error {
            Some(e) => format!("no response: {}", e.message),
            None => "no response recorded".into(),
        }),
    };
    let items: Vec<String> = p
        .event
        .items
        .iter()
        .filter(|i| i.delivery_id == Some(d.id))
        .map(|i| i.words())
        .collect();
    Entry {
        started_date_time: super::rfc3339(d.sent_at_ms.saturating_mul(1_000_000)),
        time: d.duration_ms,
        request: Request {
            method: d.method.clone(),
            query_string: query_of(&d.url),
            url: d.url.clone(),
            http_version: "HTTP/1.1".into(),
            cookies: [],
            headers: d.headers.iter().map(view_pair).collect(),
            post_data: post_data(&body, &content_type),
            headers_size: -1,
            body_size: body.len() as i64,
        },
        response,
        cache: Empty {},
        timings: Timings {
            send: 0.0,
            wait: d.duration_ms,
            receive: 0.0,
        },
        hooklens: EntryMeta {
            event_id: p.event.detail.summary.id,
            kind: match d.kind {
                DeliveryKind::Resend => "resend",
                DeliveryKind::Forward => "forward",
                DeliveryKind::Test => "test",
            },
            delivery_id: Some(d.id),
            run_id: Some(d.run_id),
            attempt: Some(d.attempt),
            endpoint: p.endpoint.as_deref(),
            endpoint_id: p.event.detail.summary.endpoint_id,
            provider: p.event.detail.summary.provider.as_deref(),
            scheme: None,
            delivery: None,
            verdict: None,
            diagnosis: None,
            verification: None,
            redacted: !items.is_empty(),
            redactions: items,
            pinned: None,
            signing: Some(&d.signing),
            delivered: Some(d.delivered),
            failure: d.failure.as_deref(),
        },
    }
}

/// The URL the sender addressed: an absolute-form target as written, else
/// the forwarded or Host header's authority and the target (as the detail
/// view builds it).
fn url_of(headers: &[StoredHeader], target: &str) -> String {
    let lower = target.get(..8).unwrap_or(target).to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return target.to_owned();
    }
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (target, None),
    };
    // `*` and CONNECT's authority have no path: the authority's root.
    let path = if path.starts_with('/') { path } else { "/" };
    crate::verdict::request_url(headers, path, query)
}

/// The query's parameters, decoded; none when the URL does not parse.
fn query_of(url: &str) -> Vec<NameValue> {
    let Ok(url) = crate::wire::target_url(url) else {
        return Vec::new();
    };
    url.query_pairs()
        .map(|(name, value)| NameValue {
            name: name.into_owned(),
            value: value.into_owned(),
            base64: None,
        })
        .collect()
}

fn stored_pair(h: &StoredHeader) -> NameValue {
    match h.text() {
        Some(text) => NameValue {
            name: h.name.clone(),
            value: text.to_owned(),
            base64: None,
        },
        None => NameValue {
            name: h.name.clone(),
            value: String::from_utf8_lossy(h.bytes()).into_owned(),
            base64: Some(base64::engine::general_purpose::STANDARD.encode(h.bytes())),
        },
    }
}

fn view_pair(h: &HeaderView) -> NameValue {
    NameValue {
        name: h.name.clone(),
        value: h.value.clone(),
        base64: None,
    }
}

fn view_header(headers: &[HeaderView], name: &str) -> Option<String> {
    headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value.clone())
}

fn view_body(text: &Option<String>, base64: &Option<String>) -> Vec<u8> {
    match (text, base64) {
        (Some(t), _) => t.as_bytes().to_vec(),
        (None, Some(b)) => base64::engine::general_purpose::STANDARD
            .decode(b)
            .unwrap_or_default(),
        (None, None) => Vec::new(),
    }
}

/// A body as HAR text: itself when UTF-8, else base64 with its encoding;
/// None when empty.
fn body_text(body: &[u8]) -> Option<(String, Option<&'static str>)> {
    if body.is_empty() {
        return None;
    }
    Some(match std::str::from_utf8(body) {
        Ok(text) => (text.to_owned(), None),
        Err(_) => (
            base64::engine::general_purpose::STANDARD.encode(body),
            Some("base64"),
        ),
    })
}

fn post_data(body: &[u8], content_type: &str) -> Option<PostData> {
    body_text(body).map(|(text, encoding)| PostData {
        mime_type: content_type.to_owned(),
        text,
        encoding,
    })
}
