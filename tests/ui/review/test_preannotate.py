"""Pre-annotation with a spaCy EntityRuler pipeline in the review's own thread, and the metrics."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from bert_desk.ui.review import ReviewTab
from tests.ui.review.conftest import TEXTS, key

WAIT = 60_000


def test_preannotate_stores_and_shows_proposals_then_metrics(qtbot: QtBot, tab: ReviewTab,
                                                              spacy_ruler_spec: str) -> None:
    panel = tab.preannotate_panel
    panel.pickers["ner"].set_spec(spacy_ruler_spec)
    with qtbot.waitSignal(panel.finished_run, timeout=WAIT) as blocker:
        qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
        assert panel.busy() and not panel.run_button.isEnabled() and panel.cancel_button.isEnabled()
    assert blocker.args == ["Pre-annotated 4 documents."]
    assert not panel.busy() and panel.run_button.isEnabled()
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


def test_preannotate_failure_is_shown(qtbot: QtBot, tab: ReviewTab, tmp_path) -> None:
    panel = tab.preannotate_panel
    panel.pickers["ner"].set_spec(f"spacy:{tmp_path / 'missing'}")
    with qtbot.waitSignal(panel.failed_run, timeout=WAIT):
        assert tab.preannotate()
    assert tab.error_bar.isVisible() and tab.error_bar.text()
    assert panel.run_button.isEnabled() and not panel.busy()


def test_cancel_stops_the_thread(qtbot: QtBot, tab: ReviewTab, monkeypatch) -> None:
    import threading

    from bert_desk.ui.review import preannotate_panel

    started = threading.Event()

    def slow(project, task, spec, *, progress, cancel, **_kw):  # type: ignore[no-untyped-def]
        progress(0.25, "1/4 documents")
        started.set()
        while True:
            cancel.raise_if_cancelled()
            threading.Event().wait(0.01)

    monkeypatch.setattr(preannotate_panel, "preannotate", slow)
    panel = tab.preannotate_panel
    panel.pickers["ner"].set_spec("anything")
    assert tab.preannotate()
    assert started.wait(10)
    qtbot.waitUntil(lambda: panel.progress.value() == 25, timeout=5000)
    with qtbot.waitSignal(panel.finished_run, timeout=10_000) as blocker:
        qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert "cancelled" in blocker.args[0] and not panel.busy() and not panel.progress.isVisible()
