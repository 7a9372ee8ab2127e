"""Table model of entities (text, label, score, position); sortable through a proxy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor

from bert_desk.engine.colors import label_color
from bert_desk.engine.types import Entity
from bert_desk.ui.theme import HIGHLIGHT_TEXT

SORT_ROLE = Qt.ItemDataRole.UserRole
ENTITY_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex


class EntityTableModel(QAbstractTableModel):
    HEADERS = ("Text", "Label", "Score", "Position")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Entity] = []

    def set_entities(self, entities: Sequence[Entity]) -> None:
        self.beginResetModel()
        self._rows = list(entities)
        self.endResetModel()

    def entities(self) -> list[Entity]:
        return list(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        ent, col = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (ent.text, ent.label, f"{ent.score:.3f}", f"{ent.start}–{ent.end}")[col]
        if role == SORT_ROLE:
            return (ent.text.lower(), ent.label, ent.score, ent.start)[col]
        if role == ENTITY_ROLE:
            return ent
        if role == Qt.ItemDataRole.BackgroundRole and col == 1:
            return QColor(label_color(ent.label))
        if role == Qt.ItemDataRole.ForegroundRole and col == 1:
            return HIGHLIGHT_TEXT
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (2, 3):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def sorting_proxy(model: QAbstractTableModel, parent: QObject | None = None) -> QSortFilterProxyModel:
    """A proxy that sorts by the model's `SORT_ROLE` (numbers as numbers)."""
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    return proxy
