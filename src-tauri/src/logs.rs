//! The app's logs: to a file in the state directory's `logs/` folder
//! (`~/.local/state/hooklens/logs/hooklens.log`, or
//! `<HOOKLENS_DATA_DIR>/state/logs/` when a data directory is given, see
//! `config::resolve_state_dir`), and to the terminal as before, coloured
//! only when stdout is one. The file never holds colour codes.
//! `HOOKLENS_LOG` sets the level of both (tracing's filter syntax; `info`
//! by default). The CLI keeps logging to stderr only.
//!
//! Rotation is by size, so the folder stays bounded whatever the level:
//! when `hooklens.log` reaches [`MAX_FILE_BYTES`] it becomes
//! `hooklens.log.1` (the older ones move up to `.2` … `.{KEEP}`, the
//! oldest is dropped) and a new `hooklens.log` is started; at most
//! `(KEEP + 1) × MAX_FILE_BYTES` (25 MiB) in all. A small writer of our
//! own rather than tracing-appender, whose rolling is by time only (a busy
//! day at `debug` would still grow one file without bound).
//!
//! What is logged never holds a secret: secrets, secret-bearing header
//! values and bodies are not logged anywhere in the shell or the core.
//! tests/e2e/specs/logs.spec.mjs scans this file after a run that added a
//! secret and received requests carrying secrets.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// The current log file's name; rotated ones add `.1` … `.{KEEP}`.
pub const LOG_FILE: &str = "hooklens.log";
/// A log file is rotated once it reaches this size.
pub const MAX_FILE_BYTES: u64 = 5 * 1024 * 1024;
/// How many rotated files are kept beside the current one.
pub const KEEP: u32 = 4;

#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("cannot open the log file {path}: {source}")]
    Open { path: PathBuf, source: io::Error },
}

/// Installs the global subscriber: the terminal and, when it can be
/// opened, the log file in `dir`. Returns why the file is not written to,
/// if it is not (the app runs on; the caller logs it).
pub fn init(dir: &Path) -> Result<(), LogError> {
    let filter = EnvFilter::try_from_env("HOOKLENS_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let terminal = tracing_subscriber::fmt::layer()
        // fmt's default writer is stdout: colours only when that is a terminal.
        .with_ansi(io::IsTerminal::is_terminal(&io::stdout()));
    let (file, error) = match RotatingFile::open(dir, MAX_FILE_BYTES, KEEP) {
        Ok(file) => (Some(file_layer(file)), None),
        Err(err) => (None, Some(err)),
    };
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(terminal)
        .with(file)
        .try_init();
    error.map_or(Ok(()), Err)
}

/// How lines are written to the file: as on the terminal, without colour.
fn file_layer<S>(file: RotatingFile) -> impl Layer<S> + Send + Sync
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(file)
}

/// A log file rotated by size (see the module's documentation). Each event
/// is written whole by one writer; rotation happens between events.
pub struct RotatingFile {
    dir: PathBuf,
    max_bytes: u64,
    keep: u32,
    current: Mutex<Current>,
}

struct Current {
    file: Option<File>,
    size: u64,
}

impl RotatingFile {
    pub fn open(dir: &Path, max_bytes: u64, keep: u32) -> Result<RotatingFile, LogError> {
        let path = dir.join(LOG_FILE);
        let file = append(&path).map_err(|source| LogError::Open {
            path: path.clone(),
            source,
        })?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        Ok(RotatingFile {
            dir: dir.to_owned(),
            max_bytes,
            keep,
            current: Mutex::new(Current {
                file: Some(file),
                size,
            }),
        })
    }

    fn rotated(&self, n: u32) -> PathBuf {
        self.dir.join(format!("{LOG_FILE}.{n}"))
    }

    /// hooklens.log → .1 → .2 … → .{keep}; the oldest is replaced.
    fn rotate(&self, current: &mut Current) {
        current.file = None;
        for n in (1..self.keep).rev() {
            let _ = std::fs::rename(self.rotated(n), self.rotated(n + 1));
        }
        let path = self.dir.join(LOG_FILE);
        if self.keep == 0 {
            let _ = std::fs::remove_file(&path);
        } else {
            let _ = std::fs::rename(&path, self.rotated(1));
        }
        // Should the new file not open, lines are dropped until it does
        // (the terminal still has them); the next event tries again.
        current.file = append(&path).ok();
        current.size = 0;
    }
}

