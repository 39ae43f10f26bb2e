//! A page of words read from the full-text index's newest hits first.
//!
//! FTS5 hands out the hits of a phrase in rowid (event id) order, reading
//! only the postings it returns: the newest 50 hits of a common word cost a
//! tenth of a millisecond. The timeline is ordered by (received_at, id)
//! instead, and the two agree only as far as `timeline_order` promises (see
//! migration 14): from `ordered_from` on, an event is newer than every event
//! more than `slack` ids before it. So a page can take hits newest id first,
//! check the other filters on those rows only, and stop once it has read
//! `slack` ids past the oldest row it keeps: nothing further down can be
//! newer. Where the promise does not reach, or the filters keep too few of
//! the hits for this to beat the planner, it answers `None` and the planner
//! takes over (`plan`).

use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};

use super::Window;
use super::compile::Compiled;
use super::filters::Cond;
use super::plan::{Tuning, tuning};
use crate::model::EventSummary;
use crate::store::StoreError;
use crate::store::order::{self, TimelineOrder};
use crate::store::rows::{SUMMARY_COLUMNS, SUMMARY_WIDTH, summary_from_row};

/// Hits read at most before leaving the page to the planner: at some 3 µs
/// a hit (its row looked up by id), about what the planner's own estimates
/// cost.
pub(super) const MAX_HITS: usize = 4_096;
/// Hits read before the first estimate of whether this way pays, and
/// between estimates.
pub(super) const ESTIMATE_EVERY: usize = 128;

/// The newest `want` events (newest first) within `window` that match `c`,
/// or `None` when this way cannot answer it cheaply.
///
/// One statement reads the hits newest id first, each joined to its row
/// when the row passes the other filters (a rejected hit comes back with no
/// row, its columns never read), so a page costs one rowid lookup a hit and
/// no second query for the rows it shows.
pub(super) fn newest_hits(
    conn: &Connection,
    c: &Compiled,
    window: Window,
    want: usize,
) -> Result<Option<Vec<EventSummary>>, StoreError> {
    let Some(expr) = c.probe_expr() else {
        return Ok(None);
    };
    let Tuning {
        newest_max_hits: max_hits,
        newest_estimate_every: every,
        ..
    } = tuning();
    // Newer than a cursor: a few rows above a page, not worth it. `id:` and
    // prefixes (`checko*` makes FTS5 merge every term's postings on each
    // query) have their own plans.
    if want == 0 || max_hits == 0 || window.upward() || c.ids.is_some() || c.has_prefix {
        return Ok(None);
    }
    let TimelineOrder {
        ordered_from,
        slack,
    } = order::read(conn)?;
    // Below a cursor, only ids up to `slack` above it can be older than it.
    let below = match window.before {
        None => i64::MAX,
        Some(cursor) if cursor.id >= ordered_from => {
            cursor.id.saturating_add(slack).saturating_add(1)
        }
        Some(_) => return Ok(None),
    };
    let bounds = window.conds(None);
    let (sql, mut args) = hits_sql(&row_checks(c, &bounds));
    args.extend([expr.into(), below.into(), ordered_from.into()]);
    let mut stmt = conn.prepare_cached(&sql)?;
    debug_assert_eq!(
        stmt.column_count(),
        SUMMARY_WIDTH + 1,
        "the hit follows the summary"
    );
    let mut rows = stmt.query(params_from_iter(args))?;
    // The newest `want` rows kept so far, newest first in the timeline,
    // with their keys (received_at, id).
    let mut kept: Vec<((i64, i64), EventSummary)> = Vec::with_capacity(want + 1);
    // Every hit down to `last` is read: once the `want`-th newest row kept
    // is `slack` ids above it, no hit below can be newer.
    let settled = |kept: &[((i64, i64), EventSummary)], last: i64| {
        kept.len() == want && kept[want - 1].0.1.saturating_sub(slack) >= last
    };
    let mut read = 0usize;
    while let Some(row) = rows.next()? {
        read += 1;
        let hit: i64 = row.get(SUMMARY_WIDTH)?;
        // No row: the hit's event fails a filter (or is gone).
        if let Some(id) = row.get::<_, Option<i64>>(0)? {
            let key = (row.get::<_, i64>(1)?, id);
            let at = kept.partition_point(|(k, _)| *k > key);
            if at < want {
                kept.insert(at, (key, summary_from_row(row)?));
                kept.truncate(want);
            }
        }
        if settled(&kept, hit) {
            return Ok(Some(summaries_of(kept)));
        }
        let missing = want - kept.len();
        if missing > 0 && read.is_multiple_of(every.max(1)) {
            // Too few of the hits kept for this to pay: the planner's
            // estimates find a better source. (One more kept than so far:
            // none kept yet is no proof of none.)
            let needed = missing.saturating_mul(read + 1) / (kept.len() + 1);
            if read.saturating_add(needed) > max_hits {
                return Ok(None);
            }
        }
    }
    // Nothing left in the ordered ids: complete when there is nothing below
    // them either, or the page is settled above them.
    let complete = ordered_from <= min_id(conn)? || settled(&kept, ordered_from);
    Ok(complete.then(|| summaries_of(kept)))
}

/// What a hit's row must pass: the query's filters, then the window's
/// bounds.
pub(super) fn row_checks<'a>(c: &'a Compiled, bounds: &'a [Cond]) -> Vec<&'a Cond> {
    c.conds.iter().chain(&c.costly).chain(bounds).collect()
}

/// The statement of `newest_hits`: each hit, newest first, with its row's
/// summary when the row passes `checks` (all NULL when it does not), and
/// the hit's rowid after the summary. The arguments of `checks` come first;
/// the full-text expression and the bounds `rowid < ?` and `rowid >= ?`
/// follow them.
pub(super) fn hits_sql(checks: &[&Cond]) -> (String, Vec<Value>) {
    let mut sql = format!(
        "SELECT {SUMMARY_COLUMNS}, events_fts.rowid FROM events_fts
         LEFT JOIN events e ON e.id = events_fts.rowid"
    );
    let mut args = Vec::new();
    for check in checks {
        sql.push_str(" AND ");
        sql.push_str(&check.sql);
        args.extend(check.args.iter().cloned());
    }
    // FTS5 hands out rowids in the order asked (no sort), reading only the
    // postings stepped over.
    sql.push_str(
        " WHERE events_fts MATCH ? AND events_fts.rowid < ? AND events_fts.rowid >= ?
         ORDER BY events_fts.rowid DESC",
    );
    (sql, args)
}

fn summaries_of(kept: Vec<((i64, i64), EventSummary)>) -> Vec<EventSummary> {
    kept.into_iter().map(|(_, summary)| summary).collect()
}

/// The oldest stored id (i64::MAX for none).
fn min_id(conn: &Connection) -> Result<i64, StoreError> {
    let min: Option<i64> = conn
        .prepare_cached("SELECT min(id) FROM events")?
        .query_row([], |r| r.get(0))?;
    Ok(min.unwrap_or(i64::MAX))
}
