"""Review-tab fixtures: a small project with emoji text, an inference service (with a test-only
"wait" job kind) and an open `ReviewTab` on it; every tab made here is shut down, then the service."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from bert_desk.project import Project
from bert_desk.ui.review import ReviewTab
from bert_desk.ui.settings import Settings
from bert_desk.worker import DEFAULT_HANDLERS, InferenceService, JobContext

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


def wait_job(ctx: JobContext) -> str:
    """Test-only job kind "wait": block the inference thread until the payload's `threading.Event`
    is set (or the job is cancelled); returns "waited"."""
    gate: threading.Event = ctx.job.payload
    while not gate.wait(0.01):
        ctx.cancel.raise_if_cancelled()
    return "waited"


@pytest.fixture
def service(qapp: object) -> Iterator[InferenceService]:
    """The inference service the review tabs of a test share (joined after them)."""
    svc = InferenceService({**DEFAULT_HANDLERS, "wait": wait_job})
    yield svc
    assert svc.shutdown()


TabFactory = Callable[..., ReviewTab]


@pytest.fixture
def make_tab(qtbot: QtBot, service: InferenceService) -> Iterator[TabFactory]:
    """Build ReviewTabs on `service`; each is shut down after the test (before the service)."""
    made: list[ReviewTab] = []

    def make(settings: Settings | None = None) -> ReviewTab:
        widget = ReviewTab(settings, service=service)
        qtbot.addWidget(widget)
        made.append(widget)
        return widget

    yield make
    for widget in made:
        widget.shutdown()
        assert not widget.preannotate_panel.busy()


@pytest.fixture
def tab(make_tab: TabFactory, tmp_path: Path, project_path: Path) -> ReviewTab:
    """A shown ReviewTab with the sample project open, focus in the text."""
    widget = make_tab(Settings.from_file(str(tmp_path / "settings.ini")))
    widget.resize(1100, 700)
    widget.show()
    assert widget.open_path(project_path)
    widget.auto_advance.setChecked(False)  # on by default; these tests step through documents themselves
    widget.panel.view.setFocus()
    return widget


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
