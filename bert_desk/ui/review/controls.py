"""`ReviewControls`: the row under the annotation view — Previous, Accept, Reject, Skip, Next,
Next unreviewed and "Advance after review". It only emits what was asked for."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QPushButton, QWidget

from bert_desk.ui.widgets import name


def review_button(text: str, role: str, tip: str, slot: Callable[[], object]) -> QPushButton:
    """A button that leaves the keyboard focus where it was (in the text or the list) when clicked."""
    button = name(QPushButton(text), role, tip)
    button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    button.clicked.connect(lambda _=False: slot())
    return button


class ReviewControls(QWidget):
    """Review buttons; `status_chosen(status)`, `step_requested(±1)`, `next_unreviewed_requested()`."""

    status_chosen = Signal(str)
    step_requested = Signal(int)
    next_unreviewed_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prev_button = review_button("◀ Previous", "review.prev", "Previous document (Left or K)",
                                         lambda: self.step_requested.emit(-1))
        self.accept_button = review_button("Accept (A)", "review.accept", "Accept this document's annotations",
                                           lambda: self.status_chosen.emit("accepted"))
        self.reject_button = review_button("Reject (X)", "review.reject", "Reject this document",
                                           lambda: self.status_chosen.emit("rejected"))
        self.skip_button = review_button("Skip (Space)", "review.skip", "Skip this document for now",
                                         lambda: self.status_chosen.emit("skipped"))
        self.next_button = review_button("Next ▶", "review.next", "Next document (Right or J)",
                                         lambda: self.step_requested.emit(1))
        self.unreviewed_button = review_button("Next unreviewed (N)", "review.next_unreviewed",
                                               "Jump to the next unreviewed document",
                                               self.next_unreviewed_requested.emit)
        self.auto_advance = name(QCheckBox("Advance after review"), "review.auto_advance",
                                 "Go to the next document after Accept, Reject or Skip")
        self.auto_advance.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.auto_advance.setChecked(True)  # the default; the settings keep the user's choice
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (self.prev_button, self.accept_button, self.reject_button, self.skip_button, self.next_button,
                       self.unreviewed_button, self.auto_advance):
            row.addWidget(widget)
        row.addStretch(1)

    def set_state(self, *, has_project: bool, has_doc: bool) -> None:
        """Enable what applies: document buttons need a shown document, N an open project."""
        for button in (self.accept_button, self.reject_button, self.skip_button, self.prev_button, self.next_button):
            button.setEnabled(has_doc)
        self.unreviewed_button.setEnabled(has_project)
