#!/usr/bin/env bash
# Installs what Hooklens needs to build, run and test, and only what is
# missing. Idempotent; works as root (CI) or as a user with sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }

if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi

# Tauri on Linux, the end-to-end tools (WebKitWebDriver, a virtual X display,
# a private D-Bus session with a notification daemon, xdotool to answer the
# native file dialogs and drag files, GTK 3 for Python to run the drag source
# tests/e2e/dragsource.py, WebKit2 for Python for the app bench's blank web
# view tests/e2e/bench/webview-floor.py), xwininfo (x11-utils) to see whether a window is
# mapped and find the root window (single-instance test), rsvg for the icons and ImageMagick for screenshots
# of the virtual display, openssl for the HTTPS test's certificates and server,
# the OpenSSH client and server for the SSH tunnel test (it runs its own sshd
# on loopback; the package's service is not needed); zsh, fish and man to
# check the CLI's completions and manual pages; squashfs-tools (mksquashfs)
# and desktop-file-utils to build and check the packages (`make package`),
# fakeroot to install the .deb into a throwaway root without root, and
# xdg-utils, which the .deb depends on.
APT_PACKAGES=(
  build-essential pkg-config file curl
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libayatana-appindicator3-dev libxdo-dev libssl-dev
  webkit2gtk-driver xvfb xauth dbus dbus-x11 dunst xdotool x11-utils python3-gi gir1.2-gtk-3.0 gir1.2-webkit2-4.1
  librsvg2-bin imagemagick openssl openssh-client libwrap0
  zsh fish man-db squashfs-tools desktop-file-utils fakeroot xdg-utils
)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs npm); fi
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  "${SUDO[@]}" apt-get update -q
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  say "Debian packages present"
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "setup: Node.js $(node --version) is too old; the UI build (Vite 8) needs Node.js 20.19 or newer." >&2
  exit 1
fi

# The tunnel tests run a throwaway OpenSSH server on loopback. Only its
# binary is taken from Debian's openssh-server package, unpacked into a
# cache: installing the package would enable and start an SSH server on the
# machine. (libwrap0, above, is the one library it needs that openssh-client
# does not bring.)
sshd_root="${HOOKLENS_CACHE_DIR:-$HOME/.cache/hooklens}/openssh-server"
if [ ! -x "$sshd_root/usr/sbin/sshd" ]; then
  say "unpacking sshd from Debian's openssh-server into $sshd_root (not installed as a service)"
  deb_dir=$(mktemp -d)
  (cd "$deb_dir" && apt-get download -q openssh-server >/dev/null)
  mkdir -p "$sshd_root"
  dpkg-deb -x "$deb_dir"/openssh-server_*.deb "$sshd_root"
  rm -rf "$deb_dir"
else
  say "sshd for the tunnel tests present"
fi
# Started as root (as in CI), sshd drops privileges to the system user
# "sshd", which the package's own install would have added; as another user
# it needs none. Without it sshd refuses to start.
if [ "$(id -u)" -eq 0 ] && ! getent passwd sshd >/dev/null; then
  say "adding the system user sshd, which a root sshd drops privileges to"
  useradd --system --no-create-home --home-dir /run/sshd --shell /usr/sbin/nologin sshd
fi

cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$cargo_bin/tauri-driver" ]; then
  say "installing tauri-driver"
  cargo install --locked tauri-driver --version '^2'
else
  say "tauri-driver present"
fi

# npm ci only when the lock file changed since the last install.
for dir in ui tests/e2e; do
  stamp="$dir/node_modules/.hooklens-lock-sha"
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" > "$stamp"
  else
    say "npm packages in $dir up to date"
  fi
done
