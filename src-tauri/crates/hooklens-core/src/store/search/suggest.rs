//! Stored values offered while a query is typed: event types, providers and
//! recent methods, each read from an index, never from every event.

use rusqlite::Connection;

use crate::store::StoreError;

/// The distinct event types stored, in order, at most `limit`: one index
/// seek per type (a DISTINCT would read every entry).
pub(in crate::store) fn stored_types(
    conn: &Connection,
    limit: i64,
) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "WITH RECURSIVE t(v) AS (
           SELECT (SELECT min(event_type) FROM events INDEXED BY events_type
                   WHERE event_type IS NOT NULL)
           UNION ALL
           SELECT (SELECT min(event_type) FROM events INDEXED BY events_type
                   WHERE event_type > t.v)
           FROM t WHERE t.v IS NOT NULL
         )
         SELECT v FROM t WHERE v IS NOT NULL LIMIT ?1",
    )?;
    let types = stmt.query_map([limit], |r| r.get(0))?;
    Ok(types.collect::<Result<_, _>>()?)
}

/// The distinct providers of events that have a provider event id (all but
/// the unrecognised): one seek each in the provider event id index.
pub(in crate::store) fn stored_providers(conn: &Connection) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "WITH RECURSIVE t(v) AS (
           SELECT (SELECT min(provider) FROM events INDEXED BY events_provider_event
                   WHERE provider_event_id IS NOT NULL AND provider IS NOT NULL)
           UNION ALL
           SELECT (SELECT min(provider) FROM events INDEXED BY events_provider_event
                   WHERE provider_event_id IS NOT NULL AND provider > t.v)
           FROM t WHERE t.v IS NOT NULL
         )
         SELECT v FROM t WHERE v IS NOT NULL",
    )?;
    let providers = stmt.query_map([], |r| r.get(0))?;
    Ok(providers.collect::<Result<_, _>>()?)
}

/// The methods of the newest `recent` events, in order.
pub(in crate::store) fn recent_methods(
    conn: &Connection,
    recent: i64,
) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT method FROM
           (SELECT method FROM events INDEXED BY events_received
            ORDER BY received_at DESC, id DESC LIMIT ?1)
         ORDER BY method",
    )?;
    let methods = stmt.query_map([recent], |r| r.get(0))?;
    Ok(methods.collect::<Result<_, _>>()?)
}
