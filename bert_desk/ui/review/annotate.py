"""The annotation panel: the document text with its entities, answers or label, and the edits.

Entities: select text (mouse or Shift+arrows; snapped to whole words unless "Snap to words" is
off) and press a label's hotkey 1–9 or click it; put the caret in an entity (click it) to make it
the selected entity, then press a hotkey to relabel it or Delete to remove it. QA: pick a
question, select its answer in the text and press 1 (Set answer) or 0 (No answer). Sentiment:
press 1–9. Every edit is a command on the review's undo stack (`push`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from bert_desk.engine.colors import label_color
from bert_desk.engine.offsets import cluster_span
from bert_desk.project import AnswerData, Document, Project, Span
from bert_desk.ui.review import commands as cmd
from bert_desk.ui.review.article import ArticleContext
from bert_desk.ui.review.disagreement import disagreement_marks, document_disagreements, summary
from bert_desk.ui.review.labels import LabelBar
from bert_desk.ui.review.qa_panel import QuestionsPanel, effective_answers
from bert_desk.ui.review.text_view import AnnotationView, Mark, snap_to_words
from bert_desk.ui.theme import ANSWER, ANSWER_OTHER
from bert_desk.ui.widgets import name, never_widen, plain_label

QA_ACTIONS = (("1", "Set answer"), ("0", "No answer"))


def _quote(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= limit else text[:limit - 1] + '…'}”"


class AnnotationPanel(QWidget):
    """Shows one document for one task; edits go through `push(command) -> bool`."""

    def __init__(self, push: Callable[[cmd.ReviewCommand], bool], ctx: Callable[[], cmd.Context],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._push, self._ctx = push, ctx
        self.project: Project | None = None
        self.doc: Document | None = None
        self.task = "ner"
        self.labels: list[str] = []
        self.spans: dict[tuple[int, int], Span] = {}
        self.current_qid: int | None = None
        self._focus: Mark | None = None

        self.header = name(never_widen(plain_label("No document.")), "review.doc_info")  # long: it wraps
        self.legend = LabelBar()
        self.snap = name(QCheckBox("Snap to words"), "review.snap", "Widen selections to whole words")
        self.snap.setChecked(True)
        self.snap.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.edit_labels = name(QPushButton("Labels…"), "review.labels", "Edit this task's labels")
        self.edit_labels.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.view = name(AnnotationView(), "review.text", "Select text, then press a label's key (1–9)")
        self.info = name(plain_label(), "review.selection_info")
        self.doc_label = name(plain_label(), "review.doc_label")
        self.doc_label.setProperty("role", "headline")
        self.qa = QuestionsPanel()
        self.article = ArticleContext()  # a CoNLL sentence's neighbours in its article

        legend_row = QHBoxLayout()  # the legend wraps onto more lines when labels are many
        legend_row.addWidget(self.legend, 1)
        legend_row.addWidget(self.edit_labels)
        legend_row.addWidget(self.snap)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addLayout(legend_row)
        layout.addWidget(self.doc_label)
        layout.addWidget(self.article.before)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.article.after)
        layout.addWidget(self.info)
        layout.addWidget(self.qa)

        self.view.cursorPositionChanged.connect(self._caret_moved)
        self.view.selectionChanged.connect(self._caret_moved)
        self.qa.current_changed.connect(self._question_changed)
        self.qa.add_requested.connect(self.add_question)
        self.qa.remove_requested.connect(self.remove_question)
        self.qa.answer_requested.connect(lambda: self.apply_digit(1))
        self.qa.no_answer_requested.connect(lambda: self.apply_digit(0))
        self.legend.label_clicked.connect(self.apply_digit)
        self.set_task("ner", [])

    # -- task and labels --------------------------------------------------------------------
    def set_task(self, task: str, labels: list[str]) -> None:
        self.task, self.labels = task, list(labels)
        self.legend.set_labels(task, self.labels, QA_ACTIONS if task == "qa" else ())
        self.qa.setVisible(task == "qa")
        self.doc_label.setVisible(task == "sentiment")
        self.snap.setVisible(task != "sentiment")
        self.edit_labels.setVisible(task != "qa")
        self.refresh()

    # -- showing ----------------------------------------------------------------------------
    def show_document(self, project: Project | None, doc: Document | None) -> None:
        """Show `doc` (the Qt document is rebuilt only when the text changed)."""
        self.project = project
        if doc is None or self.doc is None or doc.id != self.doc.id or doc.text != self.view.text:
            self.view.set_document_text(doc.text if doc is not None else "")
            self._focus = None
            self.current_qid = None
        self.doc = doc
        self.article.show_document(project, doc)
        self.refresh()

    def refresh(self) -> None:
        """Repaint the annotations of the current document and task (not the text)."""
        project, doc = self.project, self.doc
        self.spans = {}
        if project is None or doc is None:
            self.header.setText("No document." if project is not None else "No project open.")
            self.view.set_marks([])
            self.qa.set_questions([], "")
            self.doc_label.setText("")
            self._caret_moved()
            return
        review = project.review(doc.id, self.task)
        human = project.has_human_layer(doc.id, self.task)
        parts = [f"Document {doc.position + 1}", f"{len(doc.text):,} characters", review.status]
        if review.status != "unreviewed" and review.reviewer:
            parts[-1] += f" by {review.reviewer}"
        run = project.proposed_by(doc.id, self.task)
        if run is not None and not human:
            parts.append(f"showing proposals of {run[0] or 'a model'} (dashed)")
        disagreements = document_disagreements(project, doc.id) if self.task == "ner" and human else []
        if disagreements:
            parts.append(summary(disagreements))
        if project.read_only:
            parts.append("read-only")
        self.header.setText(" · ".join(parts))
        marks: list[Mark] = []
        if self.task == "ner":
            for span in project.spans(doc.id, "ner"):
                self.spans[(span.start, span.end)] = span
                score = f" · model {span.prov.score:.2f}" if span.prov.score is not None else ""
                marks.append(Mark(span.start, span.end, label_color(span.label), f"{span.label}{score}",
                                  dashed=not human))
            marks += disagreement_marks(disagreements)
        elif self.task == "qa":
            self.qa.set_questions(project.questions(doc.id), doc.text, self.current_qid)
            self.current_qid = self.qa.current_id()
            marks = self._answer_marks()
        else:
            label = project.label(doc.id, "sentiment")
            if label is None:
                self.doc_label.setText("No label yet: press 1–9")
            else:
                source = "model proposal" if not human else "reviewed"
                score = f", {label.prov.score:.2f}" if label.prov.score is not None and not human else ""
                self.doc_label.setText(f"{label.label}  ({source}{score})")
            self.legend.set_current(label.label if label else None)
        self.view.set_marks(marks)
        self._focus = None
        self._caret_moved()

    def _answer_marks(self) -> list[Mark]:
        marks: list[Mark] = []
        current: list[Mark] = []
        for q in self.qa.questions:
            answers, from_model = effective_answers(q)
            for a in answers:
                if a.start is None or a.end is None:
                    continue
                is_current = q.id == self.current_qid
                tip = f"Answer to: {q.text}" + (" (model)" if from_model else "")
                mark = Mark(a.start, a.end, (ANSWER if is_current else ANSWER_OTHER).name(), tip, dashed=from_model)
                (current if is_current else marks).append(mark)
        return marks + current  # the current question's answers are painted on top

    def _question_changed(self, qid: object) -> None:
        self.current_qid = qid if isinstance(qid, int) else None
        self.view.set_marks(self._answer_marks())

    def _caret_moved(self) -> None:
        """Update the selected entity and the hint line (no repaint unless the entity changed)."""
        start, end = self.view.selection()
        mark = None
        if self.task == "ner" and start == end and self.doc is not None:
            mark = self.view.mark_at(self.view.caret())
        if mark != self._focus:
            self._focus = mark
            self.view.set_focus_mark(mark)
        if self.doc is None:
            self.info.setText("")
        elif start < end and self.task != "sentiment":
            hint = "press 1–9 to label it" if self.task == "ner" else "press 1 to make it the answer"
            self.info.setText(f"Selected {_quote(self.view.text[start:end])} — {hint}")
        elif mark is not None:
            span = self.spans.get((mark.start, mark.end))
            label = span.label if span else "?"
            self.info.setText(f"{label} {_quote(self.view.text[mark.start:mark.end])} — 1–9 relabel · Delete removes")
        else:
            self.info.setText({"ner": "Select text and press 1–9 (or click a label) to add an entity.",
                               "qa": "Pick a question, select its answer in the text, press 1 (or 0: no answer).",
                               "sentiment": "Press 1–9 (or click a label) to label the document."}[self.task])

    def focused_span(self) -> Span | None:
        return None if self._focus is None else self.spans.get((self._focus.start, self._focus.end))

    # -- edits ------------------------------------------------------------------------------
    def _selection(self) -> tuple[int, int]:
        start, end = self.view.selection()
        if start < end and self.snap.isChecked():
            start, end = snap_to_words(self.view.text, start, end)
        return cluster_span(self.view.text, start, end) if start < end else (start, end)

    def _fail(self, message: str) -> bool:
        self._ctx().on_error(message)
        return False

    def apply_digit(self, digit: int) -> bool:
        """A hotkey or legend click: label (entities, sentiment) or answer (QA: 1 answer, 0 none)."""
        if self.project is None or self.doc is None:
            return False
        if self.task == "qa":
            return self.set_answer(no_answer=digit == 0) if digit in (0, 1) else False
        if not 1 <= digit <= len(self.labels):
            return self._fail(f"No label on key {digit}: this task has {len(self.labels)} (Labels… to change).")
        label = self.labels[digit - 1]
        if self.task == "sentiment":
            return self._push(cmd.SetLabel(self._ctx(), self.doc.id, label))
        start, end = self.view.selection()
        if start < end:
            start, end = self._selection()
            if start >= end:
                return self._fail("The selection is only spaces: select a word or more.")
            if self._push(cmd.AddSpan(self._ctx(), self.doc.id, start, end, label)):
                self.view.select_py(start, start)  # caret into the new entity: it becomes the selected one
            return True
        span = self.focused_span()
        if span is None:
            return self._fail("Select some text first (mouse or Shift+arrows), then press 1–9.")
        if span.label != label:
            self._push(cmd.RelabelSpan(self._ctx(), self.doc.id, span.start, span.end, label))
        return True

    def delete(self) -> bool:
        """Delete: the selected entity, the current question's answer, or the document label."""
        if self.project is None or self.doc is None:
            return False
        if self.task == "ner":
            span = self.focused_span()
            return span is not None and self._push(cmd.RemoveSpan(self._ctx(), self.doc.id, span.start, span.end))
        if self.task == "qa":
            qid = self.qa.current_id()
            return qid is not None and self._push(cmd.SetAnswers(self._ctx(), self.doc.id, qid, [], "Clear answer"))
        return self._push(cmd.SetLabel(self._ctx(), self.doc.id, None))

    def set_answer(self, *, no_answer: bool = False) -> bool:
        if self.doc is None:
            return False
        qid = self.qa.current_id()
        if qid is None:
            return self._fail("Add a question first (type it below the text and press Enter).")
        if no_answer:
            return self._push(cmd.SetAnswers(self._ctx(), self.doc.id, qid, [AnswerData(None, None)], "Mark no answer"))
        start, end = self._selection()
        if start >= end:
            return self._fail("Select the answer in the text first, then press 1.")
        if self._push(cmd.SetAnswers(self._ctx(), self.doc.id, qid, [AnswerData(start, end)], "Set answer")):
            self.view.select_py(start, start)
        return True

    def add_question(self, text: str) -> bool:
        if self.doc is None:
            return False
        command = cmd.AddQuestion(self._ctx(), self.doc.id, text)
        if not self._push(command):
            return False
        self.current_qid = command.question_id
        self.refresh()
        return True

    def remove_question(self) -> bool:
        qid = self.qa.current_id()
        if self.doc is None or qid is None:
            return False
        return self._push(cmd.RemoveQuestion(self._ctx(), self.doc.id, qid))
