"""Sentiment tab: verdict and bars, shaded sentences, Cancel, error bar recovery, batch and drops."""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from pytestqt.qtbot import QtBot

from bert_desk.engine.types import SentimentResult
from bert_desk.worker import DEFAULT_HANDLERS, InferenceService, JobContext
from tests.ui.conftest import WindowFactory
from tests.ui.jobs import job_signal

TEXT = "This film was good. 😀 It was awful! 東京 was very moving."


def _run(qtbot: QtBot, window, tab: str = "sentiment", signal: str = "done"):
    with job_signal(qtbot, window.service, tab, signal) as blocker:
        qtbot.mouseClick(window.sentiment.run_button, Qt.MouseButton.LeftButton)
    return blocker.args[0]


def test_run_shows_verdict_bars_and_shaded_sentences(qtbot: QtBot, make_window: WindowFactory,
                                                     tiny_models: dict[str, Path]) -> None:
    window = make_window("--model", f"sentiment={tiny_models['sentiment3']}", "--device", "cpu")
    tab = window.sentiment
    tab.editor.setPlainText(TEXT)
    result: SentimentResult = _run(qtbot, window).result
    assert tab.result_view.headline.text().startswith(result.label)
    assert tab.picker.status.text().startswith("sentiment3 · transformers · cpu")  # the loaded model
    assert set(tab.result_view.bars) == {"negative", "neutral", "positive"}
    spans = tab.editor.spans()
    assert len(spans) == len(result.sentences) == 3
    for span, sent in zip(spans, result.sentences, strict=True):
        cursor = tab.editor.textCursor()
        cursor.setPosition(span.start)
        cursor.setPosition(span.end, cursor.MoveMode.KeepAnchor)
        assert cursor.selectedText() == TEXT[sent.start:sent.end]
        assert span.tooltip.startswith(sent.label) and "positive:" in span.tooltip
    assert tab.editor.span_at(spans[1].start) is spans[1]
    # the headline says it is the whole text's verdict, and how the sentences went beside it
    counts = {label: sum(s.label == label for s in result.sentences) for label in {s.label for s in result.sentences}}
    note = tab.result_view.note.text()
    assert note.startswith("The verdict is the whole text's")
    assert all(f"{n} {label}" in note for label, n in counts.items()), note
    assert "Device: CPU" in window.device_label.text() or window.device_label.text().startswith("Device: cpu")
    tab.editor.insertPlainText("more")
    assert tab.editor.spans() == []


def _slow_analyze(ctx: JobContext) -> object:
    ctx.progress(0.3, "thinking")
    deadline = time.monotonic() + 10
    while not ctx.cancel.cancelled and time.monotonic() < deadline:
        time.sleep(0.005)
    ctx.cancel.raise_if_cancelled()
    return None


