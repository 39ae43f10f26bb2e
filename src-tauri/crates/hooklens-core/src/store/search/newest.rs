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

use rusqlite::{Connection, params, params_from_iter};

use super::Window;
use super::compile::{Compiled, id_list, select};
use super::filters::Cond;
use super::plan::{Tuning, tuning};
use crate::store::StoreError;
use crate::store::order::{self, TimelineOrder};

/// Hits read at most before leaving the page to the planner: at some 3 µs
/// a hit (its row looked up by id), about what the planner's own estimates
/// cost.
pub(super) const MAX_HITS: usize = 4_096;
/// Hits read in the first round; later rounds read what the share kept so
/// far says is missing, half again for luck.
pub(super) const FIRST_ROUND: usize = 128;

/// The newest `want` events (ids, newest first) within `window` that match
/// `c`, or `None` when this way cannot answer it cheaply.
pub(super) fn newest_hits(
    conn: &Connection,
    c: &Compiled,
    window: Window,
    want: usize,
) -> Result<Option<Vec<i64>>, StoreError> {
    let Some(expr) = c.probe_expr() else {
        return Ok(None);
    };
    let Tuning {
        newest_max_hits: max_hits,
        newest_first_round: first_round,
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
    let mut below = match window.before {
        None => i64::MAX,
        Some(cursor) if cursor.id >= ordered_from => {
            cursor.id.saturating_add(slack).saturating_add(1)
        }
        Some(_) => return Ok(None),
    };
    let bounds = window.conds(None);
    let checks: Vec<&Cond> = c.conds.iter().chain(&c.costly).chain(&bounds).collect();
    let mut hits = conn.prepare_cached(
        "SELECT rowid FROM events_fts WHERE events_fts MATCH ?1
         AND rowid < ?2 AND rowid >= ?3 ORDER BY rowid DESC LIMIT ?4",
    )?;
    // Kept rows: (received_at, id).
    let mut kept: Vec<(i64, i64)> = Vec::new();
    let mut read = 0;
    let mut round = first_round;
    loop {
        let ids: Vec<i64> = hits
            .query_map(params![expr, below, ordered_from, round as i64], |r| {
                r.get(0)
            })?
            .collect::<Result<_, _>>()?;
        read += ids.len();
        let exhausted = ids.len() < round;
        if let Some(&last) = ids.last() {
            below = last;
            let list = id_list(&ids);
            let conds: Vec<&Cond> = std::iter::once(&list)
                .chain(checks.iter().copied())
                .collect();
            let (sql, args) = select("events e NOT INDEXED", &conds, "e.received_at, e.id", "");
            let mut stmt = conn.prepare_cached(&sql)?;
            for row in stmt.query_map(params_from_iter(args), |r| Ok((r.get(0)?, r.get(1)?)))? {
                kept.push(row?);
            }
        }
        // Every hit at or above `below` is read: once the `want`-th newest
        // row kept is `slack` ids above it, no hit below can be newer.
        kept.sort_unstable_by(|a, b| b.cmp(a));
        kept.truncate(want);
        let settled =
            |limit: i64| kept.len() == want && kept[want - 1].1.saturating_sub(slack) >= limit;
        if exhausted {
            // Nothing left in the ordered ids: complete when there is
            // nothing below them either, or the page is settled above them.
            let complete = ordered_from <= min_id(conn)?;
            return Ok((complete || settled(ordered_from)).then(|| ids_of(&kept)));
        }
        if settled(below) {
            return Ok(Some(ids_of(&kept)));
        }
        let missing = want - kept.len();
        if missing == 0 {
            // Full, not settled: at most `slack` ids more to read.
            round = first_round;
            continue;
        }
        // Too few of the hits kept for this to pay: the planner's estimates
        // find a better source. (One more kept than so far: none kept yet
        // is no proof of none.)
        let needed = missing.saturating_mul(read + 1) / (kept.len() + 1);
        if read.saturating_add(needed) > max_hits {
            return Ok(None);
        }
        round = needed
            .saturating_add(needed / 2)
            .max(first_round)
            .min(max_hits - read)
            .max(1);
    }
}

fn ids_of(kept: &[(i64, i64)]) -> Vec<i64> {
    kept.iter().map(|&(_, id)| id).collect()
}

/// The oldest stored id (i64::MAX for none).
fn min_id(conn: &Connection) -> Result<i64, StoreError> {
    let min: Option<i64> = conn
        .prepare_cached("SELECT min(id) FROM events")?
        .query_row([], |r| r.get(0))?;
    Ok(min.unwrap_or(i64::MAX))
}
