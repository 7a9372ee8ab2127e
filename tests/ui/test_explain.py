"""The Explain panel of the Sentiment, QA and Entities tabs: shaded tokens at exact spans, the top tokens,
a label / answer / entity as target, progress, Cancel and supersede in the worker, and Export report…."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from bert_desk.engine.explain import IG, Explanation
from bert_desk.engine.offsets import OffsetMap
from bert_desk.worker import DEFAULT_HANDLERS, InferenceService, JobContext
from tests.ui.conftest import WindowFactory
from tests.ui.jobs import job_signal

TEXT = "A good film 😀 東京 café. Very moving!"


def _click(qtbot: QtBot, window, slot: str, button, signal: str = "done"):
    with job_signal(qtbot, window.service, slot, signal) as blocker:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    return blocker.args[0]


def _shaded(view) -> list[str]:
    """The text under each span of a view, read through Qt's cursor (UTF-16 positions)."""
    texts = []
    for span in view.spans():
        cursor = view.textCursor()
        cursor.setPosition(span.start)
        cursor.setPosition(span.end, cursor.MoveMode.KeepAnchor)
        texts.append(cursor.selectedText())
    return texts


def test_sentiment_explain_shades_tokens_and_ranks_them(qtbot: QtBot, make_window: WindowFactory,
                                                        tiny_models: dict[str, Path], tmp_path: Path) -> None:
    window = make_window("--model", f"sentiment={tiny_models['sentiment3']}", "--device", "cpu")
    tab, panel = window.sentiment, window.sentiment.explain
    assert not panel.view.isVisible() and not panel.steps.isEnabled()
    tab.editor.setPlainText(TEXT)
    result = _click(qtbot, window, "sentiment", tab.run_button).result
    assert [panel.label.itemText(i) for i in range(panel.label.count())][1:] == list(result.scores)
    exp: Explanation = _click(qtbot, window, "sentiment.explain", panel.explain_button).result
    assert exp.target == result.label and exp.method == "grad-input"
    view = panel.view
    assert view.isVisible() and view.headline.text().startswith(f"Why {result.label}?")
    assert _shaded(view.views["text"]) == [t.text for t in exp.tokens] == [
        "A", "good", "film", "😀", "東", "京", "c", "a", "f", "é", ".", "Very", "moving", "!"]
    spans = view.views["text"].spans()
    assert spans[3].tooltip == f"😀\nattribution {exp.tokens[3].attribution:+.4g}"
    top = exp.top(1)[0]
    assert view.top.item(0).text().startswith(f"1. {top.text}") and view.top.count() == min(15, len(exp.tokens))
    view.top.setCurrentRow(0)
    assert view.views["text"].textCursor().selectedText() == top.text
    assert view.scale.labels()[2] == f"for +{exp.scale:.3g}"
    # another label, integrated gradients
    panel.label.setCurrentIndex(panel.label.findData("neutral"))
    panel.method.setCurrentIndex(panel.method.findData(IG))
    assert panel.steps.isEnabled()
    panel.steps.setValue(6)
    exp = _click(qtbot, window, "sentiment.explain", panel.explain_button).result
    assert (exp.target, exp.method, exp.steps) == ("neutral", "ig", 6)
    assert "integrated gradients (6 steps)" in view.headline.text()
    # the report: the verdict, the sentences and the explanation, in one file; and the tab as PNG
    html, png = tmp_path / "r.html", tmp_path / "r.png"
    assert panel.export_to(str(html)) and panel.export_to(str(png), png=True)
    document = html.read_text(encoding="utf-8")
    assert "<h2>Sentiment</h2>" in document and "<h2>Why neutral?</h2>" in document and "東京" in document
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_export_asks_where_and_refuses_when_empty(qtbot: QtBot, make_window: WindowFactory,
                                                  tiny_models: dict[str, Path], tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window("--model", f"ner={tiny_models['ner']}", "--device", "cpu")
    tab = window.ner
    tab.explain.export()
    assert "Nothing to export yet" in tab.error_bar.text()
    tab.editor.setPlainText("Angela <b>Merkel</b> visited Paris")
    _click(qtbot, window, "ner", tab.run_button)
    out = tmp_path / "entities.html"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "HTML report (*.html)"))
    tab.explain.export()
    document = out.read_text(encoding="utf-8")
    assert "<h2>Entities:" in document and "&lt;" in document and "<b>" not in document
    assert tab.explain.state.text() == "Report saved: entities.html"


