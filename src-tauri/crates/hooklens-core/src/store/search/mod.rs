//! Runs a parsed [`Query`] against the store: timeline pages and capped
//! counts.
//!
//! Every value reaches SQLite as a bound parameter, and text reaches FTS5 only
//! as quoted strings (`fts_string`), so nothing typed is ever read as SQL or
//! as FTS5 syntax.
//!
//! A page of words is first asked of the full-text index's newest hits
//! (`newest`): where event ids follow the timeline (migration 14 keeps the
//! bound), the newest hits whose rows pass the other filters are the page,
//! at the cost of the hits read. When too few hits pass, or the page lies
//! where ids do not follow the timeline, the planner takes over.
//!
//! A page is the newest 50 of possibly a million events, so the plan is chosen
//! per query from what each condition yields, counted up to a bound (cheap:
//! index entries and full-text postings are counted without reading events):
//! - a source that yields few rows (a rare word, a rare event type with a
//!   prefix, `id:`) is read whole and its rows sorted;
//! - else an index that holds few enough rows (a rare event type, a merchant,
//!   failed signatures, `after:1h`) is walked in timeline order;
//! - else the timeline itself is walked, newest first. Its rows are stored in
//!   arrival order, so walking it costs ~0.1 µs a row, against several µs for
//!   each row looked up by id.
//!
//! A walk stops as soon as the page is full. Words are checked a chunk of
//! rows at a time: one FTS5 query per run of nearby ids (`rowid BETWEEN`), as
//! a query costs some 40 µs whatever it returns, and each posting 0.1–0.6 µs.
//!
//! The obvious `id IN (SELECT rowid FROM events_fts WHERE … MATCH …)` would
//! read and sort every hit of a common word (half the store).
//!
//! The files: `compile` turns the query into SQL conditions (`filters` holds
//! the SQL of single filters), `newest` reads pages of words from the newest
//! hits, `plan` chooses where rows come from, `walk`
//! checks words a chunk of rows at a time, `suggest` lists stored values for
//! autocomplete.

mod compile;
mod filters;
mod newest;
mod plan;
mod suggest;
mod walk;

use rusqlite::{Connection, params_from_iter};

use super::StoreError;
use super::rows::{Cursor, SUMMARY_COLUMNS, summary_from_row};
use crate::model::{EventSummary, MatchCount};
use crate::query::Query;
use compile::{id_list, select};
use filters::Cond;
use newest::newest_hits;
pub(super) use plan::Goal;
use plan::{Plan, plan, plan_compiled};
pub(super) use suggest::{recent_methods, stored_providers, stored_types};
use walk::walk_checking_text;

/// The timeline window of a page.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Window {
    pub before: Option<Cursor>,
    pub after: Option<Cursor>,
}

impl Window {
    /// Rows come newest first, except just newer than `after`: from the
    /// cursor up (the page is turned around afterwards).
    fn upward(&self) -> bool {
        self.after.is_some()
    }

    fn order(&self) -> &'static str {
        if self.upward() { "ASC" } else { "DESC" }
    }

    /// The window's bounds; `from` replaces the starting cursor (a walk's
    /// progress).
    fn conds(&self, from: Option<(i64, i64)>) -> Vec<Cond> {
        let bound = |cmp: &str, (at, id): (i64, i64)| {
            Cond::new(
                format!("(e.received_at, e.id) {cmp} (?, ?)"),
                vec![at.into(), id.into()],
            )
        };
        let key = |c: Cursor| (c.received_at_ns, c.id);
        let mut conds = Vec::new();
        if self.upward() {
            conds.extend(from.or(self.after.map(key)).map(|k| bound(">", k)));
            conds.extend(self.before.map(|c| bound("<", key(c))));
        } else {
            conds.extend(from.or(self.before.map(key)).map(|k| bound("<", k)));
        }
        conds
    }
}

