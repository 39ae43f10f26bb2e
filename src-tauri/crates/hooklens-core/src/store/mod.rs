//! SQLite storage. One writer thread owns the only write connection and
//! commits requests in groups; readers open their own connections, so reading
//! the timeline never blocks ingestion (WAL).

mod deliveries;
mod endpoints;
mod read;
mod reverify;
mod search;
mod settings;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, LazyLock, RwLock, Weak};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub use deliveries::{MAX_RESPONSE_BODY, NewDelivery, NewResponse, NewRun};
pub use endpoints::{
    DEFAULT_ENDPOINT_ID, EndpointSpec, MAX_DELAY_MS, mask, normalize_prefix, route,
};
pub use read::{Cursor, EventDetail, PageQuery, Reader};
pub use settings::{Durability, KEYS as SETTING_KEYS, Settings};

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use rusqlite_migration::{M, Migrations};
use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, mpsc, oneshot};

use crate::api::{Endpoint, EventSummary};
use crate::signature::{Secret, Verdict};

pub const DATABASE_FILE: &str = "hooklens.sqlite3";
const LOCK_FILE: &str = "hooklens.lock";

/// How many acknowledged-but-uncommitted requests may queue before senders
/// wait; bounds memory when the disk is slower than the network.
const WRITE_QUEUE: usize = 1024;
/// The most requests committed in one transaction.
const MAX_GROUP: usize = 256;

const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Retention runs after this many inserts or this much time, whichever first.
const RETENTION_EVERY: u64 = 1000;
const RETENTION_INTERVAL: Duration = Duration::from_secs(10);
const RETENTION_CHUNK: i64 = 2000;
/// A checkpointer thread folds the WAL into the database once it holds this
/// many frames, so that copy runs beside the writer, not inside a commit.
const CHECKPOINT_FRAMES: i32 = 512;
/// Past this many frames the writer checkpoints itself (little is left to
/// copy by then), which lets the WAL start over: a checkpoint from another
/// thread never fully catches up with a busy writer, and the WAL would grow
/// without bound.
const WRITER_CHECKPOINT_FRAMES: i32 = 8192;
/// Frames in the WAL after the latest commit, reported by SQLite's WAL hook
/// (a plain function, hence a static; with several stores in one process it
/// can only make a checkpoint come early).
static WAL_FRAMES: AtomicI32 = AtomicI32::new(0);

fn record_wal_frames(
    _wal: &rusqlite::hooks::Wal,
    frames: std::os::raw::c_int,
) -> rusqlite::Result<()> {
    WAL_FRAMES.store(frames, Ordering::Relaxed);
    Ok(())
}

/// Page cache of the writer: index pages stay hot as the store grows.
const WRITER_CACHE_KIB: i64 = 16 * 1024;
/// Text waits this long after a burst, or until a batch is full, before it is
/// added to the full-text index.
const INDEX_DELAY: Duration = Duration::from_millis(200);
const INDEX_BATCH: usize = 1024;
const INDEX_BATCH_BYTES: usize = 16 * 1024 * 1024;
/// Settings row holding the last event id whose text is indexed.
const INDEXED_UPTO_KEY: &str = "fts_indexed_upto";
/// Bumped whenever stored events change in place (re-verified verdicts,
/// pins), so a window of another process knows to reload what it shows.
const EVENTS_REVISION_KEY: &str = "events_revision";
/// The full-text index covers this much of a textual body.
const FTS_BODY_LIMIT: usize = 1024 * 1024;

static MIGRATIONS: LazyLock<Migrations<'static>> = LazyLock::new(|| {
    Migrations::new(vec![
        M::up(include_str!("../../migrations/0001_events.sql")),
        M::up(include_str!("../../migrations/0002_signatures.sql")),
        M::up(include_str!("../../migrations/0003_search.sql")),
        M::up(include_str!("../../migrations/0004_deliveries.sql")),
    ])
});

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create {path} readable by its owner only: {source}")]
    Private {
        path: PathBuf,
        source: std::io::Error,
    },
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
    #[error(
        "another Hooklens (the desktop app or `hooklens-cli serve`) is already serving {dir}; stop it or use another data directory"
    )]
    Locked { dir: PathBuf },
    #[error("cannot lock the data directory {dir}: {source}")]
    Lock {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("could not store the request: {0}")]
    Write(String),
    #[error("the database writer has stopped")]
    WriterGone,
    #[error("invalid timeline cursor {0:?}")]
    BadCursor(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
}

