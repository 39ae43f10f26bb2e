//! What each event of an endpoint with response rules was answered. The
//! record is decided just after the event commits (the rule may read its
//! verdict and delivery number), queued here, and written by the writer
//! thread after each group's acknowledgements (or when idle), all waiting
//! records in one transaction: the single writer, no transaction per
//! request, and no sender waits on them.

use rusqlite::{Connection, OptionalExtension, params};

use super::{Reader, Shared, Store, StoreError};
use crate::model::AnswerRecord;

/// Records waiting for the writer; past this the oldest are dropped (and
/// said so) rather than grow without bound while the disk stalls.
const MAX_WAITING: usize = 10_000;

#[derive(Default)]
pub(super) struct Waiting {
    records: std::sync::Mutex<Vec<(i64, Option<String>, String)>>,
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

/// Writes every waiting record in one transaction (the writer thread).
/// An event already removed by retention is skipped.
pub(super) fn flush(conn: &mut Connection, shared: &Shared) {
    let batch = std::mem::take(
        &mut *shared
            .answers
            .records
            .lock()
            .unwrap_or_else(|e| e.into_inner()),
    );
    if batch.is_empty() {
        return;
    }
    let written = (|| -> rusqlite::Result<()> {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT OR REPLACE INTO event_answers (event_id, rule, answer)
                 SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM events WHERE id = ?1)",
            )?;
            for (id, rule, json) in &batch {
                insert.execute(params![id, rule, json])?;
            }
        }
        tx.commit()
    })();
    if let Err(err) = written {
        // The events are stored; only the note of their answers is lost.
        tracing::warn!(error = %err, records = batch.len(), "could not record what events were answered");
    }
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
