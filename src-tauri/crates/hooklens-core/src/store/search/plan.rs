//! The planner: from what each condition of a compiled query yields
//! (counted up to a bound), where a page's or a count's rows come from and
//! how its words are checked.

use std::collections::HashSet;

use rusqlite::{Connection, params_from_iter, types::Value};

use super::compile::{Compiled, Walk, any_of, compile, id_list};
use super::filters::Cond;
use crate::query::Query;
use crate::store::StoreError;

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
    /// Full-text hits read newest first before leaving a page to the
    /// planner (`newest`); 0: never read that way.
    pub newest_max_hits: usize,
    pub newest_estimate_every: usize,
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
        newest_max_hits: super::newest::MAX_HITS,
        newest_estimate_every: super::newest::ESTIMATE_EVERY,
    };
}

#[cfg(not(test))]
pub(super) fn tuning() -> Tuning {
    Tuning::DEFAULT
}

#[cfg(test)]
thread_local! {
    static TUNING: std::cell::Cell<Tuning> = const { std::cell::Cell::new(Tuning::DEFAULT) };
}

#[cfg(test)]
pub(super) fn tuning() -> Tuning {
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
pub(super) struct TextCheck {
    pub(super) expr: String,
    /// Rows must be hits; false: must not be (only `-word`s).
    pub(super) require: bool,
    pub(super) lookup: Lookup,
}

#[derive(Debug)]
pub(super) enum Lookup {
    /// One range query per run of ids closer than `gap`.
    Ranges { gap: i64 },
    /// Every hit, read once: a prefix (`checko*`) makes FTS5 merge the
    /// postings of every term it matches on each query, whatever the range.
    All(HashSet<i64>),
}

/// What a plan is for: the thresholds differ, as a page stops at 50 rows
/// while a count reads every match up to its cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::store) enum Goal {
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
    pub(super) from: String,
    pub(super) conds: Vec<Cond>,
    pub(super) text: Option<TextCheck>,
    /// The query can match nothing (a required word no event has).
    pub(super) empty: bool,
    pub(super) description: String,
}

pub(super) fn plan(
    conn: &Connection,
    query: &Query,
    endpoint_id: Option<i64>,
    goal: Goal,
) -> Result<Plan, StoreError> {
    plan_compiled(conn, compile(conn, query, endpoint_id)?, goal)
}

/// The plan of a query compiled already.
pub(super) fn plan_compiled(
    conn: &Connection,
    compiled: Compiled,
    goal: Goal,
) -> Result<Plan, StoreError> {
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

/// The cheapest source (see the documentation of `search`).
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
