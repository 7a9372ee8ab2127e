"""Light and dark themes (Fusion style + palette) and the colours shared by the views."""

from __future__ import annotations

import logging

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from bert_desk.engine.colors import (
    ANSWER_HEX,
    ANSWER_OTHER_HEX,
    NEGATIVE_HEX,
    NEUTRAL_HEX,
    POSITIVE_HEX,
    contrast_ratio,
    polarity_hex,
)
from bert_desk.engine.colors import label_polarity as label_polarity  # re-exported for the views
from bert_desk.engine.colors import scores_polarity as scores_polarity
from bert_desk.paths import resource

log = logging.getLogger(__name__)

#: Text colour on the pastel highlight backgrounds: readable in both themes.
HIGHLIGHT_TEXT = QColor("#1b1b1b")
NEGATIVE = QColor(NEGATIVE_HEX)
NEUTRAL = QColor(NEUTRAL_HEX)
POSITIVE = QColor(POSITIVE_HEX)
ANSWER = QColor(ANSWER_HEX)
ANSWER_OTHER = QColor(ANSWER_OTHER_HEX)


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


def muted_text(palette: QPalette) -> QColor:
    """Secondary text (e.g. the word a token replaced): the text colour a third of the way to the background,
    still well above WCAG AA's 4.5:1 in both themes."""
    return mix(palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Window), 0.3)


def readable(color: QColor | str, background: QColor, ratio: float = 4.5) -> QColor:
    """`color` as text on `background`: kept when it reaches `ratio` (WCAG AA: 4.5), else moved toward black
    or white (whichever the background contrasts with more) until it does, keeping its hue."""
    color = QColor(color)
    far = QColor("#000000") if contrast_ratio(background.name(), "#000000") >= contrast_ratio(
        background.name(), "#ffffff") else QColor("#ffffff")
    for step in range(21):
        candidate = mix(color, far, step / 20)
        if contrast_ratio(candidate.name(), background.name()) >= ratio:
            return candidate
    return far


def polarity_color(polarity: float) -> QColor:
    """Colour on the negative (-1) → neutral (0) → positive (+1) scale (`engine.colors.polarity_hex`)."""
    return QColor(polarity_hex(polarity))
