//! The single writer thread: takes requests off a bounded queue, commits
//! them in groups, acknowledges or refuses each, and between groups adds
//! their text to the full-text index, checkpoints the WAL and applies
//! retention.

use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OptionalExtension, params};
use tokio::sync::{broadcast, mpsc, oneshot};

use super::fulltext::{IndexText, body_text, index_batch, index_pending};
use super::{Cursor, NewEvent, Shared, answers, checkpoint, order, retention};
use crate::model::EventSummary;

/// How many acknowledged-but-uncommitted requests may queue before senders
/// wait; bounds memory when the disk is slower than the network.
const WRITE_QUEUE: usize = 1024;
/// The most requests committed in one transaction.
const MAX_GROUP: usize = 256;
/// Retention runs after this many inserts or this much time, whichever first.
pub(super) const RETENTION_EVERY: u64 = 1000;
const RETENTION_INTERVAL: Duration = Duration::from_secs(10);
/// Text waits this long after a burst, or until a batch is full, before it is
/// added to the full-text index.
pub(super) const INDEX_DELAY: Duration = Duration::from_millis(200);
/// A full batch is indexed at once, between groups, while requests queue:
/// at 1,024 that pause set the p99 acknowledgement at c=32 (27 ms against
/// the durable-insert floor's 11); at 512 it is 21 ms for the same work per
/// event. At 256, c=1's p99 went over 1 ms (one pause every 60 ms).
const INDEX_BATCH: usize = 512;
/// The longest an answer record waits for the writer when nothing else
/// wakes it.
const ANSWER_FLUSH: Duration = Duration::from_millis(250);
const INDEX_BATCH_BYTES: usize = 16 * 1024 * 1024;
/// After a failed full-text batch (say, a full disk), the writer tries the
/// waiting text again this often.
const INDEX_RETRY: Duration = Duration::from_secs(5);

/// What the writer inserts: the event with its text forms computed by the
/// caller (on the async workers, in parallel) so the single writer thread
/// only runs SQL.
pub(super) struct WriteJob {
    pub(super) event: NewEvent,
    pub(super) headers_json: String,
    pub(super) trailers_json: Option<String>,
    pub(super) headers_text: String,
    pub(super) refs_json: Option<String>,
    pub(super) verdict_json: Option<String>,
    pub(super) source_json: Option<String>,
    pub(super) via_json: Option<String>,
    pub(super) content_type: Option<String>,
    pub(super) done: oneshot::Sender<Result<EventSummary, String>>,
}

struct Writer {
    /// Shared with [`Store::write`](super::Store::write): one write connection per process.
    conn: Arc<Mutex<Connection>>,
    shared: Weak<Shared>,
    new_events: broadcast::Sender<EventSummary>,
    /// Events in the store, kept here so retention needs no count(*).
    stored: u64,
    since_retention: u64,
    last_retention: Instant,
    /// Stored and acknowledged, not yet in the full-text index.
    unindexed: Vec<IndexText>,
    unindexed_bytes: usize,
    last_indexed: Instant,
    /// A batch failed: the waiting text is read back from `fts_pending`
    /// (every INDEX_RETRY) instead of being kept in memory.
    backlog: bool,
}

/// Starts the writer thread on the process's write connection; returns the
/// queue it takes requests from.
pub(super) fn spawn(
    conn: Arc<Mutex<Connection>>,
    shared: Weak<Shared>,
    new_events: broadcast::Sender<EventSummary>,
    stored: u64,
    backlog: bool,
) -> std::io::Result<mpsc::Sender<WriteJob>> {
    let (jobs, rx) = mpsc::channel(WRITE_QUEUE);
    // Only for waiting on the queue with a deadline (see Writer::run).
    let clock = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    let writer = Writer {
        conn,
        shared,
        new_events,
        stored,
        since_retention: 0,
        last_retention: Instant::now(),
        unindexed: Vec::new(),
        unindexed_bytes: 0,
        last_indexed: Instant::now(),
        backlog,
    };
    std::thread::Builder::new()
        .name("hooklens-writer".into())
        .spawn(move || writer.run(rx, clock))?;
    Ok(jobs)
}

