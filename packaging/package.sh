#!/usr/bin/env bash
# `make package`: a .deb and an AppImage of the release app, each with
# hooklens-cli, its shell completions and manual pages, the icons and the
# desktop entry. Writes dist/hooklens_VERSION_amd64.deb and
# dist/Hooklens_VERSION_x86_64.AppImage.
#
# The .deb is Tauri's own bundler (the npm package @tauri-apps/cli, pinned
# in ui/). The AppImage is made here from the same staged files, because
# Tauri's AppImage bundler downloads linuxdeploy and its plugins from GitHub
# at build time, which this build cannot count on reaching. Like the .deb,
# it takes WebKitGTK 4.1 and GTK 3 from the system instead of carrying them
# (see the README).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'package: %s\n' "$*"; }
: "${CARGO_TARGET_DIR:?set CARGO_TARGET_DIR (make package does)}"

version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)
[ -n "$version" ] || { echo "package: no version in Cargo.toml's [workspace.package]" >&2; exit 1; }
release="$CARGO_TARGET_DIR/release"
stage="$CARGO_TARGET_DIR/package"
dist="$PWD/dist"

say "building the release app and CLI $version"
cargo build --release --locked -p hooklens -p hooklens-cli

rm -rf "$stage"
mkdir -p "$stage/man" "$stage/completions" "$dist"

# Manual pages and completions come from the CLI's own clap definition.
"$release/hooklens-cli" manpages "$stage/man"
cp packaging/hooklens.1 "$stage/man/"
# -n: no name or time in the gzip header, so the same build gives the same bytes.
gzip -9n "$stage"/man/*.1
"$release/hooklens-cli" completions bash > "$stage/completions/hooklens-cli"
"$release/hooklens-cli" completions zsh > "$stage/completions/_hooklens-cli"
"$release/hooklens-cli" completions fish > "$stage/completions/hooklens-cli.fish"

# Paths a Debian system looks in; the files map is merged into
# tauri.conf.json for this build only, since it names build outputs.
python3 - "$stage" "$release" > "$stage/tauri.package.json" <<'PY'
import json, sys
stage, release = sys.argv[1], sys.argv[2]
files = {
    "/usr/bin/hooklens-cli": f"{release}/hooklens-cli",
    "/usr/share/man/man1": f"{stage}/man/",
    "/usr/share/bash-completion/completions/hooklens-cli": f"{stage}/completions/hooklens-cli",
    "/usr/share/zsh/vendor-completions/_hooklens-cli": f"{stage}/completions/_hooklens-cli",
    "/usr/share/fish/vendor_completions.d/hooklens-cli.fish": f"{stage}/completions/hooklens-cli.fish",
    "/usr/share/doc/hooklens/copyright": "../packaging/copyright",
}
print(json.dumps({"bundle": {"linux": {"deb": {"files": files}}}}))
PY

say "bundling the .deb (Tauri's bundler)"
rm -rf "$release/bundle/deb"
(cd src-tauri && ../ui/node_modules/.bin/tauri bundle --bundles deb --config "$stage/tauri.package.json")
deb=$(ls "$release"/bundle/deb/*.deb)
cp "$deb" "$dist/hooklens_${version}_amd64.deb"

say "making the AppImage"
# The AppDir is the .deb's own file tree, so both carry the same files.
appdir="$stage/Hooklens.AppDir"
cp -a "$release/bundle/deb/Hooklens_${version}_amd64/data" "$appdir"
install -m 0755 packaging/AppRun "$appdir/AppRun"
cp "$appdir/usr/share/applications/Hooklens.desktop" "$appdir/hooklens.desktop"
cp "$appdir/usr/share/icons/hicolor/256x256/apps/hooklens.png" "$appdir/hooklens.png"
ln -s hooklens.png "$appdir/.DirIcon"
runtime=$(packaging/appimage-runtime.sh)
mksquashfs "$appdir" "$stage/Hooklens.squashfs" -root-owned -noappend -quiet -no-progress -comp gzip \
  -all-time "$(git log -1 --format=%ct 2>/dev/null || date +%s)"
appimage="$dist/Hooklens_${version}_x86_64.AppImage"
cat "$runtime" "$stage/Hooklens.squashfs" > "$appimage"
chmod 0755 "$appimage"

say "done"
ls -l "$dist/hooklens_${version}_amd64.deb" "$appimage" | awk '{printf "  %s  %s bytes\n", $NF, $5}'
