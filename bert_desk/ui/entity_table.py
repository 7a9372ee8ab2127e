"""Table model of entities (text, label, score, position); sortable through a proxy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QObject,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor

from bert_desk.engine.colors import label_color
from bert_desk.engine.types import Entity
from bert_desk.ui.table_model import Index, RowsTableModel
from bert_desk.ui.theme import HIGHLIGHT_TEXT

SORT_ROLE = Qt.ItemDataRole.UserRole
ENTITY_ROLE = Qt.ItemDataRole.UserRole + 1


class EntityTableModel(RowsTableModel):
    HEADERS = ("Text", "Label", "Score", "Position")

    def set_entities(self, entities: Sequence[Entity]) -> None:
        self.set_rows(entities)

    def entities(self) -> list[Entity]:
        return self.rows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        ent, col = self.row_at(index), index.column()
        if ent is None:
            return None
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