/// One header as received. Values are bytes on the wire; most are text, but a
/// value that is not UTF-8 is kept as its raw bytes in `value_bytes` so nothing
/// is rewritten on the way in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

    /// The value as bytes, exactly as received.
    pub fn bytes(&self) -> &[u8] {
        match (&self.value, &self.value_bytes) {
            (Some(text), _) => text.as_bytes(),
            (None, Some(bytes)) => bytes,
            (None, None) => &[],
        }
    }
}

/// A request as it arrived, with what its preset extracted, before it has an id.
#[derive(Debug, Clone, Default)]
pub struct NewEvent {
    pub received_at_ns: i64,
    pub endpoint_id: Option<i64>,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: Vec<StoredHeader>,
    pub remote_addr: Option<String>,
    pub body: Vec<u8>,
    pub provider: Option<String>,
    pub event_type: Option<String>,
    pub provider_event_id: Option<String>,
    pub merchant_id: Option<String>,
    pub refs: Vec<(String, String)>,
    pub verdict: Option<Verdict>,
}

impl NewEvent {
    fn content_type(&self) -> Option<String> {
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case("content-type"))
            .and_then(|h| h.value.clone())
    }
}

/// Knobs for tests and for a hard size cap.
#[derive(Debug, Clone, Copy, Default)]
pub struct StoreOptions {
    /// Hard cap on the database file in pages: writes beyond it fail (and the
    /// sender gets a 5xx) instead of filling the disk.
    pub max_page_count: Option<u64>,
    /// Index the text a crash left out of the full-text index. Only the
    /// process that captures (and holds the `DataDirLock`) may: another one
    /// would race its writer for the same events.
    pub capture: bool,
}

/// What the writer inserts: the event with its text forms computed by the
/// caller (on the async workers, in parallel) so the single writer thread
/// only runs SQL.
struct WriteJob {
    event: NewEvent,
    headers_json: String,
    headers_text: String,
    refs_json: Option<String>,
    verdict_json: Option<String>,
    content_type: Option<String>,
    done: oneshot::Sender<Result<EventSummary, String>>,
}

struct Shared {
    path: PathBuf,
    settings: RwLock<Settings>,
    endpoints: RwLock<Arc<[Endpoint]>>,
    secrets: RwLock<Arc<Secrets>>,
    /// Stored events changed in place, here or in another process.
    changed: broadcast::Sender<()>,
    /// Records what Hooklens sends, beside the capture writer: a delivery is
    /// written once per request sent, far below capture rates.
    deliveries: std::sync::Mutex<Option<Connection>>,
}

/// Every endpoint's secrets by endpoint id, oldest first.
pub type Secrets = std::collections::HashMap<i64, Vec<Secret>>;

fn secrets_by_endpoint(conn: &Connection) -> Result<Secrets, StoreError> {
    Ok(endpoints::secrets(conn)?
        .into_iter()
        .map(|(id, list)| (id, list.into_iter().map(|s| s.secret).collect()))
        .collect())
}

/// Handle to the store; cheap to clone.
#[derive(Clone)]
pub struct Store {
    shared: Arc<Shared>,
    jobs: mpsc::Sender<WriteJob>,
    new_events: broadcast::Sender<EventSummary>,
}

