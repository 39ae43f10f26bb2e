//! `events [QUERY]`: stored events matching a search, newest first, with
//! their signature verdicts; a table or one JSON object per line.

use std::io::Write;

use clap::Args;
use hooklens_core::model::{Endpoint, EventSummary};
use hooklens_core::signature::VerdictStatus;
use hooklens_core::store::{Cursor, MAX_PAGE, PageQuery, Store};
use serde::Serialize;

use super::{find_endpoint, rfc3339};
use crate::error::CliError;
use crate::{term, verdicts};

pub const LONG_ABOUT: &str = "List stored events matching a search, newest first. Each row shows the \
signature verdict: `valid (LABEL)`, `invalid: DIAGNOSIS`, `unsigned`, `no_secret`, `stale AGEs`, \
`malformed`, with `(assumed)` when the provider's construction is a guess; `-` when not verified \
yet.\n\n\
With --json each line is an object with the event's fields and the verdict's, flat: \
verdict, scheme, secret (the matched label), age_s, diagnosis ({code, message, secret} or null), \
reason, assumed.";

/// The search language, for `events --help`.
pub const QUERY_HELP: &str = "\
Search: words must all appear in the path, headers or body (\"quoted phrases\" too; checko* for a
prefix); field:value filters narrow it; a leading - excludes a word, phrase or filter.
  type:order.created   type:dispute.*     provider:kustom    endpoint:NAME|/prefix|ID
  method:POST          path:/kustom/*     status:invalid     status:unverified
  id:EVENT_ID          id:#123            merchant:m_42      dup:yes | dup:no
  header.user-agent:curl (value contains, any case; * = any value)
  json.metadata.checkoutId:abc (value at a dot path; json.data.status:pend* for a prefix; * = the
    path exists; json.a\\:1:x for a key with a colon: a backslash puts the next character in the
    key, \\. a dot, \\\\ a backslash)
  after:1h  after:2d  before:2026-11-20  after:2026-11-20T10:00  (local time, or RFC 3339)
Quote values with spaces: json.note:\"two words\". Quoted values are literal: type:\"a*\" and
json.note:\"a*\" match a real *. Unquoted, a * in type: and json. values may only end them.
Text becomes searchable about 0.2 s after it arrives. A malformed query is an error (exit 2).

Examples:
  hooklens-cli events 'refund provider:kustom -status:valid'
  hooklens-cli events --json 'type:dispute.* after:1w'
  hooklens-cli events '-status:valid endpoint:Kustom' --limit 10
  hooklens-cli events 'json.data.status:pend*'";

#[derive(Args)]
pub struct EventsArgs {
    /// One JSON object per line instead of a table
    #[arg(long)]
    json: bool,
    /// How many events to list
    #[arg(long, default_value_t = 50)]
    limit: u32,
    /// Only events older than this one: the `cursor` of the last line of a previous
    /// `--json` listing, to page through more events than one listing holds
    #[arg(long, value_name = "CURSOR")]
    before: Option<String>,
    /// Only events of this endpoint (name, path prefix or id)
    #[arg(long, value_name = "ENDPOINT")]
    endpoint: Option<String>,
    /// Only redeliveries (shorthand for dup:yes)
    #[arg(long)]
    dup: bool,
    /// Only events with this verdict (shorthand for status:STATUS): valid, invalid, unsigned,
    /// no_secret, stale or malformed
    #[arg(long, value_name = "STATUS", value_parser = verdicts::parse_status)]
    verdict: Option<VerdictStatus>,
    /// The search, as in the app's query box (see below); several arguments are joined with
    /// spaces. It may start with a - (an excluded word or filter)
    #[arg(value_name = "QUERY", allow_hyphen_values = true)]
    query: Option<String>,
    /// The rest of a search given as several arguments. (Only the first may start with a -:
    /// clap would read a later one as an option. Quote the whole query instead.)
    #[arg(value_name = "QUERY", hide = true)]
    more: Vec<String>,
}

pub fn run(args: EventsArgs, store: &Store) -> Result<u8, CliError> {
    let mut out = std::io::stdout().lock();
    let endpoints = store.endpoints();
    let endpoint_id = args
        .endpoint
        .map(|e| find_endpoint(&endpoints, &e).map(|e| e.id))
        .transpose()?;
    let query = query_text(args.query, args.more)?;
    let query = search_query(&query, args.dup, args.verdict)?;
    let mut before = match args.before.as_deref() {
        Some(text) => Some(text.parse::<Cursor>().map_err(|_| {
            CliError::Usage(format!(
                "--before takes the cursor of an event, as `events --json` prints it; {} is not one",
                term::line(text)
            ))
        })?),
        None => None,
    };
    let reader = store.reader()?;
    // Pages of the timeline's own size, until --limit events are listed.
    let mut left = args.limit;
    while left > 0 {
        let page = reader.search_page(&PageQuery {
            limit: left.min(MAX_PAGE),
            before,
            endpoint_id,
            query: query.clone(),
            ..PageQuery::default()
        })?;
        for event in &page.events {
            if args.json {
                writeln!(out, "{}", term::json(&EventLine::new(event, &endpoints))?)?;
            } else {
                write_row(&mut out, event)?;
            }
        }
        left = left.saturating_sub(u32::try_from(page.events.len()).unwrap_or(u32::MAX));
        match page.events.last() {
            Some(last) if page.has_more => before = last.cursor.parse().ok(),
            _ => break,
        }
        if before.is_none() {
            break;
        }
    }
    Ok(0)
}

/// The search as one text. A first argument starting with `--` is an
/// option clap does not know (the query positional takes hyphens, so clap
/// hands it over): said as such, rather than as a query error.
fn query_text(first: Option<String>, more: Vec<String>) -> Result<String, CliError> {
    if let Some(option) = first.as_deref().filter(|q| q.starts_with("--")) {
        return Err(CliError::Usage(format!(
            "events has no option {}; see `hooklens-cli events --help` (to exclude a word or \
             filter, put one - before it)",
            term::line(option.split('=').next().unwrap_or(option))
        )));
    }
    Ok(first.into_iter().chain(more).collect::<Vec<_>>().join(" "))
}

/// The search typed, with `--dup` and `--verdict` as the filters they stand
/// for: one language, one way to filter.
fn search_query(
    text: &str,
    dup: bool,
    verdict: Option<VerdictStatus>,
) -> Result<hooklens_core::query::Query, CliError> {
    let now_ms = hooklens_core::store::now_ns() / 1_000_000;
    let parse = |text: &str| {
        hooklens_core::query::parse(text, now_ms).map_err(|error| CliError::Query {
            text: text.to_owned(),
            error,
        })
    };
    let mut query = parse(text)?;
    let mut shorthand = Vec::new();
    if dup {
        shorthand.push("dup:yes".to_owned());
    }
    if let Some(status) = verdict {
        shorthand.push(format!("status:{}", status.as_str()));
    }
    for term in shorthand {
        query.terms.extend(parse(&term)?.terms);
    }
    Ok(query)
}

/// One line of `events --json`.
#[derive(Serialize)]
struct EventLine<'a> {
    id: i64,
    /// Where the next page starts: `events --before CURSOR`.
    cursor: &'a str,
    received_at: String,
    endpoint: Option<&'a str>,
    method: &'a str,
    path: &'a str,
    query: Option<&'a str>,
    provider: Option<&'a str>,
    #[serde(rename = "type")]
    event_type: Option<&'a str>,
    provider_event_id: Option<&'a str>,
    merchant_id: Option<&'a str>,
    delivery: i64,
    size: i64,
    content_type: Option<&'a str>,
    remote_addr: Option<&'a str>,
    pinned: bool,
    #[serde(flatten)]
    signature: verdicts::Fields<'a>,
}

impl<'a> EventLine<'a> {
    fn new(e: &'a EventSummary, endpoints: &'a [Endpoint]) -> Self {
        EventLine {
            id: e.id,
            cursor: &e.cursor,
            received_at: rfc3339(cursor_ns(e)),
            endpoint: e
                .endpoint_id
                .and_then(|id| endpoints.iter().find(|x| x.id == id))
                .map(|x| x.name.as_str()),
            method: &e.method,
            path: &e.path,
            query: e.query.as_deref(),
            provider: e.provider.as_deref(),
            event_type: e.event_type.as_deref(),
            provider_event_id: e.provider_event_id.as_deref(),
            merchant_id: e.merchant_id.as_deref(),
            delivery: e.delivery,
            size: e.size,
            content_type: e.content_type.as_deref(),
            remote_addr: e.remote_addr.as_deref(),
            pinned: e.pinned,
            signature: verdicts::Fields::new(e.verdict.as_ref()),
        }
    }
}

/// The exact receive time, which the cursor carries in nanoseconds.
fn cursor_ns(e: &EventSummary) -> i64 {
    e.cursor
        .parse::<hooklens_core::store::Cursor>()
        .map_or(e.received_at_ms * 1_000_000, |c| c.received_at_ns)
}

/// One row of `events`. Every cell is escaped for one line: a sender's
/// newline must not start a fake row, nor its escape sequences reach the
/// terminal.
fn write_row(out: &mut impl Write, e: &EventSummary) -> std::io::Result<()> {
    let what = match (&e.provider, &e.event_type) {
        (Some(p), Some(t)) => format!("{p} {t}"),
        (Some(p), None) => p.clone(),
        (None, Some(t)) => t.clone(),
        (None, None) => String::new(),
    };
    let redelivery = if e.delivery > 1 {
        format!(" (delivery {})", e.delivery)
    } else {
        String::new()
    };
    writeln!(
        out,
        "{:>8}  {}  {:<28} {:<7} {}{}  {} B  {}{}",
        e.id,
        rfc3339(cursor_ns(e)),
        verdicts::short(e.verdict.as_ref()),
        term::line(&e.method),
        term::line(&e.path),
        e.query
            .as_deref()
            .map(|q| format!("?{}", term::line(q)))
            .unwrap_or_default(),
        e.size,
        term::line(&what),
        redelivery
    )
}
