//! Import: requests read from a paste or a file (see [`crate::formats`])
//! take the listener's path into the store: routed by path (or into the
//! endpoint chosen), recognised, extracted, numbered as redeliveries,
//! indexed, and judged against the time they arrived when the source says
//! it. They are marked with where they came from, never notify and are
//! never forwarded. A malformed entry is reported with its position and the
//! rest imported; the same import run twice adds nothing.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::formats::bundle::EndpointLine;
use crate::formats::{self, ArrivalFrom, EntryError, Format, Incoming};
use crate::intake::{self, Arrived};
use base64::Engine as _;

use crate::model::{Delivery, DeliveryRun, HeaderView, ImportSource};
use crate::store::{
    EndpointSpec, NewDelivery, NewResponse, NewRun, RecordedRun, Store, StoreError, Submitted,
    normalize_prefix,
};
use crate::wire::StoredHeader;

/// Inserts waiting on the writer at once: enough for its group commits to
/// fill (it takes up to 256 per transaction), few enough that a cancel is
/// heard within one group.
const IN_FLIGHT: usize = 512;
/// Entries read before one query asks which were imported before.
const CHECK_BATCH: usize = 256;
/// Problems listed in the outcome; the rest are counted.
const MAX_PROBLEMS: usize = 100;

/// What to import and how to mark it.
#[derive(Debug, Clone, Default)]
pub struct ImportSpec {
    /// The file's name (not its path), shown beside each event.
    pub file: Option<String>,
    /// What the person importing wants to remember about it.
    pub note: Option<String>,
    /// Import into this endpoint instead of routing by path.
    pub endpoint_id: Option<i64>,
}

/// How far an import got, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportProgress {
    /// Entries read so far, imported or not.
    #[ts(type = "number")]
    pub entries: u64,
    #[ts(type = "number")]
    pub imported: u64,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportOutcome {
    /// The format read.
    pub format: String,
    #[ts(type = "number")]
    pub imported: u64,
    /// Entries an earlier run of this import already brought in.
    #[ts(type = "number")]
    pub duplicates: u64,
    /// Entries that could not be read or stored.
    #[ts(type = "number")]
    pub skipped: u64,
    /// Why each skipped entry was skipped, with its position ("entry 17:
    /// body is not valid base64"), and what was lost from an imported one
    /// (a delivery that could not be restored); the first 100.
    pub problems: Vec<String>,
    /// Deliveries a bundle recorded, restored under their events.
    #[ts(type = "number")]
    pub deliveries: u64,
    /// Imported events that carry a warning (see their detail).
    #[ts(type = "number")]
    pub warned: u64,
    /// Stopped by the user; what was imported before stays.
    pub cancelled: bool,
    /// The first imported event, to show it.
    #[ts(type = "number | null")]
    pub first_id: Option<i64>,
    /// Endpoints a bundle brought that this store did not have, made
    /// without their secrets: "Kustom (/kustom)".
    pub endpoints_added: Vec<String>,
    /// The secrets a bundle's endpoints were verified with, by label, for
    /// the verdicts to hold here: "Kustom (/kustom): production".
    pub secrets_to_add: Vec<String>,
}

impl ImportOutcome {
    /// "412 imported, 3 skipped: entry 17: body is not valid base64".
    pub fn summary(&self) -> String {
        let mut parts = vec![match self.deliveries {
            0 => format!("{} imported", self.imported),
            1 => format!("{} imported with 1 delivery", self.imported),
            n => format!("{} imported with {n} deliveries", self.imported),
        }];
        if self.duplicates > 0 {
            parts.push(format!("{} already imported before", self.duplicates));
        }
        let mut text = parts.join(", ");
        if self.skipped > 0 {
            text.push_str(&format!(", {} skipped", self.skipped));
            if let Some(first) = self.problems.first() {
                text.push_str(&format!(": {first}"));
                if self.skipped > 1 {
                    text.push_str(" …");
                }
            }
        } else if let Some(first) = self.problems.first() {
            text.push_str(&format!("; {first}"));
        }
        if self.cancelled {
            text.push_str(" (cancelled)");
        }
        text
    }

    /// An entry skipped, and why.
    fn problem(&mut self, text: String) {
        self.skipped += 1;
        self.note_problem(text);
    }

    /// Something lost from an entry that was imported.
    fn note_problem(&mut self, text: String) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(text);
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the import stopped: {0}")]
    Stopped(String),
}

