"""Following one side job (an explanation, a comparison): its progress bar, state line and Cancel button."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton

from bert_desk.ui.widgets import show_progress
from bert_desk.worker import JobCancelled, JobDone, JobFailed, JobHandle, JobProgress


class JobFollower:
    """Shows the followed job's progress and end in `progress`/`state`, enables `cancel_button` while it
    runs, and hands its result to `on_done`. A newer `follow` replaces the job (the service superseded the
    older one; its late events are ignored). `what` names the job in the state line ("Explanation")."""

    def __init__(self, progress: QProgressBar, state: QLabel, cancel_button: QPushButton, *, what: str,
                 on_done: Callable[[Any], None], on_failed: Callable[[JobFailed], None] | None = None) -> None:
        self.progress, self.state, self.cancel_button = progress, state, cancel_button
        self.what, self.on_done, self.on_failed = what, on_done, on_failed
        self.job: JobHandle | None = None
        cancel_button.clicked.connect(self.cancel)
        self.set_busy(False)

    def follow(self, job: JobHandle, message: str) -> None:
        self.job = job
        for signal in (job.progressed, job.done, job.failed, job.cancelled):
            signal.connect(self._on_event)
        self.set_busy(True, message)

    def running(self) -> bool:
        return self.job is not None and self.job.running

    def cancel(self) -> None:
        if self.job is not None and self.job.cancel():
            self.state.setText("Cancelling…")

    def set_busy(self, busy: bool, message: str = "") -> None:
        self.cancel_button.setEnabled(busy)
        self.progress.setVisible(busy)
        if busy:
            self.progress.setRange(0, 0)  # busy until the first progress
        self.state.setText(message)

    def _on_event(self, event: object) -> None:
        if self.job is None or getattr(event, "job_id", None) != self.job.job_id:
            return
        if isinstance(event, JobProgress):
            show_progress(self.progress, self.state, event.fraction, event.message)
        elif isinstance(event, JobDone):
            self.set_busy(False)
            self.on_done(event.result)
        elif isinstance(event, JobFailed):
            if self.on_failed is None:
                self.set_busy(False, f"{self.what} failed: {event.message}")
            else:
                self.set_busy(False, f"{self.what} failed.")
                self.on_failed(event)
        elif isinstance(event, JobCancelled):
            self.set_busy(False, f"{self.what} cancelled.")
