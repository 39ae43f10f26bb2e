//! The Tauri shell: builder, setup and the commands the UI calls. Everything
//! else lives in hooklens-core.

#[cfg(test)]
mod bindings;
mod commands;
mod engine;
mod error;
mod fonts;
mod instance;
mod logs;
mod notify;
mod starting;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hooklens_core::capture::{self, Listener};
use hooklens_core::config::{self, Config, ConfigError};
use hooklens_core::model::{AppInfo, ListenerState, ListenerStatus};
use hooklens_core::store::{DataDirLock, Reader, Store, StoreError, StoreOptions};
use tauri::Manager;

use crate::error::SetupError;
use crate::starting::Gate;

/// The capture listener and what the header shows about it.
pub(crate) struct ListenerSlot {
    listener: Option<Listener>,
    status: ListenerStatus,
}

pub(crate) struct AppState {
    version: String,
    data_dir: String,
    /// The data and log folders, which the About dialog opens.
    folders: commands::about::Folders,
    store: Store,
    /// Timeline pages.
    reader: Mutex<Reader>,
    /// One event's details: its own connection, so opening the event the
    /// user clicked never waits behind timeline pages fetched during a burst.
    details: Mutex<Reader>,
    /// Counts and autocomplete values, which may take longer than a page.
    counter: Mutex<Reader>,
    /// The cancel flag of the running re-verification (one at a time).
    reverifying: Mutex<Option<Arc<AtomicBool>>>,
    /// The cancel flag of the running file import (one at a time).
    importing: Mutex<Option<Arc<AtomicBool>>>,
    /// The cancel flag of the running export (one at a time).
    exporting: Mutex<Option<Arc<AtomicBool>>>,
    /// Where imports of dropped files are reported (see commands/import_file.rs).
    drops: Mutex<Option<tauri::ipc::Channel<commands::import_file::DropImport>>>,
    /// Resends, test events; None when the HTTP client could not start.
    sender: Option<hooklens_core::resend::Sender>,
    /// Sends in progress by the UI's token, to cancel them.
    sends: Mutex<std::collections::HashMap<u32, hooklens_core::resend::Cancel>>,
    listener: tokio::sync::Mutex<ListenerSlot>,
    /// The public URL's tunnel (see commands/tunnel.rs).
    tunnel: tokio::sync::Mutex<commands::tunnel::TunnelSlot>,
    tunnel_channel: commands::tunnel::TunnelChannel,
    notifier: Arc<notify::Notifier>,
    /// None when another process already captures into this data directory.
    lock: Option<DataDirLock>,
}

impl AppState {
    async fn info(&self) -> AppInfo {
        AppInfo {
            version: self.version.clone(),
            data_dir: self.data_dir.clone(),
            database_path: self.store.path().display().to_string(),
            listener: self.listener.lock().await.status.clone(),
        }
    }
}

/// The window starts hidden and is shown once its page has loaded. Shown
/// any earlier, GTK asks the web view to draw before WebKit's web process
/// is up, and WebKit blocks the main thread waiting for that first frame
/// (up to half a second), which also holds back the page load itself.
const SHOW_WINDOW_AT_THE_LATEST: std::time::Duration = std::time::Duration::from_secs(3);

fn show_window<R: tauri::Runtime>(window: &tauri::Window<R>) {
    if let Err(err) = window.show() {
        tracing::warn!(error = %err, "could not show the window");
    }
}

/// Opens the window tauri.conf.json describes (`create: false` there), with
/// the script that names the page's fonts before its first layout.
fn open_main_window(app: &tauri::App) -> Result<(), SetupError> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == "main")
        .ok_or(SetupError::NoWindow)?;
    let mut window = tauri::WebviewWindowBuilder::from_config(app.handle(), config)?;
    if let Some(script) = fonts::page_script() {
        window = window.initialization_script(script);
    }
    window.build()?;
    Ok(())
}

/// The log files' folder in the state directory (see logs.rs).
const LOG_FOLDER: &str = "logs";

const HELP: &str = "\
Usage: hooklens [FILE]...

Hooklens, the desktop webhook inspector. Opens its window; each FILE (HAR, curl command,
raw HTTP, bundle, event JSON) is imported as if captured. If Hooklens is already running on
the same data directory, its window comes to the front and imports the files instead.

Options:
  -h, --help     Print this help
  -V, --version  Print the version

Environment:
  HOOKLENS_DATA_DIR  where events are stored (default ~/.local/share/hooklens)
  HOOKLENS_LISTEN    the capture listener's address (default 127.0.0.1:9494)
  HOOKLENS_LOG       log level or filter, e.g. debug (default info)