/// Unix time in nanoseconds (0 before 1970, saturating far in the future).
pub fn now_ns() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// Captured payloads and endpoint secrets live in the database: it is
/// readable by its owner only (0600), created so before SQLite writes a byte.
/// SQLite gives its -wal and -shm files the database file's permissions.
#[cfg(unix)]
fn make_private(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .open(path)?;
    let mode = file.metadata()?.permissions().mode();
    if mode & 0o077 != 0 {
        file.set_permissions(std::fs::Permissions::from_mode(mode & 0o700))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn make_private(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

fn open_connection(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path).map_err(|source| StoreError::Open {
        path: path.to_owned(),
        source,
    })?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(conn)
}

impl Store {
    pub fn open(data_dir: &Path) -> Result<Store, StoreError> {
        Store::open_with(data_dir, StoreOptions::default())
    }

    /// Opens (creating if needed) the database in `data_dir`, migrates it and
    /// starts the writer thread.
    pub fn open_with(data_dir: &Path, options: StoreOptions) -> Result<Store, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::CreateDir {
            path: data_dir.to_owned(),
            source,
        })?;
        let path = data_dir.join(DATABASE_FILE);
        make_private(&path).map_err(|source| StoreError::Private {
            path: path.clone(),
            source,
        })?;
        let mut conn = open_connection(&path)?;
        // Must precede the first table, so that retention can give space back.
        conn.pragma_update(None, "auto_vacuum", "INCREMENTAL")?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        MIGRATIONS
            .to_latest(&mut conn)
            .map_err(|source| StoreError::Migrate {
                path: path.clone(),
                source,
            })?;
        let settings = Settings::load(&conn)?;
        // NORMAL: a commit is in the OS before we answer, so a killed process
        // loses nothing it acknowledged. FULL: also on disk (power loss).
        let synchronous = match settings.durability {
            Durability::Normal => "NORMAL",
            Durability::Full => "FULL",
        };
        conn.pragma_update(None, "synchronous", synchronous)?;
        conn.pragma_update(None, "cache_size", -WRITER_CACHE_KIB)?;
        // Replaces SQLite's own checkpoint-after-commit (see CHECKPOINT_FRAMES).
        conn.wal_hook(Some(record_wal_frames));
        // A WAL that grew during a burst is cut back once it starts over.
        conn.pragma_update(None, "journal_size_limit", 64 * 1024 * 1024)?;
        if let Some(pages) = options.max_page_count {
            conn.pragma_update(None, "max_page_count", pages)?;
        }
        let endpoints: Arc<[Endpoint]> = endpoints::list(&conn)?.into();
        let secrets = Arc::new(secrets_by_endpoint(&conn)?);
        let stored: i64 = conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?;
        if options.capture {
            index_missing(&mut conn)?;
        }

        let shared = Arc::new(Shared {
            path: path.clone(),
            settings: RwLock::new(settings),
            endpoints: RwLock::new(endpoints),
            secrets: RwLock::new(secrets),
            changed: broadcast::channel(16).0,
            deliveries: std::sync::Mutex::new(None),
        });
        let (jobs, rx) = mpsc::channel(WRITE_QUEUE);
        let (new_events, _) = broadcast::channel(4096);
        let writer = Writer {
            conn,
            shared: Arc::downgrade(&shared),
            new_events: new_events.clone(),
            stored: u64::try_from(stored).unwrap_or(0),
            since_retention: 0,
            last_retention: Instant::now(),
            unindexed: Vec::new(),
            unindexed_bytes: 0,
            last_indexed: Instant::now(),
        };
        let spawn_err = |source| StoreError::CreateDir {
            path: data_dir.to_owned(),
            source,
        };
        std::thread::Builder::new()
            .name("hooklens-writer".into())
            .spawn(move || writer.run(rx))
            .map_err(spawn_err)?;
        let checkpointed = Arc::downgrade(&shared);
        std::thread::Builder::new()
            .name("hooklens-checkpoint".into())
            .spawn(move || checkpoint(checkpointed))
            .map_err(spawn_err)?;
        let watched = Arc::downgrade(&shared);
        std::thread::Builder::new()
            .name("hooklens-config-watch".into())
            .spawn(move || watch_config(watched))
            .map_err(spawn_err)?;
        Ok(Store {
            shared,
            jobs,
            new_events,
        })
    }

    pub fn path(&self) -> &Path {
        &self.shared.path
    }

    /// Stores one request; returns only once it is committed.
    pub async fn insert(&self, event: NewEvent) -> Result<EventSummary, StoreError> {
        let (done, wait) = oneshot::channel();
        let job = WriteJob {
            headers_json: serde_json::to_string(&event.headers)
                .map_err(|e| StoreError::Write(e.to_string()))?,
            headers_text: headers_text(&event.headers),
            refs_json: if event.refs.is_empty() {
                None
            } else {
                serde_json::to_string(&event.refs).ok()
            },
            verdict_json: event
                .verdict
                .as_ref()
                .and_then(|v| serde_json::to_string(v).ok()),
            content_type: event.content_type(),
            event,
            done,
        };
        self.jobs
            .send(job)
            .await
            .map_err(|_| StoreError::WriterGone)?;
        match wait.await {
            Ok(Ok(summary)) => Ok(summary),
            Ok(Err(message)) => Err(StoreError::Write(message)),
            Err(_) => Err(StoreError::WriterGone),
        }
    }

    /// Stored events changed in place (verdicts re-verified, pins), by this
    /// process or another one: what is on screen should be reloaded.
    pub fn subscribe_changes(&self) -> broadcast::Receiver<()> {
        self.shared.changed.subscribe()
    }

    /// Records and announces that stored events changed in place.
    fn events_changed(&self, conn: &Connection) -> Result<(), StoreError> {
        bump_revision(conn)?;
        let _ = self.shared.changed.send(());
        Ok(())
    }

    /// Summaries of newly committed events, in commit order.
    pub fn subscribe(&self) -> broadcast::Receiver<EventSummary> {
        self.new_events.subscribe()
    }

    /// A read connection of its own.
    pub fn reader(&self) -> Result<Reader, StoreError> {
        let conn = Connection::open_with_flags(
            &self.shared.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| StoreError::Open {
            path: self.shared.path.clone(),
            source,
        })?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        Reader::new(conn)
    }

    pub fn settings(&self) -> Settings {
        *self
            .shared
            .settings
            .read()
            .unwrap_or_else(|e| e.into_inner())
    }

    /// Validates, stores and applies one setting. Durability applies at the
    /// next start.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<Settings, StoreError> {
        let mut settings = self.settings();
        settings.set(key, value)?;
        settings.save(&open_connection(&self.shared.path)?)?;
        *self
            .shared
            .settings
            .write()
            .unwrap_or_else(|e| e.into_inner()) = settings;
        Ok(settings)
    }

    /// A preference of an application over the store (e.g. the desktop
    /// app's notification rules), kept beside the settings; None when unset.
    pub fn preference(&self, key: &str) -> Result<Option<String>, StoreError> {
        let conn = open_connection(&self.shared.path)?;
        Ok(conn
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                [format!("{PREFERENCE_PREFIX}{key}")],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn set_preference(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let conn = open_connection(&self.shared.path)?;
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![format!("{PREFERENCE_PREFIX}{key}"), value],
        )?;
        Ok(())
    }

    /// The current endpoints, default first; cheap (a shared snapshot).
    pub fn endpoints(&self) -> Arc<[Endpoint]> {
        self.shared
            .endpoints
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Every endpoint's secrets, values included: for verification only.
    /// Never log or show them; [`Endpoint::secrets`] is the shown form.
    pub fn secrets(&self) -> Arc<Secrets> {
        self.shared
            .secrets
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Adds a secret; fails when the endpoint already has one with this label.
    pub fn add_secret(&self, endpoint_id: i64, label: &str, value: &str) -> Result<(), StoreError> {
        let conn = open_connection(&self.shared.path)?;
        endpoints::add_secret(&conn, endpoint_id, label, value, now_ns(), false)?;
        reload(&self.shared, &conn)
    }

    /// Adds a secret, or replaces the value of the one with this label.
    pub fn set_secret(&self, endpoint_id: i64, label: &str, value: &str) -> Result<(), StoreError> {
        let conn = open_connection(&self.shared.path)?;
        endpoints::add_secret(&conn, endpoint_id, label, value, now_ns(), true)?;
        reload(&self.shared, &conn)
    }

    pub fn remove_secret(&self, endpoint_id: i64, label: &str) -> Result<(), StoreError> {
        let conn = open_connection(&self.shared.path)?;
        endpoints::remove_secret(&conn, endpoint_id, label)?;
        reload(&self.shared, &conn)
    }

    pub fn add_endpoint(&self, spec: &EndpointSpec) -> Result<Endpoint, StoreError> {
        let conn = open_connection(&self.shared.path)?;
        let endpoint = endpoints::insert(&conn, spec, now_ns())?;
        reload(&self.shared, &conn)?;
        Ok(endpoint)
    }

    pub fn update_endpoint(&self, id: i64, spec: &EndpointSpec) -> Result<Endpoint, StoreError> {
        let conn = open_connection(&self.shared.path)?;
        let endpoint = endpoints::update(&conn, id, spec)?;
        reload(&self.shared, &conn)?;
        Ok(endpoint)
    }

    /// Pinned events are never removed by retention.
    pub fn set_pinned(&self, id: i64, pinned: bool) -> Result<(), StoreError> {
        self.set_pinned_many(&[id], pinned)
    }

    /// Pins or unpins several events in one transaction; fails without
    /// changing anything when one of them does not exist.
    pub fn set_pinned_many(&self, ids: &[i64], pinned: bool) -> Result<(), StoreError> {
        let mut conn = open_connection(&self.shared.path)?;
        let tx = conn.transaction()?;
        {
            let mut stmt = tx.prepare("UPDATE events SET pinned = ?2 WHERE id = ?1")?;
            for &id in ids {
                if stmt.execute(params![id, pinned])? == 0 {
                    return Err(StoreError::NotFound(format!("no event {id}")));
                }
            }
        }
        tx.commit()?;
        self.events_changed(&conn)
    }

    /// One secret's value, for a user who explicitly asked to see it.
    pub fn reveal_secret(&self, endpoint_id: i64, label: &str) -> Result<String, StoreError> {
        self.secrets()
            .get(&endpoint_id)
            .and_then(|list| list.iter().find(|s| s.label == label))
            .map(|s| s.value.clone())
            .ok_or_else(|| {
                StoreError::NotFound(format!("endpoint {endpoint_id} has no secret {label:?}"))
            })
    }

    pub fn remove_endpoint(&self, id: i64) -> Result<(), StoreError> {
        let conn = open_connection(&self.shared.path)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        endpoints::delete(&conn, id)?;
        reload(&self.shared, &conn)
    }
}

fn reload(shared: &Shared, conn: &Connection) -> Result<(), StoreError> {
    let fresh: Arc<[Endpoint]> = endpoints::list(conn)?.into();
    let secrets = Arc::new(secrets_by_endpoint(conn)?);
    *shared.endpoints.write().unwrap_or_else(|e| e.into_inner()) = fresh;
    *shared.secrets.write().unwrap_or_else(|e| e.into_inner()) = secrets;
    let settings = Settings::load(conn)?;
    *shared.settings.write().unwrap_or_else(|e| e.into_inner()) = settings;
    Ok(())
}

fn bump_revision(conn: &Connection) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![EVENTS_REVISION_KEY, now_ns().to_string()],
    )?;
    Ok(())
}

