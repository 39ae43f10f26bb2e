//! The data directory's lock: one serving process per data directory.

use std::fs::File;
use std::path::Path;

use super::StoreError;
use super::connection::create_data_dir;

/// Holds the data directory for one serving process; released on drop.
pub struct DataDirLock {
    _file: File,
}

impl DataDirLock {
    /// Locks the data directory itself, not a file in it: a lock file can be
    /// deleted, and then a second process would lock a new one and capture
    /// into the same database.
    pub fn acquire(data_dir: &Path) -> Result<DataDirLock, StoreError> {
        create_data_dir(data_dir)?;
        let lock_err = |source| StoreError::Lock {
            dir: data_dir.to_owned(),
            source,
        };
        let file = File::open(data_dir).map_err(lock_err)?;
        match file.try_lock() {
            Ok(()) => Ok(DataDirLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Locked {
                dir: data_dir.to_owned(),
            }),
            Err(std::fs::TryLockError::Error(source)) => Err(lock_err(source)),
        }
    }
}
