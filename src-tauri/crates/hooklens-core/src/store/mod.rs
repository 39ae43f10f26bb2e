//! SQLite storage. One writer thread owns the only write connection and
//! commits requests in groups; readers open their own connections, so reading
//! the timeline never blocks ingestion (WAL).

use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use rusqlite_migration::{M, Migrations};
use serde::Serialize;
use tokio::sync::{broadcast, mpsc, oneshot};

use crate::api::{EventPage, EventSummary};

/// How many acknowledged-but-uncommitted requests may queue before senders
/// wait; bounds memory when the disk is slower than the network.
const WRITE_QUEUE: usize = 1024;
/// The most requests committed in one transaction.
const MAX_GROUP: usize = 256;
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

static MIGRATIONS: LazyLock<Migrations<'static>> = LazyLock::new(|| {
    Migrations::new(vec![M::up(include_str!(
        "../../migrations/0001_events.sql"
    ))])
});

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create the data directory {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the database {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("cannot bring the database {path} up to date: {source}")]
    Migrate {
        path: PathBuf,
        source: rusqlite_migration::Error,
    },
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("could not store the request: {0}")]
    Write(String),
    #[error("the database writer has stopped")]
    WriterGone,
    #[error("invalid timeline cursor {0:?}")]
    BadCursor(String),
}

/// One header as received. Values are bytes on the wire; most are text, but a
/// value that is not UTF-8 is kept as its raw bytes in `value_bytes` so nothing
/// is rewritten on the way in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct StoredHeader {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub value_bytes: Option<Vec<u8>>,
}

impl StoredHeader {
    pub fn new(name: &str, value: &[u8]) -> Self {
        match std::str::from_utf8(value) {
            Ok(text) => StoredHeader {
                name: name.to_owned(),
                value: Some(text.to_owned()),
                value_bytes: None,
            },
            Err(_) => StoredHeader {
                name: name.to_owned(),
                value: None,
                value_bytes: Some(value.to_vec()),
            },
        }
    }
}

/// A request as it arrived, before it has an id.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub received_at_ns: i64,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: Vec<StoredHeader>,
    pub remote_addr: Option<String>,
    pub body: Vec<u8>,
}

impl NewEvent {
    fn content_type(&self) -> Option<String> {
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case("content-type"))
            .and_then(|h| h.value.clone())
    }
}

struct WriteJob {
    event: NewEvent,
    done: oneshot::Sender<Result<EventSummary, String>>,
}

/// Handle to the store; cheap to clone.
#[derive(Clone)]
pub struct Store {
    path: PathBuf,
    jobs: mpsc::Sender<WriteJob>,
    new_events: broadcast::Sender<EventSummary>,
}

impl Store {
    /// Opens (creating if needed) the database in `data_dir`, migrates it and
    /// starts the writer thread.
    pub fn open(data_dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::CreateDir {
            path: data_dir.to_owned(),
            source,
        })?;
        let path = data_dir.join("hooklens.sqlite3");
        let mut conn = Connection::open(&path).map_err(|source| StoreError::Open {
            path: path.clone(),
            source,
        })?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // WAL + NORMAL: a commit is in the OS before we answer, so a killed
        // process loses nothing it acknowledged.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        MIGRATIONS
            .to_latest(&mut conn)
            .map_err(|source| StoreError::Migrate {
                path: path.clone(),
                source,
            })?;

