//! Runs a parsed [`Query`] against the store: timeline pages and capped
//! counts.
//!
//! Every value reaches SQLite as a bound parameter, and text reaches FTS5 only
//! as quoted strings (`fts_string`), so nothing typed is ever read as SQL or
//! as FTS5 syntax.
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

use std::collections::HashSet;

use rusqlite::{Connection, params_from_iter, types::Value};

use super::StoreError;
use super::rows::{Cursor, SUMMARY_COLUMNS, summary_from_row};
use crate::model::{EventSummary, MatchCount};
use crate::query::{Filter, Query, TypeMatch};
use crate::secret_headers;
use crate::signature::VerdictStatus;

/// Sources yielding at most this many rows are read whole and sorted (at
/// ~5 µs a row looked up by id, 25 ms).
const SORT_AT_MOST: i64 = 5_000;
/// Full-text hits are counted up to this; past it a word is common enough
/// that walking the timeline finds a page quickly.
const COUNT_HITS_UP_TO: i64 = 20_000;
/// An index walk beats the timeline walk when it holds less than this share
/// of the events (1/50): its rows are scattered, the timeline's are not.
const SELECTIVE_SHARE: i64 = 50;
/// A count reads every match up to its cap, all over the store: an index
/// or the full-text hits beat the timeline up to a tenth of the events
/// (looking a row up by id costs ~5 µs, reading the timeline ~0.5–1 µs).
const COUNT_SELECTIVE_SHARE: i64 = 10;
/// Rows read per round of a walk whose words are checked in Rust: small first
/// (a common word fills the page at once), growing when matches are rare.
const FIRST_CHUNK: usize = 128;
const MAX_CHUNK: usize = 8_192;
/// One FTS5 query costs about as much as reading this many postings: ids
/// further apart than that (divided by the words' density) are checked with
/// separate range queries, but never ids closer than `MIN_GAP`.
const QUERY_COST_IN_POSTINGS: f64 = 150.0;
const MIN_GAP: i64 = 256;

/// The planner's thresholds. Tests shrink or grow them to drive every plan
/// over a small store and check that all plans agree.
#[derive(Debug, Clone, Copy)]
pub(super) struct Tuning {
    pub sort_at_most: i64,
    pub selective_share: i64,
    pub count_selective_share: i64,
    pub first_chunk: usize,
    pub max_chunk: usize,
    pub query_cost_in_postings: f64,
    pub min_gap: i64,
}

impl Tuning {
    pub(super) const DEFAULT: Tuning = Tuning {
        sort_at_most: SORT_AT_MOST,
        selective_share: SELECTIVE_SHARE,
        count_selective_share: COUNT_SELECTIVE_SHARE,
        first_chunk: FIRST_CHUNK,
        max_chunk: MAX_CHUNK,
        query_cost_in_postings: QUERY_COST_IN_POSTINGS,
        min_gap: MIN_GAP,
    };
}

#[cfg(not(test))]
fn tuning() -> Tuning {
    Tuning::DEFAULT
}

#[cfg(test)]
thread_local! {
    static TUNING: std::cell::Cell<Tuning> = const { std::cell::Cell::new(Tuning::DEFAULT) };
}

#[cfg(test)]
fn tuning() -> Tuning {
    TUNING.with(std::cell::Cell::get)
}

/// Runs `f` with other thresholds (on this thread).
#[cfg(test)]
pub(super) fn with_tuning<T>(t: Tuning, f: impl FnOnce() -> T) -> T {
    let before = TUNING.with(|c| c.replace(t));
    let out = f();
    TUNING.with(|c| c.set(before));
    out
}

/// The verdicts `events_failed` holds, exactly as its partial condition says.
const FAILED: &str = "('invalid', 'stale', 'malformed')";

/// A piece of WHERE clause over `events e` with its parameters, in order.
#[derive(Debug, Clone)]
struct Cond {
    sql: String,
    args: Vec<Value>,
}

impl Cond {
    fn new(sql: impl Into<String>, args: Vec<Value>) -> Cond {
        Cond {
            sql: sql.into(),
            args,
        }
    }

    /// Matches no event: a filter whose value names nothing stored.
    fn nothing() -> Cond {
        Cond::new("0", vec![])
    }

    /// True where `self` is false or NULL: `-type:x` keeps events without a
    /// type.
    fn negate(self) -> Cond {
        Cond {
            sql: format!("NOT ifnull(({}), 0)", self.sql),
            args: self.args,
        }
    }
}

/// An index that yields the rows of one condition.
#[derive(Debug, Clone)]
struct Walk {
    index: &'static str,
    cond: Cond,
    /// The index yields rows in timeline order, so a page can stop early.
    ordered: bool,
}