Headless use, scripts and servers: hooklens-cli --help. Manual: man hooklens.
";

/// `--help` and `--version` answer on the terminal instead of opening the
/// window, as a packaged program is expected to; before `--`, like the
/// options `instance::files_in` skips.
fn terminal_answer(args: &[String]) -> Option<String> {
    let options = args.iter().skip(1).take_while(|arg| *arg != "--");
    for arg in options {
        match arg.as_str() {
            "-h" | "--help" => return Some(HELP.to_owned()),
            "-V" | "--version" => {
                return Some(format!("hooklens {}\n", env!("CARGO_PKG_VERSION")));
            }
            _ => {}
        }
    }
    None
}

/// Creates a folder of the state directory (logs, window geometry), and
/// the state directory itself, readable by the user alone, as the data
/// directory is: logs name paths and endpoints.
fn make_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// The window's size, position and maximised state, saved when the app
/// exits (quit, SIGTERM) and applied when the window is created, while it
/// is still hidden: the page load shows it where it was (see
/// [`SHOW_WINDOW_AT_THE_LATEST`]). Visibility is not restored: the plugin
/// would show the window at once, before the page has loaded.
///
/// The plugin keeps its file in the app's config directory by default,
/// shared by every data directory. It is kept in the state directory
/// instead (`config::resolve_state_dir`: `~/.local/state/hooklens`, or
/// `state/` inside a data directory given by `HOOKLENS_DATA_DIR`), so apps
/// on different data directories, such as the e2e tests' apps, each keep
/// their own. The plugin joins the name to its config directory, and
/// joining an absolute path gives that path.
fn window_state<R: tauri::Runtime>(state_dir: &std::path::Path) -> tauri::plugin::TauriPlugin<R> {
    use tauri_plugin_window_state::StateFlags;
    tauri_plugin_window_state::Builder::new()
        .with_state_flags(StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED)
        .with_filename(state_dir.join(WINDOW_STATE_FILE).to_string_lossy())
        .build()
}

/// The window-state plugin's file, in the state directory.
const WINDOW_STATE_FILE: &str = "window-state.json";

fn not_listening(address: String, error: String) -> ListenerStatus {
    ListenerStatus {
        state: ListenerState::Failed,
        address,
        url: String::new(),
        error: Some(error),
        suggestion: None,
    }
}

/// Opens the store and starts the listener. A listener that cannot bind is
/// not fatal: the window opens and says why, so the user can pick another
/// address.
fn start_core(log_dir: std::path::PathBuf) -> Result<AppState, SetupError> {
    let (config, mut refusal) = match Config::resolve(None, None) {
        Ok(config) => (config, None),
        Err(ConfigError::InvalidListen { value }) => {
            let error = ConfigError::InvalidListen {
                value: value.clone(),
            }
            .to_string();
            let config = Config::resolve(None, Some(config::default_listen().to_string()))?;
            (config, Some(not_listening(value, error)))
        }
        Err(err) => return Err(err.into()),
    };
    // Only one process captures into a data directory; a second one still
    // opens the window and reads what the first one stores.
    let lock = match DataDirLock::acquire(&config.data_dir) {
        Ok(lock) => Some(lock),
        Err(err @ StoreError::Locked { .. }) => {
            tracing::warn!(error = %err, "not capturing");
            refusal.get_or_insert(not_listening(config.listen.to_string(), err.to_string()));
            None
        }
        Err(err) => return Err(err.into()),
    };
    let store = Store::open_with(
        &config.data_dir,
        StoreOptions {
            capture: lock.is_some(),
            ..StoreOptions::default()
        },
    )?;
    let reader = store.reader()?;
    let counter = store.reader()?;
    let details = store.reader()?;
    if lock.is_some() {
        store.close_interrupted_runs()?;
    }
    let sender = match hooklens_core::resend::Sender::new(store.clone()) {
        Ok(sender) => Some(sender),
        Err(err) => {
            tracing::error!(error = %err, "sending is unavailable");
            None
        }
    };

    let slot = match refusal {
        Some(status) => ListenerSlot {
            listener: None,
            status,
        },
        None => match tauri::async_runtime::block_on(Listener::start(config.listen, store.clone()))
        {
            Ok(listener) => ListenerSlot {
                status: listener.status(),
                listener: Some(listener),
            },
            Err(err) => {
                tracing::error!(error = %err, "capture listener not started");
                ListenerSlot {
                    listener: None,
                    status: capture::failed_status(config.listen, &err),
                }
            }
        },
    };
    let notifier = notify::Notifier::load(&store);
    Ok(AppState {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        data_dir: config.data_dir.display().to_string(),
        folders: commands::about::Folders {
            data: config.data_dir.clone(),
            logs: log_dir,
        },
        store,
        reader: Mutex::new(reader),
        counter: Mutex::new(counter),
        details: Mutex::new(details),
        reverifying: Mutex::new(None),
        importing: Mutex::new(None),
        exporting: Mutex::new(None),
        drops: Mutex::new(None),
        sender,
        sends: Mutex::new(std::collections::HashMap::new()),
        notifier,
        listener: tokio::sync::Mutex::new(slot),
        tunnel: tokio::sync::Mutex::new(commands::tunnel::TunnelSlot::new()),
        tunnel_channel: commands::tunnel::TunnelChannel::default(),
        lock,
    })
}

