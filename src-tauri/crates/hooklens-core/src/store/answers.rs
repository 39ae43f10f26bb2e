//! What each event of an endpoint with response rules was answered. The
//! record is decided just after the event commits (the rule may read its
//! verdict and delivery number), queued here, and written by the writer
//! thread in the next group's transaction (or in one of their own when
//! idle): the single writer, no transaction per request or per group of
//! records.

use rusqlite::{Connection, OptionalExtension, params};

use super::{Reader, Shared, Store, StoreError};
use crate::model::AnswerRecord;

/// Records waiting for the writer; past this the oldest are dropped (and
/// said so) rather than grow without bound while the disk stalls.
const MAX_WAITING: usize = 10_000;

/// An event's id, the rule that answered it, and the record as JSON.
pub(super) type Record = (i64, Option<String>, String);

#[derive(Default)]
pub(super) struct Waiting {
    records: std::sync::Mutex<Vec<Record>>,
}

impl Store {
    /// Queues what event `event_id` was answered; the writer stores it
    /// shortly (at its next group or within its index delay).
    pub fn record_answer(&self, event_id: i64, record: &AnswerRecord) {
        let json = match serde_json::to_string(record) {
            Ok(json) => json,
            Err(err) => {
                tracing::warn!(event = event_id, error = %err, "cannot encode what an event was answered");
                return;
            }
        };
        let mut waiting = self
            .shared
            .answers
            .records
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if waiting.len() >= MAX_WAITING {
            waiting.remove(0);
            tracing::warn!("too many answer records waiting to be written; the oldest was dropped");
        }
        waiting.push((event_id, record.rule.clone(), json));
    }
}

/// Takes every waiting record, for the writer to write.
pub(super) fn take(shared: &Shared) -> Vec<Record> {
    std::mem::take(
        &mut *shared
            .answers
            .records
            .lock()
            .unwrap_or_else(|e| e.into_inner()),
    )
}

/// Writes `batch` in the caller's transaction. An event already removed by
/// retention is skipped: the record's foreign key finds it gone, and that
/// one statement fails alone. (The writer's connection enforces foreign
/// keys; checking the event beforehand as well looked it up twice.)
pub(super) fn write(conn: &Connection, batch: &[Record]) -> rusqlite::Result<()> {
    let mut insert = conn.prepare_cached(
        "INSERT INTO event_answers (event_id, rule, answer) VALUES (?1, ?2, ?3)
         ON CONFLICT (event_id) DO UPDATE SET rule = excluded.rule, answer = excluded.answer",
    )?;
    for (id, rule, json) in batch {
        match insert.execute(params![id, rule, json]) {
            Ok(_) => {}
            Err(rusqlite::Error::SqliteFailure(err, _))
                if err.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY => {}
            Err(err) => return Err(err),
        }
    }
    Ok(())
}

/// Writes `batch` in a transaction of its own (the writer when idle, or
/// after a group that could not be committed).
pub(super) fn flush(conn: &mut Connection, batch: &[Record]) {
    if batch.is_empty() {
        return;
    }
    let written = (|| -> rusqlite::Result<()> {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        write(&tx, batch)?;
        tx.commit()
    })();
    if let Err(err) = written {
        lost(&err, batch.len());
    }
}

/// The events are stored; only the note of their answers is lost.
pub(super) fn lost(err: &rusqlite::Error, records: usize) {
    tracing::warn!(error = %err, records, "could not record what events were answered");
}

impl Reader {
    pub fn answer_of(&self, event_id: i64) -> Result<Option<AnswerRecord>, StoreError> {
        answer_of(&self.conn, event_id)
    }
}

pub(super) fn answer_of(
    conn: &Connection,
    event_id: i64,
) -> Result<Option<AnswerRecord>, StoreError> {
    let json: Option<String> = conn
        .prepare_cached("SELECT answer FROM event_answers WHERE event_id = ?1")?
        .query_row([event_id], |r| r.get(0))
        .optional()?;
    Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
}
