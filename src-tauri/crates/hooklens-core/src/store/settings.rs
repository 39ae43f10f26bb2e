//! Store-wide settings, kept in the `settings` table so the desktop app and
//! `hooklens-cli serve` share them.

use std::fmt;
use std::str::FromStr;

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::StoreError;

/// What a commit survives before the sender gets its 2xx.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Durability {
    /// WAL + synchronous=NORMAL: survives the process being killed (kill -9),
    /// may lose the last commits on power loss.
    Normal,
    /// synchronous=FULL: every commit is on disk before the answer; survives
    /// power loss, at the cost of one fsync per group commit.
    Full,
}

impl fmt::Display for Durability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Durability::Normal => "normal",
            Durability::Full => "full",
        })
    }
}

impl FromStr for Durability {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "normal" => Ok(Durability::Normal),
            "full" => Ok(Durability::Full),
            other => Err(StoreError::Invalid(format!(
                "durability must be `normal` or `full`, not {other:?}"
            ))),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Bodies larger than this are refused with 413.
    pub body_limit: u64,
    /// Retention keeps at most this many events (pinned ones always stay).
    pub max_events: u64,
    /// Retention keeps the database under this many bytes (pinned ones always stay).
    pub max_db_bytes: u64,
    pub durability: Durability,
    /// Requests a minute one source may send through a tunnel, on average;
    /// beyond it the tunnel ingress answers 429 (nothing stored).
    pub tunnel_rate_per_minute: u64,
    /// Requests one source may send through a tunnel at once, before the
    /// per-minute rate applies.
    pub tunnel_rate_burst: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            body_limit: crate::config::DEFAULT_BODY_LIMIT as u64,
            max_events: 1_000_000,
            max_db_bytes: 4 * 1024 * 1024 * 1024,
            durability: Durability::Normal,
            // A provider's retries and a busy checkout's events stay far
            // below this; a script hammering the public URL does not.
            tunnel_rate_per_minute: 300,
            tunnel_rate_burst: 60,
        }
    }
}

/// The keys users can set, with what they mean.
pub const KEYS: &[(&str, &str)] = &[
    (
        "body_limit",
        "largest body accepted, in bytes (bigger ones get 413)",
    ),
    (
        "max_events",
        "retention: most events kept (pinned ones always stay)",
    ),
    ("max_db_bytes", "retention: largest database size in bytes"),
    (
        "durability",
        "`normal` (survives kill -9) or `full` (survives power loss)",
    ),
    (
        "tunnel_rate_per_minute",
        "requests a minute one source may send through a tunnel (more get 429)",
    ),
    (
        "tunnel_rate_burst",
        "requests one source may send through a tunnel at once",
    ),
];

impl Settings {
    pub fn get(&self, key: &str) -> Result<String, StoreError> {
        Ok(match key {
            "body_limit" => self.body_limit.to_string(),
            "max_events" => self.max_events.to_string(),
            "max_db_bytes" => self.max_db_bytes.to_string(),
            "durability" => self.durability.to_string(),
            "tunnel_rate_per_minute" => self.tunnel_rate_per_minute.to_string(),
            "tunnel_rate_burst" => self.tunnel_rate_burst.to_string(),
            other => return Err(unknown_key(other)),
        })
    }

    /// Validates and applies one value.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        let number = |min: u64| -> Result<u64, StoreError> {
            value
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|n| *n >= min)
                .ok_or_else(|| {
                    StoreError::Invalid(format!(
                        "{key} must be a whole number of at least {min}, not {value:?}"
                    ))
                })
        };
        match key {
            "body_limit" => self.body_limit = number(1)?,
            "max_events" => self.max_events = number(1)?,
            "max_db_bytes" => self.max_db_bytes = number(1024 * 1024)?,
            "durability" => self.durability = value.trim().parse()?,
            "tunnel_rate_per_minute" => self.tunnel_rate_per_minute = number(1)?,
            "tunnel_rate_burst" => self.tunnel_rate_burst = number(1)?,
            other => return Err(unknown_key(other)),
        }
        Ok(())
    }

    pub(super) fn load(conn: &Connection) -> Result<Settings, StoreError> {
        let mut settings = Settings::default();
        for (key, _) in KEYS {
            let stored: Option<String> = conn
                .query_row("SELECT value FROM settings WHERE key = ?1", [key], |row| {
                    row.get(0)
                })
                .optional()?;
            if let Some(value) = stored {
                // A bad stored value (hand-edited database) falls back to the
                // default instead of refusing to start.
                if let Err(err) = settings.set(key, &value) {
                    tracing::warn!(key, error = %err, "ignoring stored setting");
                }
            }
        }
        Ok(settings)
    }

    pub(super) fn save(&self, conn: &Connection) -> Result<(), StoreError> {
        for (key, _) in KEYS {
            conn.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, self.get(key)?],
            )?;
        }
        Ok(())
    }
}

fn unknown_key(key: &str) -> StoreError {
    let known: Vec<_> = KEYS.iter().map(|(k, _)| *k).collect();
    StoreError::Invalid(format!(
        "unknown setting {key:?}; known: {}",
        known.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_validated_with_a_clear_message() {
        let mut s = Settings::default();
        s.set("max_events", "500").unwrap();
        assert_eq!(s.max_events, 500);
        s.set("durability", "full").unwrap();
        assert_eq!(s.get("durability").unwrap(), "full");
        let err = s.set("max_events", "-3").unwrap_err().to_string();
        assert!(err.contains("max_events must be a whole number"), "{err}");
        let err = s.set("colour", "red").unwrap_err().to_string();
        assert!(err.contains("unknown setting \"colour\""), "{err}");
        assert!(s.set("durability", "fast").is_err());
        s.set("tunnel_rate_per_minute", "120").unwrap();
        s.set("tunnel_rate_burst", "10").unwrap();
        assert_eq!((s.tunnel_rate_per_minute, s.tunnel_rate_burst), (120, 10));
        let err = s.set("tunnel_rate_burst", "0").unwrap_err().to_string();
        assert!(err.contains("at least 1"), "{err}");
    }
}
