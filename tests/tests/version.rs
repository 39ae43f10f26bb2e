//! The version is written in one place: `[workspace.package] version` in
//! the workspace Cargo.toml. Every crate takes it with
//! `version.workspace = true`; src-tauri/tauri.conf.json has no `version`,
//! so Tauri uses the Cargo package's (the window title, the bundles and
//! `app_info` all read `CARGO_PKG_VERSION`). npm insists on a `version` in
//! ui/package.json and tests/e2e/package.json (and their lock files), and
//! nothing reads it there; rather than derive it with a build step, this
//! test fails when one of them drifts from the workspace's: bump all of
//! them together (`npm version --no-git-tag-version X.Y.Z` in each folder).

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
        .to_path_buf()
}

fn read(relative: &str) -> String {
    let path = root().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("read {}: {err}", path.display()))
}

/// This crate takes the workspace's version like every other.
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The `version = "…"` of the workspace manifest's `[workspace.package]`.
fn workspace_version() -> String {
    let manifest = read("Cargo.toml");
    let section = manifest
        .split("\n[")
        .find(|s| s.starts_with("workspace.package]"))
        .expect("Cargo.toml has [workspace.package]");
    let line = section
        .lines()
        .find(|l| l.trim_start().starts_with("version"))
        .expect("[workspace.package] has a version");
    line.split('"').nth(1).expect("version = \"…\"").to_owned()
}

#[test]
fn the_workspace_manifest_holds_the_version() {
    assert_eq!(workspace_version(), VERSION);
}

#[test]
fn every_crate_takes_the_workspace_version() {
    let mut manifests = vec![
        "src-tauri/Cargo.toml".to_owned(),
        "tests/Cargo.toml".to_owned(),
    ];
    let crates = root().join("src-tauri/crates");
    for entry in std::fs::read_dir(&crates).expect("read src-tauri/crates") {
        let dir = entry.expect("directory entry").path();
        if dir.join("Cargo.toml").is_file() {
            let name = dir.file_name().expect("a crate folder").to_string_lossy();
            manifests.push(format!("src-tauri/crates/{name}/Cargo.toml"));
        }
    }
    for manifest in manifests {
        let text = read(&manifest);
        let package = text
            .split("\n[")
            .next()
            .expect("a manifest starts with [package]");
        let versions: Vec<&str> = package
            .lines()
            .filter(|l| l.trim_start().starts_with("version"))
            .collect();
        assert_eq!(
            versions,
            ["version.workspace = true"],
            "{manifest}: [package] must take `version.workspace = true`"
        );
    }
}

#[test]
fn tauri_conf_leaves_the_version_to_cargo() {
    let conf: serde_json::Value =
        serde_json::from_str(&read("src-tauri/tauri.conf.json")).expect("tauri.conf.json is JSON");
    assert!(
        conf.get("version").is_none(),
        "src-tauri/tauri.conf.json must not name a version: without one Tauri uses Cargo's"
    );
}

#[test]
fn the_npm_packages_carry_the_workspace_version() {
    for dir in ["ui", "tests/e2e"] {
        let package: serde_json::Value =
            serde_json::from_str(&read(&format!("{dir}/package.json"))).expect("package.json");
        assert_eq!(
            package["version"].as_str(),
            Some(VERSION),
            "{dir}/package.json's version drifted from Cargo.toml's [workspace.package] version"
        );
        let lock: serde_json::Value =
            serde_json::from_str(&read(&format!("{dir}/package-lock.json")))
                .expect("package-lock.json");
        for found in [&lock["version"], &lock["packages"][""]["version"]] {
            assert_eq!(
                found.as_str(),
                Some(VERSION),
                "{dir}/package-lock.json's version drifted from Cargo.toml's: run npm install there"
            );
        }
    }
}
