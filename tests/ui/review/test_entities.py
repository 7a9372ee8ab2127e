"""Entities: keyboard annotation with exact Python offsets, relabel, delete, overlaps, undo/redo."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from bert_desk.engine.colors import label_color
from bert_desk.engine.offsets import utf16_index
from bert_desk.ui.review import ReviewTab
from tests.ui.review.conftest import TEXTS, key, select_keys, spans

CTRL = Qt.KeyboardModifier.ControlModifier
TEXT = TEXTS[0]
ANGELA = TEXT.index("Angela")  # 2 in Python, 3 in UTF-16 (the emoji is a surrogate pair)
PARIS = TEXT.index("Paris")


def test_keyboard_annotation_accept_next_and_undo(tab: ReviewTab) -> None:
    view = tab.panel.view
    assert tab.panel.labels[:4] == ["PER", "ORG", "LOC", "MISC"]
    assert tab.panel.legend.buttons()[0].text() == "1  PER"
    select_keys(tab, ANGELA, 8)  # "Angela M" -> snapped to "Angela Merkel"
    assert view.textCursor().selectionStart() == utf16_index(TEXT, ANGELA) == ANGELA + 1
    key(view, Qt.Key.Key_1)
    assert spans(tab) == [(ANGELA, ANGELA + len("Angela Merkel"), "PER")]
    assert TEXT[ANGELA:ANGELA + 13] == "Angela Merkel"
    marks = view.marks()
    assert [(m.start, m.end, m.color) for m in marks] == [(ANGELA, ANGELA + 13, label_color("PER"))]
    sel = view.extraSelections()[0]
    assert (sel.cursor.selectionStart(), sel.cursor.selectionEnd()) == (ANGELA + 1, ANGELA + 14)
    assert sel.cursor.selectedText() == "Angela Merkel"
    assert sel.format.background().color() == QColor(label_color("PER"))

    first = tab.panel.doc.id
    assert tab.progress.text() == "0 of 4 reviewed"
    key(view, Qt.Key.Key_A)
    assert tab.project.review(first, "ner").status == "accepted"
    assert tab.progress.text() == "1 of 4 reviewed"
    assert tab.browser.model.data(tab.browser.model.index(0, 2)) == "accepted"

    key(view, Qt.Key.Key_Right)
    assert tab.panel.doc.id != first and tab.panel.doc.text == TEXTS[1]
    assert tab.browser.current_row() == 1

    key(view, Qt.Key.Key_Z, CTRL)  # undo the accept: back on the first document
    assert tab.project.review(first, "ner").status == "unreviewed"
    assert tab.panel.doc.id == first and tab.progress.text() == "0 of 4 reviewed"
    key(view, Qt.Key.Key_Z, CTRL)  # undo the span
    assert spans(tab) == [] and view.marks() == []
    key(view, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)  # redo the span
    assert spans(tab) == [(ANGELA, ANGELA + 13, "PER")]
    view.undo()  # Edit ▸ Undo of the main window calls the focus widget's undo()
    assert spans(tab) == []


def test_snapping_can_be_turned_off_and_only_spaces_are_refused(tab: ReviewTab) -> None:
    view = tab.panel.view
    tab.panel.snap.setChecked(False)
    select_keys(tab, ANGELA, 3)
    key(view, Qt.Key.Key_2)
    assert spans(tab) == [(ANGELA, ANGELA + 3, "ORG")]
    tab.panel.snap.setChecked(True)
    space = TEXT.index(" visited")
    view.select_py(space, space + 1)
    key(view, Qt.Key.Key_3)
    assert "only spaces" in tab.error_bar.text() and tab.error_bar.isVisible()
    assert len(spans(tab)) == 1


def test_click_an_entity_then_relabel_and_delete(qtbot: QtBot, tab: ReviewTab) -> None:
    view = tab.panel.view
    view.select_py(PARIS, PARIS + 5)
    key(view, Qt.Key.Key_3)  # LOC
    view.select_py(ANGELA, ANGELA + 13)
    tab.panel.legend.buttons()[0].click()  # clicking a label adds too
    assert spans(tab) == [(ANGELA, ANGELA + 13, "PER"), (PARIS, PARIS + 5, "LOC")]

    cursor = view.textCursor()
    cursor.setPosition(view.offsets.to_qt(PARIS + 2))
    rect = view.cursorRect(cursor)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert tab.panel.focused_span() is not None and tab.panel.focused_span().label == "LOC"
    assert "LOC “Paris”" in tab.panel.info.text()
    key(view, Qt.Key.Key_4)  # relabel as MISC
    assert spans(tab)[1] == (PARIS, PARIS + 5, "MISC")
    view.select_py(PARIS + 1, PARIS + 1)
    key(view, Qt.Key.Key_Delete)
    assert spans(tab) == [(ANGELA, ANGELA + 13, "PER")]
    key(view, Qt.Key.Key_Z, CTRL)
    assert spans(tab)[1] == (PARIS, PARIS + 5, "MISC")
    key(view, Qt.Key.Key_Z, CTRL)
    assert spans(tab)[1] == (PARIS, PARIS + 5, "LOC")
    assert tab.undo_stack.undoText() == "Add PER entity"


def test_overlapping_entity_is_refused_with_a_visible_message(tab: ReviewTab) -> None:
    view = tab.panel.view
    view.select_py(ANGELA, ANGELA + 13)
    key(view, Qt.Key.Key_1)
    merkel = TEXT.index("Merkel")
    view.select_py(merkel, merkel + len("Merkel visited"))
    key(view, Qt.Key.Key_2)
    assert tab.error_bar.isVisible() and "overlap" in tab.error_bar.text()
    assert spans(tab) == [(ANGELA, ANGELA + 13, "PER")]
    assert tab.undo_stack.count() == 1  # the refused edit is not on the stack
    view.select_py(PARIS, PARIS + 5)
    key(view, Qt.Key.Key_3)
    assert not tab.error_bar.isVisible()  # the next edit that works clears the message


def test_model_proposals_are_adopted_on_first_edit(tab: ReviewTab) -> None:
    doc_id = tab.panel.doc.id
    tab.project.set_spans(doc_id, [(ANGELA, ANGELA + 13, "ORG")], source="model", model="m")
    tab.panel.refresh()
    assert [m.dashed for m in tab.panel.view.marks()] == [True]
    assert "proposals of m" in tab.panel.header.text()
    view = tab.panel.view
    view.select_py(ANGELA + 1, ANGELA + 1)
    key(view, Qt.Key.Key_1)  # relabel the proposal: the reviewed layer starts as its copy
    assert spans(tab) == [(ANGELA, ANGELA + 13, "PER")]
    assert [(s.label) for s in tab.project.spans(doc_id, source="model")] == ["ORG"]
    assert [m.dashed for m in view.marks() if not m.style] == [False]
    assert [m.tooltip for m in view.marks() if m.style] == ["Reviewed PER; the model proposed ORG"]  # a disagreement
    key(view, Qt.Key.Key_Z, CTRL)
    assert spans(tab) == [(ANGELA, ANGELA + 13, "ORG")]
