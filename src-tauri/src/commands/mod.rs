//! Thin adapters from IPC commands onto the core, one file per area.
//! `list.rs` names every command once; the handler below, the app manifest
//! in build.rs and the TypeScript `Command` type are made from it.

pub(crate) mod about;
pub(crate) mod app;
pub(crate) mod endpoints;
pub(crate) mod events;
pub(crate) mod export;
pub(crate) mod import;
pub(crate) mod import_file;
pub(crate) mod notifications;
pub(crate) mod send;
#[cfg(test)]
mod tests;
pub(crate) mod tunnel;

use std::sync::{Mutex, MutexGuard};

use hooklens_core::model::{ErrorKind, ErrorPayload};
use hooklens_core::query::{self, Query};
use hooklens_core::store::{Reader, now_ns};
use tauri::{AppHandle, Manager};

use crate::AppState;

include!("list.rs");

macro_rules! invoke_handler {
    ($($area:ident::$name:ident),* $(,)?) => {
        tauri::generate_handler![$($area::$name),*]
    };
}

#[cfg(test)]
macro_rules! listed {
    ($($area:ident::$name:ident),* $(,)?) => {
        &[$((stringify!($area), stringify!($name))),*]
    };
}

/// Every command as (area, name): the file it is in, and the name the
/// webview invokes it by.
#[cfg(test)]
pub(crate) const LISTED: &[(&str, &str)] = with_commands!(listed);

/// Hands each invocation from the webview to the listed command of its name.
pub(crate) fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    with_commands!(invoke_handler)
}

fn reader_unavailable() -> ErrorPayload {
    ErrorPayload::new(ErrorKind::Internal, "the event reader is unavailable")
}

/// Runs `work` on the blocking pool. Database work can take a while (a
/// count over a million rows), and the async workers it would otherwise
/// occupy are the ones the capture listener answers requests on.
async fn off_runtime<T: Send + 'static>(
    app: AppHandle,
    work: impl FnOnce(&AppState) -> Result<T, ErrorPayload> + Send + 'static,
) -> Result<T, ErrorPayload> {
    tauri::async_runtime::spawn_blocking(move || work(&app.state::<AppState>()))
        .await
        .map_err(|err| ErrorPayload::new(ErrorKind::Internal, err.to_string()))?
}

fn locked(reader: &Mutex<Reader>) -> Result<MutexGuard<'_, Reader>, ErrorPayload> {
    reader.lock().map_err(|_| reader_unavailable())
}

fn parse_query(text: &str) -> Result<Query, ErrorPayload> {
    Ok(query::parse(text, now_ns() / 1_000_000)?)
}