/// A query turned into conditions, before a plan is chosen.
#[derive(Debug, Default)]
struct Compiled {
    /// Cheap column comparisons.
    conds: Vec<Cond>,
    /// JSON and header checks: evaluated last, on rows that passed the rest.
    costly: Vec<Cond>,
    /// FTS5 phrases that must all match (the words and phrases typed).
    required: Vec<String>,
    /// FTS5 phrases that must not match (`-word`).
    excluded: Vec<String>,
    /// FTS5 phrases implied by other conditions (a `json.` value appears in
    /// the body text): they may narrow the rows, never decide.
    prefilters: Vec<String>,
    walks: Vec<Walk>,
    /// The only events an `id:` filter allows.
    ids: Option<Vec<i64>>,
    /// A word ends with `*` (see [`Lookup::All`]).
    has_prefix: bool,
    /// Events from this id on may not be in the full-text index yet.
    unindexed_from: i64,
}

/// Where a plan's rows come from.
#[derive(Debug)]
enum Source {
    /// Explicit ids, looked up and sorted.
    Ids(usize),
    /// Full-text hits, looked up by id and sorted.
    Fts { expr: String, bypass: bool },
    /// An index, in timeline order unless `ordered` is false (then sorted).
    Walk(Walk),
    /// The whole timeline, newest first.
    Timeline,
}

/// Words checked in Rust against the full-text index, a chunk of rows at a
/// time.
#[derive(Debug)]
struct TextCheck {
    expr: String,
    /// Rows must be hits; false: must not be (only `-word`s).
    require: bool,
    lookup: Lookup,
}

#[derive(Debug)]
enum Lookup {
    /// One range query per run of ids closer than `gap`.
    Ranges { gap: i64 },
    /// Every hit, read once: a prefix (`checko*`) makes FTS5 merge the
    /// postings of every term it matches on each query, whatever the range.
    All(HashSet<i64>),
}

/// What a plan is for: the thresholds differ, as a page stops at 50 rows
/// while a count reads every match up to its cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Goal {
    Page,
    Count,
}

impl Goal {
    /// Sources yielding at most this many rows are read whole (and sorted).
    fn read_whole_at_most(self, span: i64) -> i64 {
        match self {
            Goal::Page => tuning().sort_at_most,
            Goal::Count => (span / tuning().count_selective_share).max(tuning().sort_at_most),
        }
    }

    /// Index walks holding fewer rows than this beat walking the timeline.
    fn selective(self, span: i64) -> i64 {
        match self {
            Goal::Page => (span / tuning().selective_share).max(tuning().sort_at_most),
            Goal::Count => (span / tuning().count_selective_share).max(tuning().sort_at_most),
        }
    }
}

/// A chosen plan: FROM, WHERE and how words are checked.
pub(super) struct Plan {
    from: String,
    conds: Vec<Cond>,
    text: Option<TextCheck>,
    /// The query can match nothing (a required word no event has).
    empty: bool,
    pub(super) description: String,
}

fn select(from: &str, conds: &[&Cond], columns: &str, tail: &str) -> (String, Vec<Value>) {
    let mut sql = format!("SELECT {columns} FROM {from}");
    let mut args = Vec::new();
    for (n, cond) in conds.iter().enumerate() {
        sql.push_str(if n == 0 { " WHERE " } else { " AND " });
        sql.push_str(&cond.sql);
        args.extend(cond.args.iter().cloned());
    }
    sql.push(' ');
    sql.push_str(tail);
    (sql, args)
}

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
    let plan = plan(conn, query, endpoint_id, Goal::Page)?;
    tracing::debug!(plan = %plan.description, "search");
    if limit == 0 || plan.empty {
        return Ok(Vec::new());
    }
    let order = window.order();
    let tail = format!("ORDER BY e.received_at {order}, e.id {order} LIMIT ?");
    let (sql, mut args) = match &plan.text {
        None => {
            let bounds = window.conds(None);
            let conds: Vec<&Cond> = plan.conds.iter().chain(&bounds).collect();
            select(&plan.from, &conds, SUMMARY_COLUMNS, &tail)
        }
        Some(check) => {
            let ids = walk_checking_text(conn, &plan, check, window, limit as usize)?;
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            select("events e", &[&id_list(&ids)], SUMMARY_COLUMNS, &tail)
        }
    };
    args.push(i64::from(limit).into());
    let mut stmt = conn.prepare_cached(&sql)?;
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

/// The plan a page of this query would use, described.
pub(super) fn describe(
    conn: &Connection,
    query: &Query,
    endpoint_id: Option<i64>,
) -> Result<String, StoreError> {
    Ok(plan(conn, query, endpoint_id, Goal::Page)?.description)
}

