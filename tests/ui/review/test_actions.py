"""Project actions: new/open/recent, import (one transaction, errors with file:line), export, attach."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QHeaderView,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from bert_desk.ui.review import ReviewTab, attach_review
from bert_desk.ui.review.actions import IO_KEY
from bert_desk.ui.review.dialogs import ExportDialog, ImportDialog
from bert_desk.ui.settings import RecentProjects, Settings
from bert_desk.worker import InferenceService
from tests.ui.conftest import WindowFactory
from tests.ui.review.conftest import TEXTS, key

WAIT = 60_000  # the first JSONL export imports spaCy (in the inference thread)


def test_export_jsonl_writes_the_accepted_spans(qtbot: QtBot, tab: ReviewTab, service: InferenceService,
                                                tmp_path: Path) -> None:
    view = tab.panel.view
    start = TEXTS[0].index("Angela")
    view.select_py(start, start + 3)
    key(view, Qt.Key.Key_1)
    key(view, Qt.Key.Key_A)
    out = tmp_path / "out.jsonl"
    progress: list[float] = []
    actions = tab.project_actions
    with qtbot.waitSignal(actions.export_finished, timeout=WAIT) as blocker:
        job = actions.export(out, "jsonl", statuses=["accepted"])
        assert job is not None and service.current_job(IO_KEY) is job  # a job of the inference thread
        job.progressed.connect(lambda e: progress.append(e.fraction))
        assert actions.busy() and actions.job_bar.isVisible() and "Exporting to out.jsonl…" in tab.message.text()
    report = blocker.args[0]
    assert report is not None and report.documents == 1
    assert progress and progress[-1] == 1.0
    assert not actions.busy() and not actions.job_bar.isVisible() and actions.export_action.isEnabled()
    (line,) = out.read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    assert record["text"] == TEXTS[0]
    assert [(s["start"], s["end"], s["label"]) for s in record["spans"]] == [(start, start + 6, "PER")]
    assert "Exported 1 documents to out.jsonl" in tab.message.text()


def test_export_dialog_defaults(qtbot: QtBot) -> None:
    dialog = ExportDialog("sentiment")
    qtbot.addWidget(dialog)
    assert dialog.options().fmt == "jsonl" and dialog.options().statuses == ("accepted",)
    assert dialog.options().task == "sentiment"
    dialog.format.setCurrentIndex(dialog.format.findData("conll"))
    assert dialog.options().task == "ner"
    for box in dialog.statuses.values():
        box.setChecked(True)
    assert dialog.options().statuses is None  # every status: every document


def test_export_dialog_says_how_many_documents_it_exports(qtbot: QtBot, tab: ReviewTab) -> None:
    """The count follows the task and ticked statuses (the project's own count); none ticked or none
    matching disables Export."""
    project = tab.project
    assert project is not None
    doc = project.document_ids()[0]
    project.set_status(doc, "ner", "accepted")
    dialog = ExportDialog("ner", count=lambda which, chosen: project.count(task=which, status=chosen))
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert dialog.summary.text() == "1 document will be exported." and ok.isEnabled()
    dialog.statuses["unreviewed"].setChecked(True)
    total = project.count()
    assert dialog.summary.text() == f"{total} documents will be exported." and total > 1
    dialog.task.setCurrentIndex(dialog.task.findData("sentiment"))  # nothing reviewed for sentiment yet
    assert dialog.summary.text() == f"{total} documents will be exported."
    dialog.statuses["unreviewed"].setChecked(False)
    assert dialog.summary.text() == "0 documents will be exported." and not ok.isEnabled()
    dialog.statuses["accepted"].setChecked(False)
    assert dialog.summary.text() == "Tick at least one status." and not ok.isEnabled()


def test_import_dialog_previews_the_rows_as_they_will_be_imported(qtbot: QtBot, tmp_path: Path) -> None:
    glue = tmp_path / "sst2.tsv"
    glue.write_text("sentence\tlabel\n\t1\na moving film\t1\na dull film\t0\n", encoding="utf-8")
    dialog = ImportDialog(str(glue))
    qtbot.addWidget(dialog)

    def shown() -> list[tuple[str, str]]:
        table = dialog.preview
        return [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())]

    assert dialog.preview.isVisibleTo(dialog)
    assert shown() == [("a moving film", "POSITIVE"), ("a dull film", "NEGATIVE")]  # the empty text is skipped
    dialog.label_map.setText("1=pos")
    assert shown() == [("a moving film", "pos"), ("a dull film", "0")]
    dialog.label_column.setCurrentIndex(dialog.label_column.findData(None))
    assert shown() == [("a moving film", ""), ("a dull film", "")]
    lines = tmp_path / "notes.txt"
    lines.write_text("one\ntwo\n", encoding="utf-8")
    dialog.path.setText(str(lines))
    assert shown() == [("one", ""), ("two", "")]  # every format is previewed (issue 21)


def test_import_csv_with_columns_and_errors_name_file_and_line(qtbot: QtBot, tab: ReviewTab, tmp_path: Path) -> None:
    good = tmp_path / "reviews.csv"
    good.write_text("id,body,mood\n1,Great food in Paris,positive\n2,Cold soup,negative\n", encoding="utf-8")
    dialog = ImportDialog(str(good))
    qtbot.addWidget(dialog)
    assert [dialog.column.itemText(i) for i in range(dialog.column.count())] == ["id", "body", "mood"]
    assert dialog.column.currentData() == "body"  # the column with the longest values
    dialog.label_column.setCurrentIndex(dialog.label_column.findData("mood"))
    opts = dialog.options()
    assert (opts.column, opts.label_column, opts.fmt) == ("body", "mood", None)
    actions = tab.project_actions
    with qtbot.waitSignal(actions.import_finished, timeout=WAIT) as blocker:
        job = actions.import_file(opts.path, opts.fmt, column=opts.column, label_column=opts.label_column)
        assert job is not None and not actions.import_action.isEnabled()
    ids = blocker.args[0]
    assert ids is not None and len(ids) == 2
    assert tab.project.label(ids[0]).label == "positive"
    assert tab.browser.model.rowCount() == 6 and tab.progress.text() == "0 of 6 reviewed"
    assert "Imported 2 documents from reviews.csv" in tab.message.text()

    bad = tmp_path / "bad.csv"
    bad.write_text("text,label\nfine,positive\nbroken,row,extra\n", encoding="utf-8")
    with qtbot.waitSignal(actions.import_finished, timeout=WAIT) as blocker:
        assert actions.import_file(bad, "csv") is not None
    assert blocker.args == [None]
    assert tab.error_bar.isVisible() and tab.error_bar.text().startswith(f"{bad}:3")  # one line, no class name
    assert tab.project.count() == 6  # nothing of the failed file was stored
    assert tab.browser.model.rowCount() == 6 and actions.import_action.isEnabled()


def test_import_dialog_suggests_names_for_sst2_labels(qtbot: QtBot, tab: ReviewTab, tmp_path: Path) -> None:
    """A 0/1 label column (GLUE's SST-2) gets the sentiment model's label names; a typed map is kept, a
    malformed one disables Import, and the import stores the renamed labels."""
    glue = tmp_path / "sst2.tsv"
    glue.write_text("sentence\tlabel\tsplit\na moving film \t1\ttrain\na dull film \t0\ttrain\n",
                    encoding="utf-8")
    dialog = ImportDialog(str(glue))
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert dialog.column.currentData() == "sentence" and dialog.label_column.currentData() == "label"
    assert dialog.label_map.text() == "0=NEGATIVE, 1=POSITIVE" and ok.isEnabled()
    dialog.label_column.setCurrentIndex(dialog.label_column.findData("split"))
    assert dialog.label_map.text() == ""  # the suggestion goes with the 0/1 column
    dialog.label_map.setText("0=neg")
    assert ok.isEnabled() and dialog.check_label_map() == {"0": "neg"}
    dialog.label_column.setCurrentIndex(dialog.label_column.findData("label"))
    assert dialog.label_map.text() == "0=neg"  # typed by the user: left alone
    dialog.label_map.setText("0=neg, 1")
    assert not ok.isEnabled() and dialog.map_error.text() == "label map entry '1' is not OLD=NEW"
    dialog.label_map.setText("0=NEGATIVE, 1=POSITIVE")
    opts = dialog.options()
    assert ok.isEnabled() and dialog.map_error.text() == "" and opts.label_map == {"0": "NEGATIVE", "1": "POSITIVE"}
    actions = tab.project_actions
    with qtbot.waitSignal(actions.import_finished, timeout=WAIT) as blocker:
        assert actions.import_file(opts.path, opts.fmt, column=opts.column, label_column=opts.label_column,
                                   label_map=opts.label_map) is not None
    ids = blocker.args[0]
    assert [tab.project.label(i).label for i in ids] == ["POSITIVE", "NEGATIVE"]


def test_edits_wait_for_a_running_import_without_freezing(qtbot: QtBot, tab: ReviewTab, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """While an import holds the project's write lock, an accept, an undo or a label change is refused at once
    with a message saying why (the GUI thread never waits on the lock); after the import, edits work again."""
    import threading

    from bert_desk.project import importers

    release = threading.Event()
    real = importers.import_file

    def held(*args: object, progress: Any, **kwargs: object) -> Any:
        def gate(fraction: float, message: str) -> None:
            progress(fraction, message)
            if fraction > 0:  # documents are being stored: the import's transaction is open
                release.wait(30)
        return real(*args, progress=gate, **kwargs)

    monkeypatch.setattr(importers, "import_file", held)
    data = tmp_path / "more.csv"
    data.write_text("text\nOne more review.\nAnd another.\n", encoding="utf-8")
    view, first = tab.panel.view, tab.panel.doc.id
    key(view, Qt.Key.Key_A)
    assert tab.project.review(first, "ner").status == "accepted"
    actions = tab.project_actions
    try:
        with qtbot.waitSignal(actions.import_finished, timeout=WAIT) as blocker:
            assert actions.import_file(data, "csv") is not None
            qtbot.waitUntil(lambda: actions.progress.maximum() == 100, timeout=WAIT)  # storing has begun
            tab.step(1)
            second = tab.panel.doc.id
            key(view, Qt.Key.Key_X)
            reason = "Importing more.csv: edits wait until it finishes (Esc cancels the import)."
            assert tab.error_bar.text() == reason and tab.project.review(second, "ner").status != "rejected"
            tab.error_bar.clear()
            key(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
            assert tab.error_bar.text() == reason and tab.project.review(first, "ner").status == "accepted"
            assert not tab.edit_labels(["PER", "LOC"])
            release.set()
    finally:
        release.set()
    assert blocker.args[0] is not None and len(blocker.args[0]) == 2
    assert tab.panel.doc.id == second  # the import did not move the reviewer
    key(view, Qt.Key.Key_X)
    assert tab.project.review(second, "ner").status == "rejected"
    assert tab.edit_labels(["PER", "LOC"])


def test_new_open_recent_and_close(tab: ReviewTab, tmp_path: Path, project_path: Path) -> None:
    recents = tab.project_actions.recents
    new = tmp_path / "fresh.bdesk"
    assert tab.project_actions.new_project(new)
    assert tab.project.path == new and tab.browser.model.rowCount() == 0
    assert tab.panel.header.text() == "No document."
    assert tab.project_actions.open_project(project_path)
    assert recents.paths() == [str(project_path.resolve()), str(new.resolve())]
    tab.project_actions.rebuild_recent()
    assert [a.text() for a in tab.project_actions.recent_menu.actions()][:2] == ["sample.bdesk", "fresh.bdesk"]
    missing = tmp_path / "gone.bdesk"
    recents.add(missing)
    assert not tab.project_actions.open_project(missing)
    assert "no such project file" in tab.error_bar.text() and str(missing) not in recents.paths()
    tab.close_project()
    assert tab.project is None and tab.pages.currentIndex() == 0
    assert not tab.project_actions.export_action.isEnabled()
    assert tab.project_actions.import_file(tmp_path / "x.txt") is None and "Open or create" in tab.error_bar.text()


def test_recent_projects_live_in_settings(tmp_path: Path) -> None:
    settings = Settings.from_file(str(tmp_path / "s.ini"))
    RecentProjects(settings).add(tmp_path / "a.bdesk")
    assert RecentProjects(Settings.from_file(str(tmp_path / "s.ini"))).paths() == [str(tmp_path / "a.bdesk")]


def test_attach_review_to_the_main_window(qtbot: QtBot, make_window: WindowFactory, project_path: Path) -> None:
    window = make_window(show=False)
    file_menu = window.menuBar().actions()[0].menu()
    assert isinstance(file_menu, QMenu)
    tab = attach_review(window, window.tabs, file_menu, window.service, window.settings, device=window.device)
    index = window.tabs.count() - 1
    assert window.tabs.widget(index) is tab and window.tabs.tabText(index) == "Review"
    names = [a.objectName() for a in file_menu.actions()]
    assert names.index("review.action.new_project") < names.index("action.quit")
    assert "review.action.export" in names and "review.menu.recent" in [
        a.menu().objectName() for a in file_menu.actions() if a.menu() is not None]
    train, versions = tab.loop.train_action, tab.loop.versions_action
    assert train in file_menu.actions() and versions in file_menu.actions()
    assert names.index("review.action.versions") < names.index("action.quit")
    assert not train.isEnabled() and not versions.isEnabled()  # no project yet
    assert tab.open_path(project_path)
    assert train.isEnabled() and versions.isEnabled()
    window.tabs.setCurrentIndex(0)
    versions.trigger()
    assert window.tabs.currentWidget() is tab and tab.loop.versions_dialog is not None
    assert tab.loop.versions_dialog.isVisible() and tab.loop.versions_dialog.task == tab.task
    window.close()
    assert tab.project is None  # closing the window closed the project
    assert not train.isEnabled() and not versions.isEnabled()


INTERACTIVE = (QPushButton, QCheckBox, QComboBox, QAbstractItemView, QPlainTextEdit, QLineEdit)


def _unnamed(root: QWidget) -> list[str]:
    """Interactive widgets without the same `review.*` objectName and accessibleName."""
    out = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not isinstance(widget, INTERACTIVE) or isinstance(widget, QHeaderView):
            continue
        parent, in_combo = widget.parentWidget(), False
        while parent is not None:
            in_combo = in_combo or isinstance(parent, QComboBox)
            parent = parent.parentWidget()
        if in_combo:
            continue  # a combo's popup list and line edit belong to the named combo
        if not widget.objectName().startswith("review.") or widget.accessibleName() != widget.objectName():
            out.append(f"{type(widget).__name__} {widget.objectName()!r} {widget.accessibleName()!r}")
    return out


def test_every_interactive_widget_is_named(qtbot: QtBot, tab: ReviewTab) -> None:
    tab.set_task("qa")
    assert _unnamed(tab) == []
    for dialog in (ImportDialog(), ExportDialog(), tab.show_metrics()):
        qtbot.addWidget(dialog)
        assert _unnamed(dialog) == []
    for role in ("documents", "text", "accept", "reject", "skip", "next", "prev", "task", "filter_status",
                 "search", "progress", "preannotate", "legend", "questions", "no_answer", "metrics"):
        widget = tab.findChild(QWidget, f"review.{role}")
        assert widget is not None and widget.accessibleName() == f"review.{role}", role