        let (jobs, rx) = mpsc::channel(WRITE_QUEUE);
        let (new_events, _) = broadcast::channel(4096);
        let broadcaster = new_events.clone();
        std::thread::Builder::new()
            .name("hooklens-writer".into())
            .spawn(move || writer_loop(conn, rx, broadcaster))
            .map_err(|source| StoreError::CreateDir {
                path: data_dir.to_owned(),
                source,
            })?;
        Ok(Store {
            path,
            jobs,
            new_events,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Stores one request; returns only once it is committed.
    pub async fn insert(&self, event: NewEvent) -> Result<EventSummary, StoreError> {
        let (done, wait) = oneshot::channel();
        self.jobs
            .send(WriteJob { event, done })
            .await
            .map_err(|_| StoreError::WriterGone)?;
        match wait.await {
            Ok(Ok(summary)) => Ok(summary),
            Ok(Err(message)) => Err(StoreError::Write(message)),
            Err(_) => Err(StoreError::WriterGone),
        }
    }

    /// Summaries of newly committed events, in commit order.
    pub fn subscribe(&self) -> broadcast::Receiver<EventSummary> {
        self.new_events.subscribe()
    }

    /// A read connection of its own.
    pub fn reader(&self) -> Result<Reader, StoreError> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| StoreError::Open {
            path: self.path.clone(),
            source,
        })?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        Ok(Reader { conn })
    }
}

fn writer_loop(
    mut conn: Connection,
    mut rx: mpsc::Receiver<WriteJob>,
    new_events: broadcast::Sender<EventSummary>,
) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    while let Some(first) = rx.blocking_recv() {
        group.push(first);
        while group.len() < MAX_GROUP {
            match rx.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        match commit_group(&mut conn, &group) {
            Ok(summaries) => {
                for (job, summary) in group.drain(..).zip(summaries) {
                    // Nobody listening is fine: the UI may not be open.
                    let _ = new_events.send(summary.clone());
                    let _ = job.done.send(Ok(summary));
                }
            }
            Err(err) => {
                tracing::error!(error = %err, requests = group.len(), "could not store requests");
                let message = err.to_string();
                for job in group.drain(..) {
                    let _ = job.done.send(Err(message.clone()));
                }
            }
        }
    }
}

fn commit_group(
    conn: &mut Connection,
    group: &[WriteJob],
) -> Result<Vec<EventSummary>, rusqlite::Error> {
    let tx = conn.transaction()?;
    let mut summaries = Vec::with_capacity(group.len());
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO events (received_at, method, path, query, headers, remote_addr, content_type, size, body)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        for job in group {
            let e = &job.event;
            let headers = serde_json::to_string(&e.headers)
                .map_err(|err| rusqlite::Error::ToSqlConversionFailure(Box::new(err)))?;
            let content_type = e.content_type();
            let size = i64::try_from(e.body.len()).unwrap_or(i64::MAX);
            insert.execute(params![
                e.received_at_ns,
                e.method,
                e.path,
                e.query,
                headers,
                e.remote_addr,
                content_type,
                size,
                e.body,
            ])?;
            let id = tx.last_insert_rowid();
            summaries.push(EventSummary {
                id,
                cursor: Cursor {
                    received_at_ns: e.received_at_ns,
                    id,
                }
                .to_string(),
                received_at_ms: e.received_at_ns / 1_000_000,
                method: e.method.clone(),
                path: e.path.clone(),
                query: e.query.clone(),
                size,
                content_type,
                remote_addr: e.remote_addr.clone(),
            });
        }
    }
    tx.commit()?;
    Ok(summaries)
}

/// A read-only connection.
pub struct Reader {
    conn: Connection,
}

/// Where a timeline page starts: strictly older than this (received_at, id).
/// It travels to the UI as the opaque text `"<ns>:<id>"` because nanosecond
/// times do not fit in a JavaScript number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub received_at_ns: i64,
    pub id: i64,
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

impl Reader {
    pub fn count(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM events", [], |row| row.get(0))?)
    }