/// Walks the plan's rows in timeline order, a chunk at a time, keeping those
/// whose words match, until `want` are kept or the rows run out.
fn walk_checking_text(
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

fn plan(
    conn: &Connection,
    query: &Query,
    endpoint_id: Option<i64>,
    goal: Goal,
) -> Result<Plan, StoreError> {
    let compiled = compile(conn, query, endpoint_id)?;
    let span = id_span(conn)?;
    let choice = choose(conn, &compiled, span, goal)?;
    assemble(conn, compiled, choice, span)
}

/// Ids from the oldest stored event to the newest: about how many events
/// there are, without counting them.
fn id_span(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT ifnull((SELECT max(id) FROM events) - (SELECT min(id) FROM events) + 1, 0)",
        )?
        .query_row([], |r| r.get(0))?)
}

/// What the full-text index says about a query's words, learnt while
/// choosing.
struct Hits {
    expr: String,
    /// Rows not indexed yet must be added (the expression holds only
    /// prefilters, which may narrow but never decide).
    bypass: bool,
    /// Counted up to [`COUNT_HITS_UP_TO`] (or the count goal's bound), or
    /// exactly when `all` is set.
    count: i64,
    /// Every hit, when the expression has a prefix (see [`Lookup::All`]).
    all: Option<HashSet<i64>>,
}

struct Choice {
    source: Source,
    /// How many rows the source was counted to yield.
    estimate: Option<i64>,
    hits: Option<Hits>,
}

/// The cheapest source (see the module's documentation).
fn choose(conn: &Connection, c: &Compiled, span: i64, goal: Goal) -> Result<Choice, StoreError> {
    let read_whole = goal.read_whole_at_most(span);
    let hits = match c.fts_source() {
        Some((expr, bypass)) => {
            let (mut count, all) = if c.has_prefix {
                let all = fts_all(conn, &expr)?;
                (all.len() as i64, Some(all))
            } else {
                (
                    count_fts(conn, &expr, COUNT_HITS_UP_TO.max(read_whole + 1))?,
                    None,
                )
            };
            if bypass {
                count += count_rows(
                    conn,
                    "events e",
                    &Cond::new("e.id >= ?", vec![c.unindexed_from.into()]),
                    COUNT_HITS_UP_TO,
                )?;
            }
            Some(Hits {
                expr,
                bypass,
                count,
                all,
            })
        }
        None => None,
    };
    if let Some(ids) = &c.ids {
        return Ok(Choice {
            source: Source::Ids(ids.len()),
            estimate: Some(ids.len() as i64),
            hits,
        });
    }
    let selective = goal.selective(span);
    let mut ordered: Option<(i64, &Walk)> = None;
    let mut unordered: Option<(i64, &Walk)> = None;
    for walk in &c.walks {
        let from = format!("events e INDEXED BY {}", walk.index);
        let rows = count_rows(conn, &from, &walk.cond, selective)?;
        let (slot, limit) = if walk.ordered {
            (&mut ordered, selective)
        } else {
            (&mut unordered, read_whole + 1)
        };
        if rows < limit && slot.is_none_or(|(best, _)| rows < best) {
            *slot = Some((rows, walk));
        }
    }
    let fewest_walk = match (ordered, unordered) {
        (Some(o), Some(u)) => Some(if u.0 < o.0 { u } else { o }),
        (o, u) => o.or(u),
    };
    if let Some(h) = &hits
        && h.count <= read_whole
        && fewest_walk.is_none_or(|(rows, _)| h.count <= rows)
    {
        let source = match &h.all {
            // Already read: no need to ask the index again.
            Some(all) if !h.bypass => Source::Ids(all.len()),
            _ => Source::Fts {
                expr: h.expr.clone(),
                bypass: h.bypass,
            },
        };
        return Ok(Choice {
            source,
            estimate: Some(h.count),
            hits,
        });
    }
    Ok(match fewest_walk {
        Some((rows, walk)) => Choice {
            source: Source::Walk(walk.clone()),
            estimate: Some(rows),
            hits,
        },
        None => Choice {
            source: Source::Timeline,
            estimate: None,
            hits,
        },
    })
}

