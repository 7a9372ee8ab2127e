"""What every task tab shares: model picker, Run/Cancel, progress, the error bar and its jobs.

A tab runs jobs in streams: the main one (Run) in slot `<tab>`, picker loads in `<tab>.load`, extra
streams (e.g. `sentiment.batch`) in `<tab>.<name>`, so they don't supersede each other. Each job's
handle is connected to the stream's handler when it is submitted (`start_job`): a tab hears only
about its own jobs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from bert_desk.inputs import InputError, check_text
from bert_desk.ui.error_bar import ErrorBar
from bert_desk.ui.highlight import TextEdit, read_text_file
from bert_desk.ui.model_picker import ModelPicker
from bert_desk.ui.settings import Settings
from bert_desk.ui.widgets import name, never_widen, plain_label, show_progress
from bert_desk.worker import (
    InferenceService,
    JobCancelled,
    JobDone,
    JobFailed,
    JobHandle,
    JobProgress,
    ModelLoaded,
    ModelLoading,
)

TEXT_FILTER = "Text files (*.txt *.md);;All files (*)"
FAILED = "Failed."  # the state line after a failed run (a later model load clears it)


@dataclass
class AppContext:
    """What tabs need from the window: the inference service, settings and the device choice."""

    service: InferenceService
    settings: Settings
    device: Callable[[], str]


class TaskTab(QWidget):
    """Base of the three tabs; subclasses build their body and implement `request`/`show_result`."""

    tab_id = ""
    task = ""
    preload_task = ""  # the head a picked model is loaded with (default: `task`)
    title = ""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        t = self.tab_id
        self.picker = ModelPicker(t, self.task, ctx.settings.recent_models(t))
        last = ctx.settings.last_model(t)
        if last:
            self.picker.set_spec(last)
        self.run_button = name(QPushButton("Run"), f"{t}.run", "Run the model (Ctrl+Enter)")
        self.run_button.setDefault(True)
        self.cancel_button = name(QPushButton("Cancel"), f"{t}.cancel", "Stop the running request")
        self.cancel_button.setEnabled(False)
        self.progress = name(QProgressBar(), f"{t}.progress")
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        self.state = name(never_widen(plain_label()), f"{t}.state")
        self.error_bar = ErrorBar(t)
        self._loading = False
        self.jobs: dict[str, JobHandle] = {}  # stream ("" for Run, "load", side streams) -> latest job

        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel)
        self.picker.spec_chosen.connect(self.preload)
        for keys, slot in (("Ctrl+Return", self.run), ("Ctrl+Enter", self.run), ("Escape", self.cancel_if_busy)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(self.picker)
        self.layout_.addWidget(self.error_bar)

    # -- building blocks for subclasses -----------------------------------------------------
    def action_row(self, *extra: QWidget) -> QHBoxLayout:
        """`extra` widgets, then Run, Cancel, progress and the state line."""
        row = QHBoxLayout()
        for widget in extra:
            row.addWidget(widget)
        row.addWidget(self.run_button)
        row.addWidget(self.cancel_button)
        row.addWidget(self.progress)
        row.addWidget(self.state, 1)
        return row

    def text_input(self, role: str = "input",
                   placeholder: str = "Type or paste a text, open a file, or drop one here…",
                   open_tip: str = "Open a text file") -> tuple[TextEdit, QPushButton]:
        """The tab's main text box `<tab>.<role>` (last session's text, accepts dropped files) and
        its Open… button `<tab>.open`."""
        editor = name(TextEdit(placeholder=placeholder), f"{self.tab_id}.{role}")
        editor.setPlainText(self.ctx.settings.last_input(f"{self.tab_id}.{role}"))
        editor.file_dropped.connect(self.open_path)
        button = name(QPushButton("Open…"), f"{self.tab_id}.open", open_tip)
        button.clicked.connect(self.open_file)
        return editor, button

    def choose_text_file(self, caption: str = "Open a text file") -> str | None:
        path, _ = QFileDialog.getOpenFileName(self, caption, self.ctx.settings.last_dir(), TEXT_FILTER)
        if path:
            self.ctx.settings.set_last_dir(str(Path(path).parent))
        return path or None

    def load_text_file(self, path: str) -> str | None:
        """Read a text file for an editor (newlines normalised); errors go to the error bar, as does a
        file full of control characters (`inputs.check_text`: not text, so not scored)."""
        try:
            text = read_text_file(path).replace("\r\n", "\n").replace("\r", "\n")
            check_text(path, text)
            return text
        except OSError as exc:
            self.error_bar.show_error(f"Could not open {Path(path).name}: {exc.strerror or exc}")
        except InputError as exc:
            self.error_bar.show_error(str(exc))
        return None

    # -- to implement -----------------------------------------------------------------------
    def request(self) -> tuple[str, Any] | None:
        """`(kind, payload)` for the current input, or None (after telling the user why)."""
        raise NotImplementedError

    def show_result(self, result: Any) -> None:
        raise NotImplementedError

    open_caption = "Open a text file"

    def open_file(self) -> None:
        """File ▸ Open: choose a text file and put it into the tab's input."""
        path = self.choose_text_file(self.open_caption)
        if path:
            self.open_path(path)

    def open_path(self, path: str) -> None:
        """Put the text of the file at `path` into the tab's input (errors go to the error bar)."""
        text = self.load_text_file(path)
        if text is not None:
            self.set_input_text(text)

    def set_input_text(self, text: str) -> None:
        """Show an opened file's text in the tab's input."""
        raise NotImplementedError

    def save_state(self) -> None:
        """Store the tab's inputs in the settings."""

    def result_outdated(self, why: str) -> None:
        """The shown result no longer answers the input with the chosen model (a run failed, another model
        was picked): tabs clear it, saying why, rather than leave it looking current."""

    def on_side_event(self, key: str, event: object) -> None:
        """Events of the tab's extra job streams (`<tab>.<key>`)."""

    # -- running ----------------------------------------------------------------------------
    def has_model(self) -> bool:
        """True when a model spec is picked; otherwise say so in the error bar."""
        if self.picker.spec():
            return True
        self.error_bar.show_error(f"No model selected for {self.title}: choose one in the Model box first.")
        return False

    def submit(self, stream: str, kind: str, payload: Any = None) -> JobHandle | None:
        """Submit a job on `stream` with the picked model; None when no model is picked."""
        if not self.has_model():
            return None
        spec = self.picker.spec()
        self.ctx.settings.set_last_model(self.tab_id, spec)
        return self.start_job(stream, kind, payload, spec=spec)

    def start_job(self, stream: str, kind: str, payload: Any = None, *, spec: str = "") -> JobHandle:
        """Queue a job in the tab's `stream` (superseding that stream's previous job) and connect its
        handle: model loading to the picker, the rest to the stream's handler."""
        slot = f"{self.tab_id}.{stream}" if stream else self.tab_id
        job = self.ctx.service.submit(slot, kind, payload, spec=spec, device=self.ctx.device())
        self.jobs[stream] = job
        if spec:
            job.model_loading.connect(self._on_model_loading)
            job.model_loaded.connect(self._on_model_loaded)
            job.ended.connect(self._on_ended_while_loading)
        handler = self._on_main_event if stream == "" else self._on_load_event if stream == "load" else self._on_side
        for signal in (job.progressed, job.done, job.failed, job.cancelled):
            signal.connect(handler)
        return job

    def running(self, *streams: str) -> bool:
        """True while a job of one of `streams` runs."""
        return any(stream in self.jobs and self.jobs[stream].running for stream in streams)

    def cancel_streams(self, *streams: str) -> bool:
        """Cancel the running jobs of `streams` (True when one was running)."""
        return any([stream in self.jobs and self.jobs[stream].cancel() for stream in streams])

    def run(self) -> None:
        if not self.has_model():
            return
        req = self.request()
        if req is None:
            return
        if self.submit("", *req) is not None:
            self.error_bar.clear()
            self.set_busy(True, "Running…")

    def cancel(self) -> None:
        if self.cancel_streams(""):
            self.state.setText("Cancelling…")

    def cancel_if_busy(self) -> None:
        """Esc: cancel the tab's running job (nothing when it has none)."""
        if self.busy():
            self.cancel()

    def preload(self, spec: str) -> None:
        """Load the model the user just picked (with the head `preload_task`, default the tab's task), so
        the first Run is quick and errors show early."""
        self.ctx.settings.set_last_model(self.tab_id, spec)
        self.result_outdated(f"another model was chosen ({spec}): press Run")
        self.load_picked(spec)

    def load_picked(self, spec: str | None = None) -> bool:
        """Load `spec` (default: the picked model) in the background; at start-up too, so the first Run only
        runs it. False when no model is picked."""
        spec = self.picker.spec() if spec is None else spec
        if spec:
            self.start_job("load", "load", self.preload_task or self.task, spec=spec)
        return bool(spec)

    def set_busy(self, busy: bool, message: str = "") -> None:
        self.cancel_button.setEnabled(busy)
        self.progress.setVisible(busy)
        if busy:
            self.progress.setRange(0, 0)  # indeterminate until the first progress report
        self.state.setText(message)
        if not busy:
            self.picker.set_busy(False)

    def busy(self) -> bool:
        return self.running("")

    # -- events -----------------------------------------------------------------------------
    def _on_model_loading(self, event: ModelLoading) -> None:
        self._loading = True
        self.picker.show_loading(event.fraction, event.message)

    def _on_model_loaded(self, event: ModelLoaded) -> None:
        self._loading = False
        self.picker.show_loaded(event.info)
        self.picker.remember(event.info.spec)  # only a spec that loaded joins the recent ones
        self.ctx.settings.remember_model(self.tab_id, event.info.spec)

    def _on_ended_while_loading(self, event: object) -> None:
        if isinstance(event, (JobFailed, JobCancelled)) and self._loading:
            self._loading = False
            if isinstance(event, JobFailed):
                self.picker.show_failed(event.message)
            else:
                self.picker.show_cancelled()

    def _on_side(self, event: object) -> None:
        self.on_side_event(getattr(event, "tab", "").partition(".")[2], event)  # slot `<tab>.<stream>`

    def _on_load_event(self, event: object) -> None:
        if isinstance(event, JobFailed):
            self.error_bar.show_error(event.message, event.details)
        elif isinstance(event, JobDone):
            self.error_bar.clear()
            if not self.busy() and self.state.text() == FAILED:
                self.state.setText("")  # an earlier run's failure is not about this model

    def _on_main_event(self, event: object) -> None:
        if isinstance(event, JobProgress):
            show_progress(self.progress, self.state, event.fraction, event.message)
        elif isinstance(event, JobDone):
            self.set_busy(False)
            self.error_bar.clear()
            self.show_result(event.result)
        elif isinstance(event, JobFailed):
            self.set_busy(False, FAILED)
            self.error_bar.show_error(event.message, event.details)
            self.result_outdated("the last run failed (see above)")
        elif isinstance(event, JobCancelled):
            self.set_busy(False, "Cancelled.")