/// Imports a source as [`formats::read`] reads it. A bundle's endpoints are
/// matched to this store's by path prefix and made where none has it (name,
/// preset and scheme; a bundle never holds secret values), and its events
/// land on them with their pins.
pub async fn import_source(
    store: &Store,
    format: Format,
    mut reader: formats::Reader<'_>,
    spec: &ImportSpec,
    now_ns: i64,
    cancel: &AtomicBool,
    progress: impl FnMut(ImportProgress),
) -> Result<ImportOutcome, ImportError> {
    let mut outcome = ImportOutcome {
        format: format.as_str().to_owned(),
        ..ImportOutcome::default()
    };
    let endpoints = bundle_endpoints(store, reader.endpoints(), &mut outcome)?;
    run(
        store, format, reader, spec, now_ns, cancel, progress, &endpoints, outcome,
    )
    .await
}

/// Imports every entry `entries` yields, read as `format`. `now_ns` is the
/// arrival of entries whose source does not say when they arrived.
pub async fn import(
    store: &Store,
    format: Format,
    entries: impl Iterator<Item = Result<Incoming, EntryError>>,
    spec: &ImportSpec,
    now_ns: i64,
    cancel: &AtomicBool,
    progress: impl FnMut(ImportProgress),
) -> Result<ImportOutcome, ImportError> {
    let outcome = ImportOutcome {
        format: format.as_str().to_owned(),
        ..ImportOutcome::default()
    };
    run(
        store,
        format,
        entries,
        spec,
        now_ns,
        cancel,
        progress,
        &HashMap::new(),
        outcome,
    )
    .await
}

/// The local endpoint of each of a bundle's endpoints, by the bundle's id.
fn bundle_endpoints(
    store: &Store,
    lines: &[EndpointLine],
    outcome: &mut ImportOutcome,
) -> Result<HashMap<i64, i64>, ImportError> {
    let mut map = HashMap::new();
    for line in lines {
        let prefix = match normalize_prefix(&line.path_prefix) {
            Ok(prefix) => prefix,
            Err(err) => {
                outcome
                    .problems
                    .push(format!("endpoint {}: {err}", line.name));
                continue;
            }
        };
        let named = format!("{} ({})", line.name, prefix);
        let local = match store.endpoints().iter().find(|e| e.path_prefix == prefix) {
            Some(e) => e.id,
            None => {
                let spec = EndpointSpec {
                    name: line.name.clone(),
                    path_prefix: prefix.clone(),
                    preset: line.preset.clone(),
                    response: Default::default(),
                    scheme: line.scheme.clone(),
                    forwards: Vec::new(),
                    rules: Vec::new(),
                };
                match store.add_endpoint(&spec) {
                    Ok(e) => {
                        outcome.endpoints_added.push(named.clone());
                        e.id
                    }
                    // A name taken by another prefix, say: its events are
                    // routed by path instead, and the outcome says why.
                    Err(err) => {
                        outcome
                            .problems
                            .push(format!("endpoint {named} not made: {err}"));
                        continue;
                    }
                }
            }
        };
        for label in &line.secret_labels {
            outcome.secrets_to_add.push(format!("{named}: {label}"));
        }
        map.insert(line.id, local);
    }
    Ok(map)
}

#[allow(clippy::too_many_arguments)]
async fn run(
    store: &Store,
    format: Format,
    entries: impl Iterator<Item = Result<Incoming, EntryError>>,
    spec: &ImportSpec,
    now_ns: i64,
    cancel: &AtomicBool,
    mut progress: impl FnMut(ImportProgress),
    endpoints: &HashMap<i64, i64>,
    mut outcome: ImportOutcome,
) -> Result<ImportOutcome, ImportError> {
    let reader = store.reader()?;
    // The writer commits in the order requests were submitted, so waiting
    // for the oldest first waits no longer than needed.
    let mut in_flight: VecDeque<Pending> = VecDeque::with_capacity(IN_FLIGHT);
    let mut seen = ImportProgress::default();
    let mut entries = entries.peekable();
    let mut batch: Vec<(Incoming, Vec<u8>)> = Vec::with_capacity(CHECK_BATCH);
    while entries.peek().is_some() {
        // Read a batch, so one query tells which were imported before.
        batch.clear();
        while batch.len() < CHECK_BATCH {
            let Some(entry) = entries.next() else { break };
            // Checked after reading, as a cancel may come while an entry is
            // read: that entry is dropped with the rest.
            if cancel.load(Ordering::Relaxed) {
                outcome.cancelled = true;
                break;
            }
            seen.entries += 1;
            match entry {
                Ok(incoming) => {
                    let fingerprint = fingerprint(format, &incoming);
                    batch.push((incoming, fingerprint));
                }
                Err(err) => outcome.problem(err.to_string()),
            }
        }
        let known = reader.imported_among(batch.iter().map(|(_, f)| f.as_slice()))?;
        for (mut incoming, fingerprint) in batch.drain(..) {
            if known.contains(&fingerprint) {
                outcome.duplicates += 1;
                continue;
            }
            if !incoming.warnings.is_empty() {
                outcome.warned += 1;
            }
            let number = incoming.entry;
            let recorded = incoming.recorded.as_deref_mut();
            let pinned = recorded.as_ref().is_some_and(|r| r.pinned);
            let runs = recorded
                .map(|r| std::mem::take(&mut r.runs))
                .unwrap_or_default();
            let recorded = incoming.recorded.as_deref();
            // The endpoint chosen for the import, else the bundle's own.
            let endpoint_id = spec.endpoint_id.or_else(|| {
                recorded
                    .and_then(|r| r.endpoint)
                    .and_then(|id| endpoints.get(&id).copied())
            });
            let mut arrived = arrived(format, incoming, spec, fingerprint, now_ns);
            arrived.endpoint_id = endpoint_id;
            let event = intake::admit(store, arrived);
            // Submitted one after another, so the writer stores entries in
            // the source's order (redeliveries are numbered in it); only the
            // waiting for each commit overlaps.
            let submitted = store.submit(event).await?;
            in_flight.push_back(Pending {
                entry: number,
                pinned,
                runs,
                submitted,
            });
            if in_flight.len() >= IN_FLIGHT
                && let Some(oldest) = in_flight.pop_front()
            {
                settle(store, oldest, &mut outcome, &mut seen).await;
            }
        }
        progress(seen);
        if outcome.cancelled {
            break;
        }
    }
    while let Some(oldest) = in_flight.pop_front() {
        settle(store, oldest, &mut outcome, &mut seen).await;
    }
    progress(seen);
    Ok(outcome)
}

