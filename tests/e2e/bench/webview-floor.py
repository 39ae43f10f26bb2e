#!/usr/bin/python3
"""The floor of the app bench: a blank page in a WebKitGTK 4.1 web view, in a
GTK window the size of Hooklens's, started the way the app is (a new
process, hidden until the page has loaded, then shown). Nothing Hooklens
does can start faster or use less memory than this, on this machine, now.

Usage: /usr/bin/python3 webview-floor.py [WIDTH HEIGHT]

Prints one JSON line and exits:
  loadFinishedMs  process start -> WebKit's load-finished
  paintedMs       process start -> the first frame drawn, marked the way the
                  app marks its first rows (requestAnimationFrame, then a
                  timeout) and read on the same clock (performance.timeOrigin)
  rssKb, privateDirtyKb, pssKb
                  its WebKitWebProcess, from /proc/PID/smaps_rollup, once the
                  page has been shown and left alone for SETTLE_S
Run it where the app runs (xvfb-run ... dbus-run-session), so both share a
display, a session bus and a warm page cache.

Needs the Debian packages python3-gi, gir1.2-gtk-3.0 and gir1.2-webkit2-4.1
(run it with /usr/bin/python3: another python3 on PATH may not have gi).
"""

import json
import os
import sys
import time

# Read before the imports below: loading GTK and WebKit is part of starting.
# The boot time comes from /proc/uptime (10 ms steps), not /proc/stat's
# btime, which is whole seconds: up to a second off (app-scale.mjs agrees).
TICKS = os.sysconf("SC_CLK_TCK")
with open("/proc/uptime") as f:
    BOOT_S = time.time() - float(f.read().split()[0])
with open("/proc/self/stat") as f:
    _stat = f.read()
START_S = BOOT_S + int(_stat[_stat.rindex(")") + 2 :].split()[19]) / TICKS

import gi  # noqa: E402

gi.require_version("Gtk", "3.0")
gi.require_version("WebKit2", "4.1")
from gi.repository import GLib, Gtk, WebKit2  # noqa: E402

# Long enough for the web process to finish what it does after the first
# frame (the app's own figure is taken later still, after its counts load).
SETTLE_S = 3.0
# A hung web view ends the run instead of the bench.
GIVE_UP_S = 30.0

# The mark mirrors TimelineList.tsx's hooklens:first-rows: the frame after
# the content exists, then a task, so the frame has been drawn.
PAGE = """<!doctype html><html><head><meta charset="utf-8"></head><body><script>
requestAnimationFrame(() => setTimeout(() => {
  document.title = String(performance.timeOrigin + performance.now());
}, 0));
</script></body></html>"""


def smaps(pid):
    fields = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and parts[0].endswith(":") and parts[1].isdigit():
                fields[parts[0][:-1]] = int(parts[1])
    return fields


def web_process():
    """The WebKitWebProcess this program started (a child of ours)."""
    me = os.getpid()
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        if ppid == me and comm.startswith("WebKitWebProces"):
            return int(name)
    return None


def main(argv):
    width, height = (int(argv[1]), int(argv[2])) if len(argv) >= 3 else (1280, 800)
    result = {}

    window = Gtk.Window(title="blank")
    window.set_default_size(width, height)
    view = WebKit2.WebView()
    window.add(view)

    def since_start_ms():
        return (time.time() - START_S) * 1000

    def on_load(_view, event):
        if event == WebKit2.LoadEvent.FINISHED and "loadFinishedMs" not in result:
            result["loadFinishedMs"] = since_start_ms()
            # As the app does: shown once loaded (see lib.rs, SHOW_WINDOW_AT_THE_LATEST).
            window.show_all()

    def on_title(_view, _param):
        title = view.get_title()
        if "paintedMs" in result or not title:
            return
        try:
            painted_epoch_ms = float(title)
        except ValueError:
            return
        result["paintedMs"] = painted_epoch_ms - START_S * 1000
        GLib.timeout_add(int(SETTLE_S * 1000), measure)

    def measure():
        pid = web_process()
        if pid is not None:
            parts = smaps(pid)
            result["rssKb"] = parts.get("Rss", 0)
            result["privateDirtyKb"] = parts.get("Private_Dirty", 0)
            result["pssKb"] = parts.get("Pss", 0)
        Gtk.main_quit()
        return False

    def give_up():
        result["error"] = f"no first frame within {GIVE_UP_S:.0f} s"
        Gtk.main_quit()
        return False

    view.connect("load-changed", on_load)
    view.connect("notify::title", on_title)
    window.connect("destroy", lambda _w: Gtk.main_quit())
    window.realize()
    view.load_html(PAGE, "about:blank")
    GLib.timeout_add(int(GIVE_UP_S * 1000), give_up)
    Gtk.main()
    print(json.dumps(result), flush=True)
    return 0 if "error" not in result else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