impl Writer {
    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn run(mut self, mut rx: mpsc::Receiver<WriteJob>, clock: tokio::runtime::Runtime) {
        let mut group = Vec::with_capacity(MAX_GROUP);
        loop {
            // With text waiting for the index, wait for the next request only
            // until it is time to index; idle, still wake now and then for
            // answer records queued after the last group (store::answers).
            let indexing = self.backlog || !self.unindexed.is_empty();
            let wait = if self.backlog {
                INDEX_RETRY.saturating_sub(self.last_indexed.elapsed())
            } else if indexing {
                INDEX_DELAY.saturating_sub(self.last_indexed.elapsed())
            } else {
                ANSWER_FLUSH
            };
            let first = match clock.block_on(async { tokio::time::timeout(wait, rx.recv()).await })
            {
                Ok(Some(job)) => job,
                Ok(None) => break,
                Err(_elapsed) => {
                    self.flush_answers();
                    // Only when text waits: indexing restarts its delay.
                    if indexing {
                        self.index_text();
                    }
                    continue;
                }
            };
            group.push(first);
            drain(&mut rx, &mut group);
            // What earlier events were answered rides in this group's
            // transaction: one commit less per group.
            let answered = self.take_answers();
            let committed = commit_group(&mut self.lock(), &group, &answered);
            if committed.is_err() {
                answers::flush(&mut self.lock(), &answered);
            }
            match committed {
                Ok(summaries) => self.acknowledge(group.drain(..).zip(summaries)),
                Err(err) if group.len() > 1 => {
                    // One request (say, a body that no longer fits) must not
                    // cost the others their place: retry each on its own.
                    tracing::warn!(error = %err, requests = group.len(), "group commit failed; storing one by one");
                    for job in group.drain(..) {
                        let one = commit_group(&mut self.lock(), std::slice::from_ref(&job), &[]);
                        match one {
                            Ok(summaries) => self.acknowledge(std::iter::once(job).zip(summaries)),
                            Err(err) => refuse(job, &err),
                        }
                    }
                }
                Err(err) => {
                    for job in group.drain(..) {
                        refuse(job, &err);
                    }
                }
            }
            checkpoint::in_writer(&self.conn);
            if self.unindexed.len() >= INDEX_BATCH || self.unindexed_bytes >= INDEX_BATCH_BYTES {
                self.index_text();
            }
            if self.since_retention >= RETENTION_EVERY
                || self.last_retention.elapsed() >= RETENTION_INTERVAL
            {
                self.retention();
            }
        }
        self.flush_answers();
        self.index_text();
        if self.backlog {
            // Stopping: one more try at everything waiting; what still fails
            // stays in the outbox for the next start.
            let caught_up = index_pending(&mut self.lock(), i64::MAX);
            if let Err(err) = caught_up {
                tracing::error!(error = %err, "event text still waits for the full-text index; it is indexed at the next start");
            }
        }
    }

    fn take_answers(&self) -> Vec<answers::Record> {
        self.shared
            .upgrade()
            .map(|shared| answers::take(&shared))
            .unwrap_or_default()
    }

    /// Writes what earlier events were answered when no group comes to
    /// carry the records.
    fn flush_answers(&mut self) {
        let answered = self.take_answers();
        answers::flush(&mut self.lock(), &answered);
    }

    /// Adds the text of stored events to the full-text index in one
    /// transaction. Batches of hundreds cost FTS5 far less than one small
    /// segment per commit, and keep that work off the acknowledgement path.
    /// A failed batch stays in the outbox (`fts_pending`) and is retried
    /// from there until it succeeds, here or at the next start.
    fn index_text(&mut self) {
        self.last_indexed = Instant::now();
        if self.backlog {
            let caught_up = index_pending(&mut self.lock(), 1);
            match caught_up {
                Ok(true) => {
                    tracing::info!("the full-text index has caught up");
                    self.backlog = false;
                }
                Ok(false) => {}
                Err(err) => {
                    tracing::warn!(error = %err, "event text still cannot be indexed; retrying")
                }
            }
            return;
        }
        if self.unindexed.is_empty() {
            return;
        }
        let batch = std::mem::take(&mut self.unindexed);
        self.unindexed_bytes = 0;
        let indexed = index_batch(&mut self.lock(), &batch);
        if let Err(err) = indexed {
            // The events are stored and their ids wait in the outbox; search
            // misses their words only until a retry succeeds.
            tracing::error!(error = %err, events = batch.len(), "could not index event text; retrying every few seconds");
            self.backlog = true;
        }
    }

    fn acknowledge(&mut self, stored: impl Iterator<Item = (WriteJob, EventSummary)>) {
        for (mut job, summary) in stored {
            // In backlog the outbox is the one list of waiting text.
            if !self.backlog {
                let text = IndexText {
                    id: summary.id,
                    path: job.event.path.clone(),
                    headers: std::mem::take(&mut job.headers_text),
                    body: body_text(&job.event.body).to_owned(),
                };
                self.unindexed_bytes += text.path.len() + text.headers.len() + text.body.len();
                self.unindexed.push(text);
            }
            self.stored += 1;
            self.since_retention += 1;
            // Nobody listening is fine: the UI may not be open.
            let _ = self.new_events.send(summary.clone());
            let _ = job.done.send(Ok(summary));
        }
    }

