"""Import as accepted: the import dialog's choice stores a labelled corpus as reviewed, accepted decisions (the
GUI's `bert-desk project import --status accepted`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QFileDialog
from pytestqt.qtbot import QtBot

from bert_desk.ui.review import ReviewTab
from bert_desk.ui.review import actions as actions_module
from bert_desk.ui.review.dialogs import ImportDialog

CONLL = "John B-person\nSmith I-person\nlikes O\nParis B-location\n\nA O\nplain O\nline O\n\n"


def test_the_checkbox_is_offered_for_reviewed_annotations_only(qtbot: QtBot, tmp_path: Path) -> None:
    data = tmp_path / "corpus.conll"
    data.write_text(CONLL, encoding="utf-8")
    dialog = ImportDialog(str(data))
    qtbot.addWidget(dialog)
    assert not dialog.accepted.isChecked() and dialog.options().status is None  # off unless asked for
    dialog.accepted.setChecked(True)
    assert dialog.options().status == "accepted"
    dialog.source.setCurrentIndex(dialog.source.findData("model"))  # model proposals are never "reviewed"
    assert not dialog.accepted.isEnabled() and dialog.options().status is None
    dialog.source.setCurrentIndex(dialog.source.findData("human"))
    assert dialog.accepted.isEnabled() and dialog.options().status == "accepted"


@pytest.mark.parametrize("accept", [True, False])
def test_imported_documents_are_accepted_when_ticked(qtbot: QtBot, tab: ReviewTab, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch, accept: bool) -> None:
    data = tmp_path / "corpus 😀.conll"
    data.write_text(CONLL, encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(data), ""))

    def answer(dialog: ImportDialog) -> int:
        dialog.accepted.setChecked(accept)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(actions_module.ImportDialog, "exec", answer)
    project = tab.project
    assert project is not None
    actions = tab.project_actions
    with qtbot.waitSignal(actions.import_finished, timeout=60_000) as blocker:
        assert actions.import_file() is not None  # File ▸ Import…: the dialog, then the worker's job
    first, second = blocker.args[0]
    text = project.document(first).text
    assert [(text[s.start:s.end], s.label) for s in project.spans(first)] == [("John Smith", "person"),
                                                                                ("Paris", "location")]
    assert project.review(first, "ner").status == ("accepted" if accept else "unreviewed")
    assert project.review(second, "ner").status == ("accepted" if accept else "unreviewed")  # a sentence without entities: reviewed too
    assert first in project.document_ids(task="ner", status="accepted") or not accept
