"""Pre-annotation as a job of the inference thread (spaCy EntityRuler pipeline, fake slow engine), and the metrics."""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import Qt, QThread
from pytestqt.qtbot import QtBot

from bert_desk.engine.types import Entity, NERResult
from bert_desk.project import Project
from bert_desk.project import preannotate as preannotate_module
from bert_desk.project.preannotate import Engine
from bert_desk.ui.review import ReviewTab
from bert_desk.ui.review.preannotate_panel import JOB_KEY
from bert_desk.worker import InferenceService
from tests.ui.review.conftest import TEXTS, TabFactory, key

WAIT = 60_000


def test_preannotate_stores_and_shows_proposals_then_metrics(qtbot: QtBot, tab: ReviewTab, service: InferenceService,
                                                              spacy_ruler_spec: str) -> None:
    panel = tab.preannotate_panel
    panel.pickers["ner"].set_spec(spacy_ruler_spec)
    with qtbot.waitSignal(panel.finished_run, timeout=WAIT) as blocker:
        qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
        assert panel.busy() and not panel.run_button.isEnabled() and panel.cancel_button.isEnabled()
        assert service.current_job(JOB_KEY) is panel.job  # a job of the one inference thread
    assert blocker.args == ["Pre-annotated 4 documents."]
    assert not panel.busy() and panel.run_button.isEnabled() and not service.is_busy(JOB_KEY)
    project = tab.project
    ids = project.document_ids()
    text = TEXTS[0]
    angela, paris, google = (text.index(w) for w in ("Angela", "Paris", "Google"))
    expected = [(angela, angela + 13, "PERSON"), (paris, paris + 5, "GPE"), (google, google + 6, "ORG")]
    assert [(s.start, s.end, s.label) for s in project.spans(ids[0], source="model")] == expected
    assert project.spans(ids[0], source="human") == []  # stored as proposals only
    view = tab.panel.view
    assert [(m.start, m.end, m.dashed) for m in view.marks()] == [(s, e, True) for s, e, _ in expected]
    assert "proposals of spacy:" in tab.panel.header.text()
    assert tab.browser.label.findData("GPE") >= 0

    # reviewer: accept the first as proposed, fix the third (Google ORG -> drop it), then compare
    key(view, Qt.Key.Key_A)
    key(view, Qt.Key.Key_Right)
    key(view, Qt.Key.Key_Right)
    view.select_py(1, 1)
    key(view, Qt.Key.Key_Delete)
    key(view, Qt.Key.Key_A)
    dialog = tab.show_metrics()
    assert dialog is not None and dialog.isVisible()
    assert dialog.summary.text() == "Computing…"  # in the inference thread
    with qtbot.waitSignal(dialog.computed, timeout=WAIT) as blocker:
        pass
    assert blocker.args[0] is dialog.scores and dialog.scores is not None
    rows = {dialog.table.item(r, 0).text(): [dialog.table.item(r, c).text() for c in range(1, 8)]
            for r in range(dialog.table.rowCount())}
    assert rows["PERSON"][:3] == ["1.000", "1.000", "1.000"]
    assert rows["ORG"][:3] == ["0.500", "1.000", "0.667"]  # one kept, one deleted by the reviewer
    assert "2 reviewed documents" in dialog.summary.text()


def test_preannotate_without_model_or_selection_explains(tab: ReviewTab) -> None:
    panel = tab.preannotate_panel
    panel.pickers["ner"].set_spec("")
    assert not tab.preannotate()
    assert "Choose a model" in tab.error_bar.text()
    panel.scope.setCurrentIndex(panel.scope.findData("selected"))
    tab.browser.view.clearSelection()
    assert not tab.preannotate()
    assert "Select unreviewed documents" in tab.error_bar.text()


def test_preannotate_failure_is_shown(qtbot: QtBot, tab: ReviewTab, tmp_path: Path) -> None:
    panel = tab.preannotate_panel
    panel.pickers["ner"].set_spec(f"spacy:{tmp_path / 'missing'}")
    with qtbot.waitSignal(panel.failed_run, timeout=WAIT) as blocker:
        assert tab.preannotate()
    assert blocker.args[0] and "missing" in blocker.args[0]
    assert tab.error_bar.isVisible() and tab.error_bar.text() == blocker.args[0]
    assert panel.run_button.isEnabled() and not panel.busy() and panel.state.text() == "Pre-annotation failed."


