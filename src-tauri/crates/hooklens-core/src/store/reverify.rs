//! Re-verification: after an endpoint's scheme or secrets change, its stored
//! events get fresh verdicts, in place, in short batches so capture keeps
//! committing in between.

use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::{Connection, params};

use super::Secrets;
use super::connection::read_only_connection;
use super::fulltext::{IndexText, body_text, headers_text};
use super::watch::bump_revision;
use super::{Store, StoreError, StoredHeader, endpoints, secrets_by_endpoint};
use crate::model::{Endpoint, ReverifyOutcome, ReverifyProgress};
use crate::secret_headers::SecretHeaders;
use crate::signature::Verdict;
use crate::wire::Subject;

/// Events per transaction: small enough that the capture writer waits at
/// most a few milliseconds for the database.
const BATCH: i64 = 256;

struct Row {
    id: i64,
    endpoint_id: Option<i64>,
    provider: Option<String>,
    method: String,
    path: String,
    query: Option<String>,
    headers: Vec<StoredHeader>,
    body: Vec<u8>,
    received_at_ns: i64,
    verdict_json: Option<String>,
    /// The tunnel's public URL when the event arrived (from `via`): what a
    /// URL-signed scheme is checked against, whatever the tunnel's URL is now.
    public_url: Option<String>,
}

impl Store {
    /// Gives the stored events of one endpoint (`None`: every event) fresh
    /// verdicts from `judge`, with the endpoints and secrets as they are in
    /// the database now, writing only those that changed. `progress` is
    /// called after every batch; setting `cancel` stops at the next batch.
    pub fn reverify_with(
        &self,
        endpoint_id: Option<i64>,
        cancel: &AtomicBool,
        mut progress: impl FnMut(ReverifyProgress),
        // Verification's, handed in by `verdict::reverify`: judging is
        // a layer above the store.
        judge: impl Fn(&[Endpoint], &Secrets, &Subject<'_>) -> Verdict,
    ) -> Result<ReverifyOutcome, StoreError> {
        // Reads and verification happen on a connection of its own; only
        // the changed verdicts of each batch go through the writer.
        let conn = read_only_connection(&self.shared.path)?;
        let endpoints = endpoints::list(&conn)?;
        let secrets = secrets_by_endpoint(&conn)?;
        let scope = match endpoint_id {
            Some(_) => "endpoint_id = ?1",
            None => "?1 IS NULL",
        };
        let total: i64 = conn.query_row(
            &format!("SELECT count(*) FROM events WHERE {scope}"),
            [endpoint_id],
            |r| r.get(0),
        )?;
        let total = u64::try_from(total).unwrap_or(0);
        let mut outcome = ReverifyOutcome {
            total,
            ..ReverifyOutcome::default()
        };
        let mut after = 0i64;
        progress(ReverifyProgress { done: 0, total });
        loop {
            if cancel.load(Ordering::Relaxed) {
                outcome.cancelled = true;
                break;
            }
            let batch = read_batch(&conn, scope, endpoint_id, after)?;
            let Some(last) = batch.last().map(|r| r.id) else {
                break;
            };
            let mut changed: Vec<(i64, &'static str, Option<String>)> = Vec::new();
            let mut reindex: Vec<IndexText> = Vec::new();
            for row in &batch {
                // A scheme that now reads a header as its shared secret makes
                // that header secret: the index must forget its value.
                let secret = SecretHeaders::of_event(
                    &endpoints,
                    row.endpoint_id,
                    row.provider.as_deref(),
                    &row.headers,
                );
                let always = SecretHeaders::always();
                if row
                    .headers
                    .iter()
                    .any(|h| secret.is_secret(&h.name) && !always.is_secret(&h.name))
                {
                    reindex.push(IndexText {
                        id: row.id,
                        path: row.path.clone(),
                        headers: headers_text(&row.headers, &secret),
                        body: body_text(&row.body).to_owned(),
                    });
                }
                let verdict = judge(
                    &endpoints,
                    &secrets,
                    &Subject {
                        endpoint_id: row.endpoint_id,
                        provider: row.provider.as_deref(),
                        method: &row.method,
                        path: &row.path,
                        query: row.query.as_deref(),
                        headers: &row.headers,
                        body: &row.body,
                        received_at_ns: row.received_at_ns,
                        public_url: row.public_url.as_deref(),
                    },
                );
                let json = serde_json::to_string(&verdict).ok();
                if json != row.verdict_json {
                    changed.push((row.id, verdict.status.as_str(), json));
                }
            }
            if !reindex.is_empty() {
                self.write(|tx| {
                    // Text still waiting for the index is indexed with the
                    // current rule anyway.
                    let mut indexed = tx.prepare_cached(
                        "SELECT NOT EXISTS (SELECT 1 FROM fts_pending WHERE id = ?1)",
                    )?;
                    let mut forget = tx.prepare_cached("DELETE FROM events_fts WHERE rowid = ?1")?;
                    let mut index = tx.prepare_cached(
                        "INSERT INTO events_fts (rowid, path, headers, body) VALUES (?1, ?2, ?3, ?4)",
                    )?;
                    for t in &reindex {
                        if indexed.query_row([t.id], |r| r.get::<_, bool>(0))? {
                            forget.execute([t.id])?;
                            index.execute(params![t.id, t.path, t.headers, t.body])?;
                        }
                    }
                    Ok(())
                })?;
            }
            if !changed.is_empty() {
                self.write(|tx| {
                    let mut update = tx.prepare_cached(
                        "UPDATE events SET verdict = ?2, verdict_json = ?3 WHERE id = ?1",
                    )?;
                    for (id, status, json) in &changed {
                        update.execute(params![id, status, json])?;
                    }
                    Ok(())
                })?;
                outcome.changed += changed.len() as u64;
            }
            outcome.checked += batch.len() as u64;
            after = last;
            progress(ReverifyProgress {
                done: outcome.checked.min(total),
                total,
            });
        }
        if outcome.changed > 0 {
            self.write(|tx| bump_revision(tx))?;
            let _ = self.shared.changed.send(());
        }
        tracing::info!(
            endpoint = ?endpoint_id,
            checked = outcome.checked,
            changed = outcome.changed,
            cancelled = outcome.cancelled,
            "re-verified stored events"
        );
        Ok(outcome)
    }
}

fn read_batch(
    conn: &Connection,
    scope: &str,
    endpoint_id: Option<i64>,
    after: i64,
) -> Result<Vec<Row>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, endpoint_id, provider, method, path, query, headers, body, received_at, verdict_json,
                CASE WHEN json_valid(via) THEN json_extract(via, '$.publicUrl') END
         FROM events WHERE {scope} AND id > ?2 ORDER BY id LIMIT ?3"
    ))?;
    let rows = stmt.query_map(params![endpoint_id, after, BATCH], |r| {
        let headers: String = r.get(6)?;
        Ok(Row {
            id: r.get(0)?,
            endpoint_id: r.get(1)?,
            provider: r.get(2)?,
            method: r.get(3)?,
            path: r.get(4)?,
            query: r.get(5)?,
            // Headers were written by this store; unreadable ones verify as
            // unsigned rather than stopping the whole run.
            headers: serde_json::from_str(&headers).unwrap_or_default(),
            body: r.get(7)?,
            received_at_ns: r.get(8)?,
            verdict_json: r.get(9)?,
            // A `via` this version cannot read gives no URL: verified as
            // any other request, by its headers.
            public_url: r.get::<_, Option<String>>(10).unwrap_or(None),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
