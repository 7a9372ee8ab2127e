"""Entities tab: colours per label at exact (UTF-16) positions, legend toggles, slider, table clicks."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QTextCursor
from pytestqt.qtbot import QtBot

from bert_desk.engine.colors import label_color
from bert_desk.engine.offsets import utf16_index
from bert_desk.ui.main_window import MainWindow
from bert_desk.ui.theme import HIGHLIGHT_TEXT
from tests.ui.conftest import WindowFactory
from tests.ui.jobs import job_signal

TEXT = "😀🇫🇷 Angela Merkel visited Paris, then 東京 😀."


def _doc_text(window: MainWindow, start: int, end: int) -> str:
    cursor = QTextCursor(window.ner.view.document())
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    return cursor.selectedText()


def _run(qtbot: QtBot, window: MainWindow) -> None:
    with job_signal(qtbot, window.service, "ner"):
        qtbot.mouseClick(window.ner.run_button, Qt.MouseButton.LeftButton)


def test_entities_get_label_colours_at_exact_positions(qtbot: QtBot, make_window: WindowFactory,
                                                        spacy_ner: Path) -> None:
    window = make_window("--model", f"ner=spacy:{spacy_ner}")
    window.tabs.setCurrentWidget(window.ner)
    window.ner.editor.setPlainText(TEXT)
    _run(qtbot, window)

    ranges = window.ner.view.entity_ranges()
    assert [(e.text, e.label) for e, _, _ in ranges] == [("Angela Merkel", "PERSON"), ("Paris", "GPE"), ("東京", "GPE")]
    first, start, _ = ranges[0]
    assert start == utf16_index(TEXT, first.start) == len(TEXT[: first.start].encode("utf-16-le")) // 2
    for ent, start, end in ranges:
        assert _doc_text(window, start, end) == ent.text
        for pos in (start + 1, end):  # the format of the character before `pos`
            cursor = QTextCursor(window.ner.view.document())
            cursor.setPosition(pos)
            fmt = cursor.charFormat()
            assert fmt.background().color() == QColor(label_color(ent.label))
            assert fmt.foreground().color() == HIGHLIGHT_TEXT  # dark text on pastel: readable in both themes
        label_chip = _doc_text(window, end, end + len(ent.label) + 2)
        assert label_chip.strip("\u202f") == ent.label
    assert "<" not in window.ner.view.toPlainText() or "<" in TEXT

    # legend: counts and toggles
    boxes = window.ner.legend.boxes()
    assert boxes["GPE"].text() == "GPE (2)" and boxes["PERSON"].text() == "PERSON (1)"
    boxes["GPE"].setChecked(False)
    assert [e.label for e, _, _ in window.ner.view.entity_ranges()] == ["PERSON"]
    assert window.ner.model.rowCount() == 1
    boxes["GPE"].setChecked(True)
    assert len(window.ner.view.entity_ranges()) == 3


def test_table_row_click_selects_span(qtbot: QtBot, make_window: WindowFactory, spacy_ner: Path) -> None:
    window = make_window("--model", f"ner=spacy:{spacy_ner}")
    window.tabs.setCurrentWidget(window.ner)
    window.ner.editor.setPlainText(TEXT)
    _run(qtbot, window)
    table = window.ner.table
    assert table.model().rowCount() == 3
    for row in range(3):
        index = table.model().index(row, 0)
        text = table.model().data(index)
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())
        assert window.ner.view.textCursor().selectedText() == text


def test_user_text_is_not_interpreted_as_html(qtbot: QtBot, make_window: WindowFactory, spacy_ner: Path) -> None:
    window = make_window("--model", f"ner=spacy:{spacy_ner}")
    text = "<b> Paris </b> &amp; <script> x </script> Angela Merkel"
    window.ner.editor.setPlainText(text)
    _run(qtbot, window)
    assert window.ner.view.toPlainText().replace("\u202fGPE\u202f", "").replace("\u202fPERSON\u202f", "") == text
    assert [e.text for e, _, _ in window.ner.view.entity_ranges()] == ["Paris", "Angela Merkel"]


def test_min_score_slider_filters_transformers_entities(qtbot: QtBot, make_window: WindowFactory,
                                                        tiny_models: dict[str, Path]) -> None:
    window = make_window("--model", f"ner={tiny_models['ner']}", "--device", "cpu")
    window.ner.editor.setPlainText("john smith visited paris and berlin")
    _run(qtbot, window)
    scores = [e.score for e in window.ner._result.entities]  # type: ignore[union-attr]
    assert len(window.ner.view.entity_ranges()) == window.ner.model.rowCount() > 0
    window.ner.min_score.setValue(100)
    assert window.ner.model.rowCount() == sum(s >= 1.0 for s in scores)
    assert window.ner.min_score_label.text() == "≥ 1.00"
    window.ner.min_score.setValue(0)
    assert window.ner.model.rowCount() > 0


def test_a_label_never_wraps_away_from_its_entity(make_window: WindowFactory) -> None:
    from bert_desk.engine.types import Entity, NERResult

    window = make_window(show=False)
    view = window.ner.view
    text = " ".join(["Paris"] * 40)
    entities = tuple(Entity(i * 6, i * 6 + 5, "B-MISC", 0.9, "Paris") for i in range(40))
    window.ner.show_result(NERResult(text, entities))
    doc = view.document()
    for width in range(90, 240, 7):  # wherever a line ends, the label stays on its entity's line
        doc.setTextWidth(width)
        doc.documentLayout().blockBoundingRect(doc.firstBlock())  # lays the paragraph out at that width
        layout = doc.firstBlock().layout()
        assert layout.lineCount() > 3  # the text wraps
        for _ent, _start, end in view.entity_ranges():
            chip_end = end + len("B-MISC") + 1  # the last character of the label chip
            assert layout.lineForTextPosition(end - 1).lineNumber() == layout.lineForTextPosition(chip_end).lineNumber()


def test_the_count_says_what_the_filters_show(qtbot: QtBot, make_window: WindowFactory, spacy_ner: Path) -> None:
    window = make_window("--model", f"ner=spacy:{spacy_ner}")
    window.ner.editor.setPlainText(TEXT)
    _run(qtbot, window)
    assert window.ner.state.text() == "3 entities found."
    window.ner.legend.boxes()["GPE"].setChecked(False)
    assert window.ner.state.text().startswith("1 of 3 entities shown")
    window.ner.legend.boxes()["GPE"].setChecked(True)
    assert window.ner.state.text() == "3 entities found."


def test_entity_table_columns_at_1024_px(qtbot: QtBot, make_window: WindowFactory, spacy_ner: Path) -> None:
    window = make_window("--model", f"ner=spacy:{spacy_ner}")
    window.resize(1024, 700)
    window.tabs.setCurrentWidget(window.ner)
    window.ner.editor.setPlainText("Angela Merkel visited Paris. " * 3)
    _run(qtbot, window)
    table, header = window.ner.table, window.ner.table.horizontalHeader()
    qtbot.waitUntil(lambda: header.sectionSize(0) > 0)
    for column in (1, 2, 3):  # Label, Score, Position fit their contents; the name column takes the rest
        fit = max(table.sizeHintForColumn(column), header.sectionSizeHint(column))
        assert header.sectionSize(column) <= fit + 2
    assert header.sectionSize(0) >= table.sizeHintForColumn(0)


def test_entities_never_outlive_their_input_or_model(qtbot: QtBot, make_window: WindowFactory, spacy_ner: Path,
                                                    tmp_path: Path) -> None:
    window = make_window("--model", f"ner=spacy:{spacy_ner}")
    tab = window.ner
    tab.editor.setPlainText(TEXT)
    _run(qtbot, window)
    assert tab.view.entity_ranges() and tab.model.rowCount() == 3
    tab.editor.insertPlainText("x")  # edited input: the old entities go, the view says why
    assert tab.view.entity_ranges() == [] and tab.model.rowCount() == 0 and tab.view.toPlainText() == ""
    assert tab.view.placeholderText().startswith("The text changed")
    _run(qtbot, window)
    assert tab.model.rowCount() == 3
    missing = str(tmp_path / "no-such-model")
    tab.picker.set_spec(missing)
    with job_signal(qtbot, window.service, "ner.load", "failed"):
        tab.preload(missing)  # another model, which fails to load: nothing looks current
    assert tab.model.rowCount() == 0 and tab.view.placeholderText().startswith("No entities shown")