class SlowEngine:
    """Answers the first `fast` chunks at once, then blocks (checking the cancel token) until cancelled."""

    def __init__(self, fast: int = 1) -> None:
        self.fast = fast
        self.calls = 0
        self.threads: set[str] = set()
        self.blocked = threading.Event()

    def engine(self) -> Engine:
        return Engine(self.load_model, self.ner_batch, self.unused, self.unused)

    def load_model(self, spec: str, task: str, *, device: str = "auto") -> Any:
        self.threads.add(QThread.currentThread().objectName())
        return SimpleNamespace(info=None)

    def ner_batch(self, model: Any, texts: list[str], *, batch_size: int, cancel: Any) -> list[NERResult]:
        self.threads.add(QThread.currentThread().objectName())
        self.calls += 1
        if self.calls > self.fast:
            self.blocked.set()
            while True:
                cancel.raise_if_cancelled()
                threading.Event().wait(0.01)
        return [NERResult(t, (Entity(0, 3, "X", 0.9, t[:3]),)) for t in texts]

    def unused(self, *_a: Any, **_kw: Any) -> Any:
        raise AssertionError("not an entities run")


@pytest.fixture
def slow_engine(monkeypatch: pytest.MonkeyPatch) -> SlowEngine:
    """`preannotate` (run by the worker's "preannotate" job) uses a `SlowEngine`."""
    slow = SlowEngine()
    monkeypatch.setattr(preannotate_module, "load_engine", slow.engine)
    return slow


@pytest.fixture
def big_tab(make_tab: TabFactory, tmp_path: Path) -> ReviewTab:
    """A ReviewTab on a 150-document project: three pre-annotation chunks (64, 64, 22)."""
    path = tmp_path / "big.bdesk"
    with Project.create(path) as project:
        project.add_documents(f"Doc {i} about Paris." for i in range(150))
    widget = make_tab()
    assert widget.open_path(path)
    return widget


def test_cancel_keeps_finished_chunks_and_reports_cancelled(qtbot: QtBot, big_tab: ReviewTab,
                                                            service: InferenceService, slow_engine: SlowEngine) -> None:
    panel = big_tab.preannotate_panel
    panel.pickers["ner"].set_spec("fake-model")
    assert big_tab.preannotate()
    assert slow_engine.blocked.wait(20)
    qtbot.waitUntil(lambda: panel.progress.value() == round(64 / 150 * 100), timeout=10_000)
    assert panel.state.text() == "64/150 documents"
    with qtbot.waitSignal(panel.finished_run, timeout=10_000) as blocker:
        qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert blocker.args == ["Pre-annotation cancelled (finished chunks are kept)."]
    assert not panel.busy() and not panel.progress.isVisible() and panel.run_button.isEnabled()
    assert not service.is_busy(JOB_KEY)
    assert slow_engine.threads == {"bert_desk-inference"}  # the model ran in the inference thread only
    project = big_tab.project
    ids = project.document_ids()
    with_spans = [d for d in ids if project.spans(d, source="model")]
    assert with_spans == ids[:64]  # the first chunk was stored, the cancelled one was not
    assert all(project.spans(d, source="model")[0].label == "X" for d in with_spans)


def test_closing_the_project_mid_run_stops_the_job(qtbot: QtBot, big_tab: ReviewTab, service: InferenceService,
                                                   slow_engine: SlowEngine, tmp_path: Path) -> None:
    panel = big_tab.preannotate_panel
    panel.pickers["ner"].set_spec("fake-model")
    assert big_tab.preannotate()
    assert slow_engine.blocked.wait(20)
    big_tab.close_project()
    assert not panel.busy() and panel.state.text() == "Pre-annotation stopped."
    qtbot.waitUntil(lambda: not service.is_busy(JOB_KEY), timeout=10_000)  # the job ended in the worker too
    assert big_tab.open_path(tmp_path / "big.bdesk")
    assert len([d for d in big_tab.project.document_ids() if big_tab.project.spans(d, source="model")]) == 64


def test_preannotate_queued_behind_another_tabs_job(qtbot: QtBot, tab: ReviewTab, service: InferenceService,
                                                    spacy_ruler_spec: str) -> None:
    done: list[tuple[str, object]] = []
    gate = threading.Event()
    other = service.submit("ner", "wait", gate)  # another tab's job holds the inference thread
    other.done.connect(lambda event: done.append((event.tab, event.result)))
    panel = tab.preannotate_panel
    panel.pickers["ner"].set_spec(spacy_ruler_spec)
    assert tab.preannotate()
    qtbot.wait(200)
    assert panel.busy() and panel.progress.maximum() == 0  # queued: indeterminate, nothing stored yet
    assert service.current_job("ner") is other  # not cancelled by the review's job
    assert all(not tab.project.spans(d, source="model") for d in tab.project.document_ids())
    with qtbot.waitSignal(panel.finished_run, timeout=WAIT) as blocker:
        gate.set()
    assert blocker.args == ["Pre-annotated 4 documents."]
    assert ("ner", "waited") in done and done.index(("ner", "waited")) == 0
    assert tab.project.spans(tab.project.document_ids()[0], source="model")
