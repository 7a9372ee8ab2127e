"""The model in the loop in the Review tab: least-sure order and key, disagreement filter, bulk accept and its
undo, entity boundaries by a word, and training a version in a separate process."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from bert_desk.project import Project
from bert_desk.ui.review import ReviewTab
from bert_desk.ui.review.train_panel import TrainDialog
from tests.tiny_models import build_tiny_model
from tests.ui.review.conftest import TEXTS, key, spans

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
TEXT = TEXTS[0]
ANGELA, PARIS = TEXT.index("Angela"), TEXT.index("Paris")


def propose(project: Project, doc_id: int, items: list[tuple[int, int, str, float]], confidence: float) -> None:
    project.set_spans(doc_id, [(s, e, lab) for s, e, lab, _ in items], source="model", model="m")
    with project.transaction():
        for s, _, _, score in items:
            project.db.execute("UPDATE spans SET score = ? WHERE doc_id = ? AND source = 'model' AND start = ?",
                               (score, doc_id, s))
        project.set_confidence(doc_id, "ner", confidence)


def test_least_sure_first_the_u_key_and_the_sure_column(tab: ReviewTab) -> None:
    project = tab.project
    ids = project.document_ids()
    for doc_id, confidence in zip(ids, (0.9, 0.3, 0.6, 0.1), strict=True):
        propose(project, doc_id, [], confidence)
    tab.browser.order.setCurrentIndex(tab.browser.order.findData("confidence"))
    model = tab.browser.model
    assert [model.doc_id(r) for r in range(model.rowCount())] == [ids[3], ids[1], ids[2], ids[0]]
    assert model.index(0, 3).data() == "0.10"
    tab.panel.view.setFocus()
    key(tab.panel.view, Qt.Key.Key_A)  # accept the least sure one; U goes to the next least sure
    key(tab.panel.view, Qt.Key.Key_U)
    assert tab.panel.doc.id == ids[1] and "0.30 sure" in tab.message.text()


def test_disagreement_filter_lists_documents_the_reviewer_changed(tab: ReviewTab) -> None:
    project = tab.project
    first, second, *_ = project.document_ids()
    for doc_id in (first, second):
        propose(project, doc_id, [(PARIS if doc_id == first else 0, (PARIS + 5) if doc_id == first else 6,
                                   "LOC", 0.9)], 0.9)
    project.set_status(second, "ner", "accepted")  # taken as proposed
    project.set_spans(first, [(ANGELA, ANGELA + 13, "PER")])  # the reviewer disagreed
    tab.browser.disagree.setChecked(True)
    model = tab.browser.model
    assert [model.doc_id(r) for r in range(model.rowCount())] == [first]
    assert tab.browser.count.text() == "1 document shown"


def test_bulk_accept_the_list_is_one_undo_step(tab: ReviewTab) -> None:
    project = tab.project
    ids = project.document_ids()
    propose(project, ids[0], [(ANGELA, ANGELA + 13, "PER", 0.95), (PARIS, PARIS + 5, "LOC", 0.5)], 0.5)
    propose(project, ids[1], [(TEXTS[1].index("Paris"), TEXTS[1].index("Paris") + 5, "LOC", 0.97)], 0.97)
    assert tab.loop.bulk_accept(0.9, all_listed=True)
    assert spans(tab, 0) == [(ANGELA, ANGELA + 13, "PER")]
    assert [project.review(d, "ner").status for d in ids[:2]] == ["unreviewed", "accepted"]
    assert tab.browser.model.index(1, 2).data() == "accepted"
    assert tab.undo_stack.count() == 1
    tab.panel.view.setFocus()
    key(tab.panel.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [project.review(d, "ner").status for d in ids[:2]] == ["unreviewed", "unreviewed"]
    assert spans(tab, 0) == [(ANGELA, ANGELA + 13, "PER"), (PARIS, PARIS + 5, "LOC")]
    assert tab.browser.model.index(1, 2).data() == "unreviewed"
    assert not tab.loop.bulk_accept(0.99)  # nothing that sure in this document: refused, nothing pushed
    assert "no proposal scored 0.99" in tab.error_bar.message.text()


def test_shift_arrows_move_the_selected_entity_by_a_word(tab: ReviewTab) -> None:
    view = tab.panel.view
    tab.project.add_span(tab.panel.doc.id, ANGELA, ANGELA + 6, "PER")  # "Angela"
    tab.panel.refresh()
    view.select_py(ANGELA + 1, ANGELA + 1)
    key(view, Qt.Key.Key_Right, SHIFT)  # the end takes "Merkel"
    assert spans(tab) == [(ANGELA, ANGELA + 13, "PER")]
    key(view, Qt.Key.Key_Right, CTRL_SHIFT)  # the start drops "Angela"
    assert spans(tab) == [(ANGELA + 7, ANGELA + 13, "PER")]
    key(view, Qt.Key.Key_Left, CTRL_SHIFT)
    key(view, Qt.Key.Key_Left, SHIFT)
    assert spans(tab) == [(ANGELA, ANGELA + 6, "PER")]
    key(view, Qt.Key.Key_Left, SHIFT)  # one word is as small as it gets
    assert spans(tab) == [(ANGELA, ANGELA + 6, "PER")] and "cannot move" in tab.message.text()
    key(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert spans(tab) == [(ANGELA, ANGELA + 13, "PER")]
    view.select_py(PARIS + 6, PARIS + 6)  # no entity at the caret: Shift+Right selects text as usual
    key(view, Qt.Key.Key_Right, SHIFT)
    assert view.selection() == (PARIS + 6, PARIS + 7)


def test_train_dialog_runs_the_cli_and_uses_the_new_version(qtbot: QtBot, tab: ReviewTab, tmp_path: Path) -> None:
    model = build_tiny_model(tmp_path / "tiny", "ner", max_positions=160)
    project = tab.project
    ids = project.add_documents([f"john smith works at apple in paris {i}" for i in range(12)])
    for doc_id in ids:
        project.set_spans(doc_id, [(0, 4, "PER")], source="model", model=str(model))
        project.set_spans(doc_id, [(0, 10, "person"), (20, 25, "product")])
        project.set_status(doc_id, "ner", "accepted")
    unreviewed = project.document_ids()[0]
    project.set_spans(unreviewed, [(ANGELA, ANGELA + 6, "PER")])  # a human decision on an unreviewed document
    dialog = tab.loop.show_training()
    assert isinstance(dialog, TrainDialog)
    dialog.epochs.setValue(1)
    assert dialog.start(resume=False)
    qtbot.waitUntil(lambda: not dialog.running(), timeout=240_000)
    assert dialog.version is not None, dialog.state.text()
    assert [v.name for v in project.versions.model_versions()] == ["ner-v1"]
    rows = [[dialog.table.item(r, c).text() for c in range(4)] for r in range(dialog.table.rowCount())]
    assert [r[0] for r in rows] == ["person", "product", "all (micro)"] and rows[-1][3] == "4"
    assert dialog.use_button.isEnabled()
    dialog.use_button.click()  # the new version pre-annotates the unreviewed documents in the background
    assert tab.preannotate_panel.spec("ner").endswith("ner-v1")
    qtbot.waitUntil(lambda: not tab.preannotate_panel.busy(), timeout=60_000)
    assert project.proposed_by(unreviewed, "ner")[0].endswith("ner-v1")  # type: ignore[index]
    assert spans(tab, 0) == [(ANGELA, ANGELA + 6, "PER")]  # the reviewer's decision is untouched
    assert project.proposed_by(ids[0], "ner")[0] == str(model)  # type: ignore[index]  accepted: not re-run
