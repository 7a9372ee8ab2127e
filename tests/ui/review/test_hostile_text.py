"""Hostile labels, texts and questions imported into a project show as the text they are: no image is
loaded, no widget grows to the markup's size, every tooltip shows the raw text."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtGui import Qt, QTextDocument
from PySide6.QtWidgets import QAbstractButton, QLabel
from pytestqt.qtbot import QtBot

from bert_desk.project import Project
from bert_desk.project.importers import import_file
from bert_desk.ui.review import ReviewTab
from bert_desk.ui.widgets import tip
from tests.ui.review.conftest import TabFactory

IMAGE = '<img src="/usr/share/pixmaps/debian-logo.png" width=3000 height=2000>'
LABEL = f"<b>POS</b>{IMAGE}"
TEXT = f"<h1>Big</h1> Angela Merkel {IMAGE} visited <a href='x'>Paris</a> & more."


def test_tip_shows_any_text_as_it_is() -> None:
    for text in (LABEL, TEXT, "a < b > c & d", "line one\n  indented", "<qt>already</qt>", "plain", "x\n<b>y</b>"):
        shown = tip(text)
        if Qt.mightBeRichText(shown):  # what Qt does with a tooltip
            document = QTextDocument()
            document.setHtml(shown)
            shown = document.toPlainText()
        assert shown == text
    assert tip("") == "" and tip("1 accepted, 2 skipped") == "1 accepted, 2 skipped"


def test_hostile_labels_and_texts_render_as_plain_text(qtbot: QtBot, make_tab: TabFactory, tmp_path: Path) -> None:
    data = tmp_path / "hostile.jsonl"
    start = TEXT.index("Angela")
    record = {"text": TEXT, "label": LABEL, "spans": [{"start": start, "end": start + 13, "label": LABEL}],
              "questions": [{"question": f"<i>who</i>{IMAGE}", "answers": [{"start": start, "end": start + 13}]}]}
    data.write_text(json.dumps(record) + "\n", encoding="utf-8")
    path = tmp_path / "hostile.bdesk"
    with Project.create(path) as project:
        import_file(project, data)
    tab: ReviewTab = make_tab()
    tab.resize(1000, 700)
    tab.show()
    assert tab.open_path(path)
    for task in ("sentiment", "ner", "qa"):
        tab.set_task(task)
        tab.go_to(tab.project.document_ids()[0])
        qtbot.wait(20)
        assert tab.sizeHint().width() < 2000 and tab.sizeHint().height() < 1500, task
        for widget in tab.findChildren(QLabel):
            if LABEL in widget.text() or "<i>who</i>" in widget.text():
                assert widget.textFormat().name == "PlainText", (task, widget.objectName())
            assert widget.sizeHint().width() < 2000, (task, widget.objectName())
        for widget in [*tab.findChildren(QLabel), *tab.findChildren(QAbstractButton)]:
            tooltip = widget.toolTip()
            if Qt.mightBeRichText(tooltip) and ("<b>" in tooltip or "<img" in tooltip):
                raise AssertionError(f"{task}: {widget.objectName()} has markup in its tooltip: {tooltip!r}")
    tab.set_task("sentiment")
    assert LABEL in tab.panel.doc_label.text()
    legend = [b for b in tab.panel.legend.findChildren(QAbstractButton) if LABEL in b.text()]
    assert legend and all(b.sizeHint().width() < 2000 for b in legend)



def test_export_dialog_says_what_each_format_keeps(qtbot: QtBot) -> None:
    from bert_desk.project.exporters import CARRIES
    from bert_desk.ui.review.dialogs import ExportDialog

    dialog = ExportDialog("ner")
    qtbot.addWidget(dialog)
    dialog.format.setCurrentIndex(dialog.format.findData("conll"))
    assert dialog.carries.text() == CARRIES["conll"] and "lossy" in dialog.carries.text()
    dialog.format.setCurrentIndex(dialog.format.findData("jsonl"))
    assert dialog.carries.text().startswith("everything")