def test_qa_explains_the_selected_answer(qtbot: QtBot, make_window: WindowFactory,
                                         tiny_models: dict[str, Path]) -> None:
    window = make_window("--model", f"qa={tiny_models['qa']}", "--device", "cpu")
    tab, panel = window.qa, window.qa.explain
    context = "Angela Merkel visited Paris in May 😀."
    tab.context.setPlainText(context)
    tab.question.setEditText("Where did Angela play?")
    result = _click(qtbot, window, "qa", tab.run_button).result
    tab.answers.setCurrentRow(1)
    chosen = result.answers[1]
    exp = _click(qtbot, window, "qa.explain", panel.explain_button).result
    assert exp.span == (chosen.start, chosen.end)
    assert not panel.view.isHidden() and not panel.view.views["question"].isHidden()  # (the tab is not current)
    assert _shaded(panel.view.views["question"]) == ["Where", "did", "Angela", "play", "?"]
    assert _shaded(panel.view.views["text"]) == [t.text for t in exp.tokens if t.source == "context"]


def test_ner_explains_the_selected_entity(qtbot: QtBot, make_window: WindowFactory, tmp_path: Path,
                                          tiny_models: dict[str, Path]) -> None:
    from tests.engine.conftest import _build_fixed_ner

    folder = _build_fixed_ner(tmp_path / "bper", "B-PER")
    window = make_window("--model", f"ner={folder}", "--device", "cpu")
    tab = window.ner
    text = "angela 😀 merkel visited paris"
    tab.editor.setPlainText(text)
    result = _click(qtbot, window, "ner", tab.run_button).result
    tab.select_in_table(result.entities[2])  # as a click on the entity in the text does
    exp = _click(qtbot, window, "ner.explain", tab.explain.explain_button).result
    assert exp.span == (result.entities[2].start, result.entities[2].end) and exp.target == "PER"
    offsets = OffsetMap(text)
    assert [(s.start, s.end) for s in tab.explain.view.views["text"].spans()] == [
        offsets.span_to_qt(t.start, t.end) for t in exp.tokens]


def _slow_explain(ctx: JobContext) -> object:
    ctx.progress(0.2, "Window 1/1, step 4/50")
    deadline = time.monotonic() + 10
    while not ctx.cancel.cancelled and time.monotonic() < deadline:
        time.sleep(0.005)
    ctx.cancel.raise_if_cancelled()
    return None


def test_cancel_and_supersede(qtbot: QtBot, make_window: WindowFactory, tiny_models: dict[str, Path]) -> None:
    service = InferenceService({**DEFAULT_HANDLERS, "explain:sentiment": _slow_explain})
    window = make_window("--model", f"sentiment={tiny_models['sentiment']}", service=service)
    tab, panel = window.sentiment, window.sentiment.explain
    tab.editor.setPlainText("good")
    _click(qtbot, window, "sentiment.explain", panel.explain_button, "progressed")
    assert panel.progress.isVisible() and panel.cancel_button.isEnabled()
    assert panel.state.text() == "Window 1/1, step 4/50" and panel.progress.value() == 20
    assert tab.run_button.isEnabled()  # the main Run stays free
    first = panel.job
    _click(qtbot, window, "sentiment.explain", panel.explain_button, "progressed")  # supersedes the first
    assert panel.job is not first and first.job.token.cancelled
    _click(qtbot, window, "sentiment.explain", panel.cancel_button, "cancelled")
    assert panel.state.text() == "Explanation cancelled." and not panel.progress.isVisible()
    tab.editor.setPlainText("   ")
    panel.explain_button.click()
    assert tab.error_bar.text() == "Type or open a text first."


def test_a_spacy_model_cannot_be_explained(qtbot: QtBot, make_window: WindowFactory, spacy_ner: Path) -> None:
    window = make_window("--model", f"ner=spacy:{spacy_ner}")
    tab = window.ner
    tab.editor.setPlainText("Angela Merkel visited Paris")
    _click(qtbot, window, "ner.explain", tab.explain.explain_button, "failed")
    assert "transformers model" in tab.error_bar.text() and tab.explain.state.text() == "Explanation failed."
