"""Entity legend: one toggle per label with its colour and count (uncheck to hide that label)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QWidget

from bert_desk.engine.colors import label_color
from bert_desk.engine.types import Entity
from bert_desk.ui.widgets import name, plain_label, swatch


class Legend(QWidget):
    """Emits `hidden_changed(frozenset[str])` whenever a label is toggled."""

    hidden_changed = Signal(object)

    def __init__(self, prefix: str = "ner", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._prefix = prefix
        self._boxes: dict[str, QCheckBox] = {}
        self._hidden: set[str] = set()
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._empty = plain_label("No entities yet.")
        self._layout.addWidget(self._empty)
        self._layout.addStretch(1)

    def hidden(self) -> frozenset[str]:
        return frozenset(self._hidden)

    def boxes(self) -> dict[str, QCheckBox]:
        return dict(self._boxes)

    def set_entities(self, entities: Iterable[Entity]) -> None:
        """Rebuild the toggles for the labels present (hidden labels stay hidden)."""
        counts = Counter(ent.label for ent in entities)
        if set(counts) == set(self._boxes) and counts:
            for label, box in self._boxes.items():
                box.setText(f"{label} ({counts[label]})")
            return
        for box in self._boxes.values():
            self._layout.removeWidget(box)
            box.deleteLater()
        self._boxes.clear()
        self._empty.setVisible(not counts)
        for index, (label, count) in enumerate(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))):
            box = name(QCheckBox(f"{label} ({count})"), f"{self._prefix}.legend.{label}",
                       f"Show or hide {label} entities")
            box.setIcon(swatch(label_color(label), 14))
            box.setChecked(label not in self._hidden)
            box.toggled.connect(lambda checked, lab=label: self._toggle(lab, checked))
            self._layout.insertWidget(index, box)
            self._boxes[label] = box

    def _toggle(self, label: str, checked: bool) -> None:
        if checked:
            self._hidden.discard(label)
        else:
            self._hidden.add(label)
        self.hidden_changed.emit(frozenset(self._hidden))
