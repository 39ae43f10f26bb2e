//! Read-only queries on a connection of their own.

use rusqlite::{Connection, OptionalExtension};

use super::rows::{Cursor, SUMMARY_COLUMNS, summary_from_row};
use super::search::{self, Window};
use super::{StoreError, StoredHeader};
use crate::model::{Endpoint, EndpointCount, EventPage, EventSummary, MatchCount, QueryField};
use crate::query::Query;

/// Values suggested per field at most: stored values come off the wire, and
/// a flood of distinct event types must not flood the query box.
const MAX_SUGGESTIONS: i64 = 500;
/// Methods are suggested from this many newest events: no index holds them,
/// and reading these costs a few ms.
const METHODS_FROM_NEWEST: i64 = 2_000;
/// Page cache of each read connection.
const READER_CACHE_KIB: i64 = 32 * 1024;

/// Everything stored about one event.
#[derive(Debug, Clone)]
pub struct EventDetail {
    pub summary: EventSummary,
    pub received_at_ns: i64,
    pub headers: Vec<StoredHeader>,
    /// The request-target as sent (None for events stored before it was kept).
    pub target: Option<String>,
    pub http_version: Option<String>,
    pub trailers: Vec<StoredHeader>,
    pub body: Vec<u8>,
    pub refs: Vec<(String, String)>,
    /// Where an imported event came from.
    pub source: Option<crate::model::ImportSource>,
    /// How it came through a tunnel.
    pub via: Option<crate::model::TunnelArrival>,
}

impl EventDetail {
    /// The event as verification sees it, the same shape capture judged.
    pub fn subject(&self) -> crate::wire::Subject<'_> {
        let e = &self.summary;
        crate::wire::Subject {
            endpoint_id: e.endpoint_id,
            provider: e.provider.as_deref(),
            method: &e.method,
            path: &e.path,
            query: e.query.as_deref(),
            headers: &self.headers,
            body: &self.body,
            received_at_ns: self.received_at_ns,
            // The public URL the tunnel had when it arrived, not today's.
            public_url: self.via.as_ref().and_then(|v| v.public_url.as_deref()),
        }
    }

    /// The request-target as the sender wrote it; for events stored before
    /// it was kept, rebuilt from path and query.
    pub fn request_target(&self) -> String {
        match &self.target {
            Some(target) => target.clone(),
            None => match &self.summary.query {
                Some(query) => format!("{}?{query}", self.summary.path),
                None => self.summary.path.clone(),
            },
        }
    }
}

/// The most events one page holds: a page is one query, and a million rows
/// fetched at once would hold the reader (and the timeline) for seconds.
pub const MAX_PAGE: u32 = 500;

/// Which events a page holds: those matching `query` (and `endpoint_id`),
/// newest first, in a window of the timeline.
#[derive(Debug, Clone, Default)]
pub struct PageQuery {
    pub limit: u32,
    /// The `limit` matches older than this cursor.
    pub before: Option<Cursor>,
    /// The `limit` matches just newer than this cursor (still returned
    /// newest first); with `before` too, only matches between the two.
    pub after: Option<Cursor>,
    /// Only this endpoint's events (the timeline's endpoint tab).
    pub endpoint_id: Option<i64>,
    pub query: Query,
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
    pub(super) conn: Connection,
}

impl Reader {
    pub(super) fn new(conn: Connection) -> Result<Reader, StoreError> {
        // Searches look rows up by id all over the file: keep the B-tree
        // interior pages of a million events (a few MB) cached, not just the
        // default 2 MB.
        conn.pragma_update(None, "cache_size", -READER_CACHE_KIB)?;
        Ok(Reader { conn })
    }

    pub fn count(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM events", [], |row| row.get(0))?)
    }

    /// Newest first, `limit` events older than `before` (keyset pagination).
    pub fn page(&self, limit: u32, before: Option<Cursor>) -> Result<EventPage, StoreError> {
        self.search_page(&PageQuery {
            limit,
            before,
            ..PageQuery::default()
        })
    }

