//! How far event ids follow the timeline (`timeline_order`, migration 14):
//! from `ordered_from` on, an event is newer in the timeline than every
//! event more than `slack` ids before it. The writer keeps the promise as
//! it inserts; a search for words relies on it to read the full-text
//! index's newest hits first (`search::newest`).

use rusqlite::{Connection, params};

/// The promise as stored.
#[derive(Debug, Clone, Copy)]
pub(super) struct TimelineOrder {
    pub(super) ordered_from: i64,
    pub(super) slack: i64,
}

pub(super) fn read(conn: &Connection) -> rusqlite::Result<TimelineOrder> {
    conn.prepare_cached("SELECT ordered_from, slack FROM timeline_order")?
        .query_row([], |r| {
            Ok(TimelineOrder {
                ordered_from: r.get(0)?,
                slack: r.get(1)?,
            })
        })
}

/// Keeps the promise over one group of inserts, inside its transaction: an
/// event in order costs a comparison; one out of order, a query.
pub(super) struct Keeper {
    order: TimelineOrder,
    /// `ordered_from` as read, to write back only a change.
    read_from: i64,
    /// The newest received_at stored, this group's inserts included.
    newest_at: i64,
}

impl Keeper {
    pub(super) fn new(conn: &Connection) -> rusqlite::Result<Keeper> {
        let order = read(conn)?;
        let newest_at: Option<i64> = conn
            .prepare_cached("SELECT max(received_at) FROM events")?
            .query_row([], |r| r.get(0))?;
        Ok(Keeper {
            order,
            read_from: order.ordered_from,
            newest_at: newest_at.unwrap_or(i64::MIN),
        })
    }

    /// Event `id` (the newest id) was just inserted, received at `at`.
    pub(super) fn inserted(&mut self, conn: &Connection, id: i64, at: i64) -> rusqlite::Result<()> {
        let in_order = at >= self.newest_at;
        self.newest_at = self.newest_at.max(at);
        if in_order || id < self.order.ordered_from {
            return Ok(());
        }
        // Broken when an event more than `slack` ids back is newer: the
        // newest event in the timeline decides at once when its id is far
        // back (an import, a late request); else the walk reads at most
        // `slack` + 1 entries, as only `slack` ids are closer than that.
        let broken: bool = conn
            .prepare_cached(
                "SELECT (SELECT id FROM events INDEXED BY events_received
                         ORDER BY received_at DESC, id DESC LIMIT 1) < ?1 - ?2
                     OR EXISTS (SELECT 1 FROM events INDEXED BY events_received
                                WHERE received_at > ?3 AND id < ?1 - ?2)",
            )?
            .query_row(params![id, self.order.slack, at], |r| r.get(0))?;
        if broken {
            // `slack` ids further: an import checks one event in `slack` + 1
            // instead of each.
            self.order.ordered_from = self
                .order
                .ordered_from
                .max(id.saturating_add(1).saturating_add(self.order.slack));
        }
        Ok(())
    }

    /// Writes the promise back when the group moved it.
    pub(super) fn finish(self, conn: &Connection) -> rusqlite::Result<()> {
        if self.order.ordered_from != self.read_from {
            conn.prepare_cached("UPDATE timeline_order SET ordered_from = ?1")?
                .execute([self.order.ordered_from])?;
        }
        Ok(())
    }
}
