//! The public URL: the tunnel the user picked (`hooklens_core::tunnel`)
//! pointed at a tunnel ingress of the listener (`capture::TunnelIngress`),
//! which captures like the listener and marks what it stores as tunnelled.
//! The shell ties the two: whenever the tunnel's state changes it tells the
//! ingress the public URL (so URL-signed schemes are verified against it)
//! and the window, through the channel it gave `subscribe_tunnel`.

use std::sync::Arc;

use hooklens_core::capture::TunnelIngress;
use hooklens_core::model::{
    ErrorKind, ErrorPayload, SavedTunnel, TunnelSpec, TunnelState, TunnelStatus,
};
use hooklens_core::tunnel::{self, Tunnel, TunnelOptions};
use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};
use ts_rs::TS;

use crate::AppState;

/// The running tunnel and the ingress it sends to.
pub(crate) struct Running {
    tunnel: Tunnel,
    ingress: Arc<TunnelIngress>,
    /// Passes each state on to the ingress and the window.
    watcher: tauri::async_runtime::JoinHandle<()>,
}

/// What the header knows about the tunnel.
pub(crate) struct TunnelSlot {
    running: Option<Running>,
    /// The state while nothing runs: stopped, or why it could not start.
    idle: TunnelStatus,
}

impl TunnelSlot {
    pub(crate) fn new() -> TunnelSlot {
        TunnelSlot {
            running: None,
            idle: stopped(),
        }
    }

    fn status(&self) -> TunnelStatus {
        match &self.running {
            Some(r) => r.tunnel.status(),
            None => self.idle.clone(),
        }
    }
}

/// Where tunnel states go (one subscriber: the window; a reload replaces it).
pub(crate) type TunnelChannel = Arc<std::sync::Mutex<Option<Channel<TunnelStatus>>>>;

fn stopped() -> TunnelStatus {
    TunnelStatus {
        state: TunnelState::Stopped,
        name: String::new(),
        output: Vec::new(),
    }
}

/// An endpoint's public URL, to paste into a provider's dashboard.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EndpointUrl {
    pub name: String,
    pub path_prefix: String,
    pub url: String,
}