    /// A page of the timeline as the app and `hooklens-cli events` show it:
    /// the matches of `q`, at most [`MAX_PAGE`] of them, and whether there
    /// may be more (ask again with the last event's cursor as `before`).
    pub fn search_page(&self, q: &PageQuery) -> Result<EventPage, StoreError> {
        let limit = q.limit.clamp(1, MAX_PAGE);
        let events = if limit == q.limit {
            self.query(q)?
        } else {
            self.query(&PageQuery { limit, ..q.clone() })?
        };
        Ok(EventPage {
            has_more: events.len() == limit as usize,
            events,
        })
    }

    /// The page of events matching `q`, newest first (see [`PageQuery`]).
    pub fn query(&self, q: &PageQuery) -> Result<Vec<EventSummary>, StoreError> {
        search::page(&self.conn, &q.query, q.endpoint_id, window(q), q.limit)
    }

    /// How many events match, counting no further than `cap` (`capped`: more
    /// match).
    pub fn count_matching(
        &self,
        query: &Query,
        endpoint_id: Option<i64>,
        cap: u32,
    ) -> Result<MatchCount, StoreError> {
        search::count(&self.conn, query, endpoint_id, cap)
    }

    /// Whether event `id` matches `query`; None while the event is not yet in
    /// the full-text index and the query has free text (ask again shortly).
    pub fn event_matches(&self, query: &Query, id: i64) -> Result<Option<bool>, StoreError> {
        let has_text = query
            .terms
            .iter()
            .any(|t| matches!(t.filter, crate::query::Filter::Text { .. }));
        if has_text && super::fulltext::text_pending(&self.conn, id)? {
            return Ok(None);
        }
        let mut one = query.clone();
        one.terms.push(crate::query::Term {
            negated: false,
            filter: crate::query::Filter::Id {
                value: format!("#{id}"),
                own: Some(id),
            },
            start: 0,
            end: 0,
        });
        Ok(Some(search::count(&self.conn, &one, None, 1)?.count > 0))
    }

    /// How [`Reader::query`] would find `q`'s page, in words: for benchmarks
    /// and for debugging a slow search.
    pub fn query_plan(&self, q: &PageQuery) -> Result<String, StoreError> {
        search::describe_page(&self.conn, &q.query, q.endpoint_id, window(q), q.limit)
    }

    /// How [`Reader::count_matching`] would count `query`, in words.
    pub fn count_plan(
        &self,
        query: &Query,
        endpoint_id: Option<i64>,
    ) -> Result<String, StoreError> {
        search::describe_count(&self.conn, query, endpoint_id)
    }

    /// The FTS5 expression `query`'s words are matched with (None without
    /// words): benchmarks time it alone on the same database, as the floor a
    /// search is measured against.
    pub fn fulltext_expression(&self, query: &Query) -> Result<Option<String>, StoreError> {
        search::fulltext_expression(&self.conn, query, None)
    }

    /// The search fields with the values worth suggesting: event types
    /// stored, providers (every preset, then any other stored), endpoint
    /// names, statuses, and the methods of recent events.
    pub fn query_fields(&self, endpoints: &[Endpoint]) -> Result<Vec<QueryField>, StoreError> {
        let types = search::stored_types(&self.conn, MAX_SUGGESTIONS)?;
        let providers = search::stored_providers(&self.conn)?;
        let methods = search::recent_methods(&self.conn, METHODS_FROM_NEWEST)?;
        let mut fields = crate::query::fields();
        for field in &mut fields {
            match field.name.as_str() {
                "type" => field.values = types.clone(),
                "provider" => {
                    for p in &providers {
                        if !field.values.contains(p) {
                            field.values.push(p.clone());
                        }
                    }
                }
                "endpoint" => field.values = endpoints.iter().map(|e| e.name.clone()).collect(),
                "rule" => {
                    field.values = endpoints
                        .iter()
                        .flat_map(|e| e.rules.iter().map(|r| r.name.clone()))
                        .collect();
                    field.values.sort_unstable();
                    field.values.dedup();
                }
                "method" => field.values = methods.clone(),
                _ => {}
            }
        }
        Ok(fields)
    }

