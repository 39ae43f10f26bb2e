#!/usr/bin/env bash
# One run of an installed Hooklens inside a virtual display and a private
# D-Bus session (run.sh starts this under xvfb-run and dbus-run-session):
# the window opens, a request sent to the listener is answered 2xx, the
# installed CLI lists it, and the app stops cleanly on SIGTERM.
#   session.sh NAME DATA_DIR PORT ARTIFACTS APP_COMMAND... -- CLI_COMMAND...
set -euo pipefail
name=$1 data=$2 port=$3 artifacts=$4
shift 4
app=() cli=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do app+=("$1"); shift; done
shift
cli=("$@")

fail() { echo "package test ($name): $*" >&2; import -window root "$artifacts/$name-failed.png" 2>/dev/null || true; exit 1; }

# Its own process group: an AppImage's runtime runs the app as a child, and
# both get the signal, as from a desktop session's logout.
HOOKLENS_DATA_DIR=$data HOOKLENS_LISTEN=127.0.0.1:$port \
  setsid "${app[@]}" >"$artifacts/$name-app.log" 2>&1 &
app_pid=$!
trap 'kill -KILL -- "-$app_pid" 2>/dev/null || true' EXIT

# The listener answers once the store is open.
for _ in $(seq 1 600); do
  curl -s -o /dev/null "http://127.0.0.1:$port/" && break
  kill -0 "$app_pid" 2>/dev/null || fail "the app exited: $(tail -5 "$artifacts/$name-app.log")"
  sleep 0.1
done
marker="package-test-$name-$RANDOM$RANDOM"
status=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$port/kustom/$marker" \
  -H 'Content-Type: application/json' --data "{\"type\":\"order.created\",\"id\":\"$marker\"}")
case $status in 2??) ;; *) fail "the listener answered $status, not 2xx" ;; esac

# The window is mapped (its page loaded, or the 3 s fallback showed it).
for _ in $(seq 1 300); do
  xwininfo -root -tree 2>/dev/null | grep -q '"Hooklens"' && break
  sleep 0.1
done
xwininfo -root -tree | grep -q '"Hooklens"' || fail "no Hooklens window appeared"
sleep 2
import -window root "$artifacts/$name.png"

found=$(HOOKLENS_DATA_DIR=$data "${cli[@]}" events "$marker")
grep -q "$marker" <<<"$found" || fail "the installed hooklens-cli does not list the request: $found"
echo "package test ($name): captured, listed by the CLI: $(grep "$marker" <<<"$found" | head -1 | tr -s ' ')"

kill -TERM -- "-$app_pid"
for _ in $(seq 1 100); do pgrep -g "$app_pid" >/dev/null || break; sleep 0.1; done
if pgrep -g "$app_pid" >/dev/null; then fail "the app did not stop within 10 s of SIGTERM"; fi
log="$data/state/logs/hooklens.log"
grep -q "stopped" "$log" || fail "no clean stop in $log: $(tail -3 "$log" 2>&1)"
trap - EXIT