    /// Removes the oldest unpinned events until the store is within its
    /// limits. Runs between groups, so it never delays an acknowledgement by
    /// more than one chunk.
    fn retention(&mut self) {
        // Index first, so no text of a removed event is indexed afterwards.
        self.index_text();
        self.since_retention = 0;
        self.last_retention = Instant::now();
        let Some(settings) = self
            .shared
            .upgrade()
            .map(|s| *s.settings.read().unwrap_or_else(|e| e.into_inner()))
        else {
            return;
        };
        retention::remove_oldest(&self.conn, &mut self.stored, &settings);
    }
}

fn drain(rx: &mut mpsc::Receiver<WriteJob>, group: &mut Vec<WriteJob>) {
    while group.len() < MAX_GROUP {
        match rx.try_recv() {
            Ok(job) => group.push(job),
            Err(_) => break,
        }
    }
}

fn refuse(job: WriteJob, err: &rusqlite::Error) {
    tracing::error!(error = %err, path = %job.event.path, "could not store a request");
    let _ = job.done.send(Err(err.to_string()));
}

/// One captured event's row. Its program runs once per event, so nothing in
/// it may build a temporary b-tree (store::tests checks its opcodes).
pub(super) const INSERT_EVENT: &str =
    "INSERT INTO events (received_at, endpoint_id, method, path, query, headers, remote_addr,
                         content_type, size, body, provider, event_type, provider_event_id,
                         merchant_id, refs, delivery, verdict, verdict_json, target,
                         http_version, trailers, source, import_fingerprint, via)
     VALUES (?1, (SELECT id FROM endpoints WHERE id = ?2), ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,
             ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)";

/// Stores `group` in one transaction, with the waiting `answered` records
/// under a savepoint: a record that cannot be written is logged and dropped,
/// and never costs a request its place.
fn commit_group(
    conn: &mut Connection,
    group: &[WriteJob],
    answered: &[answers::Record],
) -> Result<Vec<EventSummary>, rusqlite::Error> {
    // IMMEDIATE: the write lock is taken first, waiting out another
    // process's short write (busy timeout). A deferred transaction would read
    // (delivery numbering) and then fail at once to upgrade to a writer.
    let mut tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut summaries = Vec::with_capacity(group.len());
    {
        let mut insert = tx.prepare_cached(INSERT_EVENT)?;
        let mut pending = tx.prepare_cached("INSERT INTO fts_pending (id) VALUES (?1)")?;
        let mut order = order::Keeper::new(&tx)?;
        let mut previous = tx.prepare_cached(
            "SELECT delivery FROM events WHERE provider IS ?1 AND provider_event_id = ?2
             ORDER BY delivery DESC LIMIT 1",
        )?;
        for job in group {
            let e = &job.event;
            let content_type = job.content_type.clone();
            let size = i64::try_from(e.body.len()).unwrap_or(i64::MAX);
            let delivery: i64 = match &e.provider_event_id {
                Some(event_id) => {
                    previous
                        .query_row(params![e.provider, event_id], |r| r.get::<_, i64>(0))
                        .optional()?
                        .unwrap_or(0)
                        + 1
                }
                None => 1,
            };
            insert.execute(params![
                e.received_at_ns,
                e.endpoint_id,
                e.method,
                e.path,
                e.query,
                job.headers_json,
                e.remote_addr,
                content_type,
                size,
                e.body,
                e.provider,
                e.event_type,
                e.provider_event_id,
                e.merchant_id,
                job.refs_json,
                delivery,
                e.verdict.as_ref().map(|v| v.status.as_str()),
                job.verdict_json,
                e.target,
                e.http_version,
                job.trailers_json,
                job.source_json,
                e.fingerprint,
                job.via_json,
            ])?;
            let id = tx.last_insert_rowid();
            pending.execute([id])?;
            order.inserted(&tx, id, e.received_at_ns)?;
            summaries.push(EventSummary {
                id,
                cursor: Cursor {
                    received_at_ns: e.received_at_ns,
                    id,
                }
                .text(),
                received_at_ms: e.received_at_ns / 1_000_000,
                endpoint_id: e.endpoint_id,
                method: e.method.clone(),
                path: e.path.clone(),
                query: e.query.clone(),
                size,
                content_type,
                remote_addr: e.remote_addr.clone(),
                provider: e.provider.clone(),
                event_type: e.event_type.clone(),
                provider_event_id: e.provider_event_id.clone(),
                merchant_id: e.merchant_id.clone(),
                delivery,
                pinned: false,
                verdict: e.verdict.clone(),
                imported: e.source.is_some(),
                tunneled: e.via.is_some(),
            });
        }
        order.finish(&tx)?;
    }
    if !answered.is_empty() {
        let records = tx.savepoint()?;
        match answers::write(&records, answered) {
            Ok(()) => records.commit()?,
            // Dropping the savepoint rolls the records back.
            Err(err) => answers::lost(&err, answered.len()),
        }
    }
    tx.commit()?;
    Ok(summaries)
}
