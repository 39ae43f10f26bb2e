#!/usr/bin/python3
"""A drag source for the end-to-end tests: a small GTK 3 window that offers
the files named on its command line as text/uri-list, the way a file
manager does when files are dragged out of it.

Usage: /usr/bin/python3 dragsource.py X Y FILE...

The window is placed at X, Y (no window manager runs under the tests'
Xvfb, so the position is the one asked for). Once it is on screen it prints
one line, "ready X Y WIDTH HEIGHT", with its real geometry; the test then
drives the pointer with xdotool: press on the window, move onto the target,
release. What the drag did is printed as it happens ("data-get N",
"drag-end", "drag-failed REASON"), and the window exits after the drag
ends, or after 60 seconds with nothing.

Needs the Debian packages python3-gi and gir1.2-gtk-3.0 (run it with
/usr/bin/python3: another python3 on PATH may not have gi).
"""

import sys
from pathlib import Path

import gi

gi.require_version("Gdk", "3.0")
gi.require_version("Gtk", "3.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402

URI_LIST = 0


def say(*words):
    print(*words, flush=True)


def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__)
    x, y = int(argv[1]), int(argv[2])
    uris = [Path(name).resolve().as_uri() for name in argv[3:]]

    window = Gtk.Window(title="Hooklens e2e drag source")
    window.set_default_size(260, 160)
    window.move(x, y)
    window.connect("destroy", Gtk.main_quit)

    box = Gtk.EventBox()
    label = Gtk.Label(label=f"Drag {len(uris)} file(s)")
    box.add(label)
    window.add(box)

    box.drag_source_set(
        Gdk.ModifierType.BUTTON1_MASK,
        [Gtk.TargetEntry.new("text/uri-list", 0, URI_LIST)],
        Gdk.DragAction.COPY,
    )

    def data_get(_widget, _context, data, info, _time):
        if info == URI_LIST:
            data.set_uris(uris)
            say("data-get", len(uris))

    def drag_begin(_widget, _context):
        say("drag-begin")

    def drag_failed(_widget, _context, result):
        say("drag-failed", result.value_nick)
        return False

    def drag_end(_widget, _context):
        say("drag-end")
        # Let the target finish reading before the source goes away.
        GLib.timeout_add(500, window.destroy)

    box.connect("drag-data-get", data_get)
    box.connect("drag-begin", drag_begin)
    box.connect("drag-failed", drag_failed)
    box.connect("drag-end", drag_end)

    def mapped(_widget, _event):
        # The real geometry, once the X server has placed the window.
        def report():
            gdk_window = window.get_window()
            _, ox, oy = gdk_window.get_origin()
            say("ready", ox, oy, window.get_allocated_width(), window.get_allocated_height())
            return False

        GLib.idle_add(report)
        return False

    window.connect("map-event", mapped)
    GLib.timeout_add_seconds(60, window.destroy)
    window.show_all()
    Gtk.main()


if __name__ == "__main__":
    main(sys.argv)
