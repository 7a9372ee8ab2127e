"""WCAG AA: every tab, filled with results, in both themes (chosen at start and switched at run time), has
text at 4.5:1 or more against its background, measured on the rendered pixels of each label and button."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QImage, QPalette
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from bert_desk.engine.colors import contrast_ratio
from bert_desk.engine.pretrain import (
    CorruptedToken,
    CorruptionResult,
    FillMaskResult,
    MaskCandidate,
    MaskPrediction,
)
from bert_desk.engine.types import Answer, Entity, NERResult, QAResult, SentenceScore, SentimentResult
from bert_desk.project import Project
from bert_desk.ui.main_window import MainWindow
from tests.ui.conftest import WindowFactory

AA = 4.5


def _rgb(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    data = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)
    return data[:, : image.width(), 2::-1].reshape(-1, 3)  # BGRA in memory -> RGB


def _luminance(rgb: np.ndarray) -> np.ndarray:
    c = rgb / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return lin @ np.array([0.2126, 0.7152, 0.0722])


def text_contrast(window: QWidget, widget: QWidget) -> tuple[float, str, str]:
    """(ratio, text colour, background colour) of `widget` as rendered in `window` (so what its parents paint
    behind it counts). The background is its most common colour. A label's text colours are those that are
    not anti-aliasing shades (blends of the background and a stronger colour already found), and the
    faintest of them counts, so one pale link among dark words fails; a button's text is the colour furthest
    from its background (its bevel's gradient is made of such blends too)."""
    pixels = _rgb(window.grab(QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())).toImage())
    colours, counts = np.unique(pixels, axis=0, return_counts=True)
    background = colours[counts.argmax()].astype(float)
    lum, bg_lum = _luminance(colours), _luminance(background[None, :])[0]
    ratios = (np.maximum(lum, bg_lum) + 0.05) / (np.minimum(lum, bg_lum) + 0.05)
    pick = int(ratios.argmax())
    if isinstance(widget, QLabel):
        inks: list[int] = []
        for i in np.argsort(-ratios):
            if ratios[i] < 1.1 or counts[i] < 8:
                continue  # the background's own edges, or a stray blend
            colour = colours[i].astype(float)
            if any(_on_segment(colour, background, colours[j].astype(float)) for j in inks):
                continue  # an anti-aliasing shade of a text colour already found
            inks.append(int(i))
        if inks:
            pick = min(inks, key=lambda i: ratios[i])
    hexes = ["#{:02x}{:02x}{:02x}".format(*map(int, c)) for c in (colours[pick], background)]
    return contrast_ratio(*hexes), hexes[0], hexes[1]


def _on_segment(colour: np.ndarray, a: np.ndarray, b: np.ndarray, tolerance: float = 14.0) -> bool:
    """True when `colour` lies (within `tolerance` RGB units) on the segment between `a` and `b`."""
    ab = b - a
    t = float(np.clip(np.dot(colour - a, ab) / max(float(np.dot(ab, ab)), 1e-9), 0.0, 1.0))
    return float(np.linalg.norm(a + t * ab - colour)) <= tolerance


def _texts(root: QWidget) -> list[QWidget]:
    """The labels and buttons with text that the user can see now (icons-only ones and disabled buttons aside:
    WCAG exempts inactive controls; rich-text chips, text on its own coloured background, are checked by
    their colours in `test_chip_colours_meet_wcag_aa`)."""
    found: list[QWidget] = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisible() or widget.width() < 4 or widget.height() < 4:
            continue
        if isinstance(widget, QAbstractButton) and not widget.isEnabled():
            continue  # an inactive control (a disabled label is still text to read)
        label = isinstance(widget, QLabel) and widget.pixmap().isNull() and "background:" not in widget.text()
        if (label or isinstance(widget, QAbstractButton)) and widget.text().strip():
            found.append(widget)
    return found


