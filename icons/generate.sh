#!/usr/bin/env bash
# Regenerate every raster icon from icon.svg. Idempotent: safe to re-run.
# Requires: rsvg-convert (Debian: librsvg2-bin) and python3 (stdlib only).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

SRC=icon.svg
command -v rsvg-convert >/dev/null || { echo "rsvg-convert not found (apt install librsvg2-bin)" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

render() { # size output
  # --format png + transparent background => 8-bit RGBA (PNG colour type 6)
  rsvg-convert --format png --width "$1" --height "$1" --keep-aspect-ratio \
    --background-color none "$SRC" --output "$2"
}

render 32  32x32.png
render 64  64x64.png
render 128 128x128.png
render 256 256x256.png
render 512 icon.png

ico_sizes=(16 24 32 48 64 256)
for s in "${ico_sizes[@]}"; do render "$s" "$tmp/$s.png"; done

python3 - "$tmp" "${ico_sizes[@]}" <<'PY'
import struct, sys, zlib

tmp, sizes = sys.argv[1], [int(s) for s in sys.argv[2:]]

def check_rgba(path, data, size):
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path}: not a PNG"
    w, h, depth, ctype = struct.unpack(">IIBB", data[16:26])
    assert (w, h) == (size, size), f"{path}: {w}x{h}, expected {size}x{size}"
    assert depth == 8 and ctype == 6, f"{path}: bit depth {depth}, colour type {ctype} (need 8-bit RGBA, type 6)"

# verify the standalone PNGs too
for name, size in [("32x32.png", 32), ("64x64.png", 64), ("128x128.png", 128),
                   ("256x256.png", 256), ("icon.png", 512)]:
    check_rgba(name, open(name, "rb").read(), size)

# ICO container with PNG-compressed entries:
# ICONDIR (6 bytes) + ICONDIRENTRY (16 bytes each) + image data.
images = []
for s in sizes:
    data = open(f"{tmp}/{s}.png", "rb").read()
    check_rgba(f"{s}.png", data, s)
    images.append((s, data))

out = bytearray(struct.pack("<HHH", 0, 1, len(images)))  # reserved, type=1 (icon), count
offset = 6 + 16 * len(images)
for s, data in images:
    dim = 0 if s >= 256 else s  # 0 means 256
    out += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
    offset += len(data)
for _, data in images:
    out += data

with open("icon.ico.tmp", "wb") as f:
    f.write(out)
PY
mv -f icon.ico.tmp icon.ico

echo "Generated: 32x32.png 64x64.png 128x128.png 256x256.png icon.png icon.ico (${ico_sizes[*]} px)"
