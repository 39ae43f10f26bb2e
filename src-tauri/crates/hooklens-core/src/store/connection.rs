//! Files and connections: the database made private before SQLite writes
//! a byte, write and read-only connections with their busy timeout, and the
//! data directory. Everything that opens the database goes through here.

use std::fs::File;
use std::path::Path;
use std::time::Duration;

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
    conn.busy_timeout(BUSY_TIMEOUT)?;
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
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(conn)
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