/// SIGTERM (systemd, a logout) and SIGINT stop the app the way `serve`
/// stops: what was stored is answered, then the process exits.
fn drain_on_signal(app: tauri::AppHandle, gate: Arc<Gate>) {
    #[cfg(unix)]
    tauri::async_runtime::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            tracing::warn!("cannot watch for SIGTERM; the listener will not drain on it");
            return;
        };
        let which = tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
        };
        tracing::info!(signal = which, "stopping: answering requests in progress");
        gate.settled(STOP_WAITS_FOR_START).await;
        let Some(state) = app.try_state::<AppState>() else {
            app.exit(0);
            return;
        };
        commands::tunnel::stop(&state).await;
        let listener = state.listener.lock().await.listener.take();
        if let Some(listener) = listener {
            listener.shutdown().await;
        }
        app.exit(0);
    });
}

/// How long a stop during start-up waits for the store to finish opening,
/// so that it can be closed cleanly (otherwise the next start checks the
/// whole database as after a crash).
const STOP_WAITS_FOR_START: Duration = Duration::from_secs(10);

/// Everything that needs the core, on the start-up thread (see starting.rs).
fn start_in_background(
    app: tauri::AppHandle,
    gate: Arc<Gate>,
    log_dir: std::path::PathBuf,
    args: Vec<String>,
    focused: Arc<AtomicBool>,
) {
    let state = match start_core(log_dir) {
        Ok(state) => state,
        Err(err) => {
            tracing::error!(error = %err, "Hooklens could not start");
            eprintln!("Hooklens could not start: {err}");
            gate.fail(err.to_string());
            app.exit(1);
            return;
        }
    };
    tracing::info!(data_dir = %state.data_dir, "Hooklens started");
    // Only the process that captures notifies: a second window on
    // the same data would repeat every notification.
    if state.lock.is_some() {
        notify::start(app.clone(), state.store.clone(), state.notifier.clone());
    }
    let notifier = state.notifier.clone();
    app.manage(state);
    // Read after the state is managed: from then on the window's focus
    // events reach the notifier themselves.
    notifier.set_focused(focused.load(Ordering::Relaxed));
    gate.open(&app);
    // Files named on this launch's command line are imported once
    // the window listens (as a second launch's are).
    let cwd = std::env::current_dir().unwrap_or_default();
    let files = instance::files_in(&args, &cwd);
    if !files.is_empty() {
        commands::import_file::open_files(&app, files);
    }
    commands::tunnel::resume(&app);
}

