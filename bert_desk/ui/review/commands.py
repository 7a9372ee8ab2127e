"""Undoable review edits: one `QUndoCommand` per store operation, undone with its inverse.

Commands name entity spans by their offsets, not ids: the first human edit of a document copies
the model proposals into the reviewed layer (new ids), and offsets are unique in a layer (spans
never overlap). `Editor.push` applies a command once (so a refused edit, e.g. an overlap, never
reaches the stack) and then pushes it; later redo/undo calls report errors through `on_error`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QUndoCommand, QUndoStack

from bert_desk.project import AnswerData, Project, ProjectError, Question, Span


@dataclass
class Context:
    """What commands need: the project, and callbacks after a change or on an error."""

    project: Project
    changed: Callable[[int, str], None]  # (doc_id, task)
    on_error: Callable[[str], None]


class ReviewCommand(QUndoCommand):
    """Base: subclasses implement `apply` and `revert` (store calls only)."""

    def __init__(self, ctx: Context, doc_id: int, task: str, text: str) -> None:
        super().__init__(text)
        self.ctx, self.doc_id, self.task = ctx, doc_id, task
        self._pushed = False

    @property
    def project(self) -> Project:
        return self.ctx.project

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    def redo(self) -> None:
        if not self._pushed:  # already applied by Editor.push
            self._pushed = True
            return
        self._run(self.apply)

    def undo(self) -> None:
        self._run(self.revert)

    def _run(self, step: Callable[[], None]) -> None:
        try:
            step()
        except ProjectError as exc:
            self.ctx.on_error(f"{self.text()}: {exc}")
        self.ctx.changed(self.doc_id, self.task)


def human_span(project: Project, doc_id: int, start: int, end: int, task: str = "ner") -> Span:
    """The reviewed span at exactly `[start, end)` (adopting the proposals first if needed)."""
    project.adopt_proposals(doc_id, task)
    for span in project.spans(doc_id, task, "human"):
        if (span.start, span.end) == (start, end):
            return span
    raise ProjectError(f"no entity at {start}..{end}")


class AddSpan(ReviewCommand):
    def __init__(self, ctx: Context, doc_id: int, start: int, end: int, label: str) -> None:
        super().__init__(ctx, doc_id, "ner", f"Add {label} entity")
        self.start, self.end, self.label = start, end, label
        self._removed: Span | None = None

    def apply(self) -> None:
        if self._removed is None:
            self.project.add_span(self.doc_id, self.start, self.end, self.label)
        else:
            self.project.restore_span(self._removed)

    def revert(self) -> None:
        self._removed = self.project.remove_span(human_span(self.project, self.doc_id, self.start, self.end).id)


class RemoveSpan(ReviewCommand):
    def __init__(self, ctx: Context, doc_id: int, start: int, end: int) -> None:
        super().__init__(ctx, doc_id, "ner", "Delete entity")
        self.start, self.end = start, end
        self._removed: Span | None = None

    def apply(self) -> None:
        self._removed = self.project.remove_span(human_span(self.project, self.doc_id, self.start, self.end).id)
        self.setText(f"Delete {self._removed.label} entity")

    def revert(self) -> None:
        if self._removed is not None:
            self.project.restore_span(self._removed)


class RelabelSpan(ReviewCommand):
    def __init__(self, ctx: Context, doc_id: int, start: int, end: int, label: str) -> None:
        super().__init__(ctx, doc_id, "ner", f"Relabel entity as {label}")
        self.start, self.end, self.label = start, end, label
        self._old: str | None = None

    def apply(self) -> None:
        span = human_span(self.project, self.doc_id, self.start, self.end)
        self._old = self.project.relabel_span(span.id, self.label)

    def revert(self) -> None:
        if self._old is not None:
            span = human_span(self.project, self.doc_id, self.start, self.end)
            self.project.relabel_span(span.id, self._old)


class SetLabel(ReviewCommand):
    """Document label (sentiment); None clears it."""

    def __init__(self, ctx: Context, doc_id: int, label: str | None, task: str = "sentiment") -> None:
        super().__init__(ctx, doc_id, task, f"Label document {label}" if label else "Clear document label")
        self.label = label
        self._old: str | None = None

    def apply(self) -> None:
        self._old = self.project.set_label(self.doc_id, self.label, task=self.task)

    def revert(self) -> None:
        self.project.set_label(self.doc_id, self._old, task=self.task)


class SetStatus(ReviewCommand):
    def __init__(self, ctx: Context, doc_id: int, task: str, status: str) -> None:
        super().__init__(ctx, doc_id, task, {"accepted": "Accept", "rejected": "Reject", "skipped": "Skip",
                                             "unreviewed": "Reopen"}.get(status, status) + " document")
        self.status = status
        self._old = "unreviewed"

    def apply(self) -> None:
        self._old = self.project.set_status(self.doc_id, self.task, self.status).status

    def revert(self) -> None:
        self.project.set_status(self.doc_id, self.task, self._old)


class SetAnswers(ReviewCommand):
    """Replace a question's reviewed answers: [(None, None)] = no answer, [] = unanswered."""

    def __init__(self, ctx: Context, doc_id: int, question_id: int, answers: list[AnswerData], text: str) -> None:
        super().__init__(ctx, doc_id, "qa", text)
        self.question_id, self.answers = question_id, answers
        self._old: tuple[AnswerData, ...] = ()

    def apply(self) -> None:
        self._old = self.project.set_answers(self.question_id, self.answers)

    def revert(self) -> None:
        self.project.set_answers(self.question_id, self._old)


