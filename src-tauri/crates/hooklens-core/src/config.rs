//! Where Hooklens keeps its data and where it listens.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

/// The fixed port Hooklens listens on unless told otherwise, so that a URL
/// pasted into a provider's dashboard keeps working across restarts.
pub const DEFAULT_PORT: u16 = 9494;

/// Providers send bodies up to 25 MB; the store's `body_limit` setting
/// changes it.
pub const DEFAULT_BODY_LIMIT: usize = 25 * 1024 * 1024;

pub const DATA_DIR_ENV: &str = "HOOKLENS_DATA_DIR";
pub const LISTEN_ENV: &str = "HOOKLENS_LISTEN";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "invalid listen address {value:?}: expected HOST:PORT (e.g. 127.0.0.1:9494) or a port number"
    )]
    InvalidListen { value: String },
    #[error("no home directory found to keep data in; set {DATA_DIR_ENV} or pass --data-dir")]
    NoDataDir,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
}

impl Config {
    /// Explicit values (command-line flags) win over the environment, which
    /// wins over the defaults.
    pub fn resolve(
        data_dir: Option<PathBuf>,
        listen: Option<String>,
    ) -> Result<Config, ConfigError> {
        let data_dir = resolve_data_dir(data_dir)?;
        let listen = match listen.or_else(|| non_empty_env(LISTEN_ENV)) {
            Some(value) => parse_listen(&value)?,
            None => default_listen(),
        };
        Ok(Config { data_dir, listen })
    }

    /// The SQLite file inside the data directory.
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("hooklens.sqlite3")
    }
}

/// The data directory: `explicit` (a `--data-dir` flag), else
/// `HOOKLENS_DATA_DIR`, else the platform's default.
pub fn resolve_data_dir(explicit: Option<PathBuf>) -> Result<PathBuf, ConfigError> {
    match given_data_dir(explicit) {
        Some(dir) => Ok(dir),
        None => default_data_dir().ok_or(ConfigError::NoDataDir),
    }
}

fn given_data_dir(explicit: Option<PathBuf>) -> Option<PathBuf> {
    explicit.or_else(|| non_empty_env(DATA_DIR_ENV).map(PathBuf::from))
}

/// Where the desktop app keeps what is neither data nor settings: its log
/// files and the window's size and position.
///
/// By default the platform's state directory (XDG on Linux:
/// `$XDG_STATE_HOME/hooklens`, i.e. `~/.local/state/hooklens`; where a
/// platform has none, `state` in the default data directory). When the data
/// directory is given (`explicit`, or `HOOKLENS_DATA_DIR`: the tests, a
/// second profile), `state` inside it instead: two apps on different data
/// directories never write one log or share one window geometry.
pub fn resolve_state_dir(explicit: Option<PathBuf>) -> Result<PathBuf, ConfigError> {
    if let Some(dir) = given_data_dir(explicit) {
        return Ok(dir.join("state"));
    }
    let dirs = project_dirs().ok_or(ConfigError::NoDataDir)?;
    Ok(dirs
        .state_dir()
        .map_or_else(|| dirs.data_dir().join("state"), ToOwned::to_owned))
}

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("dev", "Hooklens", "hooklens")
}

pub fn default_listen() -> SocketAddr {
    SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), DEFAULT_PORT)
}

/// The platform's data directory (XDG on Linux: `~/.local/share/hooklens`).
pub fn default_data_dir() -> Option<PathBuf> {
    project_dirs().map(|d| d.data_dir().to_owned())
}

/// Accepts `HOST:PORT`, `[v6]:PORT`, or a bare port on loopback. Binding
/// anything but loopback has to be spelled out, never implied.
pub fn parse_listen(value: &str) -> Result<SocketAddr, ConfigError> {
    let trimmed = value.trim();
    if let Ok(port) = trimmed.parse::<u16>() {
        return Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port));
    }
    let trimmed = trimmed
        .strip_prefix("localhost:")
        .map_or_else(|| trimmed.to_owned(), |port| format!("127.0.0.1:{port}"));
    trimmed.parse().map_err(|_| ConfigError::InvalidListen {
        value: value.to_owned(),
    })
}

fn non_empty_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_accepts_the_forms_users_type() {
        assert_eq!(
            parse_listen("8080").unwrap(),
            "127.0.0.1:8080".parse().unwrap()
        );
        assert_eq!(
            parse_listen("localhost:81").unwrap(),
            "127.0.0.1:81".parse().unwrap()
        );
        assert_eq!(
            parse_listen("0.0.0.0:9494").unwrap(),
            "0.0.0.0:9494".parse().unwrap()
        );
        assert_eq!(
            parse_listen("[::1]:7000").unwrap(),
            "[::1]:7000".parse().unwrap()
        );
    }

    #[test]
    fn listen_rejects_garbage_with_the_value_in_the_message() {
        let err = parse_listen("127.0.0.1").unwrap_err();
        assert!(err.to_string().contains("\"127.0.0.1\""), "{err}");
        assert!(parse_listen("host:port").is_err());
        assert!(parse_listen("70000").is_err());
    }

    #[test]
    fn explicit_values_win() {
        let cfg = Config::resolve(Some("/tmp/x".into()), Some("1234".into())).unwrap();
        assert_eq!(cfg.data_dir, PathBuf::from("/tmp/x"));
        assert_eq!(cfg.listen.port(), 1234);
        assert_eq!(
            cfg.database_path(),
            PathBuf::from("/tmp/x/hooklens.sqlite3")
        );
    }

    #[test]
    fn a_given_data_directory_keeps_the_state_inside_it() {
        assert_eq!(
            resolve_state_dir(Some("/tmp/x".into())).unwrap(),
            PathBuf::from("/tmp/x/state")
        );
        assert_eq!(
            resolve_data_dir(Some("/tmp/x".into())).unwrap(),
            PathBuf::from("/tmp/x")
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_default_state_directory_is_xdg_state() {
        // Only when nothing gives a data directory (the environment may).
        if given_data_dir(None).is_some() {
            return;
        }
        let Some(home) = std::env::var_os("HOME") else {
            return;
        };
        let state = resolve_state_dir(None).unwrap();
        // The XDG spec (and `directories`) ignore a relative XDG_STATE_HOME.
        match std::env::var_os("XDG_STATE_HOME").filter(|v| std::path::Path::new(v).is_absolute()) {
            Some(xdg) => assert_eq!(state, PathBuf::from(xdg).join("hooklens")),
            None => assert_eq!(state, PathBuf::from(home).join(".local/state/hooklens")),
        }
    }
}