def _fill(window: MainWindow, project: Path) -> None:
    """Every tab with a result or content showing (no model needed)."""
    text = "A good film. A bad ending. Paris and Angela Merkel."
    s = window.sentiment
    s.editor.setPlainText(text)
    s.show_result(SentimentResult(text, "POSITIVE", 0.9, {"POSITIVE": 0.9, "NEGATIVE": 0.1},
                                  (SentenceScore(0, 12, "POSITIVE", 0.9, {"POSITIVE": 0.9, "NEGATIVE": 0.1}),
                                   SentenceScore(13, 26, "NEGATIVE", 0.8, {"POSITIVE": 0.2, "NEGATIVE": 0.8}))))
    s.error_bar.show_error("Could not load the model: a long message the user should be able to read.")
    window.qa.context.setPlainText(text)
    window.qa.show_result(QAResult("where?", (Answer(27, 32, "Paris", 0.8), Answer(37, 50, "Angela Merkel", 0.1))))
    window.ner.editor.setPlainText(text)
    window.ner.show_result(NERResult(text, (Entity(27, 32, "LOC", 0.99, "Paris"),
                                            Entity(37, 50, "PER", 0.97, "Angela Merkel"))))
    p = window.pretrain
    p.input.setText("The [MASK] flows into the ocean .")
    p.show_result(FillMaskResult(p.input.text(), (MaskPrediction(4, 10, (MaskCandidate("river", "river", 1, 0.7),)),),
                                 "The river flows into the ocean ."))
    p.corruption.set_result(CorruptionResult("the river", 0, (CorruptedToken("the", "[MASK]", "masked", 0, 3),
                                                               CorruptedToken("river", "sea", "random", 4, 9))))
    assert window.review.open_path(project)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "p.bdesk"
    with Project.create(path) as p:
        ids = p.add_documents(["Angela Merkel visited Paris.", "A second document.", "A third one."])
        p.set_status(ids[0], "ner", "accepted")
        p.set_status(ids[1], "ner", "rejected")
        p.set_status(ids[2], "ner", "skipped")
    return path


@pytest.mark.parametrize(("start", "switch_to"), [("light", None), ("dark", None), ("light", "dark"),
                                                  ("dark", "light")])
def test_every_tabs_text_meets_wcag_aa(qtbot: QtBot, make_window: WindowFactory, project: Path, start: str,
                                       switch_to: str | None) -> None:
    window = make_window("--theme", start)
    window.resize(1024, 700)
    _fill(window, project)
    for index in range(window.tabs.count()):  # every tab drawn in the first theme, as a user would have seen it
        window.tabs.setCurrentIndex(index)
        qtbot.wait(20)
    if switch_to:
        window.set_theme(switch_to)
        qtbot.wait(100)  # the palette change reaches every widget through the event loop
    failures = []
    try:
        for index in range(window.tabs.count()):
            window.tabs.setCurrentIndex(index)
            qtbot.wait(20)
            QApplication.processEvents()
            for widget in _texts(window.tabs.currentWidget()):
                ratio, fg, bg = text_contrast(window, widget)
                if ratio < AA:
                    failures.append(f"{window.tabs.tabText(index)}: {widget.objectName() or type(widget).__name__} "
                                    f"{widget.text()[:40]!r}: {fg} on {bg} = {ratio:.2f}")
        documents = window.review.browser.model  # the status column's coloured words, against the list's base
        base = window.review.browser.view.palette().color(QPalette.ColorRole.Base).name()
        for row in range(documents.rowCount()):
            colour = documents.data(documents.index(row, 2), Qt.ItemDataRole.ForegroundRole)
            if colour is not None and contrast_ratio(colour.name(), base) < AA:
                failures.append(f"Review: status {documents.index(row, 2).data()!r}: {colour.name()} on {base}")
    finally:
        window.set_theme("light")
    assert not failures, "\n".join(failures)


def test_chip_colours_meet_wcag_aa() -> None:
    """Dark text on the pastel chips, highlights and shading (entity labels, corruption kinds, sentiment scale,
    answers) reads at 4.5:1 or more in both themes (the chips carry their own background)."""
    from bert_desk.engine.colors import DISPLACY, EXTRA, label_color
    from bert_desk.ui.mask_widgets import KIND_STYLE
    from bert_desk.ui.theme import ANSWER, ANSWER_OTHER, HIGHLIGHT_TEXT, polarity_color

    backgrounds = [*DISPLACY.values(), *EXTRA.values(), *(label_color(x) for x in ("DRUG", "B-DISEASE", "ÉVÉNEMENT")),
                   *(c for c, _ in KIND_STYLE.values()), ANSWER.name(), ANSWER_OTHER.name(),
                   *(polarity_color(p / 4).name() for p in range(-4, 5))]
    low = {bg: round(contrast_ratio(HIGHLIGHT_TEXT.name(), bg), 2) for bg in backgrounds
           if contrast_ratio(HIGHLIGHT_TEXT.name(), bg) < AA}
    assert not low


def test_every_tab_fits_1024_px_with_long_messages(qtbot: QtBot, make_window: WindowFactory, project: Path) -> None:
    """No message (a state line, a pre-annotation or review message) widens the window past a 1,024 px screen."""
    window = make_window()
    window.resize(1024, 700)
    _fill(window, project)
    long = "A message that goes on " * 30
    for tab in (window.sentiment, window.qa, window.ner, window.pretrain):
        tab.state.setText(long)
    window.review.preannotate_panel.state.setText(long)
    window.review.show_message(long)
    window.review.panel.header.setText(long)  # e.g. a model's long name and the disagreement count
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        qtbot.wait(20)
        assert window.minimumSizeHint().width() <= 1024, window.tabs.tabText(index)
        assert window.width() <= 1024, window.tabs.tabText(index)
