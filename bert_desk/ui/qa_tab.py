"""Question answering tab: context, a question (recent ones remembered), answers highlighted in place."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from bert_desk.engine import report
from bert_desk.engine.offsets import OffsetMap
from bert_desk.engine.registry import TASKS
from bert_desk.engine.types import Answer, QAResult
from bert_desk.ui.explain_panel import ExplainPanel
from bert_desk.ui.highlight import Span, scroll_to_range, span_format
from bert_desk.ui.task_tab import AppContext, TaskTab
from bert_desk.ui.theme import ANSWER, ANSWER_OTHER
from bert_desk.ui.widgets import name, plain_label, split, tip

TOP_K = 5
ANSWER_ROLE = Qt.ItemDataRole.UserRole


class QATab(TaskTab):
    tab_id = "qa"
    task = "qa"
    title = TASKS["qa"].label

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.context, self.open_button = self.text_input(
            "context", "Paste or open the context the answers come from…", "Open a text file as the context")
        self.context.textChanged.connect(self._context_changed)
        self.question = name(QComboBox(), "qa.question", "Your question (recent questions in the list)")
        self.question.setEditable(True)
        self.question.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.question.addItems(ctx.settings.recent_questions())
        self.question.setEditText(ctx.settings.last_input("qa.question"))
        line = self.question.lineEdit()
        assert line is not None  # editable combo
        line.setPlaceholderText("Ask a question about the context…")
        line.setAccessibleName("qa.question")
        line.returnPressed.connect(self.run)
        self.question.editTextChanged.connect(self._question_changed)
        self.summary = name(plain_label("Ask a question to find its answer in the context."), "qa.summary")
        self.summary.setWordWrap(True)
        self.summary.setProperty("role", "notice")
        self.answers = name(QListWidget(), "qa.answers", "Top answers; click one to highlight it")
        self.answers.currentItemChanged.connect(lambda item, _prev: self._answer_selected(item))
        self.answers.itemClicked.connect(self._answer_selected)
        self._result: QAResult | None = None
        self._result_context = ""
        self.explain = ExplainPanel(self, self.explain_payload, self.report_sections,
                                    hint=" to the selected answer (question and context tokens)")

        ask = QHBoxLayout()
        ask.addWidget(plain_label("Question:"))
        ask.addWidget(self.question, 1)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.summary)
        side_layout.addWidget(plain_label("Answers:"))
        side_layout.addWidget(self.answers, 1)
        splitter = split(self.context, side, (3, 2))
        self.layout_.addLayout(ask)
        self.layout_.addLayout(self.action_row(self.open_button))
        self.layout_.addWidget(split(splitter, self.explain, (3, 2), vertical=True), 1)

    # -- input ------------------------------------------------------------------------------
    open_caption = "Open a context"

    def set_input_text(self, text: str) -> None:
        self.context.setPlainText(text)

    def question_text(self) -> str:
        return self.question.currentText().strip()

    def request(self) -> tuple[str, Any] | None:
        question, context = self.question_text(), self.context.toPlainText()
        if not context.strip():
            self.error_bar.show_error("Paste or open a context first.")
            return None
        if not question:
            self.error_bar.show_error("Type a question first.")
            return None
        self.remember_question(question)
        return "qa", {"question": question, "context": context, "top_k": TOP_K}

    def explain_payload(self) -> dict[str, Any] | None:
        """What Explain explains: the question and context, and the selected answer while it is current."""
        req = self.request()
        if req is None:
            return None
        payload = {"question": req[1]["question"], "context": req[1]["context"]}
        item = self.answers.currentItem()
        answer = item.data(ANSWER_ROLE) if item is not None else None
        if isinstance(answer, Answer) and self._result is not None:
            payload["answer"] = (answer.start, answer.end)
        return payload

    def report_sections(self) -> list[str]:
        return [report.qa_section(self._result, self._result_context)] if self._result is not None else []

    def remember_question(self, question: str) -> None:
        recent = self.ctx.settings.add_recent_question(question)
        self.question.blockSignals(True)
        self.question.clear()
        self.question.addItems(recent)
        self.question.setEditText(question)
        self.question.blockSignals(False)

    def save_state(self) -> None:
        self.ctx.settings.set_last_input("qa.context", self.context.toPlainText())
        self.ctx.settings.set_last_input("qa.question", self.question_text())

    # -- results ----------------------------------------------------------------------------
    def _context_changed(self) -> None:
        if self._result is not None and self.context.toPlainText() != self._result_context:
            self.clear_result("The context changed since these answers were found: run again.")

    def _question_changed(self, text: str) -> None:
        if self._result is not None and text.strip() != self._result.question:
            self.clear_result("The question changed since these answers were found: run again.")

    def result_outdated(self, why: str) -> None:
        if self._result is not None:
            self.clear_result(f"No answers shown: {why}.")

    def clear_result(self, why: str) -> None:
        """Take away answers that no longer answer the input with the chosen model, saying why."""
        self._result = None
        self.answers.clear()
        self.context.clear_spans()
        self.summary.setText(why)

    def show_result(self, result: QAResult) -> None:
        self._result = result
        self._result_context = self.context.toPlainText()
        self.answers.blockSignals(True)
        self.answers.clear()
        for rank, ans in enumerate(result.answers, start=1):
            snippet = " ".join(ans.text.split())
            item = QListWidgetItem(f"{rank}. {snippet}    ({ans.score:.1%})")
            item.setData(ANSWER_ROLE, ans)
            item.setToolTip(tip(f"{ans.text}\nscore {ans.score:.4f} · characters {ans.start}–{ans.end}"))
            self.answers.addItem(item)
        self.answers.blockSignals(False)
        if not result.answers:
            self.summary.setText("No answer: the model found no answer to this question in the context.")
            self.context.clear_spans()
            return
        best = result.answers[0]
        if result.no_answer:
            null = f" (no-answer score {result.no_answer_score:.1%})" if result.no_answer_score is not None else ""
            self.summary.setText(f"No answer: the model thinks the context does not answer this{null}. "
                                 "Its best guesses are listed below.")
        else:
            self.summary.setText(f"Best answer: {' '.join(best.text.split())}   ({best.score:.1%})")
        self.answers.setCurrentRow(0)
        self.highlight(best)

    def _answer_selected(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        ans = item.data(ANSWER_ROLE)
        if isinstance(ans, Answer):
            self.highlight(ans)

    def highlight(self, answer: Answer) -> bool:
        """Highlight `answer` (others lightly), select it and scroll it into view."""
        text = self.context.toPlainText()
        if self._result is None or text != self._result_context:
            self.summary.setText("The context changed since these answers were found: run again.")
            return False
        spans = []
        offsets = OffsetMap(text)
        for other in self._result.answers:
            if other != answer:
                start, end = offsets.span_to_qt(other.start, other.end)
                spans.append(Span(start, end, span_format(ANSWER_OTHER), f"{other.score:.1%}"))
        start, end = offsets.span_to_qt(answer.start, answer.end)
        spans.append(Span(start, end, span_format(ANSWER, bold=True), f"answer · {answer.score:.1%}"))
        self.context.set_spans(spans)
        scroll_to_range(self.context, start, end)
        return True
