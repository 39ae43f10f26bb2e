fn main() {
    // Declaring the app's commands makes each one a permission that a
    // capability must grant; nothing is reachable from the webview by default.
    let manifest = tauri_build::AppManifest::new().commands(&[
        "app_info",
        "search_events",
        "count_events",
        "query_fields",
        "get_event",
        "curl_command",
        "reveal_header",
        "save_body",
        "set_pinned",
        "subscribe_events",
        "list_endpoints",
        "endpoint_counts",
        "list_presets",
        "add_endpoint",
        "update_endpoint",
        "remove_endpoint",
        "add_secret",
        "remove_secret",
        "reveal_secret",
        "reverify",
        "cancel_reverify",
        "listen_on",
        "listener_stats",
        "resend",
        "resend_shuffled",
        "send_test_event",
        "cancel_send",
        "list_runs",
        "recent_targets",
        "list_samples",
        "list_schedules",
        "signing_info",
        "notify_state",
        "set_notify_settings",
        "set_view_context",
        "subscribe_opens",
    ]);
    if let Err(err) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
    {
        panic!("tauri build script failed: {err:#}");
    }
}
