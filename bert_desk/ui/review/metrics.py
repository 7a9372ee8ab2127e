"""Model vs reviewer: per-label precision, recall and F1 of the model's proposals against the
reviewed annotations (`bert_desk.project.agreement`), in a non-modal dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from bert_desk.project import STATUSES, Project
from bert_desk.project.agreement import Agreement, LabelScore, agreement
from bert_desk.ui.widgets import name

HEADERS = ("Label", "Precision", "Recall", "F1", "Support", "TP", "FP", "FN")
TASK_TITLES = {"ner": "Entities", "qa": "Question answering", "sentiment": "Sentiment"}


def score_cells(score: LabelScore) -> list[str]:
    return [score.label, f"{score.precision:.3f}", f"{score.recall:.3f}", f"{score.f1:.3f}", str(score.support),
            str(score.tp), str(score.fp), str(score.fn)]


class MetricsDialog(QDialog):
    """Scores of one task; the reviewed statuses that count are ticked (accepted by default)."""

    def __init__(self, project: Project, task: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name(self, "review.metrics_dialog")
        self.setWindowTitle(f"Model vs reviewer — {TASK_TITLES.get(task, task)}")
        self.project, self.task = project, task
        self.scores: Agreement | None = None
        self.summary = name(QLabel(), "review.metrics_summary")
        self.summary.setWordWrap(True)
        self.statuses: dict[str, QCheckBox] = {}
        for status in STATUSES[1:]:
            box = name(QCheckBox(status), f"review.metrics_status.{status}", "Count reviewed documents with this status")
            box.setChecked(status == "accepted")
            box.toggled.connect(lambda _on: self.refresh())
            self.statuses[status] = box
        self.table = name(QTableWidget(0, len(HEADERS)), "review.metrics_table")
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        refresh = name(QPushButton("Refresh"), "review.metrics_refresh", "Compute the scores again")
        refresh.clicked.connect(self.refresh)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        name(close, "review.metrics_close")

        row = QHBoxLayout()
        row.addWidget(QLabel("Count documents that are:"))
        for box in self.statuses.values():
            row.addWidget(box)
        row.addStretch(1)
        row.addWidget(refresh)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(620, 380)
        self.refresh()

    def checked_statuses(self) -> list[str]:
        return [status for status, box in self.statuses.items() if box.isChecked()]

    def refresh(self) -> None:
        statuses = self.checked_statuses()
        result = agreement(self.project, self.task, statuses=statuses) if statuses else None
        self.scores = result
        self.table.setRowCount(0)
        if result is None or not result.documents:
            self.summary.setText("No documents to compare yet: pre-annotate, then review (accept) some documents."
                                 if statuses else "Tick at least one status.")
            return
        rows = [*result.labels.values(), result.micro]
        self.table.setRowCount(len(rows))
        for r, score in enumerate(rows):
            for c, text in enumerate(score_cells(score)):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if score is rows[-1]:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(r, c, item)
        self.summary.setText(f"{result.documents} reviewed document{'s' if result.documents != 1 else ''} with "
                             f"model proposals · micro F1 {result.micro.f1:.3f} · macro F1 {result.macro_f1:.3f}")
