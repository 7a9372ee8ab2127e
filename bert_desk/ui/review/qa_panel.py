"""Question-answering side of the review: the document's questions with their answers."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from bert_desk.project import Answer, Question
from bert_desk.ui.widgets import name, tip

QUESTION_ID_ROLE = Qt.ItemDataRole.UserRole


def effective_answers(question: Question) -> tuple[tuple[Answer, ...], bool]:
    """(answers, from_model): the reviewed answers, else the model's."""
    return (question.human, False) if question.human else (question.model, bool(question.model))


def describe(question: Question, text: str) -> str:
    answers, from_model = effective_answers(question)
    if not answers:
        verdict = "unanswered"
    elif answers[0].no_answer:
        verdict = "no answer"
    else:
        first = answers[0]
        snippet = text[first.start:first.end]  # type: ignore[misc]
        snippet = snippet if len(snippet) <= 60 else snippet[:57] + "…"
        verdict = f"“{' '.join(snippet.split())}”"
    if from_model:
        score = answers[0].prov.score
        verdict += " (model" + (f" {score:.2f}" if score is not None else "") + ")"
    return f"{question.text}  →  {verdict}"


class QuestionsPanel(QWidget):
    """Signals: `current_changed(question_id | None)`, `add_requested(text)`, `remove_requested()`,
    `answer_requested()` (the selection), `no_answer_requested()`."""

    current_changed = Signal(object)
    add_requested = Signal(str)
    remove_requested = Signal()
    answer_requested = Signal()
    no_answer_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.questions: list[Question] = []
        self.list = name(QListWidget(), "review.questions", "Questions about this document")
        self.list.setMaximumHeight(120)
        self.input = name(QLineEdit(), "review.question_input", "Type a question and press Enter")
        self.input.setPlaceholderText("New question…")
        self.add_button = name(QPushButton("Add question"), "review.add_question")
        self.remove_button = name(QPushButton("Remove"), "review.remove_question", "Remove the current question")
        self.answer_button = name(QPushButton("Set answer (1)"), "review.set_answer",
                                  "Use the selected text as the answer to the current question")
        self.no_answer_button = name(QPushButton("No answer (0)"), "review.no_answer",
                                     "The text does not answer the current question")
        for button in (self.add_button, self.remove_button, self.answer_button, self.no_answer_button):
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.add_button.clicked.connect(self._add)
        self.input.returnPressed.connect(self._add)
        self.remove_button.clicked.connect(self.remove_requested)
        self.answer_button.clicked.connect(self.answer_requested)
        self.no_answer_button.clicked.connect(self.no_answer_requested)
        self.list.currentRowChanged.connect(lambda _row: self.current_changed.emit(self.current_id()))

        row = QHBoxLayout()
        row.addWidget(self.input, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addWidget(self.answer_button)
        row.addWidget(self.no_answer_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addLayout(row)

    def set_questions(self, questions: Sequence[Question], text: str, current: int | None = None) -> None:
        """Show `questions`, keeping `current` (an id) selected when it is still there."""
        self.questions = list(questions)
        self.list.blockSignals(True)
        self.list.clear()
        row = 0
        for i, q in enumerate(self.questions):
            item = QListWidgetItem(f"{i + 1}. {describe(q, text)}")
            item.setData(QUESTION_ID_ROLE, q.id)
            item.setToolTip(tip(q.text))
            self.list.addItem(item)
            if q.id == current:
                row = i
        if self.questions:
            self.list.setCurrentRow(row)
        self.list.blockSignals(False)
        has = bool(self.questions)
        for button in (self.remove_button, self.answer_button, self.no_answer_button):
            button.setEnabled(has)

    def current_id(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else int(item.data(QUESTION_ID_ROLE))

    def current(self) -> Question | None:
        qid = self.current_id()
        return next((q for q in self.questions if q.id == qid), None)

    def _add(self) -> None:
        text = self.input.text().strip()
        if text:
            self.add_requested.emit(text)
            self.input.clear()