fn events_revision(conn: &Connection) -> Option<String> {
    conn.query_row(
        "SELECT value FROM settings WHERE key = ?1",
        [EVENTS_REVISION_KEY],
        |r| r.get(0),
    )
    .optional()
    .ok()
    .flatten()
}

/// Another process (`hooklens-cli endpoints add` next to a running app) may
/// change endpoints or settings: pick that up within a second. `data_version`
/// moves whenever another connection commits, which is cheap to poll.
///
/// (WAL checkpoints stay with the writer: a PASSIVE checkpoint from another
/// thread never catches up with a busy writer, and the WAL would grow without
/// bound.)
fn watch_config(shared: Weak<Shared>) {
    let Some(path) = shared.upgrade().map(|s| s.path.clone()) else {
        return;
    };
    let Ok(conn) = open_connection(&path) else {
        return;
    };
    let version = |conn: &Connection| -> Option<i64> {
        conn.query_row("PRAGMA data_version", [], |row| row.get(0))
            .ok()
    };
    let mut seen = version(&conn);
    let mut revision = events_revision(&conn);
    loop {
        std::thread::sleep(Duration::from_secs(1));
        let Some(shared) = shared.upgrade() else {
            return;
        };
        let now = version(&conn);
        if now != seen {
            if let Err(err) = reload(&shared, &conn) {
                tracing::warn!(error = %err, "could not reload endpoints");
            }
            seen = now;
            // data_version also moves with every capture; only a new
            // revision means events changed in place.
            let current = events_revision(&conn);
            if current != revision {
                revision = current;
                let _ = shared.changed.send(());
            }
        }
    }
}

