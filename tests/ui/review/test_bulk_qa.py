"""Accept sure… on QA in the Review tab: the model's sure answers become reviewed ones, in one undo step."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from bert_desk.ui.review import ReviewTab
from bert_desk.ui.review import bulk as bulk_ui
from tests.ui.review.conftest import TEXTS, key

PARIS = (TEXTS[0].index("Paris"), TEXTS[0].index("Paris") + 5)


def propose(tab: ReviewTab, doc_index: int, items: list[tuple[str, tuple[int, int] | None, float]]) -> int:
    project = tab.project
    assert project is not None
    doc = project.document_ids()[doc_index]
    for question, span, score in items:
        start, end = span or (None, None)
        project.set_answer(project.add_question(doc, question), start, end, source="model", model="m", score=score)
    return doc


def reviewed(tab: ReviewTab, doc: int) -> list[list[tuple[int | None, int | None]]]:
    assert tab.project is not None
    return [[(a.start, a.end) for a in q.human] for q in tab.project.questions(doc)]


def test_sure_answers_of_the_list_in_one_undo_step(tab: ReviewTab, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tab.project
    assert project is not None
    first = propose(tab, 0, [("Where did she go?", PARIS, 0.96), ("Who paid?", None, 0.4)])
    second = propose(tab, 1, [("Which country?", None, 0.93)])
    tab.set_task("qa")
    offered: list[str] = []

    def choose(dialog: bulk_ui.BulkAcceptDialog) -> int:
        offered.extend(dialog.labels.item(i).text() for i in range(dialog.labels.count()))
        dialog.threshold.setValue(0.9)
        dialog.listed.setChecked(True)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(bulk_ui.BulkAcceptDialog, "exec", choose)
    assert tab.loop.bulk.isEnabled()
    tab.loop.bulk.click()
    assert offered == ["answer", "no_answer"]
    assert reviewed(tab, first) == [[PARIS], []]  # the unsure one stays a proposal
    assert reviewed(tab, second) == [[(None, None)]]  # a sure "no answer" is an answer too
    assert [project.review(d, "qa").status for d in (first, second)] == ["unreviewed", "accepted"]
    assert tab.browser.model.index(1, 2).data() == "accepted"
    assert tab.undo_stack.count() == 1 and "Ctrl+Z" in tab.message.text()
    tab.panel.view.setFocus()
    key(tab.panel.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert reviewed(tab, first) == [[], []] and reviewed(tab, second) == [[]]
    assert [project.review(d, "qa").status for d in (first, second)] == ["unreviewed", "unreviewed"]
    assert tab.browser.model.index(1, 2).data() == "unreviewed"
