"""Issue 21's polish, in the task tabs and dialogs: nothing cut off, nothing that looks like what it is not."""

from __future__ import annotations

import csv
import json
import os
import re
import stat
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QDialog, QPushButton, QStyle
from pytestqt.qtbot import QtBot

from bert_desk.engine.pretrain import FillMaskResult, MaskCandidate, MaskPrediction
from bert_desk.ui import widgets
from bert_desk.ui.main_window import MainWindow
from tests.ui.conftest import WindowFactory
from tests.ui.jobs import job_signal


def test_no_shortcut_row_is_cut_off(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window()
    window.show_shortcuts()
    dialog = window.findChild(QDialog, "shortcuts")
    table = dialog.table
    qtbot.waitExposed(dialog)
    metrics = table.fontMetrics()
    margin = 2 * (table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1)  # the item's
    for row in range(table.rowCount()):
        for column in (0, 1):
            item = table.item(row, column)
            if item is None or table.columnSpan(row, column) > 1:
                continue
            room = table.visualItemRect(item)
            needed = metrics.boundingRect(QRect(0, 0, room.width() - margin, 10_000),
                                          int(Qt.TextFlag.TextWordWrap), item.text())
            assert needed.height() <= room.height(), f"row {row} is cut: {item.text()!r}"
    dialog.close()


def _batch(qtbot: QtBot, window: MainWindow, path: Path, column: str | None = None) -> None:
    with job_signal(qtbot, window.service, "sentiment.batch"):
        assert window.sentiment.batch.open_file(str(path), column=column)


def test_batch_export_keeps_the_files_order_lines_and_scores(qtbot: QtBot, make_window: WindowFactory,
                                                              tiny_models: dict[str, Path], tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window("--model", f"sentiment={tiny_models['sentiment']}", "--device", "cpu")
    batch = window.sentiment.batch
    header = batch.table.horizontalHeader()
    assert header.sortIndicatorSection() == -1  # no arrow while rows are in the file's order
    source = tmp_path / "reviews.csv"
    texts = [f"review {i}: {'very good' if i % 3 else 'awful, bad'} 😀" for i in range(8)]
    with source.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "review"])
        writer.writerow([0, "a review\nover two lines"])  # a quoted text spanning lines 2-3
        writer.writerows([i, t] for i, t in enumerate(texts, start=1))
    _batch(qtbot, window, source, "review")
    assert header.sortIndicatorSection() == -1
    batch.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)  # the user sorts by score
    assert header.sortIndicatorSection() == 2

    asked: list[str] = []
    monkeypatch.setattr(widgets, "ask_yes_no", lambda _parent, _title, text, _yes="Yes": asked.append(text) or False)
    assert not batch.open_file(str(source), column="review")  # unexported results: asked, and the user said No
    assert asked and "9 results of reviews.csv have not been exported" in asked[0] and batch.model.rowCount() == 9

    out_csv, out_jsonl = tmp_path / "out.csv", tmp_path / "out.jsonl"
    old_umask = os.umask(0o022)
    try:
        batch.export(str(out_csv), "csv")
        batch.export(str(out_jsonl), "jsonl")
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(out_csv.stat().st_mode) == 0o644  # the umask's mode, not 0600
    with out_csv.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    labels = sorted(batch.model.results()[0].scores)
    assert list(rows[0]) == ["line", "text", "label", "score"] + [f"score_{label}" for label in labels]
    assert [r["line"] for r in rows] == ["2"] + [str(n) for n in range(4, 12)]  # the file's order, not the table's
    assert [r["text"] for r in rows] == ["a review\nover two lines", *texts]
    for row, result in zip(rows, batch.model.results(), strict=True):
        assert {label: float(row[f"score_{label}"]) for label in labels} == pytest.approx(result.scores, abs=1e-6)
    records = [json.loads(line) for line in out_jsonl.read_text(encoding="utf-8").splitlines()]
    assert [r["line"] for r in records] == [2, *range(4, 12)] and records[1]["text"] == texts[0]

    asked.clear()
    _batch(qtbot, window, source, "review")  # exported: nothing to ask
    assert asked == []