/// Folds the WAL back into the database while the writer keeps committing.
fn checkpoint(shared: Weak<Shared>) {
    let Some(path) = shared.upgrade().map(|s| s.path.clone()) else {
        return;
    };
    let Ok(conn) = open_connection(&path) else {
        return;
    };
    while shared.strong_count() > 0 {
        std::thread::sleep(Duration::from_millis(50));
        if WAL_FRAMES.load(Ordering::Relaxed) >= CHECKPOINT_FRAMES
            && let Err(err) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
        {
            tracing::warn!(error = %err, "WAL checkpoint failed");
        }
    }
}

/// Holds the data directory for one serving process; released on drop.
pub struct DataDirLock {
    _file: File,
}

impl DataDirLock {
    pub fn acquire(data_dir: &Path) -> Result<DataDirLock, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::CreateDir {
            path: data_dir.to_owned(),
            source,
        })?;
        let lock_err = |source| StoreError::Lock {
            dir: data_dir.to_owned(),
            source,
        };
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(data_dir.join(LOCK_FILE))
            .map_err(lock_err)?;
        match file.try_lock() {
            Ok(()) => Ok(DataDirLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Locked {
                dir: data_dir.to_owned(),
            }),
            Err(std::fs::TryLockError::Error(source)) => Err(lock_err(source)),
        }
    }
}

