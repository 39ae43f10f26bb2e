#!/usr/bin/env bash
# The package test (`make package-test`, part of `make test`): the .deb and
# the AppImage that `make package` left in dist/, used the way a person
# would. The .deb is installed with dpkg into a throwaway root (so running
# the tests installs nothing on the machine), its files and desktop entry
# checked, the installed app started under Xvfb, sent a request, and the
# installed hooklens-cli asked for it; then it is removed again. The
# AppImage is run the same way, unpacked by its runtime
# (--appimage-extract-and-run: no FUSE needed).
set -euo pipefail
cd "$(dirname "$0")/../.."
here=tests/package
say() { printf 'package test: %s\n' "$*"; }
fail() { printf 'package test: FAILED: %s\n' "$*" >&2; exit 1; }

version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)
deb="$PWD/dist/hooklens_${version}_amd64.deb"
appimage="$PWD/dist/Hooklens_${version}_x86_64.AppImage"
[ -f "$deb" ] && [ -f "$appimage" ] || fail "run make package first (no $deb or $appimage)"
artifacts="$PWD/tests/package/artifacts"
rm -rf "$artifacts"
mkdir -p "$artifacts"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# The display's and D-Bus's own chatter goes to a log, shown if it fails.
in_display() {
  local log="$artifacts/$2-session.log"
  xvfb-run --auto-servernum --server-args="-screen 0 1280x800x24" dbus-run-session -- "$@" 2>"$log" \
    || { tail -20 "$log" >&2; fail "the $2 session failed (log: $log)"; }
}
export WEBKIT_DISABLE_DMABUF_RENDERER=1 LIBGL_ALWAYS_SOFTWARE=1

# --- the .deb's control data -------------------------------------------------
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = hooklens ] || fail "Package: $(field Package)"
[ "$(field Version)" = "$version" ] || fail "Version $(field Version), Cargo.toml says $version"
[ "$(field Architecture)" = amd64 ] || fail "Architecture: $(field Architecture)"
for dep in libwebkit2gtk-4.1-0 libgtk-3-0 xdg-utils; do
  field Depends | tr ',' '\n' | grep -qE "^ *$dep( |$)" || fail "Depends lacks $dep: $(field Depends)"
done
# No maintainer scripts: installing and removing touch nothing but the
# package's own files (the data directory in ~ stays; see the README).
scripts=$(dpkg-deb --ctrl-tarfile "$deb" | tar -t | grep -vE '^(\./)?(control|md5sums)?$' || true)
[ -z "$scripts" ] || fail "unexpected control files: $scripts"
# What apt would do on this machine: every dependency resolves.
apt-get -s install "$deb" >"$work/apt.txt" 2>&1 || fail "apt cannot install it: $(tail -5 "$work/apt.txt")"
say "control: $(field Package) $(field Version), Depends: $(field Depends)"

# --- installed into a throwaway root ----------------------------------------
root="$work/root"
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
touch "$root/var/lib/dpkg/status"
dpkg_root() { fakeroot dpkg --root="$root" --force-not-root --force-depends --log=/dev/null "$@"; }
dpkg_root -i "$deb" >"$work/dpkg.txt" 2>&1 || fail "dpkg -i: $(cat "$work/dpkg.txt")"
for file in usr/bin/hooklens usr/bin/hooklens-cli; do
  [ -x "$root/$file" ] || fail "/$file is not installed or not executable"
done
for file in \
  usr/share/applications/Hooklens.desktop \
  usr/share/icons/hicolor/32x32/apps/hooklens.png \
  usr/share/icons/hicolor/128x128/apps/hooklens.png \
  usr/share/icons/hicolor/256x256/apps/hooklens.png \
  usr/share/man/man1/hooklens.1.gz \
  usr/share/man/man1/hooklens-cli.1.gz \
  usr/share/man/man1/hooklens-cli-serve.1.gz \
  usr/share/bash-completion/completions/hooklens-cli \
  usr/share/zsh/vendor-completions/_hooklens-cli \
  usr/share/fish/vendor_completions.d/hooklens-cli.fish; do
  [ -s "$root/$file" ] || fail "/$file is not installed"
