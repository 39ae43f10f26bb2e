//! One row of the timeline as both the reader and the search planner read
//! it: the summary columns and the cursor that places a row in the timeline.

use rusqlite::Row;

use super::StoreError;
use crate::model::EventSummary;
use crate::signature::Verdict;

/// Where a timeline page starts: strictly older than this (received_at, id).
/// It travels to the UI as the opaque text `"<ns>:<id>"` because nanosecond
/// times do not fit in a JavaScript number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub received_at_ns: i64,
    pub id: i64,
}

impl Cursor {
    /// The cursor's text, in a string sized once: every row of every page
    /// carries one, and `to_string` grows its string as it writes.
    pub(super) fn text(&self) -> String {
        use std::fmt::Write;
        // Two i64s and the colon: at most 20 + 1 + 20 bytes.
        let mut text = String::with_capacity(41);
        let _ = write!(text, "{self}");
        text
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.received_at_ns, self.id)
    }
}

impl std::str::FromStr for Cursor {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || StoreError::BadCursor(s.to_owned());
        let (at, id) = s.split_once(':').ok_or_else(bad)?;
        Ok(Cursor {
            received_at_ns: at.parse().map_err(|_| bad())?,
            id: id.parse().map_err(|_| bad())?,
        })
    }
}

/// The columns `summary_from_row` reads, of `events e`.
pub(super) const SUMMARY_COLUMNS: &str =
    "e.id, e.received_at, e.endpoint_id, e.method, e.path, e.query, e.size,
     e.content_type, e.remote_addr, e.provider, e.event_type, e.provider_event_id,
     e.merchant_id, e.delivery, e.pinned, e.verdict_json, e.source IS NOT NULL,
     e.via IS NOT NULL";
/// How many columns `SUMMARY_COLUMNS` names: a query may select more after
/// them.
pub(super) const SUMMARY_WIDTH: usize = columns_in(SUMMARY_COLUMNS);

/// The columns of a select list with no commas inside its expressions.
const fn columns_in(list: &str) -> usize {
    let bytes = list.as_bytes();
    let (mut i, mut columns) = (0, 1);
    while i < bytes.len() {
        if bytes[i] == b',' {
            columns += 1;
        }
        i += 1;
    }
    columns
}

pub(super) fn summary_from_row(row: &Row<'_>) -> rusqlite::Result<EventSummary> {
    let id: i64 = row.get(0)?;
    let received_at_ns: i64 = row.get(1)?;
    Ok(EventSummary {
        id,
        cursor: Cursor { received_at_ns, id }.text(),
        received_at_ms: received_at_ns / 1_000_000,
        endpoint_id: row.get(2)?,
        method: row.get(3)?,
        path: row.get(4)?,
        query: row.get(5)?,
        size: row.get(6)?,
        content_type: row.get(7)?,
        remote_addr: row.get(8)?,
        provider: row.get(9)?,
        event_type: row.get(10)?,
        provider_event_id: row.get(11)?,
        merchant_id: row.get(12)?,
        delivery: row.get(13)?,
        pinned: row.get(14)?,
        // A verdict this version cannot read shows as not yet verified.
        // Parsed from the row's own text, not a copy of it.
        verdict: row
            .get_ref(15)?
            .as_str_or_null()
            .ok()
            .flatten()
            .and_then(|json| serde_json::from_str::<Verdict>(json).ok()),
        imported: row.get(16)?,
        tunneled: row.get(17)?,
    })
}
