//! Walks a plan's rows in timeline order and checks their words against
//! the full-text index, a chunk of rows at a time.

use std::collections::HashSet;

use rusqlite::{Connection, params_from_iter};

use super::Window;
use super::compile::select;
use super::filters::Cond;
use super::plan::{Lookup, Plan, TextCheck, tuning};
use crate::store::StoreError;

/// Walks the plan's rows in timeline order, a chunk at a time, keeping those
/// whose words match, until `want` are kept or the rows run out.
pub(super) fn walk_checking_text(
    conn: &Connection,
    plan: &Plan,
    check: &TextCheck,
    window: Window,
    want: usize,
) -> Result<Vec<i64>, StoreError> {
    let order = window.order();
    let tail = format!("ORDER BY e.received_at {order}, e.id {order} LIMIT ?");
    let mut kept = Vec::new();
    let mut from = None;
    let mut chunk = tuning().first_chunk;
    loop {
        let bounds = window.conds(from);
        let conds: Vec<&Cond> = plan.conds.iter().chain(&bounds).collect();
        let (sql, mut args) = select(&plan.from, &conds, "e.id, e.received_at", &tail);
        args.push((chunk as i64).into());
        let rows: Vec<(i64, i64)> = conn
            .prepare_cached(&sql)?
            .query_map(params_from_iter(args), |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let hits = fts_hits(conn, check, rows.iter().map(|r| r.0))?;
        for &(id, _) in &rows {
            if hits.contains(&id) == check.require {
                kept.push(id);
                if kept.len() >= want {
                    return Ok(kept);
                }
            }
        }
        match rows.last() {
            Some(&(id, at)) if rows.len() == chunk => from = Some((at, id)),
            _ => return Ok(kept),
        }
        chunk = (chunk * 4).min(tuning().max_chunk);
    }
}

/// Which of `ids` (and maybe other ids) the full-text expression matches.
fn fts_hits(
    conn: &Connection,
    check: &TextCheck,
    ids: impl Iterator<Item = i64>,
) -> Result<HashSet<i64>, StoreError> {
    let gap = match &check.lookup {
        Lookup::All(hits) => return Ok(ids.filter(|id| hits.contains(id)).collect()),
        Lookup::Ranges { gap } => *gap,
    };
    let mut ids: Vec<i64> = ids.collect();
    ids.sort_unstable();
    let mut stmt = conn.prepare_cached(
        "SELECT rowid FROM events_fts WHERE events_fts MATCH ?1 AND rowid >= ?2 AND rowid <= ?3",
    )?;
    let mut hits = HashSet::new();
    let mut start = 0;
    while start < ids.len() {
        let mut end = start;
        while end + 1 < ids.len() && ids[end + 1] - ids[end] <= gap {
            end += 1;
        }
        let found = stmt.query_map(rusqlite::params![check.expr, ids[start], ids[end]], |r| {
            r.get::<_, i64>(0)
        })?;
        for id in found {
            hits.insert(id?);
        }
        start = end + 1;
    }
    Ok(hits)
}
