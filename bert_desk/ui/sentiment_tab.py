"""Sentiment tab: one text (verdict, per-label bars, sentences shaded negative → positive) and batches."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from bert_desk.engine import report
from bert_desk.engine.offsets import OffsetMap
from bert_desk.engine.registry import TASKS
from bert_desk.engine.types import SentimentResult
from bert_desk.ui.batch import BatchPanel
from bert_desk.ui.chart import ScoreBars
from bert_desk.ui.explain_panel import ExplainPanel
from bert_desk.ui.highlight import Span, span_format
from bert_desk.ui.task_tab import AppContext, TaskTab
from bert_desk.ui.theme import polarity_color, scores_polarity
from bert_desk.ui.widgets import name, split
from bert_desk.worker import JobCancelled, JobDone, JobFailed, JobProgress


def sentence_tooltip(label: str, score: float, scores: dict[str, float]) -> str:
    lines = [f"{label} ({score:.1%})"]
    lines += [f"  {lab}: {s:.3f}" for lab, s in sorted(scores.items(), key=lambda kv: -kv[1])]
    return "\n".join(lines)


def sentence_summary(result: SentimentResult) -> str:
    """How the sentences went, most frequent label first: "3 positive · 3 negative"."""
    counts: dict[str, int] = {}
    for sentence in result.sentences:
        counts[sentence.label] = counts.get(sentence.label, 0) + 1
    return " · ".join(f"{n} {label.lower()}" for label, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


class SentimentTab(TaskTab):
    tab_id = "sentiment"
    task = "sentiment"
    title = TASKS["sentiment"].label

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.editor, self.open_button = self.text_input()
        self.editor.textChanged.connect(self._text_changed)
        self.result_view = name(ScoreBars("sentiment"), "sentiment.result")
        self._result: SentimentResult | None = None
        self.explain = ExplainPanel(self, self.explain_payload, self.report_sections, labels=True,
                                    hint=" towards a label (default: the predicted one)")

        single = QWidget()
        splitter = split(self.editor, self.result_view, (3, 2))
        single_layout = QVBoxLayout(single)
        single_layout.setContentsMargins(0, 0, 0, 0)
        single_layout.addLayout(self.action_row(self.open_button))
        single_layout.addWidget(split(splitter, self.explain, (3, 2), vertical=True), 1)

        self.batch = name(BatchPanel("sentiment"), "sentiment.batch")
        self.batch.texts_ready.connect(self.run_batch)
        self.batch.cancel_requested.connect(lambda: self.cancel_streams("batch"))
        self.batch.failed.connect(lambda message: self.error_bar.show_error(message))

        self.pages = name(QTabWidget(), "sentiment.pages")
        self.pages.addTab(single, "Text")
        self.pages.addTab(self.batch, "Batch")
        self.pages.setDocumentMode(True)
        self.layout_.addWidget(self.pages, 1)

    # -- input ------------------------------------------------------------------------------
    def set_input_text(self, text: str) -> None:
        self.pages.setCurrentIndex(0)
        self.editor.setPlainText(text)

    def request(self) -> tuple[str, Any] | None:
        text = self.editor.toPlainText()
        if not text.strip():
            self.error_bar.show_error("Type or open a text first.")
            return None
        self.pages.setCurrentIndex(0)
        return "sentiment", text

    def explain_payload(self) -> dict[str, Any] | None:
        """What Explain explains: the text (the label is the panel's choice)."""
        req = self.request()
        return None if req is None else {"text": req[1]}

    def report_sections(self) -> list[str]:
        return [report.sentiment_section(self._result)] if self._result is not None else []

    def run_batch(self, texts: list[str]) -> None:
        if self.submit("batch", "sentiment:batch", texts) is not None:
            self.error_bar.clear()
            self.pages.setCurrentIndex(1)
            self.batch.set_busy(True, f"Running {len(texts)} texts…")

    def save_state(self) -> None:
        self.ctx.settings.set_last_input("sentiment.input", self.editor.toPlainText())

    # -- results ----------------------------------------------------------------------------
    def _text_changed(self) -> None:
        if self._result is not None and self.editor.toPlainText() != self._result.text:
            self.editor.clear_spans()

    def result_outdated(self, why: str) -> None:
        if self._result is not None:
            self._result = None
            self.result_view.clear(f"No verdict: {why}.")
            self.editor.clear_spans()

    def show_result(self, result: SentimentResult) -> None:
        self._result = result
        self.explain.set_labels(list(result.scores))
        parts = ["The verdict is the whole text's" + (f", scored in {result.windows} overlapping windows"
                                                      if result.windows > 1 else "") + "."]
        if len(result.sentences) > 1:
            parts.append(f"Sentences: {sentence_summary(result)} (shaded in the text).")
        if getattr(result, "note", ""):
            parts.append(result.note)
        self.result_view.set_scores(result.label, result.score, result.scores, " ".join(parts))
        self.shade_sentences(result)

    def shade_sentences(self, result: SentimentResult) -> None:
        """Shade each sentence on the negative → positive scale, with its scores on hover."""
        text = self.editor.toPlainText()
        if text != result.text:
            self.editor.clear_spans()
            return
        spans = []
        offsets = OffsetMap(text)
        for sent in result.sentences:
            start, end = offsets.span_to_qt(sent.start, sent.end)
            color = polarity_color(scores_polarity(sent.scores or {sent.label: sent.score}))
            spans.append(Span(start, end, span_format(color), sentence_tooltip(sent.label, sent.score, sent.scores)))
        self.editor.set_spans(spans)

    def on_side_event(self, key: str, event: object) -> None:
        if key != "batch":
            return
        if isinstance(event, JobProgress):
            self.batch.show_progress(event.fraction, event.message)
        elif isinstance(event, JobDone):
            self.batch.set_busy(False)
            self.batch.show_results(event.result)
        elif isinstance(event, JobFailed):
            self.batch.set_busy(False, "Batch failed.")
            self.error_bar.show_error(event.message, event.details)
        elif isinstance(event, JobCancelled):
            self.batch.set_busy(False, "Batch cancelled.")