done
desktop="$root/usr/share/applications/Hooklens.desktop"
desktop-file-validate "$desktop" >"$work/dfv.txt" 2>&1 || fail "desktop-file-validate: $(cat "$work/dfv.txt")"
[ ! -s "$work/dfv.txt" ] || fail "desktop-file-validate: $(cat "$work/dfv.txt")"
grep -qx 'Exec=hooklens %F' "$desktop" || fail "Exec line: $(grep Exec= "$desktop")"
grep -qx 'Icon=hooklens' "$desktop" || fail "Icon line: $(grep Icon= "$desktop")"
[ "$("$root/usr/bin/hooklens" --version)" = "hooklens $version" ] || fail "hooklens --version"
[ "$("$root/usr/bin/hooklens-cli" --version)" = "hooklens-cli $version" ] || fail "hooklens-cli --version"
for page in hooklens hooklens-cli hooklens-cli-events; do
  MANWIDTH=100 man --warnings -l "$root/usr/share/man/man1/$page.1.gz" >/dev/null 2>"$work/man.txt" \
    || fail "man $page: $(cat "$work/man.txt")"
  [ ! -s "$work/man.txt" ] || fail "man $page: $(cat "$work/man.txt")"
done
# Tab after `hooklens-cli ser`, with the installed bash completion.
completed=$(bash -c 'source "$1"; COMP_WORDS=(hooklens-cli ser); COMP_CWORD=1; COMP_LINE="hooklens-cli ser"
  COMP_POINT=${#COMP_LINE}; fn=$(complete -p hooklens-cli | sed -E "s/.* -F ([^ ]+) .*/\1/")
  "$fn" hooklens-cli ser hooklens-cli; echo "${COMPREPLY[@]}"' bash \
  "$root/usr/share/bash-completion/completions/hooklens-cli")
[ "$completed" = serve ] || fail "bash completes 'hooklens-cli ser' to '$completed'"
zsh -n "$root/usr/share/zsh/vendor-completions/_hooklens-cli" || fail "zsh cannot read its completion"
fish -n "$root/usr/share/fish/vendor_completions.d/hooklens-cli.fish" || fail "fish cannot read its completion"
say "files: binaries, desktop entry (desktop-file-validate: clean), icons, man pages, completions"

data="$work/deb-data"
in_display "$here/session.sh" deb "$data" "$(free_port)" "$artifacts" \
  "$root/usr/bin/hooklens" -- "$root/usr/bin/hooklens-cli"

dpkg_root -r hooklens >"$work/dpkg.txt" 2>&1 || fail "dpkg -r: $(cat "$work/dpkg.txt")"
left=$(find "$root" -path "$root/var" -prune -o -type f -print | head -5)
[ -z "$left" ] || fail "files left after removal: $left"
[ -s "$data/hooklens.sqlite3" ] || fail "the data directory went with the package"
say "removed: no files left; the data directory stays"

# --- the AppImage ------------------------------------------------------------
[ "$(head -c 11 "$appimage" | tail -c 3 | od -An -c | tr -d ' ')" = 'AI002' ] \
  || fail "no AppImage type 2 magic at byte 8"
offset=$("$appimage" --appimage-offset)
unsquashfs -o "$offset" -l "$appimage" >"$work/appimage.txt" 2>&1 || fail "the image does not read: $(tail -3 "$work/appimage.txt")"
for file in AppRun hooklens.desktop hooklens.png usr/bin/hooklens usr/bin/hooklens-cli; do
  grep -qx "squashfs-root/$file" "$work/appimage.txt" || fail "the AppImage lacks /$file"
done
export APPIMAGE_EXTRACT_AND_RUN=1
[ "$("$appimage" --version)" = "hooklens $version" ] || fail "AppImage --version: $("$appimage" --version 2>&1)"
[ "$("$appimage" cli --version)" = "hooklens-cli $version" ] || fail "AppImage cli --version"
ln -s "$appimage" "$work/hooklens-cli"
[ "$("$work/hooklens-cli" --version)" = "hooklens-cli $version" ] || fail "hooklens-cli as a link to the AppImage"
in_display "$here/session.sh" appimage "$work/appimage-data" "$(free_port)" "$artifacts" \
  "$appimage" -- "$appimage" cli
say "AppImage: runs (extract-and-run), captures, its CLI lists the request"
say "passed ($(du -h "$deb" | cut -f1) .deb, $(du -h "$appimage" | cut -f1) AppImage)"