struct Writer {
    conn: Connection,
    shared: Weak<Shared>,
    new_events: broadcast::Sender<EventSummary>,
    /// Events in the store, kept here so retention needs no count(*).
    stored: u64,
    since_retention: u64,
    last_retention: Instant,
    /// Stored and acknowledged, not yet in the full-text index.
    unindexed: Vec<IndexText>,
    unindexed_bytes: usize,
    last_indexed: Instant,
}

/// What the full-text index holds of one event.
struct IndexText {
    id: i64,
    path: String,
    headers: String,
    body: String,
}

fn index_batch(conn: &mut Connection, batch: &[IndexText]) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    {
        let mut index = tx.prepare_cached(
            "INSERT INTO events_fts (rowid, path, headers, body) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for t in batch {
            index.execute(params![t.id, t.path, t.headers, t.body])?;
        }
    }
    if let Some(last) = batch.iter().map(|t| t.id).max() {
        tx.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![INDEXED_UPTO_KEY, last.to_string()],
        )?;
    }
    tx.commit()
}

/// The last event id the full-text index is known to hold (text is indexed
/// in batches shortly after it is stored); None before the first batch.
/// Preferences share the settings table; the prefix keeps them apart from
/// the store's own keys.
const PREFERENCE_PREFIX: &str = "pref.";

fn indexed_upto(conn: &Connection) -> Result<Option<i64>, StoreError> {
    let mark: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [INDEXED_UPTO_KEY],
            |r| r.get(0),
        )
        .optional()?;
    Ok(mark.and_then(|m| m.parse().ok()))
}

/// Indexes the events a crash (or kill -9) left out of the full-text index:
/// everything after the last recorded mark.
fn index_missing(conn: &mut Connection) -> Result<(), StoreError> {
    let mut after: i64 = match indexed_upto(conn)? {
        Some(id) => id,
        None => conn.query_row("SELECT ifnull(max(rowid), 0) FROM events_fts", [], |r| {
            r.get(0)
        })?,
    };
    loop {
        let batch: Vec<IndexText> = {
            let mut stmt = conn.prepare_cached(
                "SELECT id, path, headers, body FROM events WHERE id > ?1 ORDER BY id LIMIT 500",
            )?;
            let rows = stmt.query_map([after], |r| {
                let headers: String = r.get(2)?;
                let body: Vec<u8> = r.get(3)?;
                let headers: Vec<StoredHeader> = serde_json::from_str(&headers).unwrap_or_default();
                Ok(IndexText {
                    id: r.get(0)?,
                    path: r.get(1)?,
                    headers: headers_text(&headers),
                    body: body_text(&body).to_owned(),
                })
            })?;
            rows.collect::<Result<_, _>>()?
        };
        let Some(last) = batch.last().map(|t| t.id) else {
            return Ok(());
        };
        tracing::info!(
            events = batch.len(),
            "indexing text a previous run left out"
        );
        index_batch(conn, &batch)?;
        after = last;
    }
}

