#!/usr/bin/env bash
# Runs the app-scale benchmark (bench/app-scale.mjs) against the real app on
# a virtual display. Prints figures; never fails on timing.
# Usage: HOOKLENS_APP=… HOOKLENS_BENCH_DATA_DIR=… tests/e2e/bench.sh
set -euo pipefail
cd "$(dirname "$0")"
: "${HOOKLENS_APP:?set HOOKLENS_APP to a build of the app}"
: "${HOOKLENS_BENCH_DATA_DIR:?set HOOKLENS_BENCH_DATA_DIR to a data directory with a large store}"
export HOOKLENS_APP HOOKLENS_BENCH_DATA_DIR
export WEBKIT_DISABLE_DMABUF_RENDERER=1 LIBGL_ALWAYS_SOFTWARE=1
# The D-Bus session starts inside the virtual display, as in run.sh: the
# other way round, the notification daemon it activates (dunst) finds no
# display, dies, and is activated again by every launch, beside the start
# being measured.
exec xvfb-run --auto-servernum --server-args="-screen 0 1440x900x24" \
  dbus-run-session -- node bench/app-scale.mjs
