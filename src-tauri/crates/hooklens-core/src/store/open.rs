//! Opening the store: the data directory and database file made private,
//! integrity check after an unclean stop, connections and their pragmas,
//! migrations, the install key, and the threads that run beside the writer.

use std::path::Path;
use std::sync::{Arc, LazyLock, Mutex, RwLock};

use rusqlite::{Connection, OptionalExtension};
use rusqlite_migration::{M, Migrations};
use tokio::sync::broadcast;

use super::connection::{create_data_dir, make_private, open_connection, read_only_connection};
use super::fulltext::index_pending;
use super::{
    DATABASE_FILE, Durability, Settings, Shared, Store, StoreError, StoreOptions, checkpoint,
    endpoints, secrets_by_endpoint, watch, writer,
};
use crate::model::Endpoint;

/// Page cache of the writer: index pages stay hot as the store grows.
const WRITER_CACHE_KIB: i64 = 16 * 1024;
/// Present while a capturing process has the store open; found at the next
/// start, it means the last one did not stop cleanly.
pub(super) const RUNNING_MARK: &str = "hooklens.running";

pub(super) const MIGRATION_SQL: [&str; 16] = [
    include_str!("../../migrations/0001_events.sql"),
    include_str!("../../migrations/0002_signatures.sql"),
    include_str!("../../migrations/0003_search.sql"),
    include_str!("../../migrations/0004_deliveries.sql"),
    include_str!("../../migrations/0005_fts_outbox.sql"),
    include_str!("../../migrations/0006_install_key.sql"),
    include_str!("../../migrations/0007_request_line.sql"),
    include_str!("../../migrations/0008_delivery_rules.sql"),
    include_str!("../../migrations/0009_import_source.sql"),
    include_str!("../../migrations/0010_tunnel_arrival.sql"),
    include_str!("../../migrations/0011_response_rules.sql"),
    include_str!("../../migrations/0012_forward_targets.sql"),
    include_str!("../../migrations/0013_count_indexes.sql"),
    include_str!("../../migrations/0014_timeline_order.sql"),
    include_str!("../../migrations/0015_ascending_timeline.sql"),
    include_str!("../../migrations/0016_failed_index_comparisons.sql"),
];

static MIGRATIONS: LazyLock<Migrations<'static>> =
    LazyLock::new(|| Migrations::new(MIGRATION_SQL.iter().map(|sql| M::up(sql)).collect()));

/// After an unclean stop: the database must pass SQLite's quick check
/// before anything is written into it.
fn check_integrity(path: &Path) -> Result<(), StoreError> {
    if !path.exists() {
        return Ok(());
    }
    let corrupt = |details: String| StoreError::Corrupt {
        path: path.to_owned(),
        details,
    };
    let conn = match open_connection(path) {
        Ok(conn) => conn,
        Err(StoreError::Open { source, .. }) => return Err(corrupt(source.to_string())),
        Err(other) => return Err(other),
    };
    let problems: Vec<String> = match conn.prepare("PRAGMA quick_check(5)").and_then(|mut stmt| {
        stmt.query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()
    }) {
        Ok(rows) => rows,
        Err(err) => return Err(corrupt(err.to_string())),
    };
    match problems.as_slice() {
        [ok] if ok == "ok" => Ok(()),
        _ => Err(corrupt(format!("quick_check: {}", problems.join("; ")))),
    }
}