impl Writer {
    fn run(mut self, mut rx: mpsc::Receiver<WriteJob>) {
        let mut group = Vec::with_capacity(MAX_GROUP);
        // Only for waiting on the queue with a deadline (see below).
        let clock = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build();
        loop {
            // With text waiting for the index, wait for the next request only
            // until it is time to index; otherwise sleep until one comes.
            let first = match (&clock, self.unindexed.is_empty()) {
                (Ok(clock), false) => {
                    let left = INDEX_DELAY.saturating_sub(self.last_indexed.elapsed());
                    match clock.block_on(async { tokio::time::timeout(left, rx.recv()).await }) {
                        Ok(Some(job)) => job,
                        Ok(None) => break,
                        Err(_elapsed) => {
                            self.index_text();
                            continue;
                        }
                    }
                }
                _ => match rx.blocking_recv() {
                    Some(job) => job,
                    None => break,
                },
            };
            group.push(first);
            drain(&mut rx, &mut group);
            match commit_group(&mut self.conn, &group) {
                Ok(summaries) => self.acknowledge(group.drain(..).zip(summaries)),
                Err(err) if group.len() > 1 => {
                    // One request (say, a body that no longer fits) must not
                    // cost the others their place: retry each on its own.
                    tracing::warn!(error = %err, requests = group.len(), "group commit failed; storing one by one");
                    for job in group.drain(..) {
                        match commit_group(&mut self.conn, std::slice::from_ref(&job)) {
                            Ok(summaries) => self.acknowledge(std::iter::once(job).zip(summaries)),
                            Err(err) => refuse(job, &err),
                        }
                    }
                }
                Err(err) => {
                    for job in group.drain(..) {
                        refuse(job, &err);
                    }
                }
            }
            if WAL_FRAMES.load(Ordering::Relaxed) >= WRITER_CHECKPOINT_FRAMES {
                match self
                    .conn
                    .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
                {
                    Ok(()) => WAL_FRAMES.store(0, Ordering::Relaxed),
                    Err(err) => tracing::warn!(error = %err, "WAL checkpoint failed"),
                }
            }
            if self.unindexed.len() >= INDEX_BATCH
                || self.unindexed_bytes >= INDEX_BATCH_BYTES
                || clock.is_err()
            {
                self.index_text();
            }
            if self.since_retention >= RETENTION_EVERY
                || self.last_retention.elapsed() >= RETENTION_INTERVAL
            {
                self.retention();
            }
        }
        self.index_text();
    }

    /// Adds the text of stored events to the full-text index in one
    /// transaction. Batches of hundreds cost FTS5 far less than one small
    /// segment per commit, and keep that work off the acknowledgement path.
    /// The mark it records lets `open` index what a crash left out.
    fn index_text(&mut self) {
        self.last_indexed = Instant::now();
        if self.unindexed.is_empty() {
            return;
        }
        let batch = std::mem::take(&mut self.unindexed);
        self.unindexed_bytes = 0;
        if let Err(err) = index_batch(&mut self.conn, &batch) {
            // The events themselves are stored; only search misses them until
            // the next start re-indexes from the mark.
            tracing::error!(error = %err, events = batch.len(), "could not index event text");
        }
    }

    fn acknowledge(&mut self, stored: impl Iterator<Item = (WriteJob, EventSummary)>) {
        for (mut job, summary) in stored {
            let text = IndexText {
                id: summary.id,
                path: job.event.path.clone(),
                headers: std::mem::take(&mut job.headers_text),
                body: body_text(&job.event.body).to_owned(),
            };
            self.unindexed_bytes += text.path.len() + text.headers.len() + text.body.len();
            self.unindexed.push(text);
            self.stored += 1;
            self.since_retention += 1;
            // Nobody listening is fine: the UI may not be open.
            let _ = self.new_events.send(summary.clone());
            let _ = job.done.send(Ok(summary));
        }
    }

    /// Removes the oldest unpinned events until the store is within its
    /// limits. Runs between groups, so it never delays an acknowledgement by
    /// more than one chunk.
    fn retention(&mut self) {
        // Index first, so no text of a removed event is indexed afterwards.
        self.index_text();
        self.since_retention = 0;
        self.last_retention = Instant::now();
        let Some(settings) = self
            .shared
            .upgrade()
            .map(|s| *s.settings.read().unwrap_or_else(|e| e.into_inner()))
        else {
            return;
        };
        let mut removed_any = false;
        loop {
            let over_count = self.stored.saturating_sub(settings.max_events);
            let over_size = match used_bytes(&self.conn) {
                Ok(used) => used > settings.max_db_bytes,
                Err(err) => {
                    tracing::warn!(error = %err, "retention: cannot read the database size");
                    false
                }
            };
            let chunk = if over_count > 0 {
                i64::try_from(over_count)
                    .unwrap_or(RETENTION_CHUNK)
                    .min(RETENTION_CHUNK)
            } else if over_size {
                RETENTION_CHUNK
            } else {
                break;
            };
            match self.conn.execute(
                "DELETE FROM events WHERE id IN
                   (SELECT id FROM events WHERE pinned = 0 ORDER BY received_at, id LIMIT ?1)",
                [chunk],
            ) {
                Ok(0) => break, // only pinned events left
                Ok(n) => {
                    self.stored = self.stored.saturating_sub(n as u64);
                    removed_any = true;
                    tracing::info!(removed = n, "retention removed the oldest events");
                }
                Err(err) => {
                    tracing::warn!(error = %err, "retention failed");
                    break;
                }
            }
        }
        if removed_any && let Err(err) = self.conn.execute_batch("PRAGMA incremental_vacuum;") {
            tracing::warn!(error = %err, "could not give freed space back");
        }
    }
}

