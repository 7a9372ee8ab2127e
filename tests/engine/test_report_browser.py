"""The HTML report in a real browser: headless Chromium renders it to PNG; the entity colours are there.

Skipped when no Chromium is installed (Debian: `apt-get install chromium`).
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from bert_desk.engine import report
from bert_desk.engine.colors import label_color
from bert_desk.engine.types import Entity, NERResult

BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def _browser() -> str | None:
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


def png_colors(data: bytes) -> set[tuple[int, int, int]]:
    """The RGB colours of an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    at, idat, header = 8, b"", b""
    while at < len(data):
        (length,), kind = struct.unpack(">I", data[at:at + 4]), data[at + 4:at + 8]
        chunk = data[at + 8:at + 8 + length]
        header = chunk if kind == b"IHDR" else header
        idat += chunk if kind == b"IDAT" else b""
        at += 12 + length
    width, height, depth, color_type, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and color_type in (2, 6) and interlace == 0
    channels = 3 if color_type == 2 else 4
    raw, stride = zlib.decompress(idat), width * channels
    previous, colors = bytearray(stride), set()
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b, c = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        colors.update(tuple(line[i:i + 3]) for i in range(0, stride, channels))
        previous = line
    return colors


def _rgb(hex_color: str) -> tuple[int, int, int]:
    value = int(hex_color[1:], 16)
    return value >> 16, (value >> 8) & 255, value & 255


@pytest.mark.skipif(_browser() is None, reason="no Chromium installed (Debian: apt-get install chromium)")
def test_chromium_renders_the_entity_colours(tmp_path: Path) -> None:
    text = "Angela Merkel <visited> Paris and Google 😀 東京."
    entities = tuple(Entity(text.index(t), text.index(t) + len(t), label, 0.9, t)
                     for t, label in (("Angela Merkel", "PER"), ("Paris", "LOC"), ("Google", "ORG")))
    html_file, png = tmp_path / "report.html", tmp_path / "shot.png"
    report.write_page(html_file, "Entities", [report.ner_section(NERResult(text, entities))])
    browser = _browser()
    assert browser is not None
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1000,800", f"--screenshot={png}",
                    html_file.as_uri()], check=True, timeout=120, capture_output=True)
    colors = png_colors(png.read_bytes())
    for label in ("PER", "LOC", "ORG"):
        assert _rgb(label_color(label)) in colors, label
    assert _rgb(label_color("MISC")) not in colors  # and not just any colour
