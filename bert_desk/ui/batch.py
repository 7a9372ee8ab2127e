"""Batch sentiment: a sortable results table, the distribution chart, progress, Cancel and export.

Exports are in the file's order (whatever the table's sort), each row with the source line its text
starts on and every label's score; opening another file while results are unexported asks first."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from bert_desk import inputs as batch_io
from bert_desk.engine.types import SentimentResult
from bert_desk.ui import widgets
from bert_desk.ui.chart import DistributionChart, label_colors
from bert_desk.ui.entity_table import SORT_ROLE, sorting_proxy
from bert_desk.ui.table_model import Index, RowsTableModel
from bert_desk.ui.theme import HIGHLIGHT_TEXT
from bert_desk.ui.widgets import name, plain_label, split, tip


class BatchTableModel(RowsTableModel):
    """Rows of (text, label, score); `SORT_ROLE` gives sortable values."""

    HEADERS = ("Text", "Label", "Score")
    ROW_NUMBERS = True

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._colors: dict[str, Any] = {}

    def set_results(self, results: Sequence[SentimentResult]) -> None:
        self._colors = label_colors(sorted({lab for r in results for lab in r.scores} | {r.label for r in results}))
        self.set_rows(results)

    def results(self) -> list[SentimentResult]:
        return self.rows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row, col = self.row_at(index), index.column()
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return (" ".join(row.text.split())[:300], row.label, f"{row.score:.3f}")[col]
        if role == SORT_ROLE:
            return (row.text.lower(), row.label, row.score)[col]
        if role == Qt.ItemDataRole.ToolTipRole and col == 0:
            return tip(row.text[:2000])
        if role == Qt.ItemDataRole.ToolTipRole and col == 2:
            return tip("\n".join(f"{lab}: {s:.4f}" for lab, s in sorted(row.scores.items(), key=lambda kv: -kv[1])))
        if role == Qt.ItemDataRole.BackgroundRole and col == 1:
            return self._colors.get(row.label)
        if role == Qt.ItemDataRole.ForegroundRole and col == 1:
            return HIGHLIGHT_TEXT
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def export_rows(results: Sequence[SentimentResult], lines: Sequence[int] = ()) -> list[dict[str, object]]:
    """One row per result, in the given order: the source `line` (when known), text, label, score, scores."""
    rows: list[dict[str, object]] = []
    for i, r in enumerate(results):
        line = {"line": lines[i]} if i < len(lines) else {}
        rows.append({**line, "text": r.text, "label": r.label, "score": r.score, "scores": dict(r.scores)})
    return rows


class BatchPanel(QWidget):
    """Open a batch file → `texts_ready(list[str])`; the tab runs it and calls `show_results`."""

    texts_ready = Signal(list)
    cancel_requested = Signal()
    failed = Signal(str)

    def __init__(self, prefix: str = "sentiment", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        p = prefix
        self.open_button = name(QPushButton("Open batch file…"), f"{p}.batch_open",
                                ".txt (one text per line), .csv/.tsv (pick the column) or .jsonl (a \"text\" field)")
        self.cancel_button = name(QPushButton("Cancel"), f"{p}.batch_cancel", "Stop the batch")
        self.cancel_button.setEnabled(False)
        self.progress = name(QProgressBar(), f"{p}.batch_progress")
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.export_csv_button = name(QPushButton("Export CSV…"), f"{p}.batch_export_csv")
        self.export_jsonl_button = name(QPushButton("Export JSONL…"), f"{p}.batch_export_jsonl")
        self.summary = name(plain_label("No batch yet."), f"{p}.batch_summary")
        self.model = BatchTableModel(self)
        self.proxy = sorting_proxy(self.model, self)
        self.table = name(QTableView(), f"{p}.batch_table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicatorClearable(True)  # a third click: back to the file's order
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the file's order, no arrow
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.chart = name(DistributionChart(), f"{p}.chart")

        row = QHBoxLayout()
        for widget in (self.open_button, self.cancel_button, self.progress, self.export_csv_button,
                       self.export_jsonl_button):
            row.addWidget(widget)
        splitter = split(self.table, self.chart, (3, 1), vertical=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)

        self.open_button.clicked.connect(self.choose_file)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.export_csv_button.clicked.connect(lambda: self.choose_export("csv"))
        self.export_jsonl_button.clicked.connect(lambda: self.choose_export("jsonl"))
        self._lines: list[int] = []  # the source line of each text of the batch, in the file's order
        self._source = ""
        self._unexported = False
        self._update_exports()

    # -- input ------------------------------------------------------------------------------
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a batch of texts", "", batch_io.FILE_FILTER)
        if path:
            self.open_file(path)

    def open_file(self, path: str, column: str | None = None) -> bool:
        """Read a batch file (asking for the CSV/TSV column when needed) and emit its texts; results not
        yet exported are only replaced when the user agrees."""
        from bert_desk.ui.dialogs import pick_column

        if not self.confirm_discard():
            return False
        try:
            if batch_io.is_table(path) and column is None:
                header, rows = batch_io.table_columns(path)
                column = batch_io.default_column(header) or pick_column(self, Path(path).name, header, rows)
                if column is None:
                    return False
            numbered = batch_io.read_numbered_texts(path, column)
        except batch_io.InputError as exc:
            self.failed.emit(str(exc))
            return False
        if not numbered:
            self.failed.emit(f"{Path(path).name}: no texts found")
            return False
        self._lines = [line for line, _ in numbered]
        self._source = Path(path).name
        self.summary.setText(f"{self._source}: {len(numbered)} texts")
        self.texts_ready.emit([text for _, text in numbered])
        return True

    def confirm_discard(self) -> bool:
        """True when there are no unexported results, or the user agrees to discard them."""
        if not self._unexported or not self.model.rowCount():
            return True
        n = self.model.rowCount()
        return widgets.ask_yes_no(self, "Discard the batch results?",
                                  f"The {n:,} results of {self._source or 'the last batch'} have not been exported. "
                                  "Discard them and open another file?", "Discard")

    # -- state ------------------------------------------------------------------------------
    def set_busy(self, busy: bool, message: str = "") -> None:
        self.cancel_button.setEnabled(busy)
        self.open_button.setEnabled(True)
        if busy:
            self.progress.setValue(0)
        if message:
            self.summary.setText(message)

    def show_progress(self, fraction: float, message: str = "") -> None:
        self.progress.setValue(round(fraction * 100))

    def show_results(self, results: Sequence[SentimentResult]) -> None:
        self.model.set_results(results)
        self._unexported = bool(results)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the file's order, no arrow
        self.chart.set_results([(r.label, r.score) for r in results])
        counts = self.chart.counts()
        self.summary.setText(f"{len(results)} texts: " + ", ".join(f"{lab} {n}" for lab, n in sorted(counts.items())))
        self.progress.setValue(100)
        self._update_exports()

    def _update_exports(self) -> None:
        has = self.model.rowCount() > 0
        self.export_csv_button.setEnabled(has)
        self.export_jsonl_button.setEnabled(has)

    # -- output -----------------------------------------------------------------------------
    def choose_export(self, fmt: str) -> None:
        if not self.model.rowCount():
            return
        filters = {"csv": "CSV (*.csv)", "jsonl": "JSON lines (*.jsonl)"}
        path, _ = QFileDialog.getSaveFileName(self, f"Export results as {fmt.upper()}", f"sentiment.{fmt}",
                                              filters[fmt])
        if path:
            self.export(path, fmt)

    def export(self, path: str, fmt: str) -> None:
        """Write the results as CSV or JSONL in the file's order (not the table's sort), with source lines
        and every label's score."""
        rows = export_rows(self.model.results(), self._lines)
        try:
            (batch_io.write_csv if fmt == "csv" else batch_io.write_jsonl)(path, rows)
        except OSError as exc:
            self.failed.emit(f"Could not write {Path(path).name}: {exc.strerror or exc}")
            return
        self._unexported = False
        self.summary.setText(f"Exported {len(rows)} rows to {Path(path).name}")
