fn main() {
    // Declaring the app's commands makes each one a permission that a
    // capability must grant; nothing is reachable from the webview by default.
    let manifest = tauri_build::AppManifest::new().commands(&[
        "app_info",
        "list_events",
        "subscribe_events",
        "list_endpoints",
        "endpoint_counts",
        "listen_on",
    ]);
    if let Err(err) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
    {
        panic!("tauri build script failed: {err:#}");
    }
}
