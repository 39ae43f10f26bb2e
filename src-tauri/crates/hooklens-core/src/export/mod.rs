//! Export: selected events leave Hooklens as a HAR 1.2 file, a case bundle
//! that re-imports byte-exact, curl commands or raw HTTP text, redacted
//! first ([`redact`]).
//!
//! [`export`] streams: it reads one event at a time through a [`Reader`],
//! redacts it, writes it and forgets it, so memory stays that of one event
//! (with its deliveries) plus the list of ids, whatever the count. Setting
//! `cancel` stops between events and still closes the file properly (see
//! [`ExportOutcome::cancelled`]). [`preview`] runs the same redaction
//! without writing, so it lists exactly what an export of the same
//! selection and spec removes.

pub mod bundle;
mod deliveries;
pub mod har;
mod items;
mod jsonpath;
pub mod patterns;
pub mod redact;
mod secrets;
pub mod text;

use std::collections::BTreeSet;
use std::io::{BufWriter, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::{Delivery, DeliveryRun};
use crate::query::Query;
use crate::signature::Verdict;
use crate::store::{Cursor, MAX_PAGE, PageQuery, Reader, Store, StoreError};
pub use jsonpath::{JsonPath, MAX_STEPS as MAX_JSON_PATH_STEPS};
pub use patterns::{PatternKind, REDACTED};
pub use redact::{RedactedEvent, RedactedPart, Redaction, RedactionItem, RedactionRule, Rules};
pub use secrets::SecretFinder;

/// What an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// HAR 1.2, Hooklens fields under `_hooklens` ([`har`]).
    Har,
    /// The Hooklens case bundle, NDJSON ([`crate::formats::bundle`]).
    Bundle,
    /// One curl command per event ([`text`]).
    Curl,
    /// Each request as raw HTTP/1.1 text ([`text`]).
    Raw,
}

impl ExportFormat {
    /// Whether the format carries the deliveries sent from each event.
    pub fn writes_deliveries(self) -> bool {
        matches!(self, ExportFormat::Har | ExportFormat::Bundle)
    }
}

/// How to export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportSpec {
    pub format: ExportFormat,
    #[serde(default)]
    pub redaction: Redaction,
}

/// How far an export (or a preview) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportProgress {
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

/// The most redaction items an outcome or preview lists; the rest are
/// counted (a million redacted events must not become a million-row list
/// crossing to the UI).
pub const MAX_ITEMS: usize = 10_000;

/// What an export did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportOutcome {
    /// Events written.
    #[ts(type = "number")]
    pub events: u64,
    /// Deliveries written (HAR entries or bundle lines after their event).
    #[ts(type = "number")]
    pub deliveries: u64,
    /// Events whose request was changed by redaction: their recorded
    /// verdict no longer holds for what was written.
    #[ts(type = "number")]
    pub redacted_events: u64,
    /// Selected events gone before they were read (removed meanwhile).
    #[ts(type = "number")]
    pub missing: u64,
    /// The values removed, the first 10,000 (`MAX_ITEMS`) of them.
    pub redactions: Vec<RedactionItem>,
    /// Values removed beyond those listed.
    #[ts(type = "number")]
    pub more_redactions: u64,
    /// Stopped by the user. The file is still whole: a HAR is closed (its
    /// `log._hooklens.cancelled` is true), a bundle ends after a complete
    /// line, curl and raw text after a complete event and a line saying so.
    pub cancelled: bool,
}

/// What an export with the same selection and spec would remove.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RedactionPreview {
    #[ts(type = "number")]
    pub events: u64,
    #[ts(type = "number")]
    pub redacted_events: u64,
    /// The values an export would remove, the first 10,000 (`MAX_ITEMS`).
    pub items: Vec<RedactionItem>,
    #[ts(type = "number")]
    pub more: u64,
}