/// A submitted entry, waiting for its commit.
struct Pending {
    entry: u64,
    pinned: bool,
    /// What a bundle recorded as sent from it, to put back under it.
    runs: Vec<DeliveryRun>,
    submitted: Submitted,
}

/// Waits for one entry's commit and counts what it did.
async fn settle(
    store: &Store,
    pending: Pending,
    outcome: &mut ImportOutcome,
    seen: &mut ImportProgress,
) {
    match pending.submitted.committed().await {
        Ok(saved) => {
            outcome.imported += 1;
            seen.imported += 1;
            outcome.first_id = Some(outcome.first_id.map_or(saved.id, |id| id.min(saved.id)));
            if pending.pinned {
                // Pinned events stay pinned; a failure here loses only the pin.
                let _ = store.set_pinned(saved.id, true);
            }
            if !pending.runs.is_empty() {
                restore_runs(store, saved.id, pending.entry, &pending.runs, outcome);
            }
        }
        // The store's unique fingerprint refused it: the same entry twice
        // in one run, or a second import running beside this one. (The
        // writer hands back SQLite's words for a refused row.)
        Err(err) if err.to_string().contains("events.import_fingerprint") => {
            outcome.duplicates += 1;
        }
        Err(err) => outcome.problem(format!("entry {}: not stored: {err}", pending.entry)),
    }
}

/// Puts a bundle's runs back under the imported event `event_id`. The
/// event stays whatever happens here; a run that cannot be restored is a
/// problem of its entry.
fn restore_runs(
    store: &Store,
    event_id: i64,
    entry: u64,
    runs: &[DeliveryRun],
    outcome: &mut ImportOutcome,
) {
    let mut restored = Vec::with_capacity(runs.len());
    for run in runs {
        let attempts: Result<Vec<NewDelivery>, String> =
            run.attempts.iter().map(recorded_delivery).collect();
        match attempts {
            Ok(attempts) => restored.push((
                RecordedRun {
                    run: NewRun {
                        event_id: Some(event_id),
                        kind: run.kind,
                        target: &run.target,
                        pattern: &run.pattern,
                        rule: run.rule.as_deref(),
                    },
                    started_at_ns: run.started_at_ms.saturating_mul(1_000_000),
                    finished_at_ns: run.finished_at_ms.map(|ms| ms.saturating_mul(1_000_000)),
                    outcome: run.outcome.as_deref(),
                },
                attempts,
            )),
            Err(why) => outcome.note_problem(format!(
                "entry {entry}: a delivery to {} was not restored: {why}",
                run.target
            )),
        }
    }
    let count: u64 = restored.iter().map(|(_, a)| a.len() as u64).sum();
    match store.restore_runs(event_id, &restored) {
        Ok(()) => outcome.deliveries += count,
        Err(err) => outcome.note_problem(format!(
            "entry {entry}: its deliveries were not restored: {err}"
        )),
    }
}

