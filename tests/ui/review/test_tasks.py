"""Question answering and sentiment in the Review tab."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from bert_desk.ui.review import ReviewTab
from tests.ui.review.conftest import TEXTS, key

CTRL = Qt.KeyboardModifier.ControlModifier


def test_questions_answers_and_no_answer(qtbot: QtBot, tab: ReviewTab) -> None:
    tab.set_task("qa")
    panel = tab.panel
    assert panel.qa.isVisible() and [b.text() for b in panel.legend.buttons()] == ["1  Set answer", "0  No answer"]
    qtbot.keyClicks(panel.qa.input, "Where did she go?")
    qtbot.keyClick(panel.qa.input, Qt.Key.Key_Return)
    doc_id = panel.doc.id
    (question,) = tab.project.questions(doc_id)
    assert question.text == "Where did she go?" and panel.qa.current_id() == question.id

    paris = TEXTS[0].index("Paris")
    view = panel.view
    view.setFocus()
    view.select_py(paris + 1, paris + 3)  # snapped to "Paris"
    key(view, Qt.Key.Key_1)
    (answer,) = tab.project.question(question.id).human
    assert (answer.start, answer.end) == (paris, paris + 5)
    assert "“Paris”" in panel.qa.list.item(0).text()
    assert [(m.start, m.end) for m in view.marks()] == [(paris, paris + 5)]

    key(panel.qa.list, Qt.Key.Key_0)  # keys work in the question list too
    assert tab.project.question(question.id).human[0].no_answer
    assert "no answer" in panel.qa.list.item(0).text()
    key(view, Qt.Key.Key_Z, CTRL)
    assert tab.project.question(question.id).human[0].start == paris
    key(view, Qt.Key.Key_Z, CTRL)
    key(view, Qt.Key.Key_Z, CTRL)  # undo the question itself
    assert tab.project.questions(doc_id) == [] and panel.qa.list.count() == 0
    key(view, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert [q.id for q in tab.project.questions(doc_id)] == [question.id]  # same id again
    panel.qa.remove_button.click()
    assert tab.project.questions(doc_id) == []
    tab.browser.view.undo()  # Edit ▸ Undo with the focus in the document list
    assert [q.id for q in tab.project.questions(doc_id)] == [question.id]


def test_answer_needs_a_question_and_a_selection(tab: ReviewTab) -> None:
    tab.set_task("qa")
    view = tab.panel.view
    key(view, Qt.Key.Key_1)
    assert "Add a question first" in tab.error_bar.text()
    tab.panel.add_question("Who?")
    key(view, Qt.Key.Key_1)
    assert "Select the answer" in tab.error_bar.text()


def test_sentiment_hotkeys_label_the_document(tab: ReviewTab) -> None:
    tab.set_task("sentiment")
    panel, view = tab.panel, tab.panel.view
    assert panel.labels == ["negative", "neutral", "positive"] and panel.doc_label.isVisible()
    assert panel.doc_label.text() == "No label yet: press 1–9"
    doc_id = panel.doc.id
    key(view, Qt.Key.Key_3)
    assert tab.project.label(doc_id).label == "positive"
    assert panel.doc_label.text().startswith("positive") and panel.legend.buttons()[2].isChecked()
    key(view, Qt.Key.Key_1)
    assert tab.project.label(doc_id).label == "negative"
    key(view, Qt.Key.Key_Z, CTRL)
    assert tab.project.label(doc_id).label == "positive"
    key(view, Qt.Key.Key_Delete)
    assert tab.project.label(doc_id) is None
    key(view, Qt.Key.Key_9)
    assert "No label on key 9" in tab.error_bar.text()


def test_undo_switches_back_to_the_task_it_changed(tab: ReviewTab) -> None:
    tab.set_task("sentiment")
    key(tab.panel.view, Qt.Key.Key_2)
    tab.set_task("ner")
    key(tab.panel.view, Qt.Key.Key_Z, CTRL)
    assert tab.task == "sentiment" and tab.project.label(tab.panel.doc.id) is None


def test_entity_hotkeys_follow_the_label_scheme_a_project_uses() -> None:
    """A fresh project gets the bundled model's CoNLL labels; spaCy proposals switch to OntoNotes types."""
    from bert_desk.ui.review.labels import default_labels

    assert default_labels("ner", []) == ["PER", "ORG", "LOC", "MISC"]
    assert default_labels("ner", ["LOC", "PER"]) == ["PER", "ORG", "LOC", "MISC"]
    assert default_labels("ner", ["GPE", "ORG", "PERSON", "DATE"]) == ["PERSON", "ORG", "GPE", "LOC", "DATE"]
    assert default_labels("ner", ["ORG", "DRUG"]) == ["PER", "ORG", "LOC", "MISC", "DRUG"]
    assert default_labels("sentiment", ["POSITIVE"]) == ["negative", "neutral", "POSITIVE"]
