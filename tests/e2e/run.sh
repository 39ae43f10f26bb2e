#!/usr/bin/env bash
# Runs the end-to-end specs against the real debug build of the app, on a
# virtual X display inside a private D-Bus session.
# Usage: HOOKLENS_APP=/path/to/target/debug/hooklens tests/e2e/run.sh
set -euo pipefail
cd "$(dirname "$0")"
: "${HOOKLENS_APP:?set HOOKLENS_APP to the debug build of the app}"
[ -x "$HOOKLENS_APP" ] || { echo "e2e: $HOOKLENS_APP is not an executable; build it first" >&2; exit 1; }
rm -rf artifacts
export HOOKLENS_APP
# No GPU under Xvfb: software rendering avoids WebKit's DMA-BUF renderer,
# which paints nothing there.
export WEBKIT_DISABLE_DMABUF_RENDERER=1 LIBGL_ALWAYS_SOFTWARE=1
# The D-Bus session starts inside the virtual display, so a notification
# daemon it activates (dunst) can open its windows there.
exec xvfb-run --auto-servernum --server-args="-screen 0 1920x1080x24" \
  dbus-run-session -- node --test --test-concurrency=1 --test-reporter=spec specs/*.spec.mjs
