//! The user's tunnel choice and the ngrok authtoken they gave, kept in the
//! store's preferences (the settings table, in the database that is
//! readable by its owner only), so the desktop app and `hooklens-cli serve`
//! share them and the tunnel starts again with the app when it was on.

use super::{Authtoken, TunnelError, command};
use crate::model::{SavedTunnel, TunnelSpec};
use crate::store::Store;

/// The preference holding the [`SavedTunnel`] as JSON.
const CHOICE: &str = "tunnel";
/// The preference holding the authtoken; empty when removed. Like endpoint
/// secrets it is only shown masked and never logged.
const NGROK_AUTHTOKEN: &str = "tunnel.ngrok_authtoken";

/// Checks what the user picked (hosts, names, URLs) without starting it.
pub fn validate(spec: &TunnelSpec) -> Result<(), TunnelError> {
    command::validate(spec)
}

/// The remembered choice, if any.
pub fn saved(store: &Store) -> Result<Option<SavedTunnel>, TunnelError> {
    let Some(json) = store.preference(CHOICE)? else {
        return Ok(None);
    };
    serde_json::from_str(&json)
        .map(Some)
        .map_err(|e| TunnelError::Saved(e.to_string()))
}

/// Remembers the choice (checked first) and whether the tunnel is on.
pub fn save(store: &Store, saved: &SavedTunnel) -> Result<(), TunnelError> {
    validate(&saved.spec)?;
    let json = serde_json::to_string(saved).map_err(|e| TunnelError::Saved(e.to_string()))?;
    store.set_preference(CHOICE, &json)?;
    Ok(())
}

/// Stores the ngrok authtoken the user gave (None removes it); returns its
/// masked form for the UI.
pub fn set_ngrok_authtoken(
    store: &Store,
    token: Option<&str>,
) -> Result<Option<String>, TunnelError> {
    match token {
        Some(value) => {
            let token = Authtoken::new(value)?;
            store.set_preference(NGROK_AUTHTOKEN, token.expose())?;
            tracing::info!("ngrok authtoken stored");
            Ok(Some(token.masked()))
        }
        None => {
            store.set_preference(NGROK_AUTHTOKEN, "")?;
            tracing::info!("ngrok authtoken removed");
            Ok(None)
        }
    }
}

/// The stored authtoken, to pass in `TunnelOptions::ngrok_authtoken`.
pub fn ngrok_authtoken(store: &Store) -> Result<Option<Authtoken>, TunnelError> {
    match store.preference(NGROK_AUTHTOKEN)? {
        Some(value) if !value.is_empty() => Authtoken::new(&value).map(Some),
        _ => Ok(None),
    }
}

/// The stored authtoken as the UI shows it, e.g. `…abcd`.
pub fn ngrok_authtoken_masked(store: &Store) -> Result<Option<String>, TunnelError> {
    Ok(ngrok_authtoken(store)?.map(|t| t.masked()))
}