/// Newest first: the `limit` events older than `before`, or (with `after`)
/// the `limit` events just newer than `after`.
pub(super) fn page(
    conn: &Connection,
    query: &Query,
    endpoint_id: Option<i64>,
    window: Window,
    limit: u32,
) -> Result<Vec<EventSummary>, StoreError> {
    let order = window.order();
    let tail = format!("ORDER BY e.received_at {order}, e.id {order} LIMIT ?");
    let ids = match page_way(conn, query, endpoint_id, window, limit)? {
        PageWay::Newest(events) => {
            tracing::debug!(plan = "newest full-text hits", "search");
            return Ok(events);
        }
        PageWay::Planned(plan) => {
            tracing::debug!(plan = %plan.description, "search");
            if limit == 0 || plan.empty {
                return Ok(Vec::new());
            }
            match &plan.text {
                None => {
                    let bounds = window.conds(None);
                    let conds: Vec<&Cond> = plan.conds.iter().chain(&bounds).collect();
                    let (sql, args) = select(&plan.from, &conds, SUMMARY_COLUMNS, &tail);
                    return summaries(conn, &sql, args, limit, window);
                }
                Some(check) => walk_checking_text(conn, &plan, check, window, limit as usize)?,
            }
        }
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let (sql, args) = select("events e", &[&id_list(&ids)], SUMMARY_COLUMNS, &tail);
    summaries(conn, &sql, args, limit, window)
}

/// How a page is found: the newest full-text hits answered it already, or
/// the planner's plan.
enum PageWay {
    Newest(Vec<EventSummary>),
    Planned(Plan),
}

fn page_way(
    conn: &Connection,
    query: &Query,
    endpoint_id: Option<i64>,
    window: Window,
    limit: u32,
) -> Result<PageWay, StoreError> {
    let compiled = compile::compile(conn, query, endpoint_id)?;
    Ok(
        match newest_hits(conn, &compiled, window, limit as usize)? {
            Some(events) => PageWay::Newest(events),
            None => PageWay::Planned(plan_compiled(conn, compiled, Goal::Page)?),
        },
    )
}

/// Runs a page's final SELECT (its LIMIT not bound yet).
fn summaries(
    conn: &Connection,
    sql: &str,
    mut args: Vec<rusqlite::types::Value>,
    limit: u32,
    window: Window,
) -> Result<Vec<EventSummary>, StoreError> {
    args.push(i64::from(limit).into());
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params_from_iter(args), summary_from_row)?;
    let mut events: Vec<EventSummary> = rows.collect::<Result<_, _>>()?;
    if window.upward() {
        events.reverse();
    }
    Ok(events)
}

/// How many events match, counting no further than `cap`.
pub(super) fn count(
    conn: &Connection,
    query: &Query,
    endpoint_id: Option<i64>,
    cap: u32,
) -> Result<MatchCount, StoreError> {
    let plan = plan(conn, query, endpoint_id, Goal::Count)?;
    tracing::debug!(plan = %plan.description, "count");
    let want = i64::from(cap) + 1;
    let found = if plan.empty {
        0
    } else if let Some(check) = &plan.text {
        walk_checking_text(conn, &plan, check, Window::default(), want as usize)?.len() as i64
    } else {
        let conds: Vec<&Cond> = plan.conds.iter().collect();
        let (inner, mut args) = select(&plan.from, &conds, "1", "LIMIT ?");
        args.push(want.into());
        conn.prepare_cached(&format!("SELECT count(*) FROM ({inner})"))?
            .query_row(params_from_iter(args), |r| r.get(0))?
    };
    Ok(MatchCount {
        count: found.min(i64::from(cap)),
        capped: found > i64::from(cap),
    })
}

/// The FTS5 expression a query's words are matched with (None without
/// words), exactly as the plans ask the index.
pub(super) fn fulltext_expression(
    conn: &Connection,
    query: &Query,
    endpoint_id: Option<i64>,
) -> Result<Option<String>, StoreError> {
    Ok(compile::compile(conn, query, endpoint_id)?.probe_expr())
}

/// The plan a count of this query would use, described.
pub(super) fn describe_count(
    conn: &Connection,
    query: &Query,
    endpoint_id: Option<i64>,
) -> Result<String, StoreError> {
    Ok(plan(conn, query, endpoint_id, Goal::Count)?.description)
}

/// How a page of this query is found, described.
pub(super) fn describe_page(
    conn: &Connection,
    query: &Query,
    endpoint_id: Option<i64>,
    window: Window,
    limit: u32,
) -> Result<String, StoreError> {
    Ok(match page_way(conn, query, endpoint_id, window, limit)? {
        PageWay::Newest(_) => "newest full-text hits first".to_owned(),
        PageWay::Planned(plan) => plan.description,
    })
}

#[cfg(test)]
mod tests;
