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


def test_export_formats_have_the_import_dialogs_friendly_names(qtbot: QtBot) -> None:
    from bert_desk.project.exporters import EXPORT_FORMATS
    from bert_desk.ui.review.dialogs import FORMAT_TITLES, ExportDialog, ImportDialog

    export, imports = ExportDialog("ner"), ImportDialog()
    for dialog in (export, imports):
        qtbot.addWidget(dialog)
    shown = [export.format.itemText(i) for i in range(export.format.count())]
    assert shown == [FORMAT_TITLES[fmt] for fmt in EXPORT_FORMATS]
    assert "Label Studio JSON" in shown and "labelstudio" not in shown
    for fmt in EXPORT_FORMATS:  # the same name in both dialogs
        assert imports.format.itemText(imports.format.findData(fmt)) == export.format.itemText(export.format.findData(fmt))
