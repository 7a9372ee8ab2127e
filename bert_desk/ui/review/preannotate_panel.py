"""Pre-annotation: run the task's model over documents in a thread of its own and store proposals.

The inference worker only runs its fixed job kinds, so `bert_desk.project.preannotate.preannotate`
(which loads the model, runs it in batches and stores each chunk in one transaction) runs in a
`PreannotateThread` here, with a `CancelToken`; the store is thread-safe (its lock), and nothing
else in the review touches the store off the GUI thread. The model is chosen per task in a
`ModelPicker` (`review.<task>.model`), preset to the last spec used for pre-annotation, else to the
one last used in that task's tab (settings `models/<task>/last`), else Bundled.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QWidget,
)

from bert_desk.engine.types import Cancelled, CancelToken, EngineError
from bert_desk.project import PROJECT_TASKS, Project, ProjectError
from bert_desk.project.preannotate import preannotate
from bert_desk.ui.model_picker import ModelPicker
from bert_desk.ui.settings import Settings
from bert_desk.ui.widgets import name

log = logging.getLogger(__name__)
SCOPES = (("unreviewed", "Unreviewed documents"), ("selected", "Selected unreviewed documents"),
          ("all", "All documents"))


class PreannotateThread(QThread):
    """Runs `preannotate` once; emits `progressed`, then one of `succeeded`, `failed`, `was_cancelled`."""

    progressed = Signal(float, str)
    succeeded = Signal(int)
    failed = Signal(str, str)
    was_cancelled = Signal()

    def __init__(self, project: Project, task: str, spec: str, *, doc_ids: Sequence[int] | None = None,
                 statuses: Sequence[str] | None = None, device: str = "auto", batch_size: int = 16,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bert_desk-preannotate")
        self.project, self.task, self.spec = project, task, spec
        self.doc_ids = list(doc_ids) if doc_ids is not None else None
        self.statuses = list(statuses) if statuses is not None else None
        self.device, self.batch_size = device, batch_size
        self.token = CancelToken()

    def cancel(self) -> None:
        self.token.cancel()

    def run(self) -> None:
        try:
            done = preannotate(self.project, self.task, self.spec, batch_size=self.batch_size,
                               statuses=self.statuses, doc_ids=self.doc_ids, progress=self.progressed.emit,
                               cancel=self.token, device=self.device)
        except Cancelled:
            self.was_cancelled.emit()
        except (ProjectError, EngineError) as exc:
            self.failed.emit(str(exc) or type(exc).__name__, traceback.format_exc())
        except Exception as exc:  # the one catch-all of this thread
            if self.token.cancelled:
                self.was_cancelled.emit()
                return
            log.exception("Pre-annotation with %s crashed", self.spec)
            self.failed.emit(f"{type(exc).__name__}: {exc}", traceback.format_exc())
        else:
            self.succeeded.emit(done)


class PreannotatePanel(QWidget):
    """Model picker, scope, Pre-annotate, progress and Cancel. `finished_run(message)` /
    `failed_run(message, details)` fire on the GUI thread when a run ends."""

    finished_run = Signal(str)
    failed_run = Signal(str, str)

    def __init__(self, settings: Settings | None, device: Callable[[], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings, self._device = settings, device
        self.thread_: PreannotateThread | None = None
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
        self.state = name(QLabel(), "review.preannotate_state")
        self.state.setTextFormat(Qt.TextFormat.PlainText)
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

    def busy(self) -> bool:
        return self.thread_ is not None

    def start(self, project: Project, task: str, *, doc_ids: Sequence[int] | None = None,
              statuses: Sequence[str] | None = None) -> bool:
        """Start a run (False, with a message in `state`, when busy or no model is chosen)."""
        spec = self.spec(task)
        if self.busy():
            return False
        if not spec:
            self.failed_run.emit("Choose a model for pre-annotation first (the Model box).", "")
            return False
        if self.settings is not None:
            self.settings.set_last_model(f"review.{task}", spec)
        self.pickers[task].remember(spec)
        thread = PreannotateThread(project, task, spec, doc_ids=doc_ids, statuses=statuses, device=self._device())
        queued = Qt.ConnectionType.QueuedConnection
        thread.progressed.connect(self._progressed, queued)
        thread.succeeded.connect(self._succeeded, queued)
        thread.failed.connect(self._failed, queued)
        thread.was_cancelled.connect(self._cancelled, queued)
        self.thread_ = thread
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.state.setText(f"Loading {spec}…")
        thread.start()
        return True

    def cancel(self) -> None:
        if self.thread_ is not None:
            self.thread_.cancel()
            self.state.setText("Cancelling…")

    def shutdown(self, timeout_ms: int = 30_000) -> None:
        """Cancel and join the running thread (window closing, project closing)."""
        thread = self.thread_
        if thread is not None:
            for signal in (thread.progressed, thread.succeeded, thread.failed, thread.was_cancelled):
                signal.disconnect()
            thread.cancel()
            thread.wait(timeout_ms)
            self._end()
            self.state.setText("Pre-annotation stopped.")

    # -- thread events (queued to the GUI thread) -------------------------------------------
    def _progressed(self, fraction: float, message: str) -> None:
        self.progress.setRange(0, 100)
        self.progress.setValue(round(fraction * 100))
        self.state.setText(message)

    def _succeeded(self, done: int) -> None:
        self._end()
        message = f"Pre-annotated {done} document{'s' if done != 1 else ''}."
        self.state.setText(message)
        self.finished_run.emit(message)

    def _failed(self, message: str, details: str) -> None:
        self._end()
        self.state.setText("Pre-annotation failed.")
        self.failed_run.emit(message, details)

    def _cancelled(self) -> None:
        self._end()
        self.state.setText("Pre-annotation cancelled (finished chunks are kept).")
        self.finished_run.emit(self.state.text())

    def _end(self) -> None:
        thread, self.thread_ = self.thread_, None
        if thread is not None:
            thread.wait()
            thread.deleteLater()
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.hide()
