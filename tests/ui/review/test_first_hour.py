"""Issue 21 in the Review tab: nothing of the last project's runs carries into the next one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from bert_desk.ui.review import ReviewTab

WAIT = 60_000


def test_a_pre_annotation_message_stays_with_its_project(qtbot: QtBot, tab: ReviewTab, spacy_ruler_spec: str,
                                                         tmp_path: Path) -> None:
    panel = tab.preannotate_panel
    panel.pickers["ner"].set_spec(spacy_ruler_spec)
    with qtbot.waitSignal(panel.finished_run, timeout=WAIT):
        qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    assert panel.state.text() == "Pre-annotated 4 documents."
    assert tab.create_project(tmp_path / "new.bdesk")  # a new, empty project
    assert panel.state.text() == ""