fn append(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// One event's lines, written to the current file.
pub struct EventWriter<'a>(Option<MutexGuard<'a, Current>>);

impl Write for EventWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(current) = self.0.as_mut()
            && let Some(file) = current.file.as_mut()
        {
            let n = file.write(buf)?;
            current.size += n as u64;
            return Ok(n);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.0.as_mut().and_then(|c| c.file.as_mut()) {
            Some(file) => file.flush(),
            None => Ok(()),
        }
    }
}

impl<'a> MakeWriter<'a> for RotatingFile {
    type Writer = EventWriter<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        // A poisoned lock (a panic while writing) drops lines, never the app.
        let Ok(mut current) = self.current.lock() else {
            return EventWriter(None);
        };
        if current.size >= self.max_bytes || current.file.is_none() {
            self.rotate(&mut current);
        }
        EventWriter(Some(current))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing_subscriber::layer::SubscriberExt;

    fn files(dir: &Path) -> Vec<(String, u64)> {
        let mut found: Vec<(String, u64)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    e.metadata().unwrap().len(),
                )
            })
            .collect();
        found.sort();
        found
    }

    #[test]
    fn the_file_has_the_events_without_colour_codes() {
        let dir = tempfile::tempdir().unwrap();
        let file = RotatingFile::open(dir.path(), MAX_FILE_BYTES, KEEP).unwrap();
        // As init builds it, with the terminal's colours forced on beside it.
        let subscriber = tracing_subscriber::registry()
            .with(
                tracing_subscriber::fmt::layer()
                    .with_ansi(true)
                    .with_writer(io::sink),
            )
            .with(file_layer(file));
        tracing::subscriber::with_default(subscriber, || {
            tracing::warn!(
                endpoint = "kustom",
                status = 503,
                "capture refused a request"
            );
        });
        let text = std::fs::read_to_string(dir.path().join(LOG_FILE)).unwrap();
        assert!(text.contains("WARN"), "{text}");
        assert!(
            text.contains("capture refused a request endpoint=\"kustom\" status=503"),
            "{text}"
        );
        assert!(!text.contains('\x1b'), "colour codes in the file: {text:?}");
    }

    #[test]
    fn the_file_is_rotated_by_size_and_the_folder_stays_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let file = RotatingFile::open(dir.path(), 1_000, 2).unwrap();
        let subscriber = tracing_subscriber::registry().with(file_layer(file));
        tracing::subscriber::with_default(subscriber, || {
            for n in 0..200 {
                tracing::info!(n, "a line of about a hundred bytes, give or take a few");
            }
        });
        let found = files(dir.path());
        let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["hooklens.log", "hooklens.log.1", "hooklens.log.2"]);
        // A file is rotated at the first event past the limit: one line over at most.
        for (name, size) in &found {
            assert!(*size < 1_000 + 200, "{name} is {size} bytes");
        }
        // The newest lines are in the current file, the older ones in .1.
        let current = std::fs::read_to_string(dir.path().join(LOG_FILE)).unwrap();
        assert!(current.contains("n=199"), "{current}");
        let previous = std::fs::read_to_string(dir.path().join("hooklens.log.1")).unwrap();
        assert!(!previous.contains("n=199") && previous.contains("n=1"));
    }

    #[test]
    fn an_existing_file_is_appended_to_and_counts_toward_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(LOG_FILE), vec![b'x'; 2_000]).unwrap();
        let file = RotatingFile::open(dir.path(), 1_000, 1).unwrap();
        let subscriber = tracing_subscriber::registry().with(file_layer(file));
        tracing::subscriber::with_default(subscriber, || tracing::info!("after a restart"));
        assert_eq!(
            std::fs::metadata(dir.path().join("hooklens.log.1"))
                .unwrap()
                .len(),
            2_000
        );
        let current = std::fs::read_to_string(dir.path().join(LOG_FILE)).unwrap();
        assert!(current.contains("after a restart"), "{current}");
    }

    #[test]
    fn a_folder_that_cannot_be_written_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("not-made");
        match RotatingFile::open(&missing, MAX_FILE_BYTES, KEEP) {
            Err(LogError::Open { path, .. }) => assert_eq!(path, missing.join(LOG_FILE)),
            Ok(_) => panic!("opened a file in a folder that does not exist"),
        }
    }
}
