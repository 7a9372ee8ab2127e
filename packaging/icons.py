"""Render the app icon from its one SVG source (resources/icons/bert_desk.svg, also the window icon).

Writes, under an output folder:
  hicolor/<n>x<n>/apps/<name>.png for n in HICOLOR_SIZES, hicolor/scalable/apps/<name>.svg,
  bert-desk.ico (Windows: PNG-compressed entries 16..256) and bert-desk.icns (macOS: PNG entries).
Uses only PySide6 (QtSvg's QSvgRenderer painting into a QImage): no extra dependency.

    python packaging/icons.py OUT_DIR [--name ICON_NAME]
"""

from __future__ import annotations

import argparse
import os
import shutil
import struct
import sys
from pathlib import Path

SVG_SOURCE = Path(__file__).resolve().parent.parent / "resources" / "icons" / "bert_desk.svg"
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS element types holding PNG data, by pixel size (the @2x types reuse the larger raster).
ICNS_TYPES = (
    (b"icp4", 16), (b"icp5", 32), (b"ic11", 32), (b"icp6", 64), (b"ic12", 64), (b"ic07", 128),
    (b"ic08", 256), (b"ic13", 256), (b"ic09", 512), (b"ic14", 512), (b"ic10", 1024),
)


def _ensure_gui() -> object:
    """Return the Qt application, creating an offscreen one when none exists (keeps it alive).

    A full QApplication, not a QGuiApplication: a process (a test run) that later builds widgets
    would abort on a QGuiApplication left behind."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication([sys.argv[0] if sys.argv else "icons"])
    return app


def render_png(size: int, svg: Path = SVG_SOURCE) -> bytes:
    """The icon as PNG bytes, `size` x `size` pixels, transparent background."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _ensure_gui()
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise RuntimeError(f"cannot parse the icon SVG {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError("Qt could not encode PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico holding the given PNG images (Vista+ reads PNG entries)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, blobs = b"", b""
    for size in sizes:
        blob = pngs[size]
        dim = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset)
        blobs += blob
        offset += len(blob)
    return header + entries + blobs


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """A macOS .icns holding PNG elements."""
    body = b""
    for kind, size in ICNS_TYPES:
        if size in pngs:
            body += kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size]
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def render_all(out: Path, name: str = "bert-desk") -> dict[str, Path]:
    """Write every icon file under `out`; return the main paths (`svg`, `ico`, `icns`, `png256`, `hicolor`)."""
    out.mkdir(parents=True, exist_ok=True)
    sizes = sorted(set(HICOLOR_SIZES) | set(ICO_SIZES) | {1024})
    pngs = {size: render_png(size) for size in sizes}
    hicolor = out / "hicolor"
    for size in HICOLOR_SIZES:
        folder = hicolor / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.png").write_bytes(pngs[size])
    scalable = hicolor / "scalable" / "apps"
    scalable.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SVG_SOURCE, scalable / f"{name}.svg")
    (out / "bert-desk.ico").write_bytes(ico_bytes({s: pngs[s] for s in ICO_SIZES}))
    (out / "bert-desk.icns").write_bytes(icns_bytes(pngs))
    (out / "bert-desk-256.png").write_bytes(pngs[256])
    return {"svg": SVG_SOURCE, "ico": out / "bert-desk.ico", "icns": out / "bert-desk.icns",
            "png256": out / "bert-desk-256.png", "hicolor": hicolor}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--name", default="bert-desk", help="icon file name in the hicolor tree")
    args = parser.parse_args(argv)
    paths = render_all(args.out, args.name)
    print(f"icons written under {args.out} ({paths['ico'].name}, {paths['icns'].name}, hicolor/)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