def test_a_file_full_of_control_characters_is_refused(make_window: WindowFactory, tmp_path: Path) -> None:
    """A valid UTF-8 file that is mostly control characters is not text: a clear error naming the file and
    line, in the batch and in a tab's Open…, rather than scores for noise. A stray control character passes."""
    window = make_window(show=False)
    noise = tmp_path / "noise.txt"
    noise.write_text("a normal first line\n" + "\x01\x02\x03x\x04\x05\x06\x07\x08" * 50 + "\n", encoding="utf-8")
    assert not window.sentiment.batch.open_file(str(noise))
    message = window.sentiment.error_bar.text()
    assert "noise.txt:2: not text: 400 control characters" in message and "binary file" in message
    window.ner.open_path(str(noise))
    assert window.ner.editor.toPlainText() == "" and "noise.txt:2: not text" in window.ner.error_bar.text()
    fine = tmp_path / "fine.txt"
    fine.write_text("a text with one stray \x07 bell\n", encoding="utf-8")
    window.ner.open_path(str(fine))
    assert window.ner.editor.toPlainText() == "a text with one stray \x07 bell\n"


def test_ask_yes_no_is_plain_text_and_defaults_to_no(qtbot: QtBot) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    seen: list[tuple[Qt.TextFormat, str]] = []

    def answer(button: str) -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append((box.textFormat(), box.defaultButton().text()))
        next(b for b in box.buttons() if b.text() == button).click()

    QTimer.singleShot(0, lambda: answer("Discard"))
    assert widgets.ask_yes_no(None, "Discard?", "<b>results.csv</b>", "Discard")
    QTimer.singleShot(0, lambda: answer("&No"))
    assert not widgets.ask_yes_no(None, "Discard?", "x", "Discard")
    assert seen[0][0] == Qt.TextFormat.PlainText and seen[0][1] == "&No"


def test_fill_mask_guesses_keep_the_masked_words_case_and_bars_line_up(qtbot: QtBot,
                                                                        make_window: WindowFactory) -> None:

    window = make_window()
    tab = window.pretrain
    window.tabs.setCurrentWidget(tab)
    tab.input.setText("the cat visited Paris .")
    tab.toggle_mask(16, 21)  # the user clicks "Paris"
    tab.toggle_mask(0, 3)  # and "the", at the sentence's start
    text = tab.input.text()
    assert text == "[MASK] cat visited [MASK] ."
    first, second = (m.start() for m in re.finditer(r"\[MASK\]", text))
    masks = (MaskPrediction(first, first + 6, (MaskCandidate("a", "a", 1, 0.6),
                                               MaskCandidate("everyone", "everyone", 2, 0.3))),
             MaskPrediction(second, second + 6, (MaskCandidate("london", "london", 3, 0.5),
                                                 MaskCandidate("x", "x", 4, 0.2))))
    tab.show_result(FillMaskResult(text, masks, "a cat visited london ."))
    assert tab.candidates.headline.text() == "Best guess: A cat visited London ."
    assert tab.findChild(QPushButton, "pretrain.use.2.1").text() == "London"
    qtbot.waitUntil(lambda: tab.candidates.bars[1][0].width() > 0)
    bars = tab.candidates.bars  # the two masks' bars start and end at the same x
    assert {b.mapTo(tab, b.rect().topLeft()).x() for row in bars for b in row} == {bars[0][0].mapTo(
        tab, bars[0][0].rect().topLeft()).x()}
    assert {b.width() for row in bars for b in row} == {bars[0][0].width()}
    tab.candidates.findChild(QPushButton, "pretrain.use.2.1").click()  # into the sentence with its case
    assert tab.input.text().startswith("[MASK] cat visited London .")
