"""Project browser: status/label filters, text search and the lazily loaded document list."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from bert_desk.project import STATUSES, Project
from bert_desk.ui.review.doc_model import DocumentListModel, Filters
from bert_desk.ui.widgets import name, plain_label

SEARCH_DELAY_MS = 300


class DocumentTable(QTableView):
    """The document list; `undo()`/`redo()` reach the review's undo stack (Edit menu)."""

    undo_handler: Callable[[bool], None] | None = None

    def undo(self) -> None:
        if self.undo_handler is not None:
            self.undo_handler(False)

    def redo(self) -> None:
        if self.undo_handler is not None:
            self.undo_handler(True)


class DocumentBrowser(QWidget):
    """`current_changed(doc_id | None)` when the current row changes (click, arrows, navigation)."""

    current_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.task = "ner"
        self.status = name(QComboBox(), "review.filter_status", "Show documents with this status")
        self.status.addItem("All statuses", None)
        for status in STATUSES:
            self.status.addItem(status.capitalize(), status)
        self.label = name(QComboBox(), "review.filter_label", "Show documents with this label")
        self.order = name(QComboBox(), "review.order", "Document order, or the documents the model is least sure "
                                                       "of first (its lowest margin, stored with its proposals)")
        self.order.addItem("In order", "position")
        self.order.addItem("Least sure first", "confidence")
        self.disagree = name(QCheckBox("Disagree"), "review.filter_disagree",
                             "Only documents whose reviewed annotations differ from the model's proposals")
        self.search = name(QLineEdit(), "review.search", "Show documents containing this text")
        self.search.setPlaceholderText("Search text…")
        self.search.setClearButtonEnabled(True)
        self.count = name(plain_label(), "review.count")

        self.model = DocumentListModel(self)
        self.view = name(DocumentTable(), "review.documents", "Documents (Up/Down to move, Right/Left or J/K too)")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setAlternatingRowColors(True)
        vertical = self.view.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.view.fontMetrics().height() + 8)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(0, self.view.fontMetrics().horizontalAdvance("000000") + 10)
        header.resizeSection(2, self.view.fontMetrics().horizontalAdvance("unreviewed") + 20)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(3, self.view.fontMetrics().horizontalAdvance("Sure") + 16)
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.status.currentIndexChanged.connect(lambda _i: self.reload())
        self.label.currentIndexChanged.connect(lambda _i: self.reload())
        self.order.currentIndexChanged.connect(lambda _i: self.reload())
        self.disagree.toggled.connect(lambda _on: self.reload())

        filters = QHBoxLayout()
        filters.addWidget(self.status)
        filters.addWidget(self.label)
        queue = QHBoxLayout()  # its own row, so the list stays narrow
        queue.addWidget(self.order)
        queue.addWidget(self.disagree)
        queue.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addLayout(queue)
        layout.addWidget(self.search)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count)

    # -- filters ----------------------------------------------------------------------------
    def filters(self) -> Filters:
        return Filters(self.task, self.status.currentData(), self.label.currentData(), self.search.text().strip() or None,
                       self.disagree.isChecked(), self.order.currentData())

    def set_project(self, project: Project | None, task: str, labels: Sequence[str] = ()) -> None:
        self.project, self.task = project, task
        self.set_labels(labels, reload=False)
        self.reload()

    def set_task(self, task: str, labels: Sequence[str]) -> None:
        self.task = task
        self.set_labels(labels, reload=False)
        self.reload()

    def set_labels(self, labels: Sequence[str], *, reload: bool = True) -> None:
        """Offer `labels` in the label filter (keeping the chosen one when still offered)."""
        chosen = self.label.currentData()
        self.label.blockSignals(True)
        self.label.clear()
        self.label.addItem("Any label", None)
        for label in labels:
            self.label.addItem(label, label)
        index = self.label.findData(chosen) if chosen is not None else 0
        self.label.setCurrentIndex(max(0, index))
        self.label.blockSignals(False)
        if reload and index < 0:
            self.reload()

    def reload(self) -> None:
        """Re-run the query (filters changed, documents imported…); the first row becomes current."""
        self._search_timer.stop()
        self.model.set_source(self.project, self.filters())
        self.update_count()
        if self.model.rowCount():
            self.select_row(0)
        else:
            self.current_changed.emit(None)

    def update_count(self) -> None:
        if self.project is None:
            self.count.setText("")
            return
        total = self.model.total()
        self.count.setText(f"{total:,} document{'s' if total != 1 else ''} shown")

    # -- rows -------------------------------------------------------------------------------
    def current_doc(self) -> int | None:
        index = self.view.currentIndex()
        return self.model.doc_id(index.row()) if index.isValid() else None

    def current_row(self) -> int:
        index = self.view.currentIndex()
        return index.row() if index.isValid() else -1

    def selected_docs(self) -> list[int]:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [d for d in (self.model.doc_id(r) for r in rows) if d is not None]

    def select_row(self, row: int) -> bool:
        """Make `row` current (fetching more rows when it is just past the loaded ones)."""
        while row >= self.model.rowCount() and self.model.canFetchMore(QModelIndex()):
            self.model.fetchMore(QModelIndex())
        if not 0 <= row < self.model.rowCount():
            return False
        index = self.model.index(row, 0)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.view.selectionModel().setCurrentIndex(index, flags)
        self.view.scrollTo(index)
        return True

    def select_doc(self, doc_id: int) -> bool:
        """Make `doc_id` current if the list has it (False, and no row current, when it doesn't)."""
        row = self.model.row_of(doc_id)
        if row is None and self.project is not None and self.model.canFetchMore(QModelIndex()):
            wanted = self.project.index_of(doc_id, **self.filters().kwargs())  # its row if it matches
            while self.model.rowCount() <= wanted and self.model.canFetchMore(QModelIndex()):
                self.model.fetchMore(QModelIndex())
            row = self.model.row_of(doc_id)
        if row is None:
            selection = self.view.selectionModel()
            selection.blockSignals(True)  # the document stays shown; it is just not in the list
            selection.clear()
            selection.blockSignals(False)
            self.view.viewport().update()
            return False
        if self.current_doc() != doc_id:
            self.select_row(row)
        return True

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.current_changed.emit(self.model.doc_id(current.row()) if current.isValid() else None)