fn drain(rx: &mut mpsc::Receiver<WriteJob>, group: &mut Vec<WriteJob>) {
    while group.len() < MAX_GROUP {
        match rx.try_recv() {
            Ok(job) => group.push(job),
            Err(_) => break,
        }
    }
}

fn refuse(job: WriteJob, err: &rusqlite::Error) {
    tracing::error!(error = %err, path = %job.event.path, "could not store a request");
    let _ = job.done.send(Err(err.to_string()));
}

/// Bytes the database really uses (free pages excluded).
fn used_bytes(conn: &Connection) -> rusqlite::Result<u64> {
    let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
    let free: i64 = conn.query_row("PRAGMA freelist_count", [], |r| r.get(0))?;
    let size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
    Ok(u64::try_from((pages - free) * size).unwrap_or(0))
}

fn headers_text(headers: &[StoredHeader]) -> String {
    let mut text = String::new();
    for h in headers {
        text.push_str(&h.name);
        text.push_str(": ");
        text.push_str(&String::from_utf8_lossy(h.bytes()));
        text.push('\n');
    }
    text
}

/// The longest valid UTF-8 prefix of the body, up to the index limit: binary
/// bodies index nothing, text bodies index their text.
fn body_text(body: &[u8]) -> &str {
    let head = &body[..body.len().min(FTS_BODY_LIMIT)];
    match std::str::from_utf8(head) {
        Ok(text) => text,
        Err(err) => std::str::from_utf8(&head[..err.valid_up_to()]).unwrap_or_default(),
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
            "INSERT INTO events (received_at, endpoint_id, method, path, query, headers, remote_addr,
                                 content_type, size, body, provider, event_type, provider_event_id,
                                 merchant_id, refs, delivery, verdict, verdict_json)
             VALUES (?1, (SELECT id FROM endpoints WHERE id = ?2), ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,
                     ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
        )?;
        let mut previous = tx.prepare_cached(
            "SELECT delivery FROM events WHERE provider IS ?1 AND provider_event_id = ?2
             ORDER BY delivery DESC LIMIT 1",
        )?;
        for job in group {
            let e = &job.event;
            let content_type = job.content_type.clone();
            let size = i64::try_from(e.body.len()).unwrap_or(i64::MAX);
            let delivery: i64 = match &e.provider_event_id {
                Some(event_id) => {
                    previous
                        .query_row(params![e.provider, event_id], |r| r.get::<_, i64>(0))
                        .optional()?
                        .unwrap_or(0)
                        + 1
                }
                None => 1,
            };
            insert.execute(params![
                e.received_at_ns,
                e.endpoint_id,
                e.method,
                e.path,
                e.query,
                job.headers_json,
                e.remote_addr,
                content_type,
                size,
                e.body,
                e.provider,
                e.event_type,
                e.provider_event_id,
                e.merchant_id,
                job.refs_json,
                delivery,
                e.verdict.as_ref().map(|v| v.status.as_str()),
                job.verdict_json,
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
                endpoint_id: e.endpoint_id,
                method: e.method.clone(),
                path: e.path.clone(),
                query: e.query.clone(),
                size,
                content_type,
                remote_addr: e.remote_addr.clone(),
                provider: e.provider.clone(),
                event_type: e.event_type.clone(),
                provider_event_id: e.provider_event_id.clone(),
                merchant_id: e.merchant_id.clone(),
                delivery,
                pinned: false,
                verdict: e.verdict.clone(),
            });
        }
    }
    tx.commit()?;
    Ok(summaries)
}

#[cfg(test)]
mod tests;
