//! Files and connections: the database made private before SQLite writes
//! a byte, write and read-only connections with their busy timeout, and the
//! data directory. Everything that opens the database goes through here.

use std::fs::File;
use std::path::Path;
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};

use super::StoreError;

const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Captured payloads and endpoint secrets live in the database: it is
/// readable by its owner only (0600), created so before SQLite writes a byte.
/// SQLite gives its -wal and -shm files the database file's permissions.
#[cfg(unix)]
pub(super) fn make_private(path: &Path) -> std::io::Result<()> {
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
pub(super) fn make_private(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

pub(super) fn open_connection(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path).map_err(|source| StoreError::Open {
        path: path.to_owned(),
        source,
    })?;
    settle(&conn)?;
    Ok(conn)
}

/// A connection that cannot write: for readers, watchers and read-only
/// commands, which then need no write access to the files.
pub(super) fn read_only_connection(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|source| StoreError::Open {
        path: path.to_owned(),
        source,
    })?;
    settle(&conn)?;
    Ok(conn)
}

/// What every connection of the store is set to.
fn settle(conn: &Connection) -> Result<(), StoreError> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // SQLite (3.4x) compiles a bound `LIMIT ?` in as a constant and so marks
    // the statement stale whenever that parameter is bound again: every
    // cached statement with a LIMIT was compiled afresh on every run. With
    // the planner's stability guarantee it reads the limit at run time. It
    // costs nothing here: the store keeps no sqlite_stat4 samples, whose
    // use with bound values the guarantee also turns off.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    Ok(())
}

/// Creates the data directory readable by its owner only (0700): it holds
/// captured payloads and secrets. A directory that exists is left as it is
/// (it may be one the user chose and shares).
pub(super) fn create_data_dir(data_dir: &Path) -> Result<(), StoreError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(data_dir)
        .map_err(|source| StoreError::CreateDir {
            path: data_dir.to_owned(),
            source,
        })
}

#[cfg(test)]
mod tests {
    use rusqlite::StatementStatus;

    use super::*;

    /// A page asked again with another limit reuses its compiled statement:
    /// compiling a search's statement afresh was 8.5 % of the page (perf).
    #[test]
    fn a_cached_statement_runs_again_with_another_limit_without_compiling_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.sqlite3");
        for conn in [
            open_connection(&path).unwrap(),
            read_only_connection(&path).unwrap(),
        ] {
            for limit in [1, 2, 3] {
                let mut stmt = conn
                    .prepare_cached("SELECT value FROM json_each('[1,2,3,4]') LIMIT ?")
                    .unwrap();
                let rows: Vec<i64> = stmt
                    .query_map([limit], |r| r.get(0))
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap();
                assert_eq!(rows.len(), limit as usize);
                assert_eq!(
                    stmt.get_status(StatementStatus::RePrepare),
                    0,
                    "limit {limit}"
                );
            }
        }
    }
}
