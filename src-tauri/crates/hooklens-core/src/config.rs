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
        let data_dir = match data_dir.or_else(|| non_empty_env(DATA_DIR_ENV).map(PathBuf::from)) {
            Some(dir) => dir,
            None => default_data_dir().ok_or(ConfigError::NoDataDir)?,
        };
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

pub fn default_listen() -> SocketAddr {
    SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), DEFAULT_PORT)
}

/// The platform's data directory (XDG on Linux: `~/.local/share/hooklens`).
pub fn default_data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("dev", "Hooklens", "hooklens").map(|d| d.data_dir().to_owned())
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
}
