"""The label legend of the review: one button per label with its colour and hotkey (1–9).

Label sets are kept per project and task in the project's settings (`review.labels.<task>`,
a JSON list); the defaults are the labels already used in the project, else common ones.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from bert_desk.engine.colors import label_color
from bert_desk.project import Project
from bert_desk.ui.theme import label_polarity, polarity_color
from bert_desk.ui.widgets import name, swatch

DEFAULT_LABELS: dict[str, tuple[str, ...]] = {
    "ner": ("PERSON", "ORG", "GPE", "LOC", "MISC"),
    "sentiment": ("negative", "neutral", "positive"),
    "qa": (),
}
MAX_HOTKEYS = 9


def label_colour(task: str, label: str) -> str:
    """Entity colours from the displaCy palette; sentiment labels on the polarity scale."""
    if task == "sentiment":
        return polarity_color(label_polarity(label)).name()
    return label_color(label)


def project_labels(project: Project, task: str) -> list[str]:
    """The label set of a task: the saved one, else labels in use, else the defaults."""
    raw = project.get_setting(f"review.labels.{task}")
    if raw:
        try:
            saved = json.loads(raw)
        except ValueError:
            saved = None
        if isinstance(saved, list) and all(isinstance(s, str) for s in saved):
            return [s for s in saved if s.strip()]
    used = project.labels_in_use(task) if task != "qa" else []
    return used or list(DEFAULT_LABELS.get(task, ()))


def save_labels(project: Project, task: str, labels: Sequence[str]) -> None:
    project.set_setting(f"review.labels.{task}", json.dumps(list(labels), ensure_ascii=False))


def parse_labels(text: str) -> list[str]:
    """Comma-separated labels, trimmed, without blanks or duplicates."""
    out: list[str] = []
    for part in text.split(","):
        label = part.strip()
        if label and label not in out:
            out.append(label)
    return out


class LabelBar(QWidget):
    """`label_clicked(index)`; `set_current(label)` marks the document's label (sentiment)."""

    label_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name(self, "review.legend")
        self.task = "ner"
        self._buttons: list[QPushButton] = []
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self._empty = QLabel("No labels: use Labels… to add some.")
        self._layout.addWidget(self._empty)
        self._layout.addStretch(1)

    def buttons(self) -> list[QPushButton]:
        return list(self._buttons)

    def set_labels(self, task: str, labels: Sequence[str], actions: Sequence[tuple[str, str]] = ()) -> None:
        """Buttons for `labels` (hotkeys 1–9) or, for QA, for `actions` ((hotkey, text) pairs)."""
        self.task = task
        for button in self._buttons:
            self._layout.removeWidget(button)
            button.deleteLater()
        self._buttons = []
        items = list(actions) if actions else [(str(i + 1), lab) for i, lab in enumerate(labels[:MAX_HOTKEYS])]
        self._empty.setVisible(not items)
        for index, (key, label) in enumerate(items):
            button = name(QPushButton(f"{key}  {label}"), f"review.legend.{label}",
                          f"Press {key} to apply {label}" if not actions else f"Press {key}: {label}")
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            if not actions:
                button.setIcon(swatch(label_colour(task, label), 14))
                button.setCheckable(task == "sentiment")
            number = int(key)
            button.clicked.connect(lambda _=False, n=number: self.label_clicked.emit(n))
            self._layout.insertWidget(index, button)
            self._buttons.append(button)

    def set_current(self, label: str | None) -> None:
        for button in self._buttons:
            if button.isCheckable():
                button.setChecked(button.objectName() == f"review.legend.{label}")
