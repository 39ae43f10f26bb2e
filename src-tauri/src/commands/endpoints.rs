//! Endpoints, their secrets, and re-verifying stored events against them.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use hooklens_core::model::{
    AnswerRecord, ConditionProblem, Endpoint, EndpointCount, EndpointSpec, ErrorKind, ErrorPayload,
    PresetInfo, ResponseRule, ReverifyOutcome, ReverifyProgress,
};
use serde::Deserialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use ts_rs::TS;

use super::{locked, off_runtime, reader_unavailable};
use crate::AppState;

#[tauri::command]
pub fn list_endpoints(state: State<'_, AppState>) -> Vec<Endpoint> {
    state.store.endpoints().to_vec()
}

#[tauri::command]
pub async fn endpoint_counts(app: AppHandle) -> Result<Vec<EndpointCount>, ErrorPayload> {
    off_runtime(app, move |state| {
        Ok(locked(&state.counter)?.endpoint_counts()?)
    })
    .await
}

#[tauri::command]
pub fn list_presets() -> Vec<PresetInfo> {
    hooklens_core::api::presets()
}

#[tauri::command]
pub async fn add_endpoint(app: AppHandle, spec: EndpointSpec) -> Result<Endpoint, ErrorPayload> {
    off_runtime(app, move |state| Ok(state.store.add_endpoint(&spec)?)).await
}

#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UpdateEndpointArgs {
    #[ts(type = "number")]
    pub id: i64,
    pub spec: EndpointSpec,
}

#[tauri::command]
pub async fn update_endpoint(
    app: AppHandle,
    args: UpdateEndpointArgs,
) -> Result<Endpoint, ErrorPayload> {
    off_runtime(app, move |state| {
        Ok(state.store.update_endpoint(args.id, &args.spec)?)
    })
    .await
}

/// Why `text` cannot be a forward target's condition, with the culprit's
/// place (in chars), or None when it can: checked as it is typed.
#[tauri::command]
pub fn check_condition(text: String) -> Option<ConditionProblem> {
    hooklens_core::api::condition_problem(&text)
}

/// Every sequence and chance of the endpoint's response rules counts from
/// zero again.
#[tauri::command]
pub async fn reset_rule_counts(app: AppHandle, id: i64) -> Result<(), ErrorPayload> {
    off_runtime(app, move |state| Ok(state.store.reset_rule_counts(id)?)).await
}

#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PreviewRulesArgs {
    /// None: only check the rules, as saving would.
    #[ts(type = "number | null")]
    pub event_id: Option<i64>,
    /// The rules as edited, saved or not.
    pub rules: Vec<ResponseRule>,
}

/// What `rules` would answer a stored event as a first arrival: the record
/// of that answer, or null when no rule takes it (or no event was named).
/// Rules that cannot be saved fail with the same message saving gives.
#[tauri::command]
pub async fn preview_rules(
    app: AppHandle,
    args: PreviewRulesArgs,
) -> Result<Option<AnswerRecord>, ErrorPayload> {
    off_runtime(app, move |state| {
        let Some(event_id) = args.event_id else {
            hooklens_core::rules::validate(&args.rules)
                .map_err(|e| ErrorPayload::new(ErrorKind::Invalid, e.to_string()))?;
            return Ok(None);
        };
        let reader = state.store.reader()?;
        Ok(hooklens_core::detail::preview_rules(
            &reader,
            event_id,
            &args.rules,
        )?)
    })
    .await
}

#[tauri::command]
pub async fn remove_endpoint(app: AppHandle, id: i64) -> Result<(), ErrorPayload> {
    off_runtime(app, move |state| Ok(state.store.remove_endpoint(id)?)).await
}

fn endpoint(state: &AppState, id: i64) -> Result<Endpoint, ErrorPayload> {
    state
        .store
        .endpoints()
        .iter()
        .find(|e| e.id == id)
        .cloned()
        .ok_or_else(|| ErrorPayload::new(ErrorKind::NotFound, format!("no endpoint {id}")))
}

/// A secret to store under `label` (replacing the value of an existing
/// label). No Debug: the value must never reach a log.
#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AddSecretArgs {
    #[ts(type = "number")]
    pub endpoint_id: i64,
    pub label: String,
    pub value: String,
}

/// One of an endpoint's secrets, by its label.
#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SecretRef {
    #[ts(type = "number")]
    pub endpoint_id: i64,
    pub label: String,
}

#[tauri::command]
pub async fn add_secret(app: AppHandle, args: AddSecretArgs) -> Result<Endpoint, ErrorPayload> {
    off_runtime(app, move |state| {
        state
            .store
            .set_secret(args.endpoint_id, &args.label, &args.value)?;
        endpoint(state, args.endpoint_id)
    })
    .await
}

#[tauri::command]
pub async fn remove_secret(app: AppHandle, args: SecretRef) -> Result<Endpoint, ErrorPayload> {
    off_runtime(app, move |state| {
        state.store.remove_secret(args.endpoint_id, &args.label)?;
        endpoint(state, args.endpoint_id)
    })
    .await
}

#[tauri::command(async)]
pub fn reveal_secret(state: State<'_, AppState>, args: SecretRef) -> Result<String, ErrorPayload> {
    Ok(state.store.reveal_secret(args.endpoint_id, &args.label)?)
}

/// Re-verifies stored events (one endpoint's, or all) with the current
/// configuration, with progress as often as the core reports it.
#[tauri::command]
pub async fn reverify(
    state: State<'_, AppState>,
    endpoint_id: Option<i64>,
    on_progress: Channel<ReverifyProgress>,
) -> Result<ReverifyOutcome, ErrorPayload> {
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let mut running = state.reverifying.lock().map_err(|_| reader_unavailable())?;
        if running.is_some() {
            return Err(ErrorPayload::new(
                ErrorKind::Invalid,
                "a re-verification is already running; wait for it or cancel it",
            ));
        }
        *running = Some(cancel.clone());
    }
    let store = state.store.clone();
    let outcome = tauri::async_runtime::spawn_blocking(move || {
        hooklens_core::verdict::reverify(&store, endpoint_id, &cancel, |progress| {
            let _ = on_progress.send(progress);
        })
    })
    .await;
    if let Ok(mut running) = state.reverifying.lock() {
        *running = None;
    }
    let outcome =
        outcome.map_err(|err| ErrorPayload::new(ErrorKind::Internal, err.to_string()))??;
    tracing::info!(
        checked = outcome.checked,
        changed = outcome.changed,
        cancelled = outcome.cancelled,
        "re-verified"
    );
    Ok(outcome)
}

/// Stops the running re-verification after its current batch.
#[tauri::command]
pub fn cancel_reverify(state: State<'_, AppState>) -> Result<(), ErrorPayload> {
    if let Some(cancel) = state
        .reverifying
        .lock()
        .map_err(|_| reader_unavailable())?
        .as_ref()
    {
        cancel.store(true, Ordering::Relaxed);
    }
    Ok(())
}