class AddQuestion(ReviewCommand):
    def __init__(self, ctx: Context, doc_id: int, question: str) -> None:
        super().__init__(ctx, doc_id, "qa", "Add question")
        self.question = question
        self.question_id: int | None = None
        self._removed: Question | None = None

    def apply(self) -> None:
        if self._removed is None:
            self.question_id = self.project.add_question(self.doc_id, self.question)
        else:  # same id again, so later commands on this question still find it
            self.question_id = self.project.restore_question(self._removed)

    def revert(self) -> None:
        if self.question_id is not None:
            self._removed = self.project.remove_question(self.question_id)


class RemoveQuestion(ReviewCommand):
    def __init__(self, ctx: Context, doc_id: int, question_id: int) -> None:
        super().__init__(ctx, doc_id, "qa", "Remove question")
        self.question_id = question_id
        self._removed: Question | None = None

    def apply(self) -> None:
        self._removed = self.project.remove_question(self.question_id)

    def revert(self) -> None:
        if self._removed is not None:
            self.question_id = self.project.restore_question(self._removed)


class Editor:
    """Applies commands and keeps them on one undo stack per open project.

    `paused()` gives a reason while the store cannot take edits without blocking the GUI thread (an import
    holds the write lock): edits, undo and redo are then refused with that reason instead of waiting."""

    def __init__(self, stack: QUndoStack, paused: Callable[[], str | None] = lambda: None) -> None:
        self.stack = stack
        self.paused = paused

    def refused(self, on_error: Callable[[str], None]) -> bool:
        """True (after `on_error(reason)`) while edits are paused; every store write of the tab asks first."""
        reason = self.paused()
        if reason is not None:
            on_error(reason)
        return reason is not None

    def push(self, command: ReviewCommand) -> bool:
        """Apply `command`; push it when the store took it, else report and return False."""
        if self.refused(command.ctx.on_error):
            return False
        try:
            command.apply()
        except ProjectError as exc:
            command.ctx.on_error(str(exc))
            return False
        self.stack.push(command)  # calls redo(), which skips the first time
        command.ctx.changed(command.doc_id, command.task)
        return True

    def undo_redo(self, redo: bool, on_error: Callable[[str], None]) -> bool:
        """Undo (or redo) the last edit unless edits are paused (then `on_error(reason)` and False)."""
        if self.refused(on_error):
            return False
        (self.stack.redo if redo else self.stack.undo)()
        return True
