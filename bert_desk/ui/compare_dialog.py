"""Compare two models on a tab's input: model A (the tab's) and model B (picked here), side by side.

`compare:<task>` runs both in the worker (the tab's `compare` stream: superseded by a newer comparison,
Cancel, progress). Each side shows the text with its result (entities in their label colours, sentences
shaded, the best answer); what differs is underlined in red and listed (`engine.compare.difference`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from bert_desk.engine import compare
from bert_desk.engine.colors import ANSWER_HEX, label_color, polarity_hex, scores_polarity
from bert_desk.engine.offsets import OffsetMap
from bert_desk.engine.types import NERResult, QAResult, SentimentResult
from bert_desk.ui.highlight import Span, TextEdit, span_format
from bert_desk.ui.job_follower import JobFollower
from bert_desk.ui.model_picker import ModelPicker
from bert_desk.ui.task_tab import TaskTab
from bert_desk.ui.widgets import name, never_widen, plain_label, split
from bert_desk.worker import JobHandle

STREAM = "compare"
DIFFERENT = QColor("#d93025")
Marked = tuple[int, int, str, str, bool]  # start, end, background, tooltip, differs


def _marks(task: str, result: Any, other: Any) -> list[Marked]:
    """The spans one side shows: its result, `differs` where the other side's result disagrees there."""
    if task == "ner":
        theirs = {(e.start, e.end, e.label) for e in other.entities}
        return [(e.start, e.end, label_color(e.label), f"{e.label} · {e.score:.2f}",
                 (e.start, e.end, e.label) not in theirs) for e in result.entities]
    if task == "sentiment":
        labels = {(s.start, s.end): s.label for s in other.sentences}
        return [(s.start, s.end, polarity_hex(scores_polarity(s.scores or {s.label: s.score})),
                 f"{s.label} · {s.score:.2f}", labels.get((s.start, s.end)) != s.label) for s in result.sentences]
    if result.answers and not result.no_answer:
        best = result.answers[0]
        differs = compare.difference("qa", result, other).agree is False
        return [(best.start, best.end, ANSWER_HEX, f"answer · {best.score:.2f}", differs)]
    return []


def _verdict(task: str, result: Any) -> str:
    if isinstance(result, SentimentResult):
        return f"{result.label} ({result.score:.1%})"
    if isinstance(result, QAResult):
        return "no answer" if result.no_answer or not result.answers else \
            f"“{' '.join(result.answers[0].text.split())}” ({result.answers[0].score:.1%})"
    assert isinstance(result, NERResult)
    return f"{len(result.entities)} entities"


def difference_lines(task: str, a: Any, b: Any) -> list[str]:
    """What differs, one line each ("They agree." when nothing does)."""
    diff = compare.difference(task, a, b)
    lines = []
    if task != "ner" and not diff.agree:
        lines.append(f"A: {_verdict(task, a)} · B: {_verdict(task, b)}")
    lines += [f"Only in A: {' '.join(e.text.split())} ({e.label})" for e in diff.only_a]
    lines += [f"Only in B: {' '.join(e.text.split())} ({e.label})" for e in diff.only_b]
    lines += [f"Relabelled: {' '.join(x.text.split())} {x.label} → {y.label}" for x, y in diff.relabelled]
    if task == "sentiment":
        labels = {(s.start, s.end): s for s in b.sentences}
        lines += [f"Sentence {i}: A {s.label} · B {labels[s.start, s.end].label}"
                  for i, s in enumerate(a.sentences, start=1)
                  if (s.start, s.end) in labels and labels[s.start, s.end].label != s.label]
    return lines or ["They agree."]


