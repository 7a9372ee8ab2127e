"""The label legend of the review: one button per label with its colour and hotkey (1–9).

Label sets are kept per project and task in the project's settings (`review.labels.<task>`,
a JSON list); the defaults are the labels already used in the project, else common ones.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtWidgets import QInputDialog, QLayout, QLayoutItem, QPushButton, QWidget

from bert_desk.engine.colors import label_color
from bert_desk.engine.registry import TASKS
from bert_desk.project import Project
from bert_desk.ui.theme import label_polarity, polarity_color
from bert_desk.ui.widgets import name, plain_label, swatch

DEFAULT_LABELS: dict[str, tuple[str, ...]] = {
    "ner": ("PER", "ORG", "LOC", "MISC"),  # CoNLL-2003: what the bundled NER model predicts
    "sentiment": ("negative", "neutral", "positive"),
    "qa": (),
}
#: spaCy / OntoNotes entity types, in the order their hotkeys get when a project uses this scheme.
ONTONOTES_LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW",
                    "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL")
MAX_HOTKEYS = 9

#: The project tasks in the order the Review tab offers them, with the engine's titles.
REVIEW_TASKS: tuple[tuple[str, str], ...] = tuple((task, TASKS[task].label) for task in ("ner", "qa", "sentiment"))


def label_colour(task: str, label: str) -> str:
    """Entity colours from the displaCy palette; sentiment labels on the polarity scale."""
    if task == "sentiment":
        return polarity_color(label_polarity(label)).name()
    return label_color(label)


def project_labels(project: Project, task: str) -> list[str]:
    """The label set of a task: the saved one, else the defaults followed by the other labels in
    use (so hotkeys stay put as labels appear); a used spelling ("POSITIVE") replaces its default."""
    raw = project.get_setting(f"review.labels.{task}")
    if raw:
        try:
            saved = json.loads(raw)
        except ValueError:
            saved = None
        if isinstance(saved, list) and all(isinstance(s, str) for s in saved):
            return [s for s in saved if s.strip()]
    if task == "qa":
        return []
    return default_labels(task, project.labels_in_use(task))


def default_labels(task: str, used: Sequence[str]) -> list[str]:
    """Defaults for `task` given the labels already `used`: the CoNLL set (what the bundled model
    predicts), or, when the project speaks spaCy's OntoNotes types (PERSON, GPE, …), PERSON, ORG, GPE,
    LOC and the other OntoNotes types it uses; then any other labels in use. A used spelling ("POSITIVE") replaces its default."""
    defaults: Sequence[str] = DEFAULT_LABELS.get(task, ())
    if task == "ner":
        folded = {u.casefold() for u in used}
        onto = sum(1 for d in ONTONOTES_LABELS if d.casefold() in folded and d not in DEFAULT_LABELS["ner"])
        conll = sum(1 for d in DEFAULT_LABELS["ner"] if d.casefold() in folded and d not in ONTONOTES_LABELS)
        if onto > conll:
            defaults = [*ONTONOTES_LABELS[:4], *(d for d in ONTONOTES_LABELS[4:] if d.casefold() in folded)]
    labels = [next((u for u in used if u.casefold() == d.casefold()), d) for d in defaults]
    return labels + [u for u in used if u not in labels]


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


def ask_labels(parent: QWidget, task_title: str, current: Sequence[str]) -> list[str] | None:
    """Ask for a task's labels (comma-separated, in hotkey order); None when the user cancels."""
    text, ok = QInputDialog.getText(parent, "Labels", f"Labels for {task_title} (comma-separated; keys 1–9 "
                                    "follow this order):", text=", ".join(current))
    return parse_labels(text) if ok else None


class FlowLayout(QLayout):
    """Lays widgets out left to right, wrapping onto more lines when they do not fit."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 4) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        x, y, line = rect.x(), rect.y(), 0
        for item in self._items:
            if item.widget() is not None and item.widget().isHidden():
                continue
            hint = item.sizeHint()
            if x + hint.width() > rect.right() + 1 and line > 0:
                x, y, line = rect.x(), y + line + self._spacing, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            line = max(line, hint.height())
        return y + line - rect.y()


class LabelBar(QWidget):
    """`label_clicked(index)`; `set_current(label)` marks the document's label (sentiment)."""

    label_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name(self, "review.legend")
        self.task = "ner"
        self._buttons: list[QPushButton] = []
        self._layout = FlowLayout(self)
        self._empty = plain_label("No labels: use Labels… to add some.")
        self._layout.addWidget(self._empty)
        policy = self.sizePolicy()
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def buttons(self) -> list[QPushButton]:
        return list(self._buttons)

    def set_labels(self, task: str, labels: Sequence[str], actions: Sequence[tuple[str, str]] = ()) -> None:
        """Buttons for `labels` (the first nine with keys 1–9) or, for QA, `actions` ((key, text) pairs)."""
        self.task = task
        for button in self._buttons:
            self._layout.removeWidget(button)
            button.hide()
            button.deleteLater()
        self._buttons = []
        items = [(int(k), text) for k, text in actions] if actions else [(i + 1, lab) for i, lab in enumerate(labels)]
        self._empty.setVisible(not items)
        for number, label in items:
            keyed = number <= MAX_HOTKEYS
            button = name(QPushButton(f"{number}  {label}" if keyed else label), f"review.legend.{label}",
                          f"Press {number}: {label}" if keyed else f"Apply {label} (no key: keys go up to 9)")
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            if not actions:
                button.setIcon(swatch(label_colour(task, label), 14))
                button.setCheckable(task == "sentiment")
            button.clicked.connect(lambda _=False, n=number: self.label_clicked.emit(n))
            self._layout.addWidget(button)
            self._buttons.append(button)

    def set_current(self, label: str | None) -> None:
        for button in self._buttons:
            if button.isCheckable():
                button.setChecked(button.objectName() == f"review.legend.{label}")
