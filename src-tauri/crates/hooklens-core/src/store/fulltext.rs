//! The full-text index: what it holds of an event (path, headers with
//! secrets masked, body text), batches added to it, and the outbox
//! (`fts_pending`) of text still waiting for it.

use rusqlite::{Connection, OptionalExtension, params};

use super::{StoreError, StoredHeader, endpoints};
use crate::secret_headers::SecretHeaders;

/// The full-text index covers this much of a textual body.
const FTS_BODY_LIMIT: usize = 1024 * 1024;
/// Text re-read from the database per step when catching up, so a large
/// backlog never holds the write lock for long.
const INDEX_CATCH_UP: i64 = 500;

/// What the full-text index holds of one event.
pub(super) struct IndexText {
    pub(super) id: i64,
    pub(super) path: String,
    pub(super) headers: String,
    pub(super) body: String,
}

/// Adds a batch to the full-text index and clears it from the outbox, in
/// one transaction: either both happen or neither.
pub(super) fn index_batch(conn: &mut Connection, batch: &[IndexText]) -> rusqlite::Result<()> {
    #[cfg(test)]
    if super::tests::index_fails_for(conn.path()) {
        return Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            Some("database or disk is full (test)".into()),
        ));
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    {
        let mut index = tx.prepare_cached(
            "INSERT INTO events_fts (rowid, path, headers, body) VALUES (?1, ?2, ?3, ?4)",
        )?;
        let mut done = tx.prepare_cached("DELETE FROM fts_pending WHERE id = ?1")?;
        for t in batch {
            index.execute(params![t.id, t.path, t.headers, t.body])?;
            done.execute([t.id])?;
        }
    }
    tx.commit()
}

/// Whether event `id`'s text is still waiting for the full-text index.
pub(super) fn text_pending(conn: &Connection, id: i64) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM fts_pending WHERE id = ?1")?
        .query_row([id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// The first event id whose text may not be in the full-text index yet
/// (everything before it is); i64::MAX when nothing is waiting. Every page
/// and count asks, so the statement is compiled once per connection.
pub(super) fn first_pending(conn: &Connection) -> Result<i64, StoreError> {
    let first: Option<i64> = conn
        .prepare_cached("SELECT min(id) FROM fts_pending")?
        .query_row([], |r| r.get(0))?;
    Ok(first.unwrap_or(i64::MAX))
}

/// Indexes waiting text from the outbox, oldest first, in steps of
/// [`INDEX_CATCH_UP`], up to `max_steps` steps. Ok(true) when nothing is
/// left waiting.
pub(super) fn index_pending(conn: &mut Connection, max_steps: i64) -> Result<bool, StoreError> {
    let endpoints = endpoints::list(conn)?;
    for _ in 0..max_steps {
        let batch: Vec<IndexText> = {
            let mut stmt = conn.prepare_cached(
                "SELECT e.id, e.path, e.headers, e.body, e.endpoint_id, e.provider
                 FROM fts_pending p JOIN events e ON e.id = p.id ORDER BY p.id LIMIT ?1",
            )?;
            let rows = stmt.query_map([INDEX_CATCH_UP], |r| {
                let headers: String = r.get(2)?;
                let body: Vec<u8> = r.get(3)?;
                // Written by this store; unreadable headers index as none
                // rather than holding back every later event.
                let headers: Vec<StoredHeader> = serde_json::from_str(&headers).unwrap_or_default();
                let provider: Option<String> = r.get(5)?;
                let secret =
                    SecretHeaders::of_event(&endpoints, r.get(4)?, provider.as_deref(), &headers);
                Ok(IndexText {
                    id: r.get(0)?,
                    path: r.get(1)?,
                    headers: headers_text(&headers, &secret),
                    body: body_text(&body).to_owned(),
                })
            })?;
            rows.collect::<Result<_, _>>()?
        };
        if batch.is_empty() {
            return Ok(true);
        }
        tracing::info!(events = batch.len(), "indexing event text that was waiting");
        index_batch(conn, &batch)?;
    }
    Ok(false)
}

/// What the full-text index holds of the headers: names and values, but
/// only the mask of a secret header's value, so searching for a secret
/// finds nothing.
pub(super) fn headers_text(headers: &[StoredHeader], secret: &SecretHeaders) -> String {
    let mut text = String::new();
    for h in headers {
        text.push_str(&h.name);
        text.push_str(": ");
        match secret.shown(h) {
            Some(masked) => text.push_str(&masked),
            None => text.push_str(&String::from_utf8_lossy(h.bytes())),
        }
        text.push('\n');
    }
    text
}

/// The longest valid UTF-8 prefix of the body, up to the index limit: binary
/// bodies index nothing, text bodies index their text.
pub(super) fn body_text(body: &[u8]) -> &str {
    let head = &body[..body.len().min(FTS_BODY_LIMIT)];
    match std::str::from_utf8(head) {
        Ok(text) => text,
        Err(err) => std::str::from_utf8(&head[..err.valid_up_to()]).unwrap_or_default(),
    }
}
