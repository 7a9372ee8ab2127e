"""Issue 21 in the Review tab: nothing of the last project's runs carries into the next one."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from bert_desk.ui.review import ReviewTab
from tests.ui.review.conftest import TabFactory

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


CONLL = ("-DOCSTART- -X- -X- O\n\nCRICKET NNP B-NP O\n- : O O\nLEICESTERSHIRE NNP B-NP B-ORG\n\n"
         "LONDON NNP B-NP B-LOC\n1996-08-30 CD I-NP O\n")


def test_the_import_dialog_previews_every_format(qtbot: QtBot, tmp_path: Path) -> None:
    from bert_desk.ui.review.dialogs import ImportDialog

    conll = tmp_path / "valid.txt"  # CoNLL-2003's own name: recognised by the content
    conll.write_text(CONLL, encoding="utf-8")
    dialog = ImportDialog(str(conll))
    qtbot.addWidget(dialog)

    def shown() -> list[tuple[str, str]]:
        table = dialog.preview
        return [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())]

    assert dialog.detected.text() == "Detected: CoNLL (BIO tags)"
    assert shown() == [("CRICKET - LEICESTERSHIRE", "ORG (1 entity)"), ("LONDON 1996-08-30", "LOC (1 entity)")]
    assert dialog.preview_note.text() == "2 documents as CoNLL (BIO tags)"
    records = tmp_path / "records.jsonl"
    records.write_text("".join(f'{{"text": "doc {i}", "label": "POSITIVE"}}\n' for i in range(40)), encoding="utf-8")
    dialog.path.setText(str(records))
    assert shown() == [(f"doc {i}", "POSITIVE") for i in range(5)]
    assert dialog.preview_note.text().startswith("The first 5 documents as JSONL")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok"}\n{"text": 3}\n', encoding="utf-8")
    dialog.path.setText(str(bad))
    assert not dialog.preview.isVisibleTo(dialog) and "bad.jsonl:2" in dialog.preview_note.text()
    big = tmp_path / "big.txt"  # a big file previews from its head
    big.write_text("".join(f"line {i}\n" for i in range(200_000)), encoding="utf-8")
    dialog.path.setText(str(big))
    assert shown()[0] == ("line 0", "") and dialog.preview_note.text().startswith("The first 5 documents")


def test_undo_the_last_import_and_delete_selected_documents(qtbot: QtBot, tab: ReviewTab, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from bert_desk.ui import widgets

    removal = tab.removal
    assert not removal.undo_import_action.isEnabled() and removal.delete_action.isEnabled()
    conll = tmp_path / "valid.txt"
    conll.write_text(CONLL, encoding="utf-8")
    with qtbot.waitSignal(tab.project_actions.imported, timeout=WAIT):
        tab.project_actions.import_file(conll)
    assert tab.project.count() == 6
    assert removal.undo_import_action.isEnabled()
    assert removal.undo_import_action.text() == "Undo import of valid.txt (2 documents)"
    asked: list[str] = []
    monkeypatch.setattr(widgets, "ask_yes_no", lambda _p, _t, text, _y="Yes": asked.append(text) or False)
    assert removal.undo_import() is None and tab.project.count() == 6  # asked, and the user said No
    assert asked == ["Delete the 2 documents imported from valid.txt, with anything annotated on them since?"]
    monkeypatch.setattr(widgets, "ask_yes_no", lambda *_a: True)
    with qtbot.waitSignal(removal.removed, timeout=WAIT) as blocker:
        assert removal.undo_import() is not None
    assert blocker.args == ["Deleted the 2 documents imported from valid.txt."]
    assert tab.project.count() == 4 and tab.browser.model.rowCount() == 4
    assert not removal.undo_import_action.isEnabled() and tab.message.text() == blocker.args[0]

    tab.browser.view.selectRow(1)
    assert len(tab.browser.selected_docs()) == 1
    second = tab.browser.selected_docs()[0]
    with qtbot.waitSignal(removal.removed, timeout=WAIT) as blocker:
        assert removal.delete_selected() is not None
    assert blocker.args == ["Deleted 1 document."] and second not in tab.project.document_ids()
    assert [tab.project.document(i).position for i in tab.project.document_ids()] == [0, 1, 2]
    assert tab.browser.model.rowCount() == 3 and tab.panel.doc is not None
    assert removal.delete_action in tab.browser.view.actions()  # also in the list's context menu


def test_auto_advance_is_on_by_default_and_remembered(qtbot: QtBot, make_tab: TabFactory, tmp_path: Path,
                                                      project_path: Path) -> None:
    from bert_desk.ui.settings import Settings

    settings = Settings.from_file(str(tmp_path / "fresh.ini"))
    tab = make_tab(settings)
    assert tab.open_path(project_path)
    assert tab.auto_advance.isChecked()
    first = tab.panel.doc.id
    tab.set_status("accepted")  # accept: the next document shows
    assert tab.panel.doc is not None and tab.panel.doc.id != first
    tab.auto_advance.setChecked(False)
    tab.save_state()
    assert settings.review_state()[2] is False


def test_the_editor_shows_where_gold_and_model_disagree(tab: ReviewTab) -> None:
    from bert_desk.ui.review.disagreement import WAVE_COLOR

    project = tab.project
    doc_id = project.document_ids()[0]
    text = project.document(doc_id).text
    angela, paris, google = (text.index(w) for w in ("Angela", "Paris", "Google"))
    project.set_spans(doc_id, [(angela, angela + 13, "PER"), (paris, paris + 5, "LOC")])  # gold
    project.set_spans(doc_id, [(angela, angela + 13, "PER"), (paris, paris + 5, "GPE"), (google, google + 6, "ORG")],
                      source="model", model="spacy:x")
    tab.go_to(doc_id)
    tab.panel.refresh()  # as after a pre-annotation run
    waves = [m for m in tab.panel.view.marks() if m.style == "wave"]
    assert [(m.start, m.end, m.color) for m in waves] == [(paris, paris + 5, WAVE_COLOR), (google, google + 6, WAVE_COLOR)]
    assert waves[0].tooltip == "Reviewed LOC; the model proposed GPE"
    assert waves[1].tooltip == "The model proposed ORG here; the reviewed annotations have no entity"
    assert "2 disagreements with the model (wavy underline)" in tab.panel.header.text()
    view = tab.panel.view
    assert view.mark_at(google + 1) is None  # an underline is not an entity one can select
    assert view.mark_at(paris + 1).style == ""  # the entity under it is
    project.set_spans(doc_id, [(angela, angela + 13, "PER"), (paris, paris + 5, "GPE"), (google, google + 6, "ORG")])
    tab.panel.refresh()  # the reviewer took the model's version: nothing to show
    assert not [m for m in tab.panel.view.marks() if m.style] and "disagree" not in tab.panel.header.text()


def test_a_conll_sentence_is_shown_in_its_article(qtbot: QtBot, tab: ReviewTab, tmp_path: Path) -> None:
    conll = tmp_path / "valid.txt"
    conll.write_text("-DOCSTART- -X- -X- O\n\nOne NN O\n\nTwo NN O\n\nThree NN O\n\nFour NN O\n\n"
                     "-DOCSTART- -X- -X- O\n\nOther NN B-MISC\n", encoding="utf-8")
    with qtbot.waitSignal(tab.project_actions.imported, timeout=WAIT):
        tab.project_actions.import_file(conll)
    ids = tab.project.document_ids()[4:]  # after the fixture's 4 plain documents
    article = tab.panel.article
    tab.go_to(ids[2])  # "Three": two before it, one after it in its article
    assert article.before.isVisibleTo(tab) and article.before.text() == "Article 1, before: … One Two"
    assert article.after.text() == "After: Four …"
    tab.go_to(ids[4])  # the next article's only sentence: nothing around it
    assert not article.before.isVisibleTo(tab) and not article.after.isVisibleTo(tab)
    tab.go_to(tab.project.document_ids()[0])  # a plain document
    assert not article.before.isVisibleTo(tab)