fn assemble(conn: &Connection, c: Compiled, choice: Choice, span: i64) -> Result<Plan, StoreError> {
    let Choice {
        source,
        estimate,
        hits,
    } = choice;
    let mut conds = Vec::new();
    let (from, mut description, check_text) = match source {
        Source::Ids(n) => {
            let ids: Vec<i64> = match (&c.ids, hits.as_ref().and_then(|h| h.all.as_ref())) {
                (Some(ids), _) => ids.clone(),
                (None, Some(all)) => all.iter().copied().collect(),
                (None, None) => Vec::new(),
            };
            if c.ids.is_none() {
                // The full-text hits themselves (the `id:` filter is among
                // the conditions already).
                conds.push(id_list(&ids));
            }
            (
                "events e NOT INDEXED".to_owned(),
                format!("{n} ids, sorted"),
                c.ids.is_some(),
            )
        }
        Source::Fts { expr, bypass } => {
            let mut sql =
                "e.id IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?".to_owned();
            let mut args: Vec<Value> = vec![expr.into()];
            if bypass {
                // Rows not indexed yet cannot be ruled out by the index.
                sql.push_str(" UNION ALL SELECT id FROM events WHERE id >= ?");
                args.push(c.unindexed_from.into());
            }
            sql.push(')');
            conds.push(Cond::new(sql, args));
            let n = estimate.unwrap_or_default();
            // The expression holds the words already.
            (
                "events e NOT INDEXED".to_owned(),
                format!("{n} full-text hits, sorted"),
                false,
            )
        }
        Source::Walk(walk) => {
            let rows = estimate.unwrap_or_default();
            (
                format!("events e INDEXED BY {}", walk.index),
                if walk.ordered {
                    format!("{} ({rows} rows) in order", walk.index)
                } else {
                    format!("{} ({rows} rows), sorted", walk.index)
                },
                true,
            )
        }
        Source::Timeline => (
            "events e INDEXED BY events_received".to_owned(),
            "timeline".to_owned(),
            true,
        ),
    };
    conds.extend(c.conds.iter().cloned());
    conds.extend(c.costly.iter().cloned());
    let mut empty = false;
    let mut text = None;
    if check_text {
        let check = match (hits, c.probe_expr()) {
            // Prefix words: check against the hits read while choosing (their
            // prefilters hold for every match anyway).
            (
                Some(Hits {
                    expr,
                    all: Some(all),
                    ..
                }),
                Some(_),
            ) => Some((expr, true, Some(all), None)),
            (known, Some(expr)) => {
                let count = match known {
                    Some(h) if h.expr == expr => h.count,
                    _ => count_fts(conn, &expr, COUNT_HITS_UP_TO)?,
                };
                Some((expr, true, None, Some(count)))
            }
            (_, None) if !c.excluded.is_empty() => {
                let expr = any_of(&c.excluded);
                if c.has_prefix {
                    let all = fts_all(conn, &expr)?;
                    Some((expr, false, Some(all), None))
                } else {
                    let count = count_fts(conn, &expr, COUNT_HITS_UP_TO)?;
                    Some((expr, false, None, Some(count)))
                }
            }
            (_, None) => None,
        };
        if let Some((expr, require, all, count)) = check {
            let lookup = match (all, count) {
                (Some(all), _) => {
                    empty = require && all.is_empty();
                    description.push_str(&format!(", words checked ({} hits read)", all.len()));
                    Lookup::All(all)
                }
                (None, count) => {
                    let count = count.unwrap_or_default();
                    empty = require && count == 0;
                    description.push_str(&format!(
                        ", words checked per chunk ({count}{} hits)",
                        if count >= COUNT_HITS_UP_TO { "+" } else { "" }
                    ));
                    // Sparse words: reading postings across a gap is cheaper
                    // than another query, up to a point.
                    let t = tuning();
                    let gap = (span as f64 * t.query_cost_in_postings / count.max(1) as f64)
                        .clamp(t.min_gap as f64, 1e15) as i64;
                    Lookup::Ranges { gap }
                }
            };
            text = Some(TextCheck {
                expr,
                require,
                lookup,
            });
        }
    }
    Ok(Plan {
        from,
        conds,
        text,
        empty,
        description,
    })
}

/// `e.id` is one of `ids`: one parameter (a JSON array) however many.
fn id_list(ids: &[i64]) -> Cond {
    if ids.is_empty() {
        return Cond::nothing();
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    Cond::new(
        "e.id IN (SELECT value FROM json_each(?))",
        vec![format!("[{list}]").into()],
    )
}

/// Every hit of an expression.
fn fts_all(conn: &Connection, expr: &str) -> Result<HashSet<i64>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT rowid FROM events_fts WHERE events_fts MATCH ?1")?;
    let hits = stmt.query_map([expr], |r| r.get::<_, i64>(0))?;
    Ok(hits.collect::<Result<_, _>>()?)
}

/// Counts what one condition yields through `from`, up to `limit`.
fn count_rows(conn: &Connection, from: &str, cond: &Cond, limit: i64) -> Result<i64, StoreError> {
    let sql = format!(
        "SELECT count(*) FROM (SELECT 1 FROM {from} WHERE {} LIMIT ?)",
        cond.sql
    );
    let args = cond.args.iter().cloned().chain([Value::from(limit)]);
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params_from_iter(args), |r| r.get(0))?)
}

fn count_fts(conn: &Connection, expr: &str, limit: i64) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM (SELECT 1 FROM events_fts WHERE events_fts MATCH ?1 LIMIT ?2)",
        )?
        .query_row(rusqlite::params![expr, limit], |r| r.get(0))?)
}