fn schema_version(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Each migration is one schema version.
fn latest_schema() -> i64 {
    i64::try_from(MIGRATION_SQL.len()).unwrap_or(i64::MAX)
}

impl Store {
    pub fn open(data_dir: &Path) -> Result<Store, StoreError> {
        Store::open_with(data_dir, StoreOptions::default())
    }

    /// Opens (creating if needed) the database in `data_dir`, migrates it and
    /// starts the writer thread. Opening writes nothing to a database that is
    /// already set up, so it never competes with a running capture.
    pub fn open_with(data_dir: &Path, options: StoreOptions) -> Result<Store, StoreError> {
        create_data_dir(data_dir)?;
        let path = data_dir.join(DATABASE_FILE);
        make_private(&path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::PermissionDenied && path.exists() {
                StoreError::NotWritable { path: path.clone() }
            } else {
                StoreError::Private {
                    path: path.clone(),
                    source,
                }
            }
        })?;
        let mut running_mark = None;
        if options.capture {
            let mark = data_dir.join(RUNNING_MARK);
            if mark.exists() {
                tracing::warn!(path = %path.display(), "the last run did not stop cleanly; checking the database");
                check_integrity(&path)?;
            }
            match make_private(&mark) {
                Ok(()) => running_mark = Some(mark),
                Err(err) => tracing::warn!(error = %err, "cannot mark the store as in use"),
            }
        }
        let mut conn = open_connection(&path)?;
        let version = schema_version(&conn)?;
        // Settings of the database file itself, made once, before the first
        // table: a write, so never repeated on a store that has them.
        if version == 0 {
            let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
            if pages == 0 {
                // So that retention can give space back.
                conn.pragma_update(None, "auto_vacuum", "INCREMENTAL")?;
            }
        }
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            conn.pragma_update(None, "journal_mode", "WAL")?;
        }
        conn.pragma_update(None, "foreign_keys", "ON")?;
        if version < latest_schema() {
            MIGRATIONS
                .to_latest(&mut conn)
                .map_err(|source| StoreError::Migrate {
                    path: path.clone(),
                    source,
                })?;
        }
        let settings = Settings::load(&conn)?;
        // NORMAL: a commit is in the OS before we answer, so a killed process
        // loses nothing it acknowledged. FULL: also on disk (power loss).
        let synchronous = match settings.durability {
            Durability::Normal => "NORMAL",
            Durability::Full => "FULL",
        };
        conn.pragma_update(None, "synchronous", synchronous)?;
        conn.pragma_update(None, "cache_size", -WRITER_CACHE_KIB)?;
        // Replaces SQLite's own checkpoint-after-commit (see checkpoint::CHECKPOINT_FRAMES).
        conn.wal_hook(Some(checkpoint::record_wal_frames));
        // A WAL that grew during a burst is cut back once it starts over.
        conn.pragma_update(None, "journal_size_limit", 64 * 1024 * 1024)?;
        if let Some(pages) = options.max_page_count {
            conn.pragma_update(None, "max_page_count", pages)?;
        }
        let endpoints: Arc<[Endpoint]> = endpoints::list(&conn)?.into();
        let secrets = Arc::new(secrets_by_endpoint(&conn)?);
        let stored: i64 = conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?;
        let mut backlog = false;
        if options.capture {
            // Text a crash, a full disk or a failed batch left out.
            if let Err(err) = index_pending(&mut conn, i64::MAX) {
                tracing::error!(error = %err, "could not index waiting event text; will retry");
                backlog = true;
            }
        }
        let install_key = install_key_or_make(&conn)?;
        let write = Arc::new(Mutex::new(conn));

        let shared = Arc::new(Shared {
            path: path.clone(),
            settings: RwLock::new(settings),
            endpoints: RwLock::new(endpoints),
            secrets: RwLock::new(secrets),
            install_key,
            changed: broadcast::channel(16).0,
            write: Some(write.clone()),
            running_mark,
            answers: Default::default(),
        });
        let (new_events, _) = broadcast::channel(4096);
        let spawn_err = |source| StoreError::CreateDir {
            path: data_dir.to_owned(),
            source,
        };
        let jobs = writer::spawn(
            write,
            Arc::downgrade(&shared),
            new_events.clone(),
            u64::try_from(stored).unwrap_or(0),
            backlog,
        )
        .map_err(spawn_err)?;
        let checkpointed = Arc::downgrade(&shared);
        std::thread::Builder::new()
            .name("hooklens-checkpoint".into())
            .spawn(move || checkpoint::checkpointer(checkpointed))
            .map_err(spawn_err)?;
        let watched = Arc::downgrade(&shared);
        std::thread::Builder::new()
            .name("hooklens-config-watch".into())
            .spawn(move || watch::watch_config(watched))
            .map_err(spawn_err)?;
        Ok(Store {
            shared,
            jobs: Some(jobs),
            new_events,
        })
    }

    /// Opens an existing store for reading only: no write access needed,
    /// nothing written, no writer thread. Writes through it fail with
    /// [`StoreError::ReadOnly`]. For commands that only look.
    pub fn open_read_only(data_dir: &Path) -> Result<Store, StoreError> {
        let path = data_dir.join(DATABASE_FILE);
        if !path.exists() {
            return Err(StoreError::Missing {
                dir: data_dir.to_owned(),
            });
        }
        let conn = read_only_connection(&path)?;
        let found = schema_version(&conn)?;
        if found != latest_schema() {
            return Err(StoreError::Schema {
                path,
                found,
                expected: latest_schema(),
            });
        }
        let settings = Settings::load(&conn)?;
        let endpoints: Arc<[Endpoint]> = endpoints::list(&conn)?.into();
        let secrets = Arc::new(secrets_by_endpoint(&conn)?);
        let shared = Arc::new(Shared {
            path,
            settings: RwLock::new(settings),
            endpoints: RwLock::new(endpoints),
            secrets: RwLock::new(secrets),
            install_key: install_key(&conn)?,
            changed: broadcast::channel(16).0,
            write: None,
            running_mark: None,
            answers: Default::default(),
        });
        Ok(Store {
            shared,
            jobs: None,
            new_events: broadcast::channel(1).0,
        })
    }
}

/// The install key as stored (hex text, used as the key bytes); empty only
/// for a read-only store whose row was removed by hand, which never forwards.
fn install_key(conn: &Connection) -> Result<Arc<[u8]>, StoreError> {
    let hex: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE key = 'install_key'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    Ok(hex.unwrap_or_default().into_bytes().into())
}

/// The writer's view: a key removed by hand is made again (a write only then).
fn install_key_or_make(conn: &Connection) -> Result<Arc<[u8]>, StoreError> {
    let key = install_key(conn)?;
    if !key.is_empty() {
        return Ok(key);
    }
    conn.execute_batch(include_str!("../../migrations/0006_install_key.sql"))?;
    install_key(conn)
}
