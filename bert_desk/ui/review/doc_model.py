"""Document list model: a lazily fetched page-by-page view of `Project.list_documents`.

Only the rows the view has scrolled to are loaded (`canFetchMore`/`fetchMore`, `PAGE` rows at a
time), so a 20,000-document project opens instantly. Each page starts at the first matching
document after the last loaded one (`Project.neighbor` + `index_of`), so rows whose status changed
since they were loaded never make a later page skip or repeat documents.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from bert_desk.project import DocumentRow, Project
from bert_desk.ui.theme import readable
from bert_desk.ui.widgets import tip

PAGE = 200
COLUMNS = ("#", "Document", "Status", "Sure")
STATUS_COLORS = {"accepted": "#188038", "rejected": "#c5221f", "skipped": "#80868b"}
DOC_ID_ROLE = Qt.ItemDataRole.UserRole
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Filters:
    """What the list shows: `task` decides which status is shown and filtered on."""

    task: str = "ner"
    status: str | None = None
    label: str | None = None
    search: str | None = None
    disagree: bool = False  # only where the reviewer's annotations differ from the model's proposals
    order: str = "position"  # or "confidence": least confident proposals first

    def kwargs(self) -> dict[str, Any]:  # Any: mypy-friendly for **kwargs into the store
        return {"task": self.task, "status": self.status, "label": self.label, "search": self.search or None,
                "disagree": self.disagree, "order": self.order}


class DocumentListModel(QAbstractTableModel):
    """Rows of `DocumentRow`s: position, preview and the status for the filter's task."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.filters = Filters()
        self._rows: list[DocumentRow] = []
        self._row_of: dict[int, int] = {}
        self._exhausted = True

    # -- source -----------------------------------------------------------------------------
    def set_source(self, project: Project | None, filters: Filters | None = None) -> None:
        """Show `project` with `filters` (loads the first page)."""
        self.beginResetModel()
        self.project = project
        self.filters = filters or self.filters
        self._rows, self._row_of = [], {}
        self._exhausted = project is None
        self.endResetModel()
        if self.canFetchMore(QModelIndex()):
            self.fetchMore(QModelIndex())

    def total(self) -> int:
        """How many documents match the filters (a COUNT query, not the loaded rows)."""
        return 0 if self.project is None else self.project.count(**self.filters.kwargs())

    # -- Qt model API -----------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, col = self._rows[index.row()], index.column()
        status = row.statuses.get(self.filters.task, "unreviewed")
        sure = "" if row.confidence is None else f"{row.confidence:.2f}"
        if role == Qt.ItemDataRole.DisplayRole:
            return (str(row.position + 1), row.preview, status, sure)[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            confidence = f" · model sure {sure} (its least confident decision)" if sure else ""
            return tip(f"Document {row.position + 1} · {row.length:,} characters · {status}{confidence}\n"
                       f"{row.preview}")
        if role == Qt.ItemDataRole.ForegroundRole and col == 2 and status in STATUS_COLORS:
            return readable(STATUS_COLORS[status], QApplication.palette().color(QPalette.ColorRole.Base))  # AA
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (0, 3):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == DOC_ID_ROLE:
            return row.id
        return None

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index) -> None:
        if parent.isValid() or self._exhausted or self.project is None:
            return
        kw = self.filters.kwargs()
        offset = 0
        if self._rows:
            following = self.project.neighbor(self._rows[-1].id, 1, **kw)
            if following is None:
                self._exhausted = True
                return
            offset = self.project.index_of(following, **kw)
        page = [r for r in self.project.list_documents(**kw, offset=offset, limit=PAGE) if r.id not in self._row_of]
        if len(page) < PAGE:
            self._exhausted = True
        if not page:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        for i, row in enumerate(page):
            self._row_of[row.id] = first + i
        self._rows.extend(page)
        self.endInsertRows()

    # -- lookups and updates ----------------------------------------------------------------
    def doc_id(self, row: int) -> int | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def row_of(self, doc_id: int, *, fetch: bool = False) -> int | None:
        """Row of a document; with `fetch`, load pages until it appears (or none are left)."""
        row = self._row_of.get(doc_id)
        while row is None and fetch and self.canFetchMore(QModelIndex()):
            self.fetchMore(QModelIndex())
            row = self._row_of.get(doc_id)
        return row

    def refresh_doc(self, doc_id: int) -> None:
        """Re-read one loaded row's statuses (after a review, an undo, …)."""
        row = self._row_of.get(doc_id)
        if row is None or self.project is None:
            return
        statuses = {task: self.project.review(doc_id, task).status for task in self._rows[row].statuses}
        self._rows[row] = replace(self._rows[row], statuses=statuses)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