impl Compiled {
    /// The full-text expression that could drive a plan, and whether rows
    /// not yet indexed must be added (when it holds only prefilters, which
    /// may narrow but never decide).
    fn fts_source(&self) -> Option<(String, bool)> {
        let positive: Vec<String> = self
            .required
            .iter()
            .chain(&self.prefilters)
            .cloned()
            .collect();
        if positive.is_empty() {
            return None;
        }
        Some((
            with_exclusions(all_of(&positive), &self.excluded),
            self.required.is_empty(),
        ))
    }

    /// What a per-row probe checks: the typed words, not prefilters (those
    /// conditions are checked exactly anyway).
    fn probe_expr(&self) -> Option<String> {
        (!self.required.is_empty()).then(|| with_exclusions(all_of(&self.required), &self.excluded))
    }

    fn walk(&mut self, index: &'static str, cond: Cond, ordered: bool) {
        self.walks.push(Walk {
            index,
            cond: cond.clone(),
            ordered,
        });
        self.conds.push(cond);
    }
}

fn all_of(phrases: &[String]) -> String {
    phrases
        .iter()
        .map(|p| format!("({p})"))
        .collect::<Vec<_>>()
        .join(" AND ")
}

fn any_of(phrases: &[String]) -> String {
    phrases
        .iter()
        .map(|p| format!("({p})"))
        .collect::<Vec<_>>()
        .join(" OR ")
}

fn with_exclusions(positive: String, excluded: &[String]) -> String {
    if excluded.is_empty() {
        positive
    } else {
        format!("({positive}) NOT ({})", any_of(excluded))
    }
}

/// Text as one FTS5 string (a phrase of its tokens), quotes doubled: never
/// FTS5 syntax. `prefix`: the last token may continue.
fn fts_string(text: &str, prefix: bool) -> String {
    let mut s = format!("\"{}\"", text.replace('"', "\"\""));
    if prefix {
        s.push_str(" *");
    }
    s
}

