"""Export, import and the metrics run in the inference thread: progress, Cancel, disabled actions,
errors in the error bar, and a project that closes mid-job."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QThread
from pytestqt.qtbot import QtBot

from bert_desk.project import exporters
from bert_desk.ui.review import ReviewTab
from bert_desk.ui.review.actions import IO_KEY
from bert_desk.ui.review.metrics import JOB_KEY as METRICS_KEY
from bert_desk.worker import InferenceService
from tests.ui.review.conftest import TEXTS

WAIT = 20_000


class SlowWriter:
    """A JSONL writer that writes a line per record, then waits for `proceed` (so a test can act while
    an export is half-written); the cancel token is checked between records by `export_project`."""

    def __init__(self) -> None:
        self.started, self.proceed = threading.Event(), threading.Event()
        self.threads: set[str] = set()

    def __call__(self, records: Any, out: Any, *, task: str | None = None, notes: list[str]) -> int:
        n = 0
        for _record in records:
            self.threads.add(QThread.currentThread().objectName())
            out.write("partial\n")
            out.flush()
            n += 1
            self.started.set()
            assert self.proceed.wait(WAIT / 1000)
        return n


@pytest.fixture
def slow_writer(monkeypatch: pytest.MonkeyPatch) -> SlowWriter:
    writer = SlowWriter()
    monkeypatch.setitem(exporters.WRITERS, "jsonl", writer)
    return writer


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_running_export_disables_the_actions_and_cancel_writes_nothing(
        qtbot: QtBot, tab: ReviewTab, service: InferenceService, slow_writer: SlowWriter, tmp_path: Path) -> None:
    actions = tab.project_actions
    out = tmp_path / "out.jsonl"
    job = actions.export(out, "jsonl", statuses=None)
    assert job is not None and service.current_job(IO_KEY) == job
    assert slow_writer.started.wait(WAIT / 1000)
    assert temp_files(tmp_path)  # the export is being written next to the target
    assert actions.busy() and actions.job_bar.isVisible() and actions.cancel_button.isEnabled()
    assert not actions.export_action.isEnabled() and not actions.import_action.isEnabled()
    assert "Exporting to out.jsonl…" in tab.message.text()
    assert actions.export(tmp_path / "other.jsonl", "jsonl") is None  # one export or import at a time
    assert "running" in tab.error_bar.text() and service.current_job(IO_KEY) == job
    with qtbot.waitSignal(actions.export_finished, timeout=WAIT) as blocker:
        qtbot.mouseClick(actions.cancel_button, Qt.MouseButton.LeftButton)
        slow_writer.proceed.set()
    assert blocker.args == [None]
    assert not out.exists() and temp_files(tmp_path) == []
    assert tab.message.text() == "Export to out.jsonl cancelled: nothing was written."
    assert not actions.busy() and not actions.job_bar.isVisible()
    assert actions.export_action.isEnabled() and actions.import_action.isEnabled()
    assert slow_writer.threads == {"bert_desk-inference"}  # not the GUI thread


def test_closing_the_project_mid_export_stops_it(qtbot: QtBot, tab: ReviewTab, service: InferenceService,
                                                 slow_writer: SlowWriter, tmp_path: Path) -> None:
    actions = tab.project_actions
    out = tmp_path / "out.jsonl"
    assert actions.export(out, "jsonl", statuses=None) is not None
    assert slow_writer.started.wait(WAIT / 1000)
    tab.close_project()
    assert not actions.busy() and not actions.job_bar.isVisible() and not actions.export_action.isEnabled()
    slow_writer.proceed.set()
    qtbot.waitUntil(lambda: not service.is_busy(IO_KEY), timeout=WAIT)  # the job ended in the worker too
    assert not out.exists() and temp_files(tmp_path) == []


def test_export_failure_goes_to_the_error_bar(qtbot: QtBot, tab: ReviewTab, tmp_path: Path) -> None:
    actions = tab.project_actions
    with qtbot.waitSignal(actions.export_finished, timeout=WAIT) as blocker:
        assert actions.export(tmp_path / "missing" / "out.csv", "csv", statuses=None) is not None
    assert blocker.args == [None]
    assert tab.error_bar.isVisible() and tab.error_bar.text().startswith("Export to out.csv failed: ")
    assert actions.export_action.isEnabled() and tab.message.text() == ""


def test_a_cancelled_import_stores_nothing(qtbot: QtBot, tab: ReviewTab, service: InferenceService,
                                           tmp_path: Path) -> None:
    path = tmp_path / "more.txt"
    path.write_text("one\ntwo\nthree\n", encoding="utf-8")
    gate = threading.Event()
    service.submit("other", "wait", gate)  # another job holds the inference thread: the import waits
    actions = tab.project_actions
    assert actions.import_file(path, "lines") is not None
    assert not actions.import_action.isEnabled() and "Importing more.txt…" in tab.message.text()
    with qtbot.waitSignal(actions.import_finished, timeout=WAIT) as blocker:
        tab.cancel()  # Edit ▸ Cancel
        gate.set()
    assert blocker.args == [None]
    assert tab.project.count() == len(TEXTS) and tab.browser.model.rowCount() == len(TEXTS)
    assert tab.message.text() == "Import of more.txt cancelled: nothing was stored."
    assert actions.import_action.isEnabled()


def test_malformed_import_names_file_and_line_and_stores_nothing(qtbot: QtBot, tab: ReviewTab,
                                                                 tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine"}\n{"text": "also fine"}\n{"text": broken\n', encoding="utf-8")
    with qtbot.waitSignal(tab.project_actions.import_finished, timeout=WAIT) as blocker:
        assert tab.project_actions.import_file(bad) is not None
    assert blocker.args == [None]
    assert tab.error_bar.isVisible() and tab.error_bar.text().startswith(f"{bad}:3")
    assert tab.project.count() == len(TEXTS)


def test_metrics_are_computed_in_the_worker_and_the_newest_refresh_wins(
        qtbot: QtBot, tab: ReviewTab, service: InferenceService) -> None:
    project = tab.project
    ids = project.document_ids()
    text = TEXTS[0]
    angela, paris, google = (text.index(w) for w in ("Angela", "Paris", "Google"))
    project.set_spans(ids[0], [(angela, angela + 13, "PER"), (paris, paris + 5, "LOC")])
    project.set_spans(ids[0], [(angela, angela + 13, "PER"), (google, google + 6, "ORG")], source="model", model="m")
    project.set_status(ids[0], "ner", "accepted")
    project.set_spans(ids[1], [(0, 6, "MISC")], source="model", model="m")
    project.set_status(ids[1], "ner", "rejected")  # reviewed without edits: the proposal is adopted

    gate = threading.Event()
    service.submit("other", "wait", gate)  # hold the inference thread: the dialog waits for its job
    dialog = tab.show_metrics()
    assert dialog is not None and dialog.busy() and dialog.summary.text() == "Computing…"
    assert dialog.table.rowCount() == 0
    results: list[object] = []
    dialog.computed.connect(results.append)
    dialog.statuses["rejected"].setChecked(True)  # supersedes the queued computation
    with qtbot.waitSignal(dialog.computed, timeout=WAIT) as blocker:
        gate.set()
    result = blocker.args[0]
    assert result is dialog.scores and result.documents == 2
    rows = {dialog.table.item(r, 0).text(): [dialog.table.item(r, c).text() for c in range(1, 8)]
            for r in range(dialog.table.rowCount())}
    assert rows["PER"] == ["1.000", "1.000", "1.000", "1", "1", "0", "0"]
    assert rows["LOC"] == ["0.000", "0.000", "0.000", "1", "0", "0", "1"]
    assert rows["ORG"][4:] == ["0", "1", "0"] and rows["MISC"][4:] == ["1", "0", "0"]
    assert rows["micro"][:3] == ["0.667", "0.667", "0.667"]
    assert "2 reviewed documents" in dialog.summary.text()
    qtbot.wait(100)
    assert results == [result]  # the superseded computation never reached the dialog

    dialog.statuses["accepted"].setChecked(False)
    dialog.statuses["rejected"].setChecked(False)
    assert dialog.summary.text() == "Tick at least one status." and results[-1] is None and not dialog.busy()

    gate = threading.Event()
    service.submit("other", "wait", gate)
    dialog.statuses["accepted"].setChecked(True)
    assert dialog.busy()
    dialog.close()  # closing cancels the computation
    assert not dialog.busy()
    gate.set()
    qtbot.waitUntil(lambda: not service.is_busy(METRICS_KEY), timeout=WAIT)
    assert results[-1] is None and len(results) == 2


def test_closing_the_project_closes_the_metrics(qtbot: QtBot, tab: ReviewTab) -> None:
    dialog = tab.show_metrics()
    assert dialog is not None
    with qtbot.waitSignal(dialog.computed, timeout=WAIT):
        pass
    assert "No documents to compare yet" in dialog.summary.text()
    tab.close_project()
    assert not dialog.isVisible()


def test_the_project_stays_readable_while_an_import_is_being_stored(
        qtbot: QtBot, tab: ReviewTab, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The import writes through its own connection: the GUI's reads neither wait for it nor see half of it."""
    from bert_desk.project import importers

    started, proceed = threading.Event(), threading.Event()
    real_tracked = importers.tracked

    def paused(records: Any, *args: Any, **kwargs: Any) -> Any:
        for i, record in enumerate(real_tracked(records, *args, **kwargs)):
            yield record
            if i == 0:
                started.set()
                assert proceed.wait(WAIT / 1000)

    monkeypatch.setattr(importers, "tracked", paused)
    path = tmp_path / "more.txt"
    path.write_text("one\ntwo\nthree\n", encoding="utf-8")
    before = tab.project.count()
    actions = tab.project_actions
    assert actions.import_file(path, "lines") is not None
    assert started.wait(WAIT / 1000)  # the worker is inside the import transaction
    assert tab.project.count() == before  # answered at once, without the uncommitted documents
    with qtbot.waitSignal(actions.import_finished, timeout=WAIT) as blocker:
        proceed.set()
    assert len(blocker.args[0]) == 3 and tab.project.count() == before + 3


def test_escape_clears_the_selection_first_then_cancels_the_running_export(
        qtbot: QtBot, tab: ReviewTab, slow_writer: SlowWriter, tmp_path: Path) -> None:
    from tests.ui.review.conftest import key

    actions, view = tab.project_actions, tab.panel.view
    assert actions.export(tmp_path / "out.jsonl", "jsonl", statuses=None) is not None
    assert slow_writer.started.wait(WAIT / 1000)
    view.select_py(0, 4)
    key(view, Qt.Key.Key_Escape)
    assert not view.textCursor().hasSelection() and actions.busy()  # the first Esc only drops the selection
    with qtbot.waitSignal(actions.export_finished, timeout=WAIT) as blocker:
        key(view, Qt.Key.Key_Escape)
        slow_writer.proceed.set()
    assert blocker.args == [None] and "cancelled" in tab.message.text()
    assert not (tmp_path / "out.jsonl").exists()
