"""The "Why?" panel of the Sentiment, Question answering and Entities tabs, their report export, and the
button that opens the model comparison (`ui/compare_dialog.py`).

Explain runs `explain:<task>` (`engine.explain`) in the worker, in the tab's `explain` stream: a newer request
supersedes the running one, Cancel stops it, the progress bar follows it. The result is shown by an
`AttributionView`, which stays collapsed until the first explanation. "Export report…" writes the tab's
current result (and the explanation) as one self-contained HTML file (`engine.report`), or the tab as PNG.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from bert_desk.atomic import atomic_write
from bert_desk.engine import report
from bert_desk.engine.explain import DEFAULT_STEPS, GRAD_INPUT, IG, MAX_STEPS, Explanation
from bert_desk.ui.attribution_view import AttributionView
from bert_desk.ui.compare_dialog import CompareDialog
from bert_desk.ui.job_follower import JobFollower
from bert_desk.ui.task_tab import TaskTab
from bert_desk.ui.widgets import name, never_widen, plain_label
from bert_desk.worker import JobHandle

STREAM = "explain"
PREDICTED = "Predicted label"
REPORT_FILTERS = "HTML report (*.html);;PNG image (*.png)"
Payload = Callable[[], dict[str, Any] | None]  # the task's input fields and target, or None (after saying why)
Sections = Callable[[], list[str]]  # the tab's current result as report sections ([] when none)


class ExplainPanel(QWidget):
    """Explain / method / steps / label controls, progress and Cancel, Export report…, and the view."""

    def __init__(self, tab: TaskTab, payload: Payload, sections: Sections, *, labels: bool = False,
                 hint: str = "") -> None:
        super().__init__()
        self.tab = tab
        self._payload = payload
        self._sections = sections
        p = f"{tab.tab_id}.explain"
        self.explain_button = name(QPushButton("Explain"), f"{p}.run",
                                   f"Why did the model say that? Token attributions{hint}")
        self.method = name(QComboBox(), f"{p}.method", "Gradient × input: one pass, instant. Integrated gradients: "
                           "several passes (Steps), more faithful; its attributions add up to the output change")
        self.method.addItem("Gradient × input", GRAD_INPUT)
        self.method.addItem("Integrated gradients", IG)
        self.steps = name(QSpinBox(), f"{p}.steps", "Integrated gradients' steps (more: slower, more exact)")
        self.steps.setRange(2, MAX_STEPS)
        self.steps.setValue(DEFAULT_STEPS)
        self.steps.setPrefix("Steps: ")
        self.label = name(QComboBox(), f"{p}.label", "The label to explain (default: the predicted one)")
        self.label.addItem(PREDICTED, None)
        self.label.setVisible(labels)
        self.cancel_button = name(QPushButton("Cancel"), f"{p}.cancel", "Stop the explanation")
        self.progress = name(QProgressBar(), f"{p}.progress")
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(160)
        self.state = name(never_widen(plain_label()), f"{p}.state")
        self.export_button = name(QPushButton("Export report…"), f"{tab.tab_id}.export",
                                  "Save the current result (and its explanation) as an HTML report or a PNG image")
        self.compare_button = name(QPushButton("Compare models…"), f"{tab.tab_id}.compare",
                                   "Run another model (B) on the same input and see what differs")
        self.compare_dialog: CompareDialog | None = None
        self.view = AttributionView(tab.tab_id)
        self.view.hide()
        self.follower = JobFollower(self.progress, self.state, self.cancel_button, what="Explanation",
                                    on_done=self.show_explanation,
                                    on_failed=lambda event: tab.error_bar.show_error(event.message, event.details))
        self.method.currentIndexChanged.connect(lambda _i: self.steps.setEnabled(self.method.currentData() == IG))
        self.steps.setEnabled(False)
        self.explain_button.clicked.connect(self.explain)
        self.export_button.clicked.connect(self.export)
        self.compare_button.clicked.connect(self.open_compare)

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (self.explain_button, self.method, self.steps, self.label, self.cancel_button, self.progress):
            row.addWidget(widget)
        row.addWidget(self.state, 1)
        row.addWidget(self.compare_button)
        row.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.view, 1)
        self._collapse(True)

    # -- controls -----------------------------------------------------------------------------
    def set_labels(self, labels: list[str]) -> None:
        """Offer these labels beside "Predicted label" (the choice is kept when it is still offered)."""
        current = self.label.currentData()
        self.label.clear()
        self.label.addItem(PREDICTED, None)
        for label in labels:
            self.label.addItem(label, label)
        index = self.label.findData(current)
        self.label.setCurrentIndex(max(0, index))

    def options(self) -> dict[str, Any]:
        """method, steps and (when one is picked) label, as `engine.explain` takes them."""
        options: dict[str, Any] = {"method": self.method.currentData(), "steps": self.steps.value()}
        if self.label.isVisible() and self.label.currentData() is not None:
            options["label"] = self.label.currentData()
        return options

    @property
    def job(self) -> JobHandle | None:
        """The running or last explanation."""
        return self.follower.job

    def busy(self) -> bool:
        return self.follower.running()

    def _collapse(self, collapsed: bool) -> None:
        """Collapsed: only the row of controls; expanded: the view too, given half of the splitter."""
        self.view.setVisible(not collapsed)
        self.setMaximumHeight(self.sizeHint().height() if collapsed else 16777215)
        splitter = self.parentWidget()
        if not collapsed and isinstance(splitter, QSplitter) and splitter.count() == 2:
            total = sum(splitter.sizes())
            splitter.setSizes([total // 2, total - total // 2])

    # -- running ------------------------------------------------------------------------------
    def explain(self) -> None:
        """Explain the tab's current input (superseding a running explanation)."""
        payload = self._payload()
        if payload is None:
            return
        job = self.tab.submit(STREAM, f"explain:{self.tab.task}", {**payload, **self.options()})
        if job is None:
            return
        self.tab.error_bar.clear()
        self.follower.follow(job, "Explaining…")

    def cancel(self) -> None:
        self.follower.cancel()

    def show_explanation(self, exp: Explanation) -> None:
        self.view.show_explanation(exp)
        self._collapse(False)

    def open_compare(self) -> CompareDialog:
        """Show the tab's comparison dialog (one per tab, kept with its choice of model B)."""
        if self.compare_dialog is None:
            self.compare_dialog = CompareDialog(self.tab)
        self.compare_dialog.show()
        self.compare_dialog.raise_()
        return self.compare_dialog

    # -- export -------------------------------------------------------------------------------
    def report_sections(self) -> list[str]:
        """The tab's result, then the explanation (when there is one)."""
        sections = list(self._sections())
        if self.view.explanation is not None:
            sections.append(report.explanation_section(self.view.explanation))
        return sections

    def export(self) -> None:
        """Ask where, then write the HTML report or the PNG image (atomically; errors to the error bar)."""
        sections = self.report_sections()
        if not sections:
            self.tab.error_bar.show_error("Nothing to export yet: run the model (or Explain) first.")
            return
        start = str(Path(self.tab.ctx.settings.last_dir()) / f"{self.tab.tab_id}-report.html")
        path, chosen = QFileDialog.getSaveFileName(self, "Export report", start, REPORT_FILTERS)
        if path:
            self.export_to(path, png=path.lower().endswith(".png") or (chosen.startswith("PNG")
                                                                       and not path.lower().endswith(".html")))

    def export_to(self, path: str, *, png: bool = False) -> bool:
        """Write the report to `path`: HTML, or (png) an image of the tab as it is shown."""
        try:
            if png:
                data = QByteArray()
                buffer = QBuffer(data)
                buffer.open(QIODevice.OpenModeFlag.WriteOnly)
                self.tab.grab().save(buffer, "PNG")
                buffer.close()
                with atomic_write(path) as stream:
                    stream.write(bytes(data.data()))
            else:
                report.write_page(path, f"bert_desk: {self.tab.title}", self.report_sections())
        except OSError as exc:
            self.tab.error_bar.show_error(f"Could not write {Path(path).name}: {exc.strerror or exc}")
            return False
        self.tab.ctx.settings.set_last_dir(str(Path(path).parent))
        self.state.setText(f"Report saved: {Path(path).name}")
        return True
