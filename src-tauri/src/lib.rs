//! The Tauri shell: builder, setup and the commands the UI calls. Everything
//! else lives in hooklens-core.

mod commands;
mod error;

use std::sync::Mutex;

use hooklens_core::api::{AppInfo, ListenerState, ListenerStatus};
use hooklens_core::capture::{self, Listener};
use hooklens_core::config::{self, Config, ConfigError};
use hooklens_core::store::{Reader, Store};
use tauri::Manager;

use crate::error::SetupError;

pub(crate) struct AppState {
    info: AppInfo,
    store: Store,
    reader: Mutex<Reader>,
    // Held so the listener lives as long as the app.
    _listener: Option<Listener>,
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("HOOKLENS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}

/// Opens the store and starts the listener. A listener that cannot bind is
/// not fatal: the window opens and says why, so the user can pick another
/// address.
fn start_core() -> Result<AppState, SetupError> {
    let (config, listen_error) = match Config::resolve(None, None) {
        Ok(config) => (config, None),
        Err(ConfigError::InvalidListen { value }) => {
            // Open the window anyway and say why nothing is listening.
            let config = Config::resolve(None, Some(config::default_listen().to_string()))?;
            let error = ConfigError::InvalidListen {
                value: value.clone(),
            }
            .to_string();
            (config, Some((value, error)))
        }
        Err(err) => return Err(err.into()),
    };
    let store = Store::open(&config.data_dir)?;
    let reader = store.reader()?;

    let (listener, status) = match listen_error {
        Some((value, error)) => (
            None,
            ListenerStatus {
                state: ListenerState::Failed,
                address: value,
                url: String::new(),
                error: Some(error),
            },
        ),
        None => match tauri::async_runtime::block_on(Listener::start(
            config.listen,
            store.clone(),
            config.body_limit,
        )) {
            Ok(listener) => {
                let status = listener.status();
                (Some(listener), status)
            }
            Err(err) => {
                tracing::error!(error = %err, "capture listener not started");
                (None, capture::failed_status(config.listen, &err))
            }
        },
    };

    let info = AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        data_dir: config.data_dir.display().to_string(),
        database_path: store.path().display().to_string(),
        listener: status,
    };
    Ok(AppState {
        info,
        store,
        reader: Mutex::new(reader),
        _listener: listener,
    })
}

pub fn run() {
    init_tracing();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_clipboard_manager::init())
        .setup(|app| {
            let state = start_core()?;
            tracing::info!(
                data_dir = %state.info.data_dir,
                listen = %state.info.listener.address,
                "Hooklens started"
            );
            app.manage(state);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::list_events,
            commands::subscribe_events,
        ])
        .run(tauri::generate_context!());
    if let Err(err) = result {
        tracing::error!(error = %err, "Hooklens could not start");
        eprintln!("Hooklens could not start: {err}");
        std::process::exit(1);
    }
}