    /// Newest first, `limit` events older than `before` (keyset pagination).
    pub fn page(&self, limit: u32, before: Option<Cursor>) -> Result<EventPage, StoreError> {
        let (at, id) = before.map_or((i64::MAX, i64::MAX), |c| (c.received_at_ns, c.id));
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, received_at, method, path, query, size, content_type, remote_addr
             FROM events
             WHERE (received_at, id) < (?1, ?2)
             ORDER BY received_at DESC, id DESC
             LIMIT ?3",
        )?;
        let events = stmt
            .query_map(params![at, id, limit], |row| {
                let id: i64 = row.get(0)?;
                let received_at_ns: i64 = row.get(1)?;
                Ok(EventSummary {
                    id,
                    cursor: Cursor { received_at_ns, id }.to_string(),
                    received_at_ms: received_at_ns / 1_000_000,
                    method: row.get(2)?,
                    path: row.get(3)?,
                    query: row.get(4)?,
                    size: row.get(5)?,
                    content_type: row.get(6)?,
                    remote_addr: row.get(7)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(EventPage {
            events,
            total: self.count()?,
        })
    }

    /// The body exactly as received.
    pub fn body(&self, id: i64) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT body FROM events WHERE id = ?1", [id], |row| {
                row.get(0)
            })
            .optional()?)
    }

    /// The headers as received, in order.
    pub fn headers(&self, id: i64) -> Result<Option<Vec<StoredHeader>>, StoreError> {
        let json: Option<String> = self
            .conn
            .query_row("SELECT headers FROM events WHERE id = ?1", [id], |row| {
                row.get(0)
            })
            .optional()?;
        json.map(|j| {
            serde_json::from_str(&j).map_err(|err| {
                StoreError::Sqlite(rusqlite::Error::FromSqlConversionFailure(
                    0,
                    rusqlite::types::Type::Text,
                    Box::new(err),
                ))
            })
        })
        .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(n: i64, body: &[u8]) -> NewEvent {
        NewEvent {
            received_at_ns: 1_700_000_000_000_000_000 + n,
            method: "POST".into(),
            path: format!("/hook/{n}"),
            query: None,
            headers: vec![StoredHeader::new("content-type", b"application/json")],
            remote_addr: Some("127.0.0.1:5000".into()),
            body: body.to_vec(),
        }
    }

    #[tokio::test]
    async fn stored_bytes_come_back_exactly_and_pages_are_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let raw = b"\xff\xfe not utf-8 \r\n".to_vec();
        let first = store.insert(event(1, &raw)).await.unwrap();
        for n in 2..=5 {
            store.insert(event(n, b"{}")).await.unwrap();
        }
        let reader = store.reader().unwrap();
        assert_eq!(reader.body(first.id).unwrap().unwrap(), raw);

        let page = reader.page(3, None).unwrap();
        assert_eq!(page.total, 5);
        let paths: Vec<_> = page.events.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["/hook/5", "/hook/4", "/hook/3"]);
        let last = page.events.last().unwrap();
        let next = reader.page(3, Some(last.cursor.parse().unwrap())).unwrap();
        let paths: Vec<_> = next.events.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["/hook/2", "/hook/1"]);
    }

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let c = Cursor {
            received_at_ns: 1_700_000_000_123_456_789,
            id: 42,
        };
        assert_eq!(c.to_string().parse::<Cursor>().unwrap(), c);
        assert!("12".parse::<Cursor>().is_err());
        assert!("a:b".parse::<Cursor>().is_err());
    }

    #[tokio::test]
    async fn non_utf8_header_values_are_kept_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mut e = event(1, b"");
        e.headers.push(StoredHeader::new("x-odd", b"caf\xe9"));
        let saved = store.insert(e).await.unwrap();
        let headers = store.reader().unwrap().headers(saved.id).unwrap().unwrap();
        assert_eq!(headers[1].value_bytes.as_deref(), Some(&b"caf\xe9"[..]));
        assert_eq!(headers[1].value, None);
    }

    #[tokio::test]
    async fn reopening_keeps_history_and_subscribers_see_commits() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            let mut rx = store.subscribe();
            let saved = store.insert(event(1, b"a")).await.unwrap();
            assert_eq!(rx.recv().await.unwrap(), saved);
        }
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.reader().unwrap().count().unwrap(), 1);
    }
}
