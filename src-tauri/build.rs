// The commands' names, from the one list of them (src/commands/list.rs).
include!("src/commands/list.rs");

macro_rules! command_names {
    ($($area:ident::$name:ident),* $(,)?) => {
        &[$(stringify!($name)),*]
    };
}

const COMMANDS: &[&str] = with_commands!(command_names);

fn main() {
    // Declaring the app's commands makes each one a permission that a
    // capability must grant; nothing is reachable from the webview by default.
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    // What the manifest was given, for the drift test (src/commands/tests.rs).
    println!(
        "cargo:rustc-env=HOOKLENS_MANIFEST_COMMANDS={}",
        COMMANDS.join(",")
    );
    if let Err(err) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
    {
        panic!("tauri build script failed: {err:#}");
    }
}