class CompareDialog(QDialog):
    """Model B's picker, Compare / Cancel and progress, the two results side by side, the differences."""

    def __init__(self, tab: TaskTab) -> None:
        super().__init__(tab)
        self.tab = tab
        self.results: tuple[Any, Any] | None = None
        self._text = ""  # the text both results are about (QA: the context)
        p = f"{tab.tab_id}.compare"
        self.setWindowTitle(f"Compare two models: {tab.title}")
        self.picker = ModelPicker(p, tab.task, tab.ctx.settings.recent_models(tab.tab_id))
        self.run_button = name(QPushButton("Compare"), f"{p}.run", "Run model A (the tab's) and model B on the "
                               "tab's input and mark what differs")
        self.cancel_button = name(QPushButton("Cancel"), f"{p}.cancel", "Stop the comparison")
        self.progress = name(QProgressBar(), f"{p}.progress")
        self.progress.setMaximumWidth(200)
        self.state = name(never_widen(plain_label()), f"{p}.state")
        self.titles = [name(never_widen(plain_label(f"Model {side}")), f"{p}.title_{side.lower()}") for side in "AB"]
        self.views = [name(TextEdit(), f"{p}.{side.lower()}") for side in "AB"]
        for view in self.views:
            view.setReadOnly(True)
        self.differences = name(QListWidget(), f"{p}.differences", "What differs between model A and model B")
        self.run_button.clicked.connect(self.run)
        self.follower = JobFollower(self.progress, self.state, self.cancel_button, what="Comparison",
                                    on_done=lambda results: self.show_results(*results, spec_b=self.picker.spec()))

        row = QHBoxLayout()
        for widget in (self.run_button, self.cancel_button, self.progress):
            row.addWidget(widget)
        row.addWidget(self.state, 1)
        sides = []
        for title, view in zip(self.titles, self.views, strict=True):
            side = QWidget()
            side_layout = QVBoxLayout(side)
            side_layout.setContentsMargins(0, 0, 0, 0)
            side_layout.addWidget(title)
            side_layout.addWidget(view, 1)
            sides.append(side)
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label("Model A is the tab's model; pick model B:"))
        layout.addWidget(self.picker)
        layout.addLayout(row)
        layout.addWidget(split(split(sides[0], sides[1]), self.differences, (3, 1), vertical=True), 1)
        self.resize(900, 560)

    def run(self) -> None:
        """Compare both models on the tab's current input (superseding a running comparison)."""
        spec_b = self.picker.spec()
        if not spec_b:
            self.state.setText("Pick model B first.")
            return
        request = self.tab.request()
        if request is None:
            self.state.setText(self.tab.error_bar.text())
            return
        job = self.tab.submit(STREAM, f"compare:{self.tab.task}", {"input": request[1], "b": spec_b})
        if job is None:
            self.state.setText(self.tab.error_bar.text())
            return
        self._text = request[1]["context"] if isinstance(request[1], dict) else request[1]
        self.follower.follow(job, "Comparing…")

    @property
    def job(self) -> JobHandle | None:
        """The running or last comparison."""
        return self.follower.job

    def cancel(self) -> None:
        self.follower.cancel()

    def show_results(self, a: Any, b: Any, spec_b: str = "") -> None:
        """Both results side by side, differences underlined in red and listed."""
        self.results = (a, b)
        task = self.tab.task
        text = a.text if isinstance(a, (SentimentResult, NERResult)) else self._text
        specs = (self.tab.picker.spec(), spec_b)
        for side, view, title, mine, theirs, spec in zip("AB", self.views, self.titles, (a, b), (b, a), specs,
                                                         strict=True):
            title.setText(f"Model {side}: {spec} · {_verdict(task, mine)}")
            view.setPlainText(text)
            offsets = OffsetMap(text)
            spans = []
            for start, end, color, tooltip, differs in _marks(task, mine, theirs):
                fmt = span_format(color, bold=differs, underline=differs)
                if differs:
                    fmt.setUnderlineColor(DIFFERENT)
                spans.append(Span(*offsets.span_to_qt(start, end), fmt, tooltip + (" · differs" if differs else "")))
            view.set_spans(spans)
        self.differences.clear()
        self.differences.addItems(difference_lines(task, a, b))