/// Which events to export.
#[derive(Debug, Clone)]
pub enum Selection {
    /// These events, in this order (a repeated id is written once).
    Ids(Vec<i64>),
    /// The events matching a search (and endpoint tab), oldest first, as
    /// they are when the export starts.
    Query {
        query: Query,
        endpoint_id: Option<i64>,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write the export: {0}")]
    Write(#[from] std::io::Error),
    /// The redaction asked for cannot be applied (a bad JSON path or header
    /// name); the message names it.
    #[error("{0}")]
    Redaction(String),
}

/// One event ready for a writer: redacted, with what Hooklens recorded
/// beside it (its words scrubbed the same way).
pub struct Prepared {
    pub event: RedactedEvent,
    /// The verdict as recorded.
    pub verdict: Option<Verdict>,
    /// The endpoint's name, and its scheme's id when it has one.
    pub endpoint: Option<String>,
    pub endpoint_scheme: Option<String>,
    /// The deliveries sent from it, oldest first, redacted; empty for
    /// formats that do not carry them.
    pub deliveries: Vec<Delivery>,
    /// The runs they were attempts of (without their attempts), redacted.
    pub runs: Vec<DeliveryRun>,
}

/// The most send runs of one event an export carries (a run holds its
/// attempts).
const MAX_RUNS: u32 = 10_000;

fn prepare(
    reader: &Reader,
    rules: &Rules,
    id: i64,
    with_deliveries: bool,
) -> Result<Option<Prepared>, ExportError> {
    let detail = match reader.event(id) {
        Ok(detail) => detail,
        Err(StoreError::NotFound(_)) => return Ok(None),
        Err(err) => return Err(err.into()),
    };
    let mut event = rules.event(detail);
    let verdict = event.detail.summary.verdict.clone().map(|mut v| {
        if let Some(reason) = &v.reason {
            v.reason = Some(rules.words_of(&mut event, reason, "verdict reason"));
        }
        if let Some(d) = v.diagnosis.as_mut() {
            d.message = rules.words_of(&mut event, &d.message.clone(), "verdict diagnosis");
        }
        v
    });
    let endpoint = event
        .detail
        .summary
        .endpoint_id
        .and_then(|e| rules.endpoints().iter().find(|x| x.id == e))
        .map(|e| (e.name.clone(), e.scheme.as_ref().map(|s| s.id().to_owned())));
    let (endpoint, endpoint_scheme) = match endpoint {
        Some((name, scheme)) => (
            Some(rules.words_of(&mut event, &name, "endpoint name")),
            scheme,
        ),
        None => (None, None),
    };
    let mut deliveries = Vec::new();
    let mut runs = Vec::new();
    if with_deliveries {
        let mut recorded = reader.runs_of_event(id, MAX_RUNS)?;
        recorded.reverse();
        for mut run in recorded {
            for attempt in std::mem::take(&mut run.attempts) {
                deliveries.push(rules.delivery(&mut event, attempt));
            }
            runs.push(rules.run(&mut event, run));
        }
    }
    Ok(Some(Prepared {
        event,
        verdict,
        endpoint,
        endpoint_scheme,
        deliveries,
        runs,
    }))
}

fn rules_for(store: &Store, redaction: &Redaction) -> Result<Rules, ExportError> {
    let endpoints = store.endpoints();
    let finder = SecretFinder::new(&endpoints, &store.secrets());
    Rules::new(redaction, endpoints, finder).map_err(ExportError::Redaction)
}

/// The selected ids in export order, and the endpoints they refer to when
/// `endpoints` is asked for (a bundle lists them before its events).
fn resolve(
    reader: &Reader,
    selection: &Selection,
    endpoints: bool,
) -> Result<(Vec<i64>, BTreeSet<i64>), ExportError> {
    let mut used = BTreeSet::new();
    match selection {
        Selection::Ids(ids) => {
            let mut seen = std::collections::HashSet::with_capacity(ids.len());
            let ids: Vec<i64> = ids.iter().copied().filter(|id| seen.insert(*id)).collect();
            if endpoints {
                for &id in &ids {
                    match reader.event(id) {
                        Ok(detail) => used.extend(detail.summary.endpoint_id),
                        Err(StoreError::NotFound(_)) => {}
                        Err(err) => return Err(err.into()),
                    }
                }
            }
            Ok((ids, used))
        }
        Selection::Query { query, endpoint_id } => {
            let mut ids = Vec::new();
            let mut before: Option<Cursor> = None;
            loop {
                let page = reader.search_page(&PageQuery {
                    limit: MAX_PAGE,
                    before,
                    after: None,
                    endpoint_id: *endpoint_id,
                    query: query.clone(),
                })?;
                for e in &page.events {
                    ids.push(e.id);
                    used.extend(e.endpoint_id);
                }
                match (page.has_more, page.events.last()) {
                    (true, Some(last)) => before = Some(last.cursor.parse()?),
                    _ => break,
                }
            }
            // Pages are newest first; a file reads best in arrival order.
            ids.reverse();
            Ok((ids, used))
        }
    }
}

/// Reports progress at most every [`crate::verdict::PROGRESS_INTERVAL`],
/// and always the last step.
struct Throttle<F: FnMut(ExportProgress)> {
    report: F,
    last: Option<std::time::Instant>,
}

impl<F: FnMut(ExportProgress)> Throttle<F> {
    fn tell(&mut self, done: u64, total: u64) {
        let due = self
            .last
            .is_none_or(|at| at.elapsed() >= crate::verdict::PROGRESS_INTERVAL);
        if due || done == total {
            self.last = Some(std::time::Instant::now());
            (self.report)(ExportProgress { done, total });
        }
    }
}

/// Keeps the first [`MAX_ITEMS`] items and counts the rest.
fn keep_items(list: &mut Vec<RedactionItem>, more: &mut u64, items: Vec<RedactionItem>) {
    for item in items {
        if list.len() < MAX_ITEMS {
            list.push(item);
        } else {
            *more += 1;
        }
    }
}

/// Writes the `selection` to `out` as `spec` says. Between events it checks
/// `cancel`; `progress` hears how far it got. Nothing is written before
/// the redaction is known to apply.
pub fn export(
    store: &Store,
    selection: &Selection,
    spec: &ExportSpec,
    out: &mut dyn Write,
    cancel: &AtomicBool,
    progress: impl FnMut(ExportProgress),
) -> Result<ExportOutcome, ExportError> {
    let rules = rules_for(store, &spec.redaction)?;
    let reader = store.reader()?;
    let format = spec.format;
    let (ids, used) = resolve(&reader, selection, format == ExportFormat::Bundle)?;
    let total = ids.len() as u64;
    let mut throttle = Throttle {
        report: progress,
        last: None,
    };
    let mut out = BufWriter::with_capacity(64 * 1024, out);
    let mut outcome = ExportOutcome::default();
    let mut har = har::HarWriter::default();
    match format {
        ExportFormat::Har => har.begin(&mut out)?,
        ExportFormat::Bundle => bundle::begin(&mut out, &rules, &used)?,
        ExportFormat::Curl | ExportFormat::Raw => {}
    }
    throttle.tell(0, total);
    for (done, &id) in ids.iter().enumerate() {
        if cancel.load(Ordering::Relaxed) {
            outcome.cancelled = true;
            break;
        }
        let Some(mut p) = prepare(&reader, &rules, id, format.writes_deliveries())? else {
            outcome.missing += 1;
            continue;
        };
        match format {
            ExportFormat::Har => har.event(&mut out, &p)?,
            ExportFormat::Bundle => bundle::event(&mut out, &p)?,
            ExportFormat::Curl => text::curl(&mut out, &p, rules.endpoints())?,
            ExportFormat::Raw => text::raw(&mut out, &p)?,
        }
        outcome.events += 1;
        outcome.deliveries += p.deliveries.len() as u64;
        outcome.redacted_events += u64::from(p.event.changed());
        let items = std::mem::take(&mut p.event.items);
        keep_items(&mut outcome.redactions, &mut outcome.more_redactions, items);
        throttle.tell(done as u64 + 1, total);
    }
    match format {
        ExportFormat::Har => har.end(&mut out, &rules, &outcome)?,
        ExportFormat::Bundle => {}
        ExportFormat::Curl | ExportFormat::Raw => text::end(&mut out, &outcome)?,
    }
    out.flush()?;
    Ok(outcome)
}

/// What [`export`] with the same arguments would remove, without writing.
pub fn preview(
    store: &Store,
    selection: &Selection,
    spec: &ExportSpec,
) -> Result<RedactionPreview, ExportError> {
    let rules = rules_for(store, &spec.redaction)?;
    let reader = store.reader()?;
    let (ids, _) = resolve(&reader, selection, false)?;
    let mut preview = RedactionPreview::default();
    for id in ids {
        let Some(mut p) = prepare(&reader, &rules, id, spec.format.writes_deliveries())? else {
            continue;
        };
        preview.events += 1;
        preview.redacted_events += u64::from(p.event.changed());
        let items = std::mem::take(&mut p.event.items);
        keep_items(&mut preview.items, &mut preview.more, items);
    }
    Ok(preview)
}

/// RFC 3339 in UTC for Unix nanoseconds (the epoch for a time out of range).
pub fn rfc3339(ns: i64) -> String {
    jiff::Timestamp::from_nanosecond(i128::from(ns))
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_string()
}

#[cfg(test)]
mod tests;