fn compile(
    conn: &Connection,
    query: &Query,
    endpoint_id: Option<i64>,
) -> Result<Compiled, StoreError> {
    let mut c = Compiled {
        unindexed_from: unindexed_from(conn)?,
        ..Compiled::default()
    };
    if let Some(id) = endpoint_id {
        c.walk(
            "events_endpoint",
            Cond::new("e.endpoint_id = ?", vec![id.into()]),
            true,
        );
    }
    let (mut after, mut before) = (None::<i64>, None::<i64>);
    let mut endpoints = None;
    for term in &query.terms {
        let negated = term.negated;
        match &term.filter {
            Filter::Text { text, prefix } => {
                c.has_prefix |= *prefix;
                let phrase = fts_string(text, *prefix);
                if negated {
                    c.excluded.push(phrase);
                } else {
                    c.required.push(phrase);
                }
            }
            Filter::Type(TypeMatch::Exact(value)) => {
                let cond = Cond::new("e.event_type = ?", vec![value.clone().into()]);
                c.add(negated, cond, Some(("events_type", true)));
            }
            Filter::Type(TypeMatch::Prefix(prefix)) if prefix.is_empty() => {
                c.add(negated, Cond::new("e.event_type IS NOT NULL", vec![]), None);
            }
            Filter::Type(TypeMatch::Prefix(prefix)) => {
                let cond = match successor(prefix) {
                    Some(end) => Cond::new(
                        "(e.event_type >= ? AND e.event_type < ?)",
                        vec![prefix.clone().into(), end.into()],
                    ),
                    None => Cond::new("e.event_type >= ?", vec![prefix.clone().into()]),
                };
                c.add(negated, cond, Some(("events_type", false)));
            }
            Filter::Provider(value) => {
                let cond = Cond::new("e.provider = ?", vec![value.clone().into()]);
                c.add(negated, cond, None);
            }
            Filter::Endpoint(value) => {
                let ids = endpoint_ids(conn, value)?;
                let cond = match ids.as_slice() {
                    [] => Cond::nothing(),
                    [id] => Cond::new("e.endpoint_id = ?", vec![(*id).into()]),
                    many => Cond::new(
                        format!("e.endpoint_id IN ({})", placeholders(many.len())),
                        many.iter().map(|&id| id.into()).collect(),
                    ),
                };
                let ordered = ids.len() == 1;
                let walk = (!ids.is_empty()).then_some(("events_endpoint", ordered));
                c.add(negated, cond, walk);
            }
            Filter::Method(value) => {
                let cond = Cond::new("e.method = ? COLLATE NOCASE", vec![value.clone().into()]);
                c.add(negated, cond, None);
            }
            Filter::Path { value, literal } => {
                let cond = Cond::new("e.path GLOB ?", vec![path_glob(value, *literal).into()]);
                c.add(negated, cond, None);
            }
            Filter::Status(Some(
                status @ (VerdictStatus::Invalid | VerdictStatus::Stale | VerdictStatus::Malformed),
            )) => {
                // The index's own condition, written out, lets SQLite use it.
                let cond = Cond::new(
                    format!("(e.verdict = ? AND e.verdict IN {FAILED})"),
                    vec![status.as_str().to_owned().into()],
                );
                c.add(negated, cond, Some(("events_failed", true)));
            }
            Filter::Status(Some(status)) => {
                let cond = Cond::new("e.verdict = ?", vec![status.as_str().to_owned().into()]);
                c.add(negated, cond, None);
            }
            Filter::Status(None) => {
                c.add(negated, Cond::new("e.verdict IS NULL", vec![]), None);
            }
            Filter::Id { value, own } => {
                let ids = event_ids(conn, value, *own)?;
                let cond = id_list(&ids);
                if negated {
                    c.conds.push(cond.negate());
                } else {
                    c.ids = Some(match c.ids.take() {
                        Some(earlier) => {
                            earlier.into_iter().filter(|id| ids.contains(id)).collect()
                        }
                        None => ids,
                    });
                    c.conds.push(cond);
                }
            }
            Filter::Merchant(value) => {
                let cond = Cond::new("e.merchant_id = ?", vec![value.clone().into()]);
                c.add(negated, cond, Some(("events_merchant", true)));
            }
            Filter::Header { name, value } => {
                // Header names are few; the endpoints only matter (and are
                // read) for a filter with a value.
                let secret = value.is_some() && {
                    if endpoints.is_none() {
                        endpoints = Some(super::endpoints::list(conn)?);
                    }
                    secret_headers::is_secret_anywhere(name, endpoints.as_deref().unwrap_or(&[]))
                };
                let cond = header_cond(name, value.as_deref(), secret);
                if negated {
                    c.costly.push(cond.negate());
                } else {
                    // The name's words are in the indexed header text.
                    if name.chars().any(char::is_alphanumeric) {
                        c.prefilters
                            .push(format!("headers : {}", fts_string(name, false)));
                    }
                    c.costly.push(cond);
                }
            }
            Filter::Json {
                path,
                value,
                prefix,
            } => {
                let cond = json_cond(path, value.as_deref(), *prefix);
                if negated {
                    c.costly.push(cond.negate());
                } else {
                    // A prefix gets no prefilter: its last word may go on in
                    // the body, and FTS5 prefix lookups read every hit.
                    if let Some(value) = value
                        && !*prefix
                        && written_verbatim_in_json(value)
                    {
                        // A value JSON encoders never escape appears as is in
                        // the body, so its words are in the indexed body text
                        // (bodies over the index's 1 MiB are the exception).
                        c.prefilters
                            .push(format!("body : {}", fts_string(value, false)));
                    }
                    c.costly.push(cond);
                }
            }
            Filter::After(at) => {
                let cond = Cond::new("e.received_at >= ?", vec![(*at).into()]);
                if negated {
                    c.conds.push(cond.negate());
                } else {
                    after = Some(after.map_or(*at, |a| a.max(*at)));
                    c.conds.push(cond);
                }
            }
            Filter::Before(at) => {
                let cond = Cond::new("e.received_at < ?", vec![(*at).into()]);
                if negated {
                    c.conds.push(cond.negate());
                } else {
                    before = Some(before.map_or(*at, |b| b.min(*at)));
                    c.conds.push(cond);
                }
            }
            Filter::Dup(yes) => {
                let sql = if *yes {
                    "e.delivery > 1"
                } else {
                    "e.delivery = 1"
                };
                c.add(negated, Cond::new(sql, vec![]), None);
            }
        }
    }
    if after.is_some() || before.is_some() {
        // A time range is a walk of the timeline index over that range only.
        c.walks.push(Walk {
            index: "events_received",
            cond: Cond::new(
                "e.received_at >= ? AND e.received_at < ?",
                vec![
                    after.unwrap_or(i64::MIN).into(),
                    before.unwrap_or(i64::MAX).into(),
                ],
            ),
            ordered: true,
        });
    }
    Ok(c)
}

