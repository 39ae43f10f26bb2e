//! SQLite storage. One writer thread owns the only write connection and
//! commits requests in groups; readers open their own connections, so reading
//! the timeline never blocks ingestion (WAL).
//!
//! This file holds the handle, [`Store`], and its API. The rest, one job a
//! file: `open` (files, connections, pragmas, migrations), `writer` (the
//! writer thread and group commit), `fulltext` (the full-text index and its
//! outbox), `order` (how far ids follow the timeline), `retention`,
//! `checkpoint` (WAL checkpoints), `watch` (what
//! another process changed), `lock` ([`DataDirLock`]), `read` and `search`
//! (readers), `endpoints`, `settings`, `deliveries`, `reverify`, `rows`.

mod answers;
mod checkpoint;
mod connection;
mod deliveries;
mod endpoints;
mod fulltext;
mod lock;
mod open;
mod order;
mod read;
mod retention;
mod reverify;
mod rows;
mod search;
mod settings;
mod watch;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

pub use crate::wire::{StoredHeader, now_ns};
pub use deliveries::{MAX_RESPONSE_BODY, NewDelivery, NewResponse, NewRun, RecordedRun};
pub use endpoints::{
    DEFAULT_ENDPOINT_ID, EndpointSpec, MAX_DELAY_MS, mask, normalize_prefix, route,
};
pub use lock::DataDirLock;
pub use read::{EventDetail, MAX_PAGE, PageQuery, Reader};
pub use rows::Cursor;
pub use settings::{Durability, KEYS as SETTING_KEYS, Settings};

use rusqlite::{Connection, OptionalExtension, params};
use tokio::sync::{broadcast, mpsc, oneshot};

use crate::model::{Endpoint, EventSummary, ImportSource, TunnelArrival};
use crate::secret_headers::SecretHeaders;
use crate::signature::{Secret, Verdict};
use connection::read_only_connection;
use fulltext::headers_text;
use writer::WriteJob;

pub const DATABASE_FILE: &str = "hooklens.sqlite3";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create {path} readable by its owner only: {source}")]
    Private {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path} is not writable by this user, so nothing can be changed or captured here; \
         looking needs no write access (events, show, verify, endpoints list)"
    )]
    NotWritable { path: PathBuf },
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
    #[error(
        "the database {path} is damaged ({details}). Hooklens will not write into it. Stop \
         Hooklens, move the file aside (with its -wal and -shm files) and start again for an \
         empty store; to save what can be read, run `sqlite3 {path} .recover | sqlite3 \
         recovered.sqlite3` and put recovered.sqlite3 in its place"
    )]
    Corrupt { path: PathBuf, details: String },
    #[error("there is no Hooklens data in {dir} yet: capture something first")]
    Missing { dir: PathBuf },
    #[error(
        "the database {path} was made by a different version of Hooklens (schema {found}, this \
         one reads {expected}); open it once with this version's app or `hooklens-cli serve`"
    )]
    Schema {
        path: PathBuf,
        found: i64,
        expected: i64,
    },
    #[error("this store was opened read-only; the change was not made")]
    ReadOnly,
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

/// A request as it arrived, with what its preset extracted, before it has an id.
#[derive(Debug, Clone, Default)]
pub struct NewEvent {
    pub received_at_ns: i64,
    pub endpoint_id: Option<i64>,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: Vec<StoredHeader>,
    /// The request-target as sent; None when only path and query are known.
    pub target: Option<String>,
    /// `HTTP/1.0` or `HTTP/1.1`.
    pub http_version: Option<String>,
    /// A chunked body's trailer fields, in arrival order.
    pub trailers: Vec<StoredHeader>,
    pub remote_addr: Option<String>,
    pub body: Vec<u8>,
    pub provider: Option<String>,
    pub event_type: Option<String>,
    pub provider_event_id: Option<String>,
    pub merchant_id: Option<String>,
    pub refs: Vec<(String, String)>,
    pub verdict: Option<Verdict>,
    /// Set for imported events: where they came from.
    pub source: Option<ImportSource>,
    /// Set for imported events: a digest of the entry, unique in the store,
    /// so the same import run twice adds nothing.
    pub fingerprint: Option<Vec<u8>>,
    /// Set for requests that came through a tunnel: how they arrived.
    pub via: Option<TunnelArrival>,
}

impl NewEvent {
    fn content_type(&self) -> Option<String> {
        crate::wire::header(&self.headers, "content-type").and_then(|h| h.value.clone())
    }
}

