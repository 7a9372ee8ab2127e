"""Edits of the model loop, each one undoable step: moving an entity's boundary by a word, and accepting the
model's sure proposals in bulk (`project.bulk`), with the dialog that scopes it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from bert_desk.engine.words import split_words
from bert_desk.project import ProjectError
from bert_desk.project.bulk import Before, accept_sure, restore
from bert_desk.ui.review import commands as cmd
from bert_desk.ui.widgets import name, plain_label


def moved_boundary(text: str, start: int, end: int, edge: str, direction: int) -> tuple[int, int] | None:
    """`(start, end)` with its `edge` ("start"/"end") moved one word (`direction` -1 left, +1 right), over the
    CoNLL-style words of `engine.words`; None when it cannot move (text edge, or the span would vanish)."""
    words = split_words(text, "conll")
    if edge == "end":
        ends = [b for _, b in words]
        after = [b for b in ends if b > end] if direction > 0 else [b for b in ends if start < b < end]
        if not after:
            return None
        return start, (min(after) if direction > 0 else max(after))
    starts = [a for a, _ in words]
    before = [a for a in starts if a < start] if direction < 0 else [a for a in starts if start < a < end]
    if not before:
        return None
    return (max(before) if direction < 0 else min(before)), end


class MoveSpan(cmd.ReviewCommand):
    """Give a reviewed entity new boundaries (same label)."""

    def __init__(self, ctx: cmd.Context, doc_id: int, old: tuple[int, int], new: tuple[int, int]) -> None:
        super().__init__(ctx, doc_id, "ner", "Move entity boundary")
        self.old, self.new = old, new

    def _move(self, source: tuple[int, int], target: tuple[int, int]) -> None:
        with self.project.transaction():
            span = cmd.human_span(self.project, self.doc_id, *source)
            self.project.remove_span(span.id)
            self.project.add_span(self.doc_id, target[0], target[1], span.label)

    def apply(self) -> None:
        self._move(self.old, self.new)

    def revert(self) -> None:
        self._move(self.new, self.old)


class BulkAccept(cmd.ReviewCommand):
    """Accept the sure proposals of many documents; `refresh(doc_ids)` after each apply and undo."""

    def __init__(self, ctx: cmd.Context, focus: int, doc_ids: Sequence[int], task: str, threshold: float,
                 labels: Sequence[str] | None, refresh: Callable[[list[int]], None]) -> None:
        super().__init__(ctx, focus, task, "Accept sure proposals")
        self.doc_ids, self.threshold, self.labels, self.refresh = list(doc_ids), threshold, labels, refresh
        self.before: list[Before] = []

    def apply(self) -> None:
        self.before = accept_sure(self.project, self.doc_ids, self.task, self.threshold,
                                  set(self.labels) if self.labels is not None else None)
        if not self.before:
            raise ProjectError(f"no proposal scored {self.threshold:.2f} or more in "
                               f"{len(self.doc_ids):,} document{'s' if len(self.doc_ids) != 1 else ''}")
        self.setText(f"Accept sure proposals in {len(self.before):,} documents")
        self.refresh([b.doc_id for b in self.before])

    def revert(self) -> None:
        restore(self.project, self.before)
        self.refresh([b.doc_id for b in self.before])


@dataclass(frozen=True)
class BulkChoice:
    threshold: float
    labels: list[str] | None  # None: all
    all_listed: bool  # every document of the current filter, else the shown one


class BulkAcceptDialog(QDialog):
    """Threshold, labels and scope of a bulk accept."""

    def __init__(self, labels: Sequence[str], listed: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Accept sure proposals")
        name(self, "review.bulk_dialog")
        self.threshold = name(QDoubleSpinBox(), "review.bulk_threshold", "Proposals scored at least this are taken")
        self.threshold.setRange(0.0, 1.0)
        self.threshold.setSingleStep(0.05)
        self.threshold.setDecimals(2)
        self.threshold.setValue(0.9)
        self.labels = name(QListWidget(), "review.bulk_labels", "Only proposals with the ticked labels")
        for label in labels:
            item = QListWidgetItem(label)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.labels.addItem(item)
        self.labels.setMaximumHeight(140)
        self.current = name(QRadioButton("This document"), "review.bulk_current")
        self.listed = name(QRadioButton(f"All {listed:,} documents of the list (its filters)"), "review.bulk_listed")
        self.current.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.current)
        group.addButton(self.listed)
        form = QFormLayout()
        form.addRow("Score at least:", self.threshold)
        form.addRow("Labels:", self.labels)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.current)
        layout.addWidget(self.listed)
        layout.addWidget(plain_label("Documents whose every proposal is taken become accepted; one undo step."))
        layout.addWidget(buttons)

    def choice(self) -> BulkChoice:
        ticked = [self.labels.item(i).text() for i in range(self.labels.count())
                  if self.labels.item(i).checkState() == Qt.CheckState.Checked]
        every = len(ticked) == self.labels.count()
        return BulkChoice(self.threshold.value(), None if every else ticked, self.listed.isChecked())