impl Compiled {
    /// A cheap condition, and the index that could drive it when positive.
    fn add(&mut self, negated: bool, cond: Cond, walk: Option<(&'static str, bool)>) {
        match (negated, walk) {
            (true, _) => self.conds.push(cond.negate()),
            (false, Some((index, ordered))) => self.walk(index, cond, ordered),
            (false, None) => self.conds.push(cond),
        }
    }
}

fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// The first id the full-text index may not hold yet (text is indexed in
/// batches shortly after it is stored, and retried after a failure).
fn unindexed_from(conn: &Connection) -> Result<i64, StoreError> {
    super::first_pending(conn)
}

/// The smallest string greater than every string starting with `prefix`,
/// in SQLite's byte order (None when there is none).
fn successor(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = (u32::from(last) + 1..=u32::from(char::MAX)).find_map(char::from_u32);
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// `path:` as a GLOB: a prefix, `*` as a wildcard unless `literal`, and
/// GLOB's own specials (`?`, `[`) taken literally. Literal, it is any
/// prefix's GLOB (a `json.` value ending in `*`).
fn path_glob(value: &str, literal: bool) -> String {
    let mut glob = String::with_capacity(value.len() + 1);
    for c in value.chars() {
        match c {
            '*' if !literal => glob.push('*'),
            '*' | '?' | '[' => {
                glob.push('[');
                glob.push(c);
                glob.push(']');
            }
            c => glob.push(c),
        }
    }
    glob.push('*');
    glob
}

/// `%`, `_` and the escape character itself, escaped for `LIKE … ESCAPE '\'`.
fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A received header named `name` whose value contains `value` (ASCII case
/// folded, as SQLite's LIKE does); any value when None. Headers are stored as
/// a JSON array of {name, value}. A `secret` header's value is never
/// searched: the filter matches what the detail pane shows of it, its mask.
fn header_cond(name: &str, value: Option<&str>, secret: bool) -> Cond {
    if secret && let Some(value) = value {
        return secret_header_cond(name, value);
    }
    let mut sql = String::from("(");
    let mut args: Vec<Value> = Vec::new();
    if let Some(value) = value
        && !value
            .chars()
            .any(|c| c == '"' || c == '\\' || c.is_control())
    {
        // Cheap test on the stored JSON before taking it apart: the value
        // appears there unescaped.
        sql.push_str("e.headers LIKE ? ESCAPE '\\' AND ");
        args.push(format!("%{}%", like_escape(value)).into());
    }
    sql.push_str(
        "EXISTS (SELECT 1 FROM json_each(e.headers) h
                 WHERE lower(json_extract(h.value, '$.name')) = ?",
    );
    args.push(name.to_ascii_lowercase().into());
    if let Some(value) = value {
        sql.push_str(" AND json_extract(h.value, '$.value') LIKE ? ESCAPE '\\'");
        args.push(format!("%{}%", like_escape(value)).into());
    }
    sql.push_str("))");
    Cond::new(sql, args)
}

/// A secret-bearing header named `name` whose mask
/// ([`secret_headers::masked_value`]) contains `value`: any such header when
/// `value` is part of the bullets, one whose value starts with a matching
/// scheme word (`Basic `, `Bearer `, …) for credentials, else none. So a
/// filter tells Basic from Bearer, and never anything of the secret.
fn secret_header_cond(name: &str, value: &str) -> Cond {
    let Some(words) = secret_headers::mask_matches(name, value) else {
        return Cond::nothing();
    };
    let mut sql = String::from(
        "EXISTS (SELECT 1 FROM json_each(e.headers) h
                 WHERE lower(json_extract(h.value, '$.name')) = ?",
    );
    let mut args: Vec<Value> = vec![name.to_ascii_lowercase().into()];
    if !words.is_empty() {
        let tests: Vec<&str> = words
            .iter()
            .map(|_| "ltrim(json_extract(h.value, '$.value'), ' ' || char(9)) LIKE ? ESCAPE '\\'")
            .collect();
        sql.push_str(&format!(" AND ({})", tests.join(" OR ")));
        args.extend(
            words
                .iter()
                .map(|w| Value::from(format!("{} %", like_escape(w)))),
        );
    }
    sql.push(')');
    Cond::new(sql, args)
}

/// The SQLite JSON path for dot-separated keys; all-digit keys index arrays.
/// Every other key is a quoted label, in which SQLite reads JSON string
/// escapes: a backslash or a quote in a key is escaped (unescaped, either
/// made "bad JSON path"), and so are control characters (a NUL would end the
/// path early).
fn json_path(keys: &[String]) -> String {
    let mut path = String::from("$");
    for key in keys {
        // SQLite reads an index into 32 bits and would wrap a longer one
        // round to a small index; such a key can only name an object member.
        if !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit()) && key.parse::<u32>().is_ok()
        {
            path.push_str(&format!("[{key}]"));
            continue;
        }
        path.push_str(".\"");
        for c in key.chars() {
            match c {
                '"' => path.push_str("\\\""),
                '\\' => path.push_str("\\\\"),
                c if c.is_ascii_control() => path.push_str(&format!("\\u{:04x}", c as u32)),
                c => path.push(c),
            }
        }
        path.push('"');
    }
    path
}

/// The JSON body's value at `keys` equals `value` (with `prefix`: starts
/// with it): strings by content, numbers as written, booleans and null by
/// name; any value when None. Bodies that are not JSON never match.
fn json_cond(keys: &[String], value: Option<&str>, prefix: bool) -> Cond {
    let path = json_path(keys);
    // Bodies are BLOBs, which SQLite would read as JSONB: JSON text is meant.
    const BODY: &str = "CAST(e.body AS TEXT)";
    match value {
        None => Cond::new(
            format!("(CASE WHEN json_valid({BODY}) THEN json_type({BODY}, ?) IS NOT NULL END)"),
            vec![path.into()],
        ),
        Some(value) => {
            let mut sql = String::from("(");
            let mut args: Vec<Value> = Vec::new();
            if written_verbatim_in_json(value) {
                // Cheap byte search before parsing the body (a prefix is in
                // the body as much as the whole value is).
                sql.push_str("instr(e.body, ?) > 0 AND ");
                args.push(Value::Blob(value.as_bytes().to_vec()));
            }
            sql.push_str(&format!(
                "(CASE WHEN json_valid({BODY}) THEN
                   CASE json_type({BODY}, ?)
                     WHEN 'text' THEN json_extract({BODY}, ?)
                     WHEN 'integer' THEN {BODY} -> ?
                     WHEN 'real' THEN {BODY} -> ?
                     WHEN 'true' THEN 'true'
                     WHEN 'false' THEN 'false'
                     WHEN 'null' THEN 'null'
                   END
                 END) {} ?)",
                if prefix { "GLOB" } else { "=" }
            ));
            for _ in 0..4 {
                args.push(path.clone().into());
            }
            args.push(
                if prefix {
                    // The stem with GLOB's specials literal, then anything.
                    path_glob(value, true)
                } else {
                    value.to_owned()
                }
                .into(),
            );
            Cond::new(sql, args)
        }
    }
}

