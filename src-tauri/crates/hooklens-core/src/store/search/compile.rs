//! A parsed query turned into SQL conditions over `events e`, with their
//! bound parameters, the FTS5 expressions of its words and the indexes that
//! could drive it, before a plan is chosen.

use rusqlite::{Connection, types::Value};

use super::filters::{
    Cond, event_ids, header_cond, json_cond, path_glob, successor, written_verbatim_in_json,
};
use crate::query::{Filter, Query, TypeMatch};
use crate::secret_headers;
use crate::signature::VerdictStatus;
use crate::store::StoreError;

/// The verdicts `events_failed` holds, exactly as its partial condition says
/// (SQLite uses a partial index only for a condition that repeats its own).
const FAILED: &str = "(e.verdict = 'invalid' OR e.verdict = 'stale' OR e.verdict = 'malformed')";

/// An index that yields the rows of one condition.
#[derive(Debug, Clone)]
pub(super) struct Walk {
    pub(super) index: &'static str,
    pub(super) cond: Cond,
    /// The index yields rows in timeline order, so a page can stop early.
    pub(super) ordered: bool,
}

/// A query turned into conditions, before a plan is chosen.
#[derive(Debug, Default)]
pub(super) struct Compiled {
    /// Cheap column comparisons.
    pub(super) conds: Vec<Cond>,
    /// JSON and header checks: evaluated last, on rows that passed the rest.
    pub(super) costly: Vec<Cond>,
    /// FTS5 phrases that must all match (the words and phrases typed).
    required: Vec<String>,
    /// FTS5 phrases that must not match (`-word`).
    pub(super) excluded: Vec<String>,
    /// FTS5 phrases implied by other conditions (a `json.` value appears in
    /// the body text): they may narrow the rows, never decide.
    prefilters: Vec<String>,
    pub(super) walks: Vec<Walk>,
    /// The only events an `id:` filter allows.
    pub(super) ids: Option<Vec<i64>>,
    /// A word ends with `*` (see [`Lookup::All`](super::plan::Lookup::All)).
    pub(super) has_prefix: bool,
    /// Events from this id on may not be in the full-text index yet.
    pub(super) unindexed_from: i64,
}

pub(super) fn select(
    from: &str,
    conds: &[&Cond],
    columns: &str,
    tail: &str,
) -> (String, Vec<Value>) {
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

/// `e.id` is one of `ids`: one parameter (a JSON array) however many.
pub(super) fn id_list(ids: &[i64]) -> Cond {
    if ids.is_empty() {
        return Cond::nothing();
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    Cond::new(
        "e.id IN (SELECT value FROM json_each(?))",
        vec![format!("[{list}]").into()],
    )
}

impl Compiled {
    /// The full-text expression that could drive a plan, and whether rows
    /// not yet indexed must be added (when it holds only prefilters, which
    /// may narrow but never decide).
    pub(super) fn fts_source(&self) -> Option<(String, bool)> {
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
    pub(super) fn probe_expr(&self) -> Option<String> {
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

pub(super) fn any_of(phrases: &[String]) -> String {
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
pub(super) fn fts_string(text: &str, prefix: bool) -> String {
    let mut s = format!("\"{}\"", text.replace('"', "\"\""));
    if prefix {
        s.push_str(" *");
    }
    s
}

pub(super) fn compile(
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
                if endpoints.is_none() {
                    endpoints = Some(crate::store::endpoints::list(conn)?);
                }
                let ids = crate::query::endpoint_ids(endpoints.as_deref().unwrap_or(&[]), value);
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
                    format!("(e.verdict = ? AND {FAILED})"),
                    vec![status.as_str().to_owned().into()],
                );
                c.add(negated, cond, Some(("events_failed", true)));
            }
            Filter::Status(Some(status)) => {
                let cond = Cond::new("e.verdict = ?", vec![status.as_str().to_owned().into()]);
                c.add(negated, cond, None);
            }
            Filter::Status(None) => {
                let cond = Cond::new("e.verdict IS NULL", vec![]);
                c.add(negated, cond, Some(("events_unverified", true)));
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
                        endpoints = Some(crate::store::endpoints::list(conn)?);
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
            Filter::Imported(true) => {
                // Imports are few beside live traffic: their own index.
                let cond = Cond::new("e.source IS NOT NULL", vec![]);
                c.add(negated, cond, Some(("events_imported", true)));
            }
            Filter::Imported(false) => {
                c.add(negated, Cond::new("e.source IS NULL", vec![]), None);
            }
            Filter::Tunneled(true) => {
                // Tunnelled events have their own index, as imports do.
                let cond = Cond::new("e.via IS NOT NULL", vec![]);
                c.add(negated, cond, Some(("events_tunneled", true)));
            }
            Filter::Tunneled(false) => {
                // Sent to the local port: neither tunnelled nor imported.
                let cond = Cond::new("e.via IS NULL AND e.source IS NULL", vec![]);
                c.add(negated, cond, None);
            }
            Filter::Rule(name) => {
                let cond = Cond::new(
                    "EXISTS (SELECT 1 FROM event_answers a WHERE a.event_id = e.id
                             AND a.rule = ? COLLATE NOCASE)",
                    vec![name.clone().into()],
                );
                c.add(negated, cond, None);
            }
            Filter::Dup(true) => {
                // Redeliveries are few: their own index, as failed verdicts.
                let cond = Cond::new("e.delivery > 1", vec![]);
                c.add(negated, cond, Some(("events_redelivered", true)));
            }
            Filter::Dup(false) => {
                c.add(negated, Cond::new("e.delivery = 1", vec![]), None);
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
    crate::store::fulltext::first_pending(conn)
}