/// A request handed to the writer, not yet known to be committed.
pub struct Submitted {
    wait: oneshot::Receiver<Result<EventSummary, String>>,
}

impl Submitted {
    /// Waits until the request is committed (or refused).
    pub async fn committed(self) -> Result<EventSummary, StoreError> {
        match self.wait.await {
            Ok(Ok(summary)) => Ok(summary),
            Ok(Err(message)) => Err(StoreError::Write(message)),
            Err(_) => Err(StoreError::WriterGone),
        }
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

struct Shared {
    path: PathBuf,
    settings: RwLock<Settings>,
    endpoints: RwLock<Arc<[Endpoint]>>,
    secrets: RwLock<Arc<Secrets>>,
    /// This installation's random key (migration 6); see [`Store::install_key`].
    install_key: Arc<[u8]>,
    /// Stored events changed in place, here or in another process.
    changed: broadcast::Sender<()>,
    /// The process's only write connection: the capture writer commits its
    /// groups on it, and every other write (pins, endpoints, secrets,
    /// settings, deliveries, re-verification) takes its turn on it between
    /// groups. None for a read-only store.
    write: Option<Arc<Mutex<Connection>>>,
    /// Removed when the capturing process stops cleanly.
    running_mark: Option<PathBuf>,
    /// What events were answered, waiting for the writer.
    answers: answers::Waiting,
}

impl Drop for Shared {
    fn drop(&mut self) {
        if let Some(mark) = &self.running_mark {
            let _ = std::fs::remove_file(mark);
        }
    }
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
    /// None for a read-only store.
    jobs: Option<mpsc::Sender<WriteJob>>,
    new_events: broadcast::Sender<EventSummary>,
}

impl Store {
    /// Runs `f` in an IMMEDIATE transaction on the process's one write
    /// connection, between capture's group commits, and commits it. Keep `f`
    /// short: capture waits while it runs.
    pub(crate) fn write<R>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        let write = self.shared.write.as_ref().ok_or(StoreError::ReadOnly)?;
        let mut conn = write.lock().unwrap_or_else(|e| e.into_inner());
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Records a clean stop while the store is still held: for a process
    /// that exits without dropping it (Tauri ends its event loop with
    /// `exit`). Call it once capture has stopped; every acknowledged event
    /// is committed by then, so the next start needs no integrity check.
    pub fn stopped_cleanly(&self) {
        if let Some(mark) = &self.shared.running_mark
            && let Err(err) = std::fs::remove_file(mark)
            && err.kind() != std::io::ErrorKind::NotFound
        {
            tracing::warn!(error = %err, "cannot record the clean stop");
        }
    }

    pub fn path(&self) -> &Path {
        &self.shared.path
    }

    /// Stores one request; returns only once it is committed.
    pub async fn insert(&self, event: NewEvent) -> Result<EventSummary, StoreError> {
        self.submit(event).await?.committed().await
    }

    /// Hands one request to the writer and returns at once; the writer
    /// stores requests in the order they were submitted (which numbers
    /// redeliveries), and [`Submitted::committed`] waits for this one. An
    /// import submits many before waiting, so the writer's groups fill.
    pub async fn submit(&self, event: NewEvent) -> Result<Submitted, StoreError> {
        let (done, wait) = oneshot::channel();
        let job = WriteJob {
            headers_json: serde_json::to_string(&event.headers)
                .map_err(|e| StoreError::Write(e.to_string()))?,
            trailers_json: if event.trailers.is_empty() {
                None
            } else {
                serde_json::to_string(&event.trailers).ok()
            },
            headers_text: headers_text(
                &event.headers,
                &SecretHeaders::of_event(
                    &self.endpoints(),
                    event.endpoint_id,
                    event.provider.as_deref(),
                    &event.headers,
                ),
            ),
            refs_json: if event.refs.is_empty() {
                None
            } else {
                serde_json::to_string(&event.refs).ok()
            },
            verdict_json: event
                .verdict
                .as_ref()
                .and_then(|v| serde_json::to_string(v).ok()),
            source_json: event
                .source
                .as_ref()
                .and_then(|s| serde_json::to_string(s).ok()),
            via_json: event
                .via
                .as_ref()
                .and_then(|v| serde_json::to_string(v).ok()),
            content_type: event.content_type(),
            event,
            done,
        };
        self.jobs
            .as_ref()
            .ok_or(StoreError::ReadOnly)?
            .send(job)
            .await
            .map_err(|_| StoreError::WriterGone)?;
        Ok(Submitted { wait })
    }

    /// Stored events changed in place (verdicts re-verified, pins), by this
    /// process or another one: what is on screen should be reloaded.
    pub fn subscribe_changes(&self) -> broadcast::Receiver<()> {
        self.shared.changed.subscribe()
    }

    /// Summaries of newly committed events, in commit order.
    pub fn subscribe(&self) -> broadcast::Receiver<EventSummary> {
        self.new_events.subscribe()
    }

    /// A read connection of its own.
    pub fn reader(&self) -> Result<Reader, StoreError> {
        Reader::new(read_only_connection(&self.shared.path)?)
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
        self.write(|tx| settings.save(tx))?;
        *self
            .shared
            .settings
            .write()
            .unwrap_or_else(|e| e.into_inner()) = settings;
        Ok(settings)
    }

    /// This installation's random key: made once when the store is created,
    /// never shown, exported or logged. Forwarding marks its requests with
    /// it (see `resend::forward`).
    pub fn install_key(&self) -> &[u8] {
        &self.shared.install_key
    }

    /// A preference of an application over the store (e.g. the desktop
    /// app's notification rules), kept beside the settings; None when unset.
    pub fn preference(&self, key: &str) -> Result<Option<String>, StoreError> {
        let conn = read_only_connection(&self.shared.path)?;
        Ok(conn
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                [format!("{PREFERENCE_PREFIX}{key}")],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn set_preference(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![format!("{PREFERENCE_PREFIX}{key}"), value],
            )?;
            Ok(())
        })
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
        self.write(|tx| {
            endpoints::add_secret(tx, endpoint_id, label, value, now_ns(), false)?;
            reload(&self.shared, tx)
        })
    }

    /// Adds a secret, or replaces the value of the one with this label.
    pub fn set_secret(&self, endpoint_id: i64, label: &str, value: &str) -> Result<(), StoreError> {
        self.write(|tx| {
            endpoints::add_secret(tx, endpoint_id, label, value, now_ns(), true)?;
            reload(&self.shared, tx)
        })
    }

    pub fn remove_secret(&self, endpoint_id: i64, label: &str) -> Result<(), StoreError> {
        self.write(|tx| {
            endpoints::remove_secret(tx, endpoint_id, label)?;
            reload(&self.shared, tx)
        })
    }

    pub fn add_endpoint(&self, spec: &EndpointSpec) -> Result<Endpoint, StoreError> {
        self.write(|tx| {
            let endpoint = endpoints::insert(tx, spec, now_ns())?;
            reload(&self.shared, tx)?;
            Ok(endpoint)
        })
    }

    pub fn update_endpoint(&self, id: i64, spec: &EndpointSpec) -> Result<Endpoint, StoreError> {
        self.write(|tx| {
            let endpoint = endpoints::update(tx, id, spec)?;
            reload(&self.shared, tx)?;
            Ok(endpoint)
        })
    }

    /// Pinned events are never removed by retention.
    pub fn set_pinned(&self, id: i64, pinned: bool) -> Result<(), StoreError> {
        self.set_pinned_many(&[id], pinned)
    }

    /// Pins or unpins several events in one transaction; fails without
    /// changing anything when one of them does not exist.
    pub fn set_pinned_many(&self, ids: &[i64], pinned: bool) -> Result<(), StoreError> {
        self.write(|tx| {
            let mut stmt = tx.prepare("UPDATE events SET pinned = ?2 WHERE id = ?1")?;
            for &id in ids {
                if stmt.execute(params![id, pinned])? == 0 {
                    return Err(StoreError::NotFound(format!("no event {id}")));
                }
            }
            watch::bump_revision(tx)
        })?;
        let _ = self.shared.changed.send(());
        Ok(())
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

    /// Every sequence and chance of an endpoint's response rules counts from
    /// zero again, also in another process that is capturing (it reloads
    /// the endpoints within a second).
    pub fn reset_rule_counts(&self, id: i64) -> Result<(), StoreError> {
        self.write(|tx| {
            endpoints::reset_rule_counts(tx, id)?;
            reload(&self.shared, tx)
        })
    }

    pub fn remove_endpoint(&self, id: i64) -> Result<(), StoreError> {
        self.write(|tx| {
            endpoints::delete(tx, id)?;
            reload(&self.shared, tx)
        })
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

/// Preferences share the settings table; the prefix keeps them apart from
/// the store's own keys.
const PREFERENCE_PREFIX: &str = "pref.";

#[cfg(test)]
mod tests;
