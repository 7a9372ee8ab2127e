"""Review-tab fixtures: a small project with emoji text and an open `ReviewTab` on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from bert_desk.project import Project
from bert_desk.ui.review import ReviewTab
from bert_desk.ui.settings import Settings

TEXTS = (
    "😀 Angela Merkel visited Paris with Google engineers.",
    "Second 🇫🇷 document about Paris.",
    "Google hired a new chef.",
    "A plain fourth document without names.",
)


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = tmp_path / "sample.bdesk"
    with Project.create(path) as project:
        project.add_documents(TEXTS)
    return path


@pytest.fixture
def tab(qtbot: QtBot, tmp_path: Path, project_path: Path) -> Iterator[ReviewTab]:
    """A shown ReviewTab with the sample project open, focus in the text."""
    widget = ReviewTab(Settings.from_file(str(tmp_path / "settings.ini")))
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    assert widget.open_path(project_path)
    widget.panel.view.setFocus()
    yield widget
    widget.shutdown()
    assert not widget.preannotate_panel.busy()


def key(widget: object, k: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
        times: int = 1) -> None:
    for _ in range(times):
        QTest.keyClick(widget, k, modifiers)  # type: ignore[arg-type]


def select_keys(tab: ReviewTab, start: int, shifts: int) -> None:
    """Put the caret at Python offset `start`, then extend with Shift+Right `shifts` times."""
    view = tab.panel.view
    view.select_py(start, start)
    key(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier, shifts)


def spans(tab: ReviewTab, doc_index: int = 0) -> list[tuple[int, int, str]]:
    assert tab.project is not None
    doc_id = tab.project.document_ids()[doc_index]
    return [(s.start, s.end, s.label) for s in tab.project.spans(doc_id)]