/// A delivery as a bundle shows it, as the store records one.
fn recorded_delivery(d: &Delivery) -> Result<NewDelivery, String> {
    let header = |h: &HeaderView| StoredHeader::new(&h.name, h.value.as_bytes());
    let body = |text: &Option<String>, base64: &Option<String>| -> Result<Vec<u8>, String> {
        match (text, base64) {
            (_, Some(b64)) => base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|_| "its body is not valid base64".to_owned()),
            (Some(text), None) => Ok(text.clone().into_bytes()),
            (None, None) => Ok(Vec::new()),
        }
    };
    let response = match &d.response {
        Some(r) => Some(NewResponse {
            status: r.status,
            headers: r.headers.iter().map(header).collect(),
            body: body(&r.body_text, &r.body_base64)?,
            truncated: r.body_truncated,
        }),
        None => None,
    };
    Ok(NewDelivery {
        attempt: d.attempt,
        sent_at_ns: d.sent_at_ms.saturating_mul(1_000_000),
        method: d.method.clone(),
        url: d.url.clone(),
        headers: d.headers.iter().map(header).collect(),
        body: body(&d.body_text, &d.body_base64)?,
        signing: d.signing.clone(),
        response,
        error: d.error.clone(),
        delivered: d.delivered,
        failure: d.failure.clone(),
        duration_us: (d.duration_ms * 1000.0).round() as i64,
    })
}

/// Which words say what time judged the signature's timestamp.
fn arrival_words(from: Option<ArrivalFrom>) -> &'static str {
    match from {
        Some(ArrivalFrom::HarStartedDateTime) => "HAR entry's startedDateTime",
        Some(ArrivalFrom::DateHeader) => "request's Date header",
        Some(ArrivalFrom::Bundle) => "time the bundle recorded",
        None => "time of import",
    }
}

/// The request as the listener would have seen it, marked as imported.
fn arrived(
    format: Format,
    incoming: Incoming,
    spec: &ImportSpec,
    fingerprint: Vec<u8>,
    now_ns: i64,
) -> Arrived {
    let (path, query) = split_target(&incoming.target);
    let recorded = incoming.recorded.as_deref();
    Arrived {
        received_at_ns: incoming.arrived.map_or(now_ns, |a| a.at_ns),
        method: incoming.method,
        path,
        query,
        headers: incoming.headers,
        target: Some(incoming.target),
        http_version: incoming.http_version,
        trailers: recorded.map(|r| r.trailers.clone()).unwrap_or_default(),
        remote_addr: recorded.and_then(|r| r.remote_addr.clone()),
        body: incoming.body,
        endpoint_id: spec.endpoint_id,
        source: Some(ImportSource {
            format: format.as_str().to_owned(),
            file: spec.file.clone(),
            note: spec.note.clone(),
            entry: incoming.entry,
            arrival: arrival_words(incoming.arrived.map(|a| a.from)).to_owned(),
            warnings: incoming.warnings,
            recorded_verdict: recorded.and_then(|r| r.verdict.clone()),
            redactions: recorded.map(|r| r.redactions.clone()).unwrap_or_default(),
        }),
        fingerprint: Some(fingerprint),
        // Bundles do not record how an event came in: an imported event
        // is never marked as tunnelled.
        // A bundle's event keeps how it came through a tunnel: its
        // URL-signed verdicts are judged against that public URL.
        via: recorded.and_then(|r| r.via.clone()),
    }
}

/// Path and query of a request-target as a source wrote it: origin form
/// (`/a/b?x=1`), absolute (`https://host/a/b?x=1`), or anything else taken
/// as a path.
fn split_target(target: &str) -> (String, Option<String>) {
    let origin = if target.starts_with('/') {
        target.to_owned()
    } else if let Ok(url) = url::Url::parse(target)
        && url.has_host()
    {
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        }
    } else {
        format!("/{target}")
    };
    match origin.split_once('?') {
        Some((path, query)) => (path.to_owned(), Some(query.to_owned())),
        None => (origin, None),
    }
}

/// The same entry read again digests the same: its format, the time it
/// arrived (or, without one, its place in the source, so two identical
/// requests pasted together stay two), and the request's exact bytes.
fn fingerprint(format: Format, incoming: &Incoming) -> Vec<u8> {
    let mut digest = Sha256::new();
    let mut part = |bytes: &[u8]| {
        // Length-prefixed, so no two different requests digest alike by
        // moving bytes across a boundary.
        digest.update((bytes.len() as u64).to_le_bytes());
        digest.update(bytes);
    };
    part(format.as_str().as_bytes());
    match incoming.arrived {
        Some(arrival) => part(&arrival.at_ns.to_le_bytes()),
        None => part(&incoming.entry.to_le_bytes()),
    }
    part(incoming.method.as_bytes());
    part(incoming.target.as_bytes());
    for header in &incoming.headers {
        part(header.name.as_bytes());
        part(header.bytes());
    }
    part(&incoming.body);
    digest.finalize().to_vec()
}

#[cfg(test)]
mod tests;
