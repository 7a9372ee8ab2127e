"""Light and dark themes (Fusion style + palette) and the colours shared by the views."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from bert_desk.paths import resource

log = logging.getLogger(__name__)

#: Text colour on the pastel highlight backgrounds: readable in both themes.
HIGHLIGHT_TEXT = QColor("#1b1b1b")
NEGATIVE = QColor("#f28b82")
NEUTRAL = QColor("#e8eaed")
POSITIVE = QColor("#81c995")
ANSWER = QColor("#fdd663")
ANSWER_OTHER = QColor("#fef3c7")


def _dark_palette() -> QPalette:
    p = QPalette()
    window, base, text = QColor("#2b2b2b"), QColor("#1f1f1f"), QColor("#e6e6e6")
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: QColor("#262626"),
        QPalette.ColorRole.ToolTipBase: QColor("#3a3a3a"),
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: QColor("#8a8a8a"),
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor("#353535"),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor("#ff6b6b"),
        QPalette.ColorRole.Link: QColor("#8ab4f8"),
        QPalette.ColorRole.Highlight: QColor("#3d6fb4"),
        QPalette.ColorRole.HighlightedText: QColor("#ffffff"),
        QPalette.ColorRole.Light: QColor("#444444"),
        QPalette.ColorRole.Mid: QColor("#3a3a3a"),
        QPalette.ColorRole.Dark: QColor("#1a1a1a"),
    }
    for role, color in roles.items():
        p.setColor(role, color)
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7a7a"))
    return p


def _light_palette() -> QPalette:
    style = QStyleFactory.create("Fusion")
    return style.standardPalette() if style is not None else QPalette()


def apply_theme(app: QApplication, theme: str) -> None:
    """Switch the whole application to the `light` or `dark` theme."""
    app.setStyle("Fusion")
    app.setPalette(_dark_palette() if theme == "dark" else _light_palette())
    qss = resource("styles", "app.qss")
    try:
        app.setStyleSheet(qss.read_text(encoding="utf-8") if qss.is_file() else "")
    except OSError:
        log.warning("Could not read %s", qss, exc_info=True)


def mix(a: QColor, b: QColor, t: float) -> QColor:
    """Linear blend of two colours (t=0 gives a, t=1 gives b)."""
    t = min(1.0, max(0.0, t))
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    )


def polarity_color(polarity: float) -> QColor:
    """Colour on the negative (-1) → neutral (0) → positive (+1) scale."""
    if polarity < 0:
        return mix(NEUTRAL, NEGATIVE, -polarity)
    return mix(NEUTRAL, POSITIVE, polarity)


def label_polarity(label: str, labels: Sequence[str] = ()) -> float:
    """Where a sentiment label sits on the negative (-1) → positive (+1) scale.

    Understands negative/neutral/positive names, "1 star".."5 stars" and `LABEL_k` ids
    (`LABEL_0` the most negative, as in SST-2 checkpoints); anything else is neutral.
    """
    low = label.lower()
    if "neg" in low:
        return -1.0
    if "pos" in low:
        return 1.0
    if "neu" in low:
        return 0.0
    digits = "".join(ch for ch in low if ch.isdigit())
    if "star" in low and digits:
        return (min(5, max(1, int(digits))) - 3) / 2
    if low.startswith("label_") and digits and len(labels) > 1:
        return int(digits) / (len(labels) - 1) * 2 - 1
    return 0.0


def scores_polarity(scores: Mapping[str, float]) -> float:
    """Expected polarity of a score distribution over sentiment labels, in [-1, 1]."""
    labels = sorted(scores)
    total = sum(scores.values()) or 1.0
    return max(-1.0, min(1.0, sum(label_polarity(lab, labels) * s for lab, s in scores.items()) / total))