    pub fn event(&self, id: i64) -> Result<EventDetail, StoreError> {
        // Cached: an export or a re-verification asks for thousands of
        // events in a row, and parsing this statement each time cost more
        // than reading the row (17k vs 35k events/s exporting).
        let row = self
            .conn
            .prepare_cached(&format!(
                "SELECT {SUMMARY_COLUMNS}, e.headers, e.body, e.refs, e.target, e.http_version,
                        e.trailers, e.source, e.via
                 FROM events e WHERE e.id = ?1"
            ))?
            .query_row([id], |row| {
                Ok((
                    summary_from_row(row)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, String>(18)?,
                    row.get::<_, Vec<u8>>(19)?,
                    row.get::<_, Option<String>>(20)?,
                    row.get::<_, Option<String>>(21)?,
                    row.get::<_, Option<String>>(22)?,
                    row.get::<_, Option<String>>(23)?,
                    row.get::<_, Option<String>>(24)?,
                    row.get::<_, Option<String>>(25)?,
                ))
            })
            .optional()?;
        let (
            summary,
            received_at_ns,
            headers,
            body,
            refs,
            target,
            http_version,
            trailers,
            source,
            via,
        ) = row.ok_or_else(|| StoreError::NotFound(format!("no event {id}")))?;
        Ok(EventDetail {
            summary,
            received_at_ns,
            headers: serde_json::from_str(&headers).map_err(json_decode_error)?,
            target,
            http_version,
            trailers: trailers
                .map(|t| serde_json::from_str(&t))
                .transpose()
                .map_err(json_decode_error)?
                .unwrap_or_default(),
            body,
            refs: refs
                .map(|r| serde_json::from_str(&r))
                .transpose()
                .map_err(json_decode_error)?
                .unwrap_or_default(),
            // A source this version cannot read still marks the event as
            // imported (the summary says so); only its details are lost.
            source: source.and_then(|s| serde_json::from_str(&s).ok()),
            // Likewise: the summary still says it came through a tunnel.
            via: via.and_then(|v| serde_json::from_str(&v).ok()),
        })
    }

    /// Which of these fingerprints an import already brought in: one query
    /// for a batch of entries instead of one each.
    pub fn imported_among<'f>(
        &self,
        fingerprints: impl Iterator<Item = &'f [u8]>,
    ) -> Result<std::collections::HashSet<Vec<u8>>, StoreError> {
        let fingerprints: Vec<&[u8]> = fingerprints.collect();
        let mut known = std::collections::HashSet::new();
        // Well under SQLite's limit of 32,766 parameters per statement.
        for chunk in fingerprints.chunks(500) {
            let sql = format!(
                "SELECT import_fingerprint FROM events WHERE import_fingerprint IN ({})",
                vec!["?"; chunk.len()].join(", ")
            );
            let mut statement = self.conn.prepare_cached(&sql)?;
            let rows = statement.query_map(rusqlite::params_from_iter(chunk.iter()), |row| {
                row.get::<_, Vec<u8>>(0)
            })?;
            for row in rows {
                known.insert(row?);
            }
        }
        Ok(known)
    }

    /// The event an import with this fingerprint already created.
    pub fn imported_as(&self, fingerprint: &[u8]) -> Result<Option<i64>, StoreError> {
        // Asked once per imported entry: cached like `event`.
        Ok(self
            .conn
            .prepare_cached("SELECT id FROM events WHERE import_fingerprint = ?1")?
            .query_row([fingerprint], |row| row.get(0))
            .optional()?)
    }

    /// The endpoints as stored now, default first.
    pub fn endpoints(&self) -> Result<Vec<Endpoint>, StoreError> {
        super::endpoints::list(&self.conn)
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
            "SELECT {SUMMARY_COLUMNS} FROM events e
             WHERE e.provider IS ?1 AND e.provider_event_id = ?2
             ORDER BY e.delivery, e.received_at"
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

/// The timeline window a page query asks for.
fn window(q: &PageQuery) -> Window {
    Window {
        before: q.before,
        after: q.after,
    }
}
