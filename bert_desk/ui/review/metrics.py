"""Model vs reviewer: per-label precision, recall and F1 of the model's proposals against the
reviewed annotations (`bert_desk.project.agreement`), in a non-modal dialog.

The scores are computed by the worker's "agreement" job on the stream `JOB_KEY` (a newer refresh
supersedes an older one; closing the dialog cancels it); `computed` fires when the table is filled.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from bert_desk.project import STATUSES, Project
from bert_desk.project.agreement import Agreement, LabelScore
from bert_desk.ui.review.labels import REVIEW_TASKS
from bert_desk.ui.widgets import name, plain_label
from bert_desk.worker import InferenceService, JobDone, JobFailed, JobHandle, JobProgress

JOB_KEY = "review.metrics"  # the service stream of agreement jobs

HEADERS = ("Label", "Precision", "Recall", "F1", "Support", "TP", "FP", "FN")


def score_cells(score: LabelScore) -> list[str]:
    return [score.label, f"{score.precision:.3f}", f"{score.recall:.3f}", f"{score.f1:.3f}", str(score.support),
            str(score.tp), str(score.fp), str(score.fn)]


class MetricsDialog(QDialog):
    """Scores of one task; the reviewed statuses that count are ticked (accepted by default)."""

    computed = Signal(object)  # the Agreement now shown, or None (no status ticked, failed, service closed)

    @classmethod
    def replacing(cls, old: MetricsDialog | None, project: Project, task: str, service: InferenceService,
                  parent: QWidget | None = None) -> MetricsDialog:
        """A new dialog, shown, in place of `old` (closed and deleted)."""
        if old is not None:
            old.close()
            old.deleteLater()
        dialog = cls(project, task, service, parent)
        dialog.show()
        return dialog

    def __init__(self, project: Project, task: str, service: InferenceService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name(self, "review.metrics_dialog")
        self.setWindowTitle(f"Model vs reviewer — {dict(REVIEW_TASKS).get(task, task)}")
        self.project, self.task, self.service = project, task, service
        self.scores: Agreement | None = None
        self.job: JobHandle | None = None  # the running computation (None when idle)
        self.summary = name(plain_label(), "review.metrics_summary")
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
        row.addWidget(plain_label("Count documents that are:"))
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

    def busy(self) -> bool:
        return self.job is not None

    def refresh(self) -> None:
        """Compute the scores again in the inference thread (superseding a running computation)."""
        statuses = self.checked_statuses()
        self.scores = None
        self.table.setRowCount(0)
        if not statuses:
            self.stop()
            self.summary.setText("Tick at least one status.")
            self.computed.emit(None)
            return
        payload = {"project": self.project.ref(), "task": self.task, "statuses": statuses}
        try:
            self.job = self.service.submit(JOB_KEY, "agreement", payload)
            self.job.progressed.connect(self._route)
            self.job.ended.connect(self._route)
        except RuntimeError as exc:  # the service is shut down (window closing)
            self.job = None
            self.summary.setText(str(exc))
            self.computed.emit(None)
            return
        self.summary.setText("Computing…")

    def stop(self) -> None:
        """Cancel the running computation, if any (closing the dialog does this)."""
        if self.job is not None:
            self.job.cancel()
        self.job = None

    def done(self, result: int) -> None:  # Close, Esc and close() all end here
        self.stop()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stop()
        super().closeEvent(event)

    def _route(self, event: object) -> None:
        if self.job is None or getattr(event, "job_id", None) != self.job.job_id:
            return
        if isinstance(event, JobProgress):
            self.summary.setText(f"Computing… {event.message}")
            return
        self.job = None
        if isinstance(event, JobDone):
            self._show(event.result)
        elif isinstance(event, JobFailed):
            self.summary.setText(f"Could not compute the scores: {event.message}")
            self.computed.emit(None)
        else:
            self.summary.setText("Cancelled: press Refresh to compute the scores.")
            self.computed.emit(None)

    def _show(self, result: Agreement) -> None:
        self.scores = result
        if not result.documents:
            self.summary.setText("No documents to compare yet: pre-annotate, then review (accept) some documents.")
            self.computed.emit(result)
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
        self.computed.emit(result)
