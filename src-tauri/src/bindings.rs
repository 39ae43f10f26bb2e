//! The shell's side of the IPC contract, written to ui/src/ipc/shell.gen.ts:
//! the notification types, the commands' argument types, and the names of
//! the commands (from commands/list.rs), which `call` in ui/src/ipc/index.ts
//! accepts and no other.

use std::path::PathBuf;

use ts_rs::TS;

use crate::commands::{self, about, endpoints, events, export, import, import_file, send, tunnel};
use crate::notify::{NotifyRule, NotifySettings, NotifyState, NotifyStatus, ViewContext};

/// A type's declaration, noting the types it names in `names`.
fn decl<T: TS + 'static>(cfg: &ts_rs::Config, names: &mut Vec<String>) -> (String, String) {
    names.extend(T::dependencies(cfg).into_iter().map(|d| d.ts_name));
    (T::ident(cfg), T::decl(cfg))
}

/// The contents of ui/src/ipc/shell.gen.ts.
pub fn typescript_bindings() -> String {
    let cfg = &ts_rs::Config::default();
    let mut named = Vec::new();
    let n = &mut named;
    let decls = [
        decl::<about::AboutInfo>(cfg, n),
        decl::<about::Folder>(cfg, n),
        decl::<NotifyRule>(cfg, n),
        decl::<NotifySettings>(cfg, n),
        decl::<NotifyStatus>(cfg, n),
        decl::<NotifyState>(cfg, n),
        decl::<ViewContext>(cfg, n),
        decl::<events::SearchEventsArgs>(cfg, n),
        decl::<events::CountEventsArgs>(cfg, n),
        decl::<events::RevealHeaderArgs>(cfg, n),
        decl::<events::SetPinnedArgs>(cfg, n),
        decl::<import::PreviewImportArgs>(cfg, n),
        decl::<import::PreviewEntry>(cfg, n),
        decl::<import::ImportPreview>(cfg, n),
        decl::<import::ImportTextArgs>(cfg, n),
        decl::<import_file::ImportFileArgs>(cfg, n),
        decl::<import_file::FilesProgress>(cfg, n),
        decl::<import_file::FileOutcome>(cfg, n),
        decl::<import_file::FilesOutcome>(cfg, n),
        decl::<import_file::DropImport>(cfg, n),
        decl::<export::ExportEventsArgs>(cfg, n),
        decl::<endpoints::UpdateEndpointArgs>(cfg, n),
        decl::<endpoints::PreviewRulesArgs>(cfg, n),
        decl::<endpoints::AddSecretArgs>(cfg, n),
        decl::<endpoints::SecretRef>(cfg, n),
        decl::<send::ResendShuffledArgs>(cfg, n),
        decl::<send::SigningInfoArgs>(cfg, n),
        decl::<tunnel::EndpointUrl>(cfg, n),
        decl::<tunnel::TunnelView>(cfg, n),
        decl::<tunnel::SetNgrokAuthtokenArgs>(cfg, n),
        decl::<tunnel::SetTunnelRateArgs>(cfg, n),
    ];
    // What they name and do not declare comes from the core's bindings.
    let mut imports: Vec<String> = named
        .into_iter()
        .filter(|name| decls.iter().all(|(declared, _)| declared != name))
        .collect();
    imports.sort();
    imports.dedup();
    let mut out = String::from(
        "// Generated from the desktop shell's transport types (src-tauri/src/notify.rs,\n\
         // src-tauri/src/commands/) and its list of commands (src-tauri/src/commands/list.rs)\n\
         // by `cargo test -p hooklens bindings`. Do not edit by hand.\n",
    );
    if !imports.is_empty() {
        out.push_str(&format!(
            "\nimport type {{ {} }} from \"./bindings.gen\";\n",
            imports.join(", ")
        ));
    }
    for (_, decl) in decls {
        out.push_str("\nexport ");
        out.push_str(&decl);
        out.push('\n');
    }
    let names: Vec<String> = commands::LISTED
        .iter()
        .map(|(_, name)| format!("\"{name}\""))
        .collect();
    out.push_str(
        "\n/**\n * Every command the shell serves, by the name the webview invokes it by.\n */\n",
    );
    out.push_str(&format!("export type Command = {};\n", names.join(" | ")));
    out
}

/// Writes the shell's bindings; `make test` fails if the committed file differs.
#[test]
fn bindings_are_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/ipc/shell.gen.ts");
    let fresh = typescript_bindings();
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    if current != fresh {
        std::fs::write(&path, &fresh).expect("write ui/src/ipc/shell.gen.ts");
    }
    assert!(fresh.contains("export type NotifySettings = {"));
    assert!(fresh.contains("export type Command = \"app_info\""));
}
