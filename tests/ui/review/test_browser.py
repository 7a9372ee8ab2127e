"""Project browser: status/label/search filters, progress text, lazy paging of 20,000 documents."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from bert_desk.project import Project
from bert_desk.ui.review import ReviewTab
from bert_desk.ui.review.doc_model import PAGE
from tests.ui.review.conftest import TabFactory, key

CTRL = Qt.KeyboardModifier.ControlModifier


def _shown(tab: ReviewTab) -> list[str]:
    model = tab.browser.model
    return [model.data(model.index(r, 1)) for r in range(model.rowCount())]


def test_filter_by_status_label_and_search(qtbot: QtBot, tab: ReviewTab) -> None:
    view = tab.panel.view
    key(view, Qt.Key.Key_A)  # accept 1
    key(view, Qt.Key.Key_J)
    key(view, Qt.Key.Key_X)  # reject 2
    key(view, Qt.Key.Key_J)
    key(view, Qt.Key.Key_Space)  # skip 3
    assert tab.progress.text() == "3 of 4 reviewed"
    assert tab.progress.toolTip() == "1 accepted, 1 rejected, 1 skipped"
    status = tab.browser.status
    status.setCurrentIndex(status.findData("accepted"))
    assert _shown(tab) == ["😀 Angela Merkel visited Paris with Google engineers."]
    assert tab.browser.count.text() == "1 document shown"
    assert tab.panel.doc.position == 0  # the first row becomes current
    status.setCurrentIndex(status.findData("unreviewed"))
    assert _shown(tab) == ["A plain fourth document without names."]

    status.setCurrentIndex(0)
    tab.panel.view.select_py(0, 0)
    tab.browser.select_row(2)
    tab.panel.view.select_py(0, 6)
    key(view, Qt.Key.Key_2)  # ORG "Google" on the third document
    label = tab.browser.label
    assert label.findData("ORG") >= 0
    label.setCurrentIndex(label.findData("ORG"))
    assert _shown(tab) == ["Google hired a new chef."]
    label.setCurrentIndex(0)

    with qtbot.waitSignal(tab.browser.model.modelReset, timeout=2000):
        qtbot.keyClicks(tab.browser.search, "fourth")  # typing in the search box never triggers a review key
    assert _shown(tab) == ["A plain fourth document without names."]
    assert tab.project.review(tab.panel.doc.id, "ner").status == "unreviewed"


def test_progress_is_per_task_and_navigation_keys(tab: ReviewTab) -> None:
    view = tab.panel.view
    key(view, Qt.Key.Key_A)
    assert tab.progress.text() == "1 of 4 reviewed"
    tab.set_task("sentiment")
    assert tab.progress.text() == "0 of 4 reviewed"
    assert tab.panel.doc.position == 0  # the document stays when the task changes
    key(view, Qt.Key.Key_N)  # next unreviewed
    assert tab.panel.doc.position == 1
    key(view, Qt.Key.Key_K)
    assert tab.panel.doc.position == 0
    key(view, Qt.Key.Key_Left)
    assert tab.panel.doc.position == 0 and "first document" in tab.message.text()
    tab.set_task("ner")
    key(view, Qt.Key.Key_N)  # the first one is accepted: the next unreviewed is the second
    assert tab.panel.doc.position == 1
    key(tab.browser.view, Qt.Key.Key_Right)  # keys work in the document list too
    assert tab.panel.doc.position == 2


def test_auto_advance(tab: ReviewTab) -> None:
    tab.auto_advance.setChecked(True)
    key(tab.panel.view, Qt.Key.Key_A)
    assert tab.panel.doc.position == 1


def test_twenty_thousand_documents_open_instantly(qtbot: QtBot, tmp_path: Path, make_tab: TabFactory) -> None:
    path = tmp_path / "big.bdesk"
    with Project.create(path) as project:
        project.add_documents(f"Document number {i} about Paris." for i in range(20_000))
    tab = make_tab()
    tab.resize(1000, 600)
    tab.show()
    started = time.perf_counter()
    assert tab.open_path(path)
    qtbot.wait(1)
    elapsed = time.perf_counter() - started
    model = tab.browser.model
    assert model.rowCount() <= 2 * PAGE and tab.progress.text() == "0 of 20,000 reviewed"
    assert tab.browser.count.text() == "20,000 documents shown"
    assert elapsed < 1.5, f"opening took {elapsed:.2f}s"
    started = time.perf_counter()
    tab.browser.view.scrollToBottom()  # the view asks for the next page
    qtbot.wait(1)
    model.fetchMore(QModelIndex())
    assert PAGE < model.rowCount() <= 4 * PAGE
    last = tab.project.document_ids()[-1]
    tab.go_to(last)  # jumps fetch the pages up to it
    assert tab.panel.doc.id == last and tab.browser.current_doc() == last
    assert time.perf_counter() - started < 5
    tab.shutdown()