@pytest.mark.parametrize("by_keys", [False, True], ids=["buttons", "keys"])
def test_cancel_stops_a_running_request(qtbot: QtBot, make_window: WindowFactory,
                                        tiny_models: dict[str, Path], by_keys: bool) -> None:
    """Run then Cancel, by the buttons or by Ctrl+Return then Esc (Esc with nothing running does nothing)."""
    service = InferenceService({**DEFAULT_HANDLERS, "sentiment": _slow_analyze})
    window = make_window("--model", f"sentiment={tiny_models['sentiment']}", service=service)
    tab = window.sentiment
    tab.editor.setPlainText("some text")
    tab.editor.setFocus()
    if by_keys:
        qtbot.keyClick(tab.editor, Qt.Key.Key_Escape)
        assert tab.state.text() != "Cancelling…"
    with job_signal(qtbot, service, "sentiment", "progressed"):
        if by_keys:
            qtbot.keyClick(tab.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        else:
            qtbot.mouseClick(tab.run_button, Qt.MouseButton.LeftButton)
    assert tab.cancel_button.isEnabled() and tab.progress.isVisible()
    with job_signal(qtbot, service, "sentiment", "cancelled"):
        if by_keys:
            qtbot.keyClick(tab.editor, Qt.Key.Key_Escape)
        else:
            qtbot.mouseClick(tab.cancel_button, Qt.MouseButton.LeftButton)
    assert not tab.cancel_button.isEnabled() and not tab.progress.isVisible()
    assert tab.state.text() == "Cancelled." and tab.editor.toPlainText() == "some text"


def test_failing_model_shows_error_bar_and_next_run_works(qtbot: QtBot, make_window: WindowFactory,
                                                          tiny_models: dict[str, Path], tmp_path: Path) -> None:
    window = make_window("--model", f"sentiment={tmp_path / 'missing-model'}", "--device", "cpu")
    tab = window.sentiment
    tab.editor.setPlainText("good")
    failed = _run(qtbot, window, signal="failed")
    assert tab.error_bar.isVisible() and tab.error_bar.text() == failed.message
    assert tab.picker.status.text().startswith("Not loaded:") and not tab.picker.progress.isVisible()
    assert tab.error_bar.details.toPlainText()
    tab.error_bar.details_button.setChecked(True)
    assert tab.error_bar.details.isVisible()
    tab.error_bar.copy()
    tab.picker.set_spec(str(tiny_models["sentiment"]))
    _run(qtbot, window)
    assert not tab.error_bar.isVisible()
    assert tab.result_view.bars


def test_batch_table_chart_and_export(qtbot: QtBot, make_window: WindowFactory, tiny_models: dict[str, Path],
                                      tmp_path: Path) -> None:
    window = make_window("--model", f"sentiment={tiny_models['sentiment']}", "--device", "cpu")
    batch = window.sentiment.batch
    source = tmp_path / "reviews.csv"
    with source.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "review"])
        writer.writerows([i, f"review {i}, very good 😀"] for i in range(12))
    with job_signal(qtbot, window.service, "sentiment.batch"):
        assert batch.open_file(str(source), column="review")
    assert batch.model.rowCount() == 12
    assert sum(batch.chart.counts().values()) == 12
    assert batch.export_csv_button.isEnabled()
    batch.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    scores = [float(batch.proxy.index(r, 2).data()) for r in range(12)]
    assert scores == sorted(scores, reverse=True)

    batch.export(str(tmp_path / "out.csv"), "csv")
    batch.export(str(tmp_path / "out.jsonl"), "jsonl")
    with (tmp_path / "out.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 12 and rows[0]["text"].startswith("review ")
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 12 and set(lines[0]) == {"line", "text", "label", "score", "scores"}

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok"}\n{"text": 3}\n', encoding="utf-8")
    assert not batch.open_file(str(bad))
    assert window.sentiment.error_bar.text().endswith("bad.jsonl:2: field 'text' is not a string")


def test_dropping_a_file_loads_it(make_window: WindowFactory, tmp_path: Path) -> None:
    window = make_window(show=False)
    path = tmp_path / "drop.txt"
    path.write_text("dropped 😀 text\r\nsecond line", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.sentiment.editor.dropEvent(event)
    assert window.sentiment.editor.toPlainText() == "dropped 😀 text\nsecond line"


def test_ctrl_enter_runs(qtbot: QtBot, make_window: WindowFactory, tiny_models: dict[str, Path]) -> None:
    window = make_window("--model", f"sentiment={tiny_models['sentiment']}", "--device", "cpu")
    with qtbot.waitActive(window):
        window.activateWindow()
    window.sentiment.editor.setPlainText("good")
    window.sentiment.editor.setFocus()
    with job_signal(qtbot, window.service, "sentiment"):
        qtbot.keyClick(window.sentiment.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.sentiment.editor.toPlainText() == "good"


def test_a_verdict_never_outlives_its_model(qtbot: QtBot, make_window: WindowFactory, tiny_models: dict[str, Path],
                                            tmp_path: Path) -> None:
    window = make_window("--model", f"sentiment={tiny_models['sentiment']}", "--device", "cpu")
    tab = window.sentiment
    tab.editor.setPlainText("A good film. A bad one.")
    _run(qtbot, window)
    assert tab.result_view.bars and tab.editor.spans()
    tab.picker.set_spec(str(tmp_path / "no-such-model"))
    tab.preload(str(tmp_path / "no-such-model"))  # the user picked another model: the old verdict goes
    assert not tab.result_view.bars and tab.editor.spans() == []
    assert tab.result_view.headline.text().startswith("No verdict: another model was chosen")
    tab.picker.set_spec(str(tiny_models["sentiment"]))
    _run(qtbot, window)
    assert tab.result_view.bars
    tab.picker.set_spec(str(tmp_path / "no-such-model"))
    _run(qtbot, window, signal="failed")  # a failed run leaves no verdict that looks current
    assert not tab.result_view.bars and "the last run failed" in tab.result_view.headline.text()


def test_only_a_model_that_loaded_joins_the_recent_ones(qtbot: QtBot, make_window: WindowFactory,
                                                        tiny_models: dict[str, Path], tmp_path: Path) -> None:
    window = make_window("--device", "cpu")
    tab = window.sentiment
    tab.editor.setPlainText("A good film.")
    missing = str(tmp_path / "no-such-model")
    tab.picker.combo.setEditText(missing)  # typed into the model box
    _run(qtbot, window, signal="failed")
    assert missing not in tab.picker.specs() and missing not in window.settings.recent_models("sentiment")
    good = str(tiny_models["sentiment"])
    tab.picker.combo.setEditText(good)
    _run(qtbot, window)
    assert good in tab.picker.specs() and window.settings.recent_models("sentiment")[0] == good


def test_cpu_precision_from_the_device_menu(qtbot: QtBot, make_window: WindowFactory, tiny_models: dict[str, Path],
                                            settings_file: Path) -> None:
    from bert_desk.engine.device import precision_preference
    from bert_desk.ui.settings import Settings

    window = make_window("--model", f"sentiment={tiny_models['sentiment']}", "--device", "cpu")
    try:
        with job_signal(qtbot, window.service, "app.device"):
            window.precision_actions["int8"].trigger()
        assert window.device_label.text().startswith("Device: CPU · ") and window.device_label.text().endswith(" · int8")
        assert window.precision_actions["int8"].isChecked() and precision_preference() == "int8"
        window.sentiment.editor.setPlainText("a fine film")
        result = _run(qtbot, window).result
        assert result.label in ("NEGATIVE", "POSITIVE")
        assert window.sentiment.picker.status.text().endswith(" · cpu · int8")
        assert Settings.from_file(str(settings_file)).precision == "int8"
    finally:
        with job_signal(qtbot, window.service, "app.device"):
            window.set_precision("auto")
    assert precision_preference() == "auto"
