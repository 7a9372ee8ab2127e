"""Offsets, display text, word snapping and a 200,000-character document."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from bert_desk.engine.offsets import OffsetMap, py_index, utf16_index
from bert_desk.project import Project
from bert_desk.ui.review.text_view import AnnotationView, display_text, snap_to_words
from tests.ui.review.conftest import TabFactory, key

SAMPLES = ("", "plain ascii", "😀🇫🇷 Angela 東京 😀.", "a\r\nb😀\r\nc", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 x")


@pytest.mark.parametrize("text", SAMPLES)
def test_offset_map_agrees_with_the_engine(text: str) -> None:
    offsets = OffsetMap(text)
    units = len(text.encode("utf-16-le")) // 2
    for i in range(len(text) + 1):
        assert offsets.to_qt(i) == utf16_index(text, i)
    for u in range(units + 1):
        assert offsets.to_py(u) == py_index(text, u)


@pytest.mark.parametrize("text", [*SAMPLES, "word " * 1000 + "x" * 3000 + " end\n" + "y " * 2000])
def test_display_text_keeps_every_position(qtbot: QtBot, text: str) -> None:
    shown = display_text(text, max_block=500)
    assert len(shown) == len(text)
    assert all(a == b or (a, b) in (("\r", " "), (" ", "\n")) for a, b in zip(text, shown, strict=True))
    view = AnnotationView()
    qtbot.addWidget(view)
    view.set_document_text(text)
    assert view.document().characterCount() - 1 == len(text.encode("utf-16-le")) // 2
    assert max((len(line) for line in shown.split("\n")), default=0) <= 3001  # long runs without spaces stay


def test_snap_to_words() -> None:
    text = "😀 Angela Merkel, visited Paris."
    a = text.index("Angela")
    assert snap_to_words(text, a + 2, a + 4) == (a, a + 6)
    assert snap_to_words(text, a - 1, a + 9) == (a, a + 13)  # spaces trimmed, "Me" widened
    assert snap_to_words(text, a + 13, a + 15) == (a + 13, a + 14)  # ", " -> ","
    start, end = snap_to_words(text, 1, 2)  # only a space: nothing left
    assert start == end
    assert snap_to_words(text, 0, 1) == (0, 1)  # the emoji alone


def test_a_200000_character_document_stays_fast(qtbot: QtBot, tmp_path: Path, make_tab: TabFactory) -> None:
    sentence = "Angela Merkel visited Paris and Google 😀 today. "
    text = (sentence * (200_000 // len(sentence) + 1))[:200_000]
    spans = [(i, i + 13, "PERSON") for i in range(0, len(text) - 20, len(sentence))]
    path = tmp_path / "long.bdesk"
    with Project.create(path) as project:
        (doc_id,) = project.add_documents([text])
        project.set_spans(doc_id, spans)
    tab = make_tab()
    tab.resize(1000, 650)
    tab.show()
    started = time.perf_counter()
    assert tab.open_path(path)
    view = tab.panel.view
    qtbot.wait(1)
    opened = time.perf_counter() - started
    assert len(view.marks()) == len(spans) and opened < 5, f"{opened:.2f}s"
    assert view.document().blockCount() > 50  # the one long paragraph is laid out in pieces

    rewrites = []
    original = view.set_document_text
    view.set_document_text = lambda t: (rewrites.append(1), original(t))  # type: ignore[method-assign]
    bar = view.verticalScrollBar()
    started = time.perf_counter()
    for value in range(0, bar.maximum(), max(1, bar.maximum() // 10)):
        bar.setValue(value)
        view.viewport().repaint()
    scroll = (time.perf_counter() - started) / 10
    view.setFocus()
    view.select_py(len(sentence) * 100 + 14, len(sentence) * 100 + 14)
    started = time.perf_counter()
    key(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier, 5)  # selection keystrokes
    keys = (time.perf_counter() - started) / 5
    key(view, Qt.Key.Key_2)  # an edit repaints the marks, not the text
    assert rewrites == [] and (len(sentence) * 100 + 14, len(sentence) * 100 + 21, "ORG") in [
        (s.start, s.end, s.label) for s in tab.project.spans(doc_id)]
    assert scroll < 0.25 and keys < 0.25, f"scroll {scroll:.3f}s, keystroke {keys:.3f}s"
    tab.shutdown()
