//! Read-only queries on a connection of their own.

use rusqlite::{Connection, OptionalExtension, Row, params_from_iter, types::Value};

use super::{StoreError, StoredHeader};
use crate::api::{EndpointCount, EventPage, EventSummary};
use crate::signature::{Verdict, VerdictStatus};

/// Where a timeline page starts: strictly older than this (received_at, id).
/// It travels to the UI as the opaque text `"<ns>:<id>"` because nanosecond
/// times do not fit in a JavaScript number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub received_at_ns: i64,
    pub id: i64,
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.received_at_ns, self.id)
    }
}

impl std::str::FromStr for Cursor {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || StoreError::BadCursor(s.to_owned());
        let (at, id) = s.split_once(':').ok_or_else(bad)?;
        Ok(Cursor {
            received_at_ns: at.parse().map_err(|_| bad())?,
            id: id.parse().map_err(|_| bad())?,
        })
    }
}

/// Everything stored about one event.
#[derive(Debug, Clone)]
pub struct EventDetail {
    pub summary: EventSummary,
    pub received_at_ns: i64,
    pub headers: Vec<StoredHeader>,
    pub body: Vec<u8>,
    pub refs: Vec<(String, String)>,
}

/// Which events a page holds.
#[derive(Debug, Clone, Default)]
pub struct PageQuery {
    pub limit: u32,
    pub before: Option<Cursor>,
    pub endpoint_id: Option<i64>,
    /// Words that must all appear in the path, headers or body text.
    pub text: Option<String>,
    /// Only redeliveries: the 2nd, 3rd, … arrival of a provider event id.
    pub redeliveries: bool,
    /// Only events with this signature verdict.
    pub verdict: Option<VerdictStatus>,
}

const SUMMARY_COLUMNS: &str =
    "id, received_at, endpoint_id, method, path, query, size, content_type, remote_addr,
     provider, event_type, provider_event_id, merchant_id, delivery, pinned, verdict_json";

fn summary_from_row(row: &Row<'_>) -> rusqlite::Result<EventSummary> {
    let id: i64 = row.get(0)?;
    let received_at_ns: i64 = row.get(1)?;
    Ok(EventSummary {
        id,
        cursor: Cursor { received_at_ns, id }.to_string(),
        received_at_ms: received_at_ns / 1_000_000,
        endpoint_id: row.get(2)?,
        method: row.get(3)?,
        path: row.get(4)?,
        query: row.get(5)?,
        size: row.get(6)?,
        content_type: row.get(7)?,
        remote_addr: row.get(8)?,
        provider: row.get(9)?,
        event_type: row.get(10)?,
        provider_event_id: row.get(11)?,
        merchant_id: row.get(12)?,
        delivery: row.get(13)?,
        pinned: row.get(14)?,
        // A verdict this version cannot read shows as not yet verified.
        verdict: row
            .get::<_, Option<String>>(15)?
            .and_then(|json| serde_json::from_str::<Verdict>(&json).ok()),
    })
}

/// Each word becomes a quoted FTS5 string, so user text can never be read as
/// FTS5 syntax (the full query language arrives with search).
fn fts_match(text: &str) -> Option<String> {
    let terms: Vec<String> = text
        .split_whitespace()
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

fn json_decode_error(err: serde_json::Error) -> StoreError {
    StoreError::Sqlite(rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        Box::new(err),
    ))
}

/// A read-only connection.
pub struct Reader {
    conn: Connection,
}

impl Reader {
    pub(super) fn new(conn: Connection) -> Reader {
        Reader { conn }
    }

    pub fn count(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM events", [], |row| row.get(0))?)
    }

    /// Newest first, `limit` events older than `before` (keyset pagination).
    pub fn page(&self, limit: u32, before: Option<Cursor>) -> Result<EventPage, StoreError> {
        let events = self.query(&PageQuery {
            limit,
            before,
            ..PageQuery::default()
        })?;
        Ok(EventPage {
            has_more: events.len() == limit as usize,
            events,
        })
    }

    /// Newest first, filtered.
    pub fn query(&self, q: &PageQuery) -> Result<Vec<EventSummary>, StoreError> {
        let (at, id) = q
            .before
            .map_or((i64::MAX, i64::MAX), |c| (c.received_at_ns, c.id));
        let mut sql =
            format!("SELECT {SUMMARY_COLUMNS} FROM events WHERE (received_at, id) < (?, ?)");
        let mut args: Vec<Value> = vec![at.into(), id.into()];
        if let Some(endpoint) = q.endpoint_id {
            sql.push_str(" AND endpoint_id = ?");
            args.push(endpoint.into());
        }
        if q.redeliveries {
            sql.push_str(" AND delivery > 1");
        }
        if let Some(verdict) = q.verdict {
            sql.push_str(" AND verdict = ?");
            args.push(verdict.as_str().to_owned().into());
        }
        if let Some(matching) = q.text.as_deref().and_then(fts_match) {
            sql.push_str(" AND id IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)");
            args.push(matching.into());
        }
        sql.push_str(" ORDER BY received_at DESC, id DESC LIMIT ?");
        args.push(i64::from(q.limit).into());
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(args), summary_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn event(&self, id: i64) -> Result<EventDetail, StoreError> {
        let row = self
            .conn
            .query_row(
                &format!("SELECT {SUMMARY_COLUMNS}, headers, body, refs FROM events WHERE id = ?1"),
                [id],
                |row| {
                    Ok((
                        summary_from_row(row)?,
                        row.get::<_, i64>(1)?,
                        row.get::<_, String>(16)?,
                        row.get::<_, Vec<u8>>(17)?,
                        row.get::<_, Option<String>>(18)?,
                    ))
                },
            )
            .optional()?;
        let (summary, received_at_ns, headers, body, refs) =
            row.ok_or_else(|| StoreError::NotFound(format!("no event {id}")))?;
        Ok(EventDetail {
            summary,
            received_at_ns,
            headers: serde_json::from_str(&headers).map_err(json_decode_error)?,
            body,
            refs: refs
                .map(|r| serde_json::from_str(&r))
                .transpose()
                .map_err(json_decode_error)?
                .unwrap_or_default(),
        })
    }

    /// The body exactly as received.
    pub fn body(&self, id: i64) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT body FROM events WHERE id = ?1", [id], |row| {
                row.get(0)
            })
            .optional()?)
    }

    /// The headers as received, in order.
    pub fn headers(&self, id: i64) -> Result<Option<Vec<StoredHeader>>, StoreError> {
        let json: Option<String> = self
            .conn
            .query_row("SELECT headers FROM events WHERE id = ?1", [id], |row| {
                row.get(0)
            })
            .optional()?;
        json.map(|j| serde_json::from_str(&j).map_err(json_decode_error))
            .transpose()
    }

    /// Every delivery of one provider event, oldest first.
    pub fn deliveries(
        &self,
        provider: Option<&str>,
        provider_event_id: &str,
    ) -> Result<Vec<EventSummary>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM events WHERE provider IS ?1 AND provider_event_id = ?2
             ORDER BY delivery, received_at"
        ))?;
        let rows = stmt.query_map(
            rusqlite::params![provider, provider_event_id],
            summary_from_row,
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Stored events per endpoint (None: events whose endpoint was removed).
    pub fn endpoint_counts(&self) -> Result<Vec<EndpointCount>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT endpoint_id, count(*) FROM events GROUP BY endpoint_id")?;
        let rows = stmt.query_map([], |row| {
            Ok(EndpointCount {
                endpoint_id: row.get(0)?,
                count: row.get(1)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