/// No JSON encoder escapes these characters (some escape `/`, `<`, `>`, `&`,
/// `'` or anything beyond ASCII), so a value made of them appears verbatim in
/// any JSON that holds it.
fn written_verbatim_in_json(value: &str) -> bool {
    !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b" -_.:@+=#,;!~*()[]{}$%^?|".contains(&b))
}

/// Endpoints named by `endpoint:` — by id, else by path prefix, else by name
/// (case-insensitive), as the CLI's `--endpoint` finds them.
fn endpoint_ids(conn: &Connection, key: &str) -> Result<Vec<i64>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT id, name, path_prefix FROM endpoints")?;
    let endpoints: Vec<(i64, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    if let Ok(id) = key.parse::<i64>()
        && endpoints.iter().any(|e| e.0 == id)
    {
        return Ok(vec![id]);
    }
    let prefix = key.trim_end_matches('/');
    let by_prefix: Vec<i64> = endpoints
        .iter()
        .filter(|e| e.2 == prefix || (prefix.is_empty() && e.2 == "/"))
        .map(|e| e.0)
        .collect();
    if !by_prefix.is_empty() {
        return Ok(by_prefix);
    }
    let key = key.to_lowercase();
    Ok(endpoints
        .iter()
        .filter(|e| e.1.to_lowercase() == key)
        .map(|e| e.0)
        .collect())
}

/// Events whose provider event id is `value` (under any provider), plus
/// `own` (Hooklens's event id) when it exists. Looked up per provider, which
/// leads the provider event id index.
fn event_ids(conn: &Connection, value: &str, own: Option<i64>) -> Result<Vec<i64>, StoreError> {
    let providers = stored_providers(conn)?.into_iter().map(Some).chain([None]);
    let mut lookup = conn
        .prepare_cached("SELECT id FROM events WHERE provider IS ?1 AND provider_event_id = ?2")?;
    let mut ids = Vec::new();
    for provider in providers {
        let found = lookup.query_map(rusqlite::params![provider, value], |r| r.get::<_, i64>(0))?;
        for id in found {
            ids.push(id?);
        }
    }
    if let Some(own) = own
        && conn
            .prepare_cached("SELECT 1 FROM events WHERE id = ?1")?
            .exists([own])?
    {
        ids.push(own);
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// The distinct event types stored, in order, at most `limit`: one index
/// seek per type (a DISTINCT would read every entry).
pub(super) fn stored_types(conn: &Connection, limit: i64) -> Result<Vec<String>, StoreError> {
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
pub(super) fn stored_providers(conn: &Connection) -> Result<Vec<String>, StoreError> {
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
pub(super) fn recent_methods(conn: &Connection, recent: i64) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT method FROM
           (SELECT method FROM events INDEXED BY events_received
            ORDER BY received_at DESC, id DESC LIMIT ?1)
         ORDER BY method",
    )?;
    let methods = stmt.query_map([recent], |r| r.get(0))?;
    Ok(methods.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests;
