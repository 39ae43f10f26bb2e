//! One app per data directory (tauri-plugin-single-instance): launching
//! Hooklens again brings the running window to the front, hands it the
//! files named on the command line (imported as if dropped on the window),
//! and the second process exits before it opens the store or binds a port.
//!
//! How the plugin tells instances apart, and why the data directory is
//! part of it: on Linux the first instance owns a well-known name on the
//! D-Bus session bus, by default the app identifier (`dev.hooklens.app`)
//! plus `.SingleInstance`; a later one finds the name taken, calls the
//! first over D-Bus with its arguments and working directory, and exits.
//! With the identifier alone, every Hooklens in a session would be one
//! instance, so an app on another data directory (a second profile, each
//! e2e test's own `HOOKLENS_DATA_DIR`, several of which run at once) would
//! merely focus whichever started first and exit. The name therefore
//! carries a digest of the data directory's canonical path
//! ([`dbus_id`]): the same directory is one instance, different ones run
//! side by side. Where there is no session bus (a bare ssh login, or the
//! e2e run that points `DBUS_SESSION_BUS_ADDRESS` nowhere) the plugin
//! logs a warning and starts normally; the data directory lock
//! (`DataDirLock`) then still keeps a second app from capturing, and that
//! one opens read-only as before. (On macOS the plugin uses a socket and
//! on Windows a mutex named after the identifier alone; Hooklens is built
//! and tested on Linux.)

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tauri::{AppHandle, Manager};

use crate::commands::import_file;

/// The D-Bus name (before the plugin's `.SingleInstance`) of the instance
/// for `data_dir`: the app identifier and a digest of the directory. D-Bus
/// name elements are ASCII letters, digits, `_` and `-`, and may not start
/// with a digit, which the digest's `d` prefix takes care of.
pub fn dbus_id(identifier: &str, data_dir: &Path) -> String {
    let digest = Sha256::digest(canonical(data_dir).as_os_str().as_encoded_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("{identifier}.d{hex}")
}

/// The directory as every launch names it: created if it is not there yet
/// (the store would create it anyway), so a first and a second launch both
/// resolve symbolic links and `..` the same way.
fn canonical(dir: &Path) -> PathBuf {
    if let Err(err) = std::fs::create_dir_all(dir) {
        tracing::debug!(error = %err, "cannot create the data directory yet");
    }
    std::fs::canonicalize(dir)
        .or_else(|_| std::path::absolute(dir))
        .unwrap_or_else(|_| dir.to_owned())
}

/// The files a launch names: every argument after the program's name that
/// is not an option (Hooklens takes none, but a launcher may add some; a
/// file whose name starts with `-` follows `--`), relative ones taken from
/// the launch's working directory.
pub fn files_in(args: &[String], cwd: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut options_end = false;
    for arg in args.iter().skip(1) {
        if !options_end && arg == "--" {
            options_end = true;
            continue;
        }
        if arg.is_empty() || (!options_end && arg.starts_with('-')) {
            continue;
        }
        files.push(cwd.join(arg));
    }
    files
}

/// A second launch of this data directory: the window comes to the front
/// (from the taskbar, hidden or behind others) and its files are imported.
pub fn on_second_launch(app: &AppHandle, args: Vec<String>, cwd: String) {
    let files = files_in(&args, Path::new(&cwd));
    tracing::info!(files = files.len(), "Hooklens was launched again");
    if let Some(window) = app.get_webview_window("main") {
        for (what, result) in [
            ("unminimize", window.unminimize()),
            ("show", window.show()),
            ("focus", window.set_focus()),
        ] {
            if let Err(err) = result {
                tracing::warn!(error = %err, "cannot {what} the window");
            }
        }
    }
    if !files.is_empty() {
        import_file::open_files(app, files);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid_dbus_name(name: &str) -> bool {
        name.len() <= 255
            && name.split('.').count() >= 2
            && name.split('.').all(|element| {
                !element.is_empty()
                    && !element.starts_with(|c: char| c.is_ascii_digit())
                    && element
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            })
    }

    #[test]
    fn each_data_directory_is_its_own_instance() {
        let root = tempfile::tempdir().unwrap();
        let a = root.path().join("a");
        let b = root.path().join("b");
        let id_a = dbus_id("dev.hooklens.app", &a);
        assert!(a.is_dir(), "the directory is made so it can be resolved");
        assert!(valid_dbus_name(&format!("{id_a}.SingleInstance")), "{id_a}");
        assert!(id_a.starts_with("dev.hooklens.app.d"), "{id_a}");
        assert_ne!(id_a, dbus_id("dev.hooklens.app", &b));
        // The same directory, however it is spelled, is the same instance.
        assert_eq!(
            id_a,
            dbus_id("dev.hooklens.app", &root.path().join("b/../a"))
        );
        assert_eq!(id_a, dbus_id("dev.hooklens.app", &root.path().join("a/")));
        #[cfg(unix)]
        {
            let link = root.path().join("link");
            std::os::unix::fs::symlink(&a, &link).unwrap();
            assert_eq!(id_a, dbus_id("dev.hooklens.app", &link));
        }
    }

    #[test]
    fn files_are_the_arguments_that_are_not_options_from_the_launch_directory() {
        let args: Vec<String> = [
            "/usr/bin/hooklens",
            "--automation",
            "case.har",
            "/tmp/other.txt",
            "",
            "--",
            "-odd-name.txt",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            files_in(&args, Path::new("/home/ana/tickets")),
            [
                PathBuf::from("/home/ana/tickets/case.har"),
                PathBuf::from("/tmp/other.txt"),
                PathBuf::from("/home/ana/tickets/-odd-name.txt"),
            ]
        );
        assert!(files_in(&["hooklens".to_owned()], Path::new("/")).is_empty());
    }
}
