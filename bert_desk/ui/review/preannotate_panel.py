"""Pre-annotation: run the task's model over documents through the inference thread and store proposals.

`bert_desk.project.preannotate.preannotate` (which loads the model, runs it in batches and stores
each chunk in one transaction) runs as the worker's "preannotate" job on the stream `JOB_KEY`, so
the one inference thread owns every model; the store is thread-safe (its lock), and nothing else in
the review touches the store off the GUI thread. The model is chosen per task in a `ModelPicker`
(`review.<task>.model`), preset to the last spec used for pre-annotation, else to the one last
used in that task's tab (settings `models/<task>/last`), else Bundled.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QWidget,
)

from bert_desk.project import PROJECT_TASKS, Project
from bert_desk.ui.model_picker import ModelPicker
from bert_desk.ui.settings import Settings
from bert_desk.ui.widgets import name, never_widen, plain_label, show_progress
from bert_desk.worker import InferenceService, JobCancelled, JobDone, JobFailed, JobHandle, JobProgress

JOB_KEY = "review.preannotate"  # the service stream of pre-annotation jobs
SCOPES = (("unreviewed", "Unreviewed documents"), ("selected", "Selected unreviewed documents"),
          ("all", "All documents"))


class PreannotatePanel(QWidget):
    """Model picker, scope, Pre-annotate, progress and Cancel. `finished_run(message)` /
    `failed_run(message, details)` fire on the GUI thread when a run ends."""

    finished_run = Signal(str)
    failed_run = Signal(str, str)

    def __init__(self, service: InferenceService, settings: Settings | None, device: Callable[[], str],
                 parent: QWidget | None = None, *, batch_size: int = 16) -> None:
        super().__init__(parent)
        self.service, self.settings, self._device = service, settings, device
        self.batch_size = batch_size
        self.job: JobHandle | None = None
        self._running = ("", "")  # (task, spec) of the running job
        self.pickers: dict[str, ModelPicker] = {}
        self.stack = QStackedWidget()
        for task in PROJECT_TASKS:
            recent = settings.recent_models(f"review.{task}") + settings.recent_models(task) if settings else []
            picker = ModelPicker(f"review.{task}", task, dict.fromkeys(recent))
            last = settings.last_model(f"review.{task}") or settings.last_model(task) if settings else ""
            if last:
                picker.set_spec(last)
            self.pickers[task] = picker
            self.stack.addWidget(picker)
        self.scope = name(QComboBox(), "review.preannotate_scope", "Which documents the model runs over")
        for key, text in SCOPES:
            self.scope.addItem(text, key)
        self.run_button = name(QPushButton("Pre-annotate"), "review.preannotate",
                               "Run the model and store its proposals (reviewed annotations are kept)")
        self.cancel_button = name(QPushButton("Cancel"), "review.preannotate_cancel", "Stop pre-annotating")
        self.cancel_button.setEnabled(False)
        self.progress = name(QProgressBar(), "review.preannotate_progress")
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(180)
        self.progress.hide()
        self.state = name(never_widen(plain_label()), "review.preannotate_state")
        for button in (self.run_button, self.cancel_button):
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.cancel_button.clicked.connect(self.cancel)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack, 3)
        layout.addWidget(self.scope)
        layout.addWidget(self.run_button)
        layout.addWidget(self.progress)
        layout.addWidget(self.cancel_button)
        layout.addWidget(self.state, 1)

    def set_task(self, task: str) -> None:
        self.stack.setCurrentWidget(self.pickers[task])

    def spec(self, task: str) -> str:
        return self.pickers[task].spec()

    def device(self) -> str:
        """The device the Review tab's model jobs run on."""
        return self._device()

    def busy(self) -> bool:
        return self.job is not None

    def start_scope(self, project: Project, task: str, selected: Sequence[int]) -> bool:
        """Start a run over the documents the scope box names (`selected`: the list's selection)."""
        scope = self.scope.currentData()
        if scope == "selected":
            ids = [d for d in selected if project.review(d, task).status == "unreviewed"]
            if not ids:
                self.failed_run.emit("Select unreviewed documents in the list first.", "")
                return False
            return self.start(project, task, doc_ids=ids)
        if scope == "unreviewed":
            return self.start(project, task, statuses=["unreviewed"])
        return self.start(project, task)

    def start(self, project: Project, task: str, *, doc_ids: Sequence[int] | None = None,
              statuses: Sequence[str] | None = None) -> bool:
        """Queue a run (False, with a message through `failed_run`, when busy or no model is chosen)."""
        spec = self.spec(task)
        if self.busy():
            return False
        if not spec:
            self.failed_run.emit("Choose a model for pre-annotation first (the Model box).", "")
            return False
        payload = {"project": project.ref(), "task": task, "doc_ids": list(doc_ids) if doc_ids is not None else None,
                   "statuses": list(statuses) if statuses is not None else None, "batch_size": self.batch_size}
        try:
            self.job = self.service.submit(JOB_KEY, "preannotate", payload, spec=spec, device=self._device())
            self.job.progressed.connect(self._route)
            self.job.ended.connect(self._route)
        except RuntimeError as exc:  # the service is shut down (window closing)
            self.failed_run.emit(str(exc), "")
            return False
        if self.settings is not None:
            self.settings.set_last_model(f"review.{task}", spec)
        self._running = (task, spec)
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.state.setText(f"Loading {spec}…")
        return True

    def cancel(self) -> None:
        if self.job is not None and self.job.cancel():
            self.state.setText("Cancelling…")

    def shutdown(self) -> None:
        """Cancel the running job and forget it (project closing, window closing); the inference
        service joins its thread when the window closes. A job that is still stopping fails on
        the closed project or ends as cancelled; either way finished chunks are kept. A finished run's
        message ("Pre-annotated 8 documents.") goes: it was about that project."""
        self.state.setText("")
        if self.job is not None:
            self.job.cancel()
            self.job = None
            self._end()
            self.state.setText("Pre-annotation stopped.")

    # -- job events (GUI thread) ------------------------------------------------------------
    def _route(self, event: object) -> None:
        if self.job is None or getattr(event, "job_id", None) != self.job.job_id:
            return  # another stream's event, or one of a job this panel let go of
        if isinstance(event, JobProgress):
            show_progress(self.progress, self.state, event.fraction, event.message)
            return
        self.job = None
        self._end()
        if isinstance(event, JobDone):
            task, spec = self._running
            self.pickers[task].remember(spec)  # only a model that ran joins the recent ones
            if self.settings is not None:
                self.settings.remember_model(f"review.{task}", spec)
            done = int(event.result)
            message = f"Pre-annotated {done} document{'s' if done != 1 else ''}."
            self.state.setText(message)
            self.finished_run.emit(message)
        elif isinstance(event, JobFailed):
            self.state.setText("Pre-annotation failed.")
            self.failed_run.emit(event.message, event.details)
        elif isinstance(event, JobCancelled):
            self.state.setText("Pre-annotation cancelled (finished chunks are kept).")
            self.finished_run.emit(self.state.text())

    def _end(self) -> None:
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.hide()
