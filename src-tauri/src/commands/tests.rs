//! The commands are declared once, in list.rs; the invoke handler and
//! build.rs's app manifest are made from that list, and a listed name with
//! no command function behind it does not compile. What is written out by
//! hand elsewhere is checked against the list here: the capability, the
//! permission files tauri-build leaves behind, the functions marked as
//! commands, and the calls in ui/src/ipc/index.ts with their arguments.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::LISTED;

fn shell_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|err| panic!("read {}: {err}", path.display()))
}

fn listed_names() -> BTreeSet<&'static str> {
    LISTED.iter().map(|(_, name)| *name).collect()
}

/// `set_pinned` → `allow-set-pinned`, the permission tauri-build makes.
fn permission(name: &str) -> String {
    format!("allow-{}", name.replace('_', "-"))
}

/// `on_progress` → `onProgress`: how Tauri names a command's arguments.
fn camel_case(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// How the character at `i` changes the bracket depth (`->` and `=>` are
/// arrows, not brackets).
fn depth_change(text: &str, i: usize) -> i32 {
    match text[i..].chars().next() {
        Some('(' | '[' | '{' | '<') => 1,
        Some('>') if text[..i].ends_with(['-', '=']) => 0,
        Some(')' | ']' | '}' | '>') => -1,
        _ => 0,
    }
}

/// The text inside the bracket at `from` and the one closing it.
fn enclosed(text: &str, from: usize) -> &str {
    let mut depth = 0;
    for (i, _) in text[from..].char_indices() {
        depth += depth_change(text, from + i);
        if depth == 0 {
            return &text[from + 1..from + i];
        }
    }
    panic!("unclosed bracket at {from} in:\n{}", &text[from..]);
}

/// `text` split at the commas outside any brackets.
fn top_level_items(text: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in text.char_indices() {
        depth += depth_change(text, i);
        if c == ',' && depth == 0 {
            items.push(text[start..i].trim());
            start = i + 1;
        }
    }
    items.push(text[start..].trim());
    items.retain(|item| !item.is_empty());
    items
}

/// A function marked `#[tauri::command]`: where it is and the arguments
/// the webview must send it (what Tauri injects left out).
#[derive(Debug)]
struct RustCommand {
    file: PathBuf,
    name: String,
    arguments: BTreeSet<String>,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src-tauri/src") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every function in the shell's source marked as a command.
fn rust_commands() -> Vec<RustCommand> {
    let mut files = Vec::new();
    rust_files(&shell_dir().join("src"), &mut files);
    let mut commands = Vec::new();
    for file in files {
        let source = read(&file);
        let mut offset = 0;
        for line in source.split_inclusive('\n') {
            let at = offset;
            offset += line.len();
            let attribute = line.trim();
            if !attribute.starts_with("#[tauri::command") {
                continue;
            }
            assert!(
                !attribute.contains("rename"),
                "{}: a command is invoked by its function's name; no rename: {attribute}",
                file.display()
            );
            let rest = &source[at..];
            let fn_at = rest
                .find("fn ")
                .expect("a function after #[tauri::command]")
                + 3;
            let name: String = rest[fn_at..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let open = fn_at + rest[fn_at..].find('(').expect("the function's arguments");
            let arguments = top_level_items(enclosed(rest, open))
                .into_iter()
                .filter_map(|argument| {
                    let (name, ty) = argument.split_once(':').expect("name: Type");
                    let ty = ty.trim();
                    let injected = ty.starts_with("State<")
                        || ty.starts_with("AppHandle")
                        || ty.starts_with("tauri::");
                    (!injected).then(|| camel_case(name.trim()))
                })
                .collect();
            commands.push(RustCommand {
                file: file.clone(),
                name,
                arguments,
            });
        }
    }
    commands
}

/// Every `call("name", {…})` and `startSend("name", {…}, …)` in
/// ui/src/ipc/index.ts, with the keys of the arguments it sends.
fn ui_calls() -> Vec<(String, BTreeSet<String>)> {
    let source = read(&shell_dir().join("../ui/src/ipc/index.ts"));
    let mut calls = Vec::new();
    for helper in ["call", "startSend"] {
        for (at, _) in source.match_indices(helper) {
            let before = source[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
                continue;
            }
            let mut rest = &source[at + helper.len()..];
            if rest.starts_with('<') {
                rest = &rest[enclosed(rest, 0).len() + 2..];
            }
            let Some(rest) = rest.strip_prefix('(') else {
                continue;
            };
            // The helpers' own definitions and uses pass a variable.
            let Some(rest) = rest.trim_start().strip_prefix('"') else {
                continue;
            };
            let name = &rest[..rest.find('"').expect("closing quote")];
            let rest = rest[name.len() + 1..].trim_start();
            let mut keys = BTreeSet::new();
            if let Some(rest) = rest.strip_prefix(',') {
                let rest = rest.trim_start();
                assert!(
                    rest.starts_with('{'),
                    "ui/src/ipc/index.ts: {name}'s arguments must be an object literal, \
                     so their names can be checked"
                );
                for item in top_level_items(enclosed(rest, 0)) {
                    if item.starts_with("...") {
                        continue;
                    }
                    let key = item.split_once(':').map_or(item, |(key, _)| key);
                    keys.insert(key.trim().to_owned());
                }
            }
            if helper == "startSend" {
                // startSend adds the token to cancel by and the progress channel.
                keys.extend(["token".to_owned(), "onProgress".to_owned()]);
            }
            calls.push((name.to_owned(), keys));
        }
    }
    calls
}

#[test]
fn the_list_names_each_command_once() {
    let mut seen = BTreeSet::new();
    for (_, name) in LISTED {
        assert!(seen.insert(*name), "{name} is listed twice in list.rs");
    }
}

/// build.rs includes list.rs and reports what it gave the app manifest.
#[test]
fn build_rs_declares_the_listed_commands() {
    let declared: Vec<&str> = env!("HOOKLENS_MANIFEST_COMMANDS").split(',').collect();
    let listed: Vec<&str> = LISTED.iter().map(|(_, name)| *name).collect();
    assert_eq!(
        declared, listed,
        "build.rs declares other commands than list.rs"
    );
}

/// tauri-build writes permissions/autogenerated/<command>.toml for each
/// declared command but never removes one, and it reads every file there:
/// a command taken out of the list would keep its permission.
#[test]
fn the_autogenerated_permissions_are_the_listed_commands() {
    let dir = shell_dir().join("permissions/autogenerated");
    let mut found = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).expect("read permissions/autogenerated") {
        let path = entry.expect("directory entry").path();
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        assert!(
            path.extension().is_some_and(|e| e == "toml"),
            "unexpected file {}",
            path.display()
        );
        assert!(
            read(&path).contains(&format!("identifier = \"{}\"", permission(stem))),
            "{} does not define {}",
            path.display(),
            permission(stem)
        );
        found.insert(stem.to_owned());
    }
    let listed: BTreeSet<String> = listed_names().iter().map(|n| n.to_string()).collect();
    assert_eq!(
        found, listed,
        "src-tauri/permissions/autogenerated/ holds other commands than list.rs: \
         delete the files of commands that are gone"
    );
}

/// The main window may call exactly the listed commands, each granted once;
/// plugin permissions (`plugin:allow-…`) are not commands of ours.
#[test]
fn the_capability_grants_exactly_the_listed_commands() {
    let path = shell_dir().join("capabilities/main-window.json");
    let capability: serde_json::Value =
        serde_json::from_str(&read(&path)).expect("capabilities/main-window.json is JSON");
    let permissions = capability["permissions"]
        .as_array()
        .expect("a permissions array");
    let mut granted: BTreeMap<String, usize> = BTreeMap::new();
    for entry in permissions {
        let identifier = entry
            .as_str()
            .or_else(|| entry["identifier"].as_str())
            .expect("a permission is a string or has an identifier");
        if identifier.contains(':') {
            continue;
        }
        *granted.entry(identifier.to_owned()).or_default() += 1;
    }
    let mut problems = Vec::new();
    for name in listed_names() {
        let wanted = permission(name);
        match granted.remove(&wanted) {
            Some(1) => {}
            Some(n) => problems.push(format!("grants {wanted} {n} times")),
            None => problems.push(format!(
                "does not grant {wanted}: the UI cannot call {name}"
            )),
        }
    }
    for extra in granted.keys() {
        problems.push(format!("grants {extra}, which is not a listed command"));
    }
    assert!(
        problems.is_empty(),
        "capabilities/main-window.json:\n  {}",
        problems.join("\n  ")
    );
}

/// Each listed `area::name` is a command in src/commands/<area>.rs, and
/// nothing else in the shell is marked as one.
#[test]
fn the_functions_marked_as_commands_are_the_listed_ones() {
    let commands_dir = shell_dir().join("src/commands");
    let found: BTreeSet<(String, String)> = rust_commands()
        .into_iter()
        .map(|c| {
            let area = c
                .file
                .strip_prefix(&commands_dir)
                .unwrap_or_else(|_| {
                    panic!("{} is marked as a command outside src/commands/", c.name)
                })
                .with_extension("");
            (area.display().to_string(), c.name)
        })
        .collect();
    let listed: BTreeSet<(String, String)> = LISTED
        .iter()
        .map(|(area, name)| (area.to_string(), name.to_string()))
        .collect();
    let unlisted: Vec<_> = found.difference(&listed).collect();
    assert!(
        unlisted.is_empty(),
        "marked #[tauri::command] but not in list.rs (as area::name): {unlisted:?}"
    );
    // The compiler already refuses a listed name with no command behind it.
    assert_eq!(found, listed);
}

/// ui/src/ipc/index.ts calls every listed command and no other, each with
/// the names of the arguments its function takes.
#[test]
fn the_ui_calls_each_command_with_its_arguments() {
    let rust: BTreeMap<String, BTreeSet<String>> = rust_commands()
        .into_iter()
        .map(|c| (c.name, c.arguments))
        .collect();
    let calls = ui_calls();
    let called: BTreeSet<&str> = calls.iter().map(|(name, _)| name.as_str()).collect();
    let listed = listed_names();
    let unknown: Vec<_> = called.difference(&listed).collect();
    assert!(
        unknown.is_empty(),
        "index.ts calls commands that are not listed: {unknown:?}"
    );
    let uncalled: Vec<_> = listed.difference(&called).collect();
    assert!(
        uncalled.is_empty(),
        "listed commands index.ts never calls (the capability grants only what the UI uses): \
         {uncalled:?}"
    );
    for (name, keys) in &calls {
        let wanted = &rust[name];
        assert_eq!(
            keys, wanted,
            "index.ts calls {name} with {keys:?}; its function takes {wanted:?}"
        );
    }
}