/// The tunnel as the header's dialog shows it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TunnelView {
    /// The remembered choice, to fill the dialog in.
    pub saved: Option<SavedTunnel>,
    pub status: TunnelStatus,
    /// The ngrok authtoken given to Hooklens, masked.
    pub ngrok_authtoken: Option<String>,
    /// Each endpoint's public URL while the tunnel is up.
    pub endpoints: Vec<EndpointUrl>,
    /// Requests a minute one sender may send through the tunnel (more get
    /// 429), and how many at once.
    #[ts(type = "number")]
    pub rate_per_minute: u64,
    #[ts(type = "number")]
    pub rate_burst: u64,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SetTunnelRateArgs {
    #[ts(type = "number")]
    pub per_minute: u64,
    #[ts(type = "number")]
    pub burst: u64,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SetNgrokAuthtokenArgs {
    /// None removes the stored one.
    pub value: Option<String>,
}

fn tunnel_error(err: tunnel::TunnelError) -> ErrorPayload {
    err.into()
}

async fn view(state: &AppState) -> Result<TunnelView, ErrorPayload> {
    let status = state.tunnel.lock().await.status();
    let endpoints = match status.public_url() {
        Some(public) => state
            .store
            .endpoints()
            .iter()
            .map(|e| EndpointUrl {
                name: e.name.clone(),
                path_prefix: e.path_prefix.clone(),
                url: tunnel::endpoint_url(public, &e.path_prefix),
            })
            .collect(),
        None => Vec::new(),
    };
    let settings = state.store.settings();
    Ok(TunnelView {
        saved: tunnel::saved(&state.store).map_err(tunnel_error)?,
        status,
        ngrok_authtoken: tunnel::ngrok_authtoken_masked(&state.store).map_err(tunnel_error)?,
        endpoints,
        rate_per_minute: settings.tunnel_rate_per_minute,
        rate_burst: settings.tunnel_rate_burst,
    })
}

/// Sets the per-sender limit of tunnel traffic; it applies to the next
/// request, tunnel running or not.
#[tauri::command]
pub async fn set_tunnel_rate(
    state: State<'_, AppState>,
    args: SetTunnelRateArgs,
) -> Result<TunnelView, ErrorPayload> {
    for (key, value) in [
        ("tunnel_rate_per_minute", args.per_minute),
        ("tunnel_rate_burst", args.burst),
    ] {
        state.store.set_setting(key, &value.to_string())?;
    }
    view(&state).await
}

#[tauri::command]
pub async fn tunnel_view(state: State<'_, AppState>) -> Result<TunnelView, ErrorPayload> {
    view(&state).await
}

/// Starts the tunnel the user picked (stopping one that runs), and
/// remembers it as on, so it starts again with the app.
#[tauri::command]
pub async fn start_tunnel(
    state: State<'_, AppState>,
    spec: TunnelSpec,
) -> Result<TunnelView, ErrorPayload> {
    tunnel::validate(&spec).map_err(tunnel_error)?;
    tunnel::save(
        &state.store,
        &SavedTunnel {
            spec: spec.clone(),
            enabled: true,
        },
    )
    .map_err(tunnel_error)?;
    start(&state, spec).await?;
    view(&state).await
}

/// Starts `spec` against a new ingress of the running listener.
pub(crate) async fn start(state: &AppState, spec: TunnelSpec) -> Result<(), ErrorPayload> {
    if state.lock.is_none() {
        return Err(ErrorPayload::new(
            ErrorKind::Capture,
            "another Hooklens is capturing into this data directory; its window runs the tunnel",
        ));
    }
    let mut slot = state.tunnel.lock().await;
    if let Some(old) = slot.running.take() {
        end(old).await;
    }
    let ingress = {
        let listener = state.listener.lock().await;
        let Some(listener) = listener.listener.as_ref() else {
            return Err(ErrorPayload::new(
                ErrorKind::Capture,
                "Hooklens is not listening, so there is nothing to make public: pick a free address first",
            ));
        };
        listener
            .open_tunnel_ingress(spec.kind())
            .await
            .map_err(|e| ErrorPayload::new(ErrorKind::Capture, e.to_string()))?
    };
    let options = TunnelOptions {
        ngrok_authtoken: tunnel::ngrok_authtoken(&state.store).map_err(tunnel_error)?,
        ..TunnelOptions::default()
    };
    let data_dir = std::path::PathBuf::from(&state.data_dir);
    let (tunnel, mut states) =
        match Tunnel::start_with(spec, ingress.local_addr(), &data_dir, options) {
            Ok(started) => started,
            Err(err) => {
                ingress.close().await;
                return Err(tunnel_error(err));
            }
        };
    let ingress = Arc::new(ingress);
    let watched = ingress.clone();
    let channel = state.tunnel_channel.clone();
    let watcher = tauri::async_runtime::spawn(async move {
        loop {
            let status = states.borrow_and_update().clone();
            if let Err(err) = watched.set_public_url(status.public_url().map(str::to_owned)) {
                tracing::warn!(error = %err, "the tunnel ingress did not take the public URL");
            }
            tell(&channel, status);
            if states.changed().await.is_err() {
                break;
            }
        }
    });
    slot.running = Some(Running {
        tunnel,
        ingress,
        watcher,
    });
    Ok(())
}

/// Ends the tunnel as the app stops (without changing what is remembered,
/// so it starts again with the app).
pub(crate) async fn stop(state: &AppState) {
    let running = state.tunnel.lock().await.running.take();
    if let Some(running) = running {
        end(running).await;
    }
}

/// Ends a running tunnel: the tool first (nothing new comes in), then its
/// ingress, which answers what is in progress.
async fn end(running: Running) {
    running.tunnel.stop().await;
    running.watcher.abort();
    match Arc::try_unwrap(running.ingress) {
        Ok(ingress) => ingress.close().await,
        // The watcher still held it: dropped when the aborted task is.
        Err(_) => tracing::debug!("tunnel ingress closes with its watcher"),
    }
}

fn tell(channel: &TunnelChannel, status: TunnelStatus) {
    let sink = channel.lock().ok().and_then(|c| c.clone());
    if let Some(sink) = sink {
        let _ = sink.send(status);
    }
}

/// Stops the tunnel and remembers it as off.
#[tauri::command]
pub async fn stop_tunnel(state: State<'_, AppState>) -> Result<TunnelView, ErrorPayload> {
    if let Some(mut saved) = tunnel::saved(&state.store).map_err(tunnel_error)? {
        saved.enabled = false;
        tunnel::save(&state.store, &saved).map_err(tunnel_error)?;
    }
    stop(&state).await;
    let mut slot = state.tunnel.lock().await;
    slot.idle = stopped();
    tell(&state.tunnel_channel, slot.idle.clone());
    drop(slot);
    view(&state).await
}

/// Accepts the SSH host key the tunnel showed, if `fingerprint` is the one
/// shown; the tunnel then connects.
#[tauri::command]
pub async fn accept_tunnel_host_key(
    state: State<'_, AppState>,
    fingerprint: String,
) -> Result<(), ErrorPayload> {
    let slot = state.tunnel.lock().await;
    let Some(running) = slot.running.as_ref() else {
        return Err(ErrorPayload::new(
            ErrorKind::Invalid,
            "no tunnel is running",
        ));
    };
    running
        .tunnel
        .accept_host_key(&fingerprint)
        .await
        .map_err(tunnel_error)
}

/// Stores the ngrok authtoken the user gave (or removes it); returns it masked.
#[tauri::command]
pub fn set_ngrok_authtoken(
    state: State<'_, AppState>,
    args: SetNgrokAuthtokenArgs,
) -> Result<Option<String>, ErrorPayload> {
    tunnel::set_ngrok_authtoken(&state.store, args.value.as_deref()).map_err(tunnel_error)
}

#[tauri::command]
pub fn subscribe_tunnel(
    state: State<'_, AppState>,
    on_status: Channel<TunnelStatus>,
) -> Result<(), ErrorPayload> {
    *state
        .tunnel_channel
        .lock()
        .map_err(|_| ErrorPayload::new(ErrorKind::Internal, "the tunnel state is unavailable"))? =
        Some(on_status);
    Ok(())
}

/// At start: the tunnel that was on when the app last ran starts again.
pub(crate) fn resume(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let saved = match tunnel::saved(&state.store) {
            Ok(Some(saved)) if saved.enabled => saved,
            Ok(_) => return,
            Err(err) => {
                tracing::warn!(error = %err, "the saved tunnel cannot be read");
                return;
            }
        };
        if let Err(err) = start(&state, saved.spec).await {
            tracing::warn!(error = %err.message, "the tunnel did not start again");
            let mut slot = state.tunnel.lock().await;
            slot.idle = TunnelStatus {
                state: TunnelState::Failed {
                    reason: err.message,
                },
                name: String::new(),
                output: Vec::new(),
            };
            tell(&state.tunnel_channel, slot.idle.clone());
        }
    });
}

/// After the listener moved: a running tunnel is pointed at the new one.
pub(crate) async fn follow_listener(state: &AppState) {
    let running = state.tunnel.lock().await.running.is_some();
    if !running {
        return;
    }
    match tunnel::saved(&state.store) {
        Ok(Some(saved)) => {
            if let Err(err) = start(state, saved.spec).await {
                tracing::warn!(error = %err.message, "the tunnel did not follow the listener");
            }
        }
        Ok(None) => {}
        Err(err) => tracing::warn!(error = %err, "the saved tunnel cannot be read"),
    }
}