pub fn run() {
    // Before any thread starts: it sets the environment WebKit's web
    // process will inherit.
    engine::prepare();
    let args: Vec<String> = std::env::args_os()
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    if let Some(answer) = terminal_answer(&args) {
        print!("{answer}");
        return;
    }
    let (data_dir, state_dir) = match config::resolve_data_dir(None)
        .and_then(|data| Ok((data, config::resolve_state_dir(None)?)))
    {
        Ok(dirs) => dirs,
        Err(err) => {
            eprintln!("Hooklens could not start: {err}");
            std::process::exit(1);
        }
    };
    let log_dir = state_dir.join(LOG_FOLDER);
    // The state directory is made with the log folder.
    let made = make_private_dir(&log_dir);
    let logging = logs::init(&log_dir);
    if let Err(err) = made {
        tracing::warn!(error = %err, dir = %log_dir.display(), "cannot create the log folder");
    }
    if let Err(err) = logging {
        tracing::warn!(error = %err, "logging to the terminal only");
    }
    let context = tauri::generate_context!();
    let gate = Gate::new(commands::handler());
    let invoked = gate.clone();
    let at_setup = gate.clone();
    let identifier = context.config().identifier.clone();
    let result = tauri::Builder::default()
        // First, so that a second launch hands over and exits before
        // anything else starts (see instance.rs).
        .plugin(
            tauri_plugin_single_instance::Builder::new()
                .dbus_id(instance::dbus_id(&identifier, &data_dir))
                .callback(instance::on_second_launch)
                .build(),
        )
        .plugin(window_state(&state_dir))
        .manage(commands::import_file::LaunchFiles::default())
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_dialog::init())
        .setup(move |app| {
            // Focus comes from window events, so deciding whether an event
            // is already in view never waits on the UI thread. Kept here
            // until the notifier exists.
            let focused = Arc::new(AtomicBool::new(false));
            open_main_window(app)?;
            if let Some(window) = app.get_webview_window("main") {
                // Should the page never finish loading, the window still
                // appears rather than staying hidden with nothing to say why.
                let late = window.as_ref().window();
                tauri::async_runtime::spawn(async move {
                    tokio::time::sleep(SHOW_WINDOW_AT_THE_LATEST).await;
                    show_window(&late);
                });
                let handle = app.handle().clone();
                let seen = focused.clone();
                window.on_window_event(move |event| match event {
                    tauri::WindowEvent::Focused(now) => {
                        seen.store(*now, Ordering::Relaxed);
                        if let Some(state) = handle.try_state::<AppState>() {
                            state.notifier.set_focused(*now);
                        }
                    }
                    // A dropped file is read by the shell, never by the page.
                    tauri::WindowEvent::DragDrop(drop) => {
                        if handle.try_state::<AppState>().is_some() {
                            commands::import_file::on_drop(&handle, drop);
                        } else if let tauri::DragDropEvent::Drop { paths, .. } = drop {
                            // While the store opens, a drop waits with the
                            // files named at launch.
                            commands::import_file::open_files(&handle, paths.clone());
                        }
                    }
                    _ => {}
                });
            }
            drain_on_signal(app.handle().clone(), at_setup.clone());
            let handle = app.handle().clone();
            std::thread::Builder::new()
                .name("hooklens-start".into())
                .spawn(move || start_in_background(handle, at_setup, log_dir, args, focused))
                .map_err(SetupError::Thread)?;
            Ok(())
        })
        .on_page_load(|webview, load| {
            if matches!(load.event(), tauri::webview::PageLoadEvent::Finished) {
                show_window(&webview.window());
            }
        })
        .invoke_handler(move |invoke| invoked.invoke(invoke))
        .build(context);
    match result {
        Ok(app) => app.run(move |app, event| {
            if let tauri::RunEvent::Exit = event {
                stop_cleanly(app, &gate);
            }
        }),
        Err(err) => {
            tracing::error!(error = %err, "Hooklens could not start");
            eprintln!("Hooklens could not start: {err}");
            std::process::exit(1);
        }
    }
}

/// Tauri exits the process from its event loop without dropping the app's
/// state: drain the listener (if a signal has not already) and record the
/// clean stop, or every start after a normal quit would check the whole
/// database as after a crash.
fn stop_cleanly(app: &tauri::AppHandle, gate: &Gate) {
    tauri::async_runtime::block_on(gate.settled(STOP_WAITS_FOR_START));
    let Some(state) = app.try_state::<AppState>() else {
        return;
    };
    tauri::async_runtime::block_on(async {
        commands::tunnel::stop(&state).await;
        let listener = state.listener.lock().await.listener.take();
        if let Some(listener) = listener {
            listener.shutdown().await;
        }
    });
    state.store.stopped_cleanly();
    tracing::info!("stopped");
}

#[cfg(test)]
mod tests {
    use super::terminal_answer;

    fn answer(args: &[&str]) -> Option<String> {
        let args: Vec<String> = std::iter::once("hooklens")
            .chain(args.iter().copied())
            .map(str::to_owned)
            .collect();
        terminal_answer(&args)
    }

    #[test]
    fn help_and_version_answer_on_the_terminal_and_files_open_the_window() {
        assert_eq!(
            answer(&["--version"]).as_deref(),
            Some(concat!("hooklens ", env!("CARGO_PKG_VERSION"), "\n"))
        );
        assert!(
            answer(&["a.har", "-h"])
                .unwrap()
                .starts_with("Usage: hooklens [FILE]")
        );
        assert_eq!(answer(&["a.har"]), None);
        assert_eq!(answer(&[]), None);
        // After `--`, a file may be called --help.
        assert_eq!(answer(&["--", "--help"]), None);
    }
}
