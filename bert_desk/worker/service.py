"""The inference thread (`InferenceWorker` in a `QThread`) and its GUI-side facade `InferenceService`."""

from __future__ import annotations

import itertools
import logging
import traceback
import weakref
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from bert_desk.engine.types import Cancelled, EngineError
from bert_desk.worker import gc_guard
from bert_desk.worker.events import (
    Event,
    Job,
    JobCancelled,
    JobDone,
    JobFailed,
    JobProgress,
    ModelLoaded,
    ModelLoading,
    Throttle,
)
from bert_desk.worker.handlers import DEFAULT_HANDLERS, Handler, JobContext

log = logging.getLogger("bert_desk.worker")


class InferenceWorker(QObject):
    """Runs jobs one at a time in its own thread; emits one terminal event per job."""

    emitted = Signal(object)  # any Event (not `event`: that would shadow QObject.event)

    def __init__(self, handlers: Mapping[str, Handler] | None = None) -> None:
        super().__init__()
        self._handlers = dict(DEFAULT_HANDLERS if handlers is None else handlers)
        self._loaded: set[tuple[str, str, str]] = set()

    @Slot(object)
    def run_job(self, job: Job) -> None:
        """Run `job`; the single catch-all below turns any exception into `JobFailed`."""
        emit = self.emitted.emit
        try:
            job.token.raise_if_cancelled()
            handler = self._handlers.get(job.kind)
            if handler is None:
                raise EngineError(f"Unknown job kind {job.kind!r}")
            progress = Throttle(lambda f, m: emit(JobProgress(job.job_id, f, m, job.tab)))
            result = handler(JobContext(job, progress, lambda task: self._load(job, task)))
            job.token.raise_if_cancelled()
        except Cancelled:
            emit(JobCancelled(job.job_id, job.tab))
        except Exception as exc:
            if job.token.cancelled:  # whatever broke after a cancel is just the cancel
                emit(JobCancelled(job.job_id, job.tab))
                return
            details = traceback.format_exc()
            if isinstance(exc, EngineError):
                message = str(exc) or type(exc).__name__
                log.warning("Job %s (%s/%s, %s) failed: %s", job.job_id, job.tab, job.kind, job.spec, message)
                log.debug("%s", details)
            else:
                message = f"{type(exc).__name__}: {exc}"
                log.exception("Job %s (%s/%s, %s) crashed", job.job_id, job.tab, job.kind, job.spec)
            emit(JobFailed(job.job_id, job.tab, message.splitlines()[0] if message else "Error", details))
        else:
            emit(JobDone(job.job_id, job.tab, result))

    def _load(self, job: Job, task: str) -> Any:
        from bert_desk.engine.loading import load_model

        if not job.spec:
            raise EngineError("No model selected")
        key = (job.spec, task, job.device)
        first = key not in self._loaded
        if first:
            self.emitted.emit(ModelLoading(job.job_id, job.tab, job.spec, 0.0, f"Loading {job.spec}…"))

        def on_progress(fraction: float, message: str) -> None:
            job.token.raise_if_cancelled()
            self.emitted.emit(ModelLoading(job.job_id, job.tab, job.spec, fraction, message))

        model = load_model(job.spec, task, device=job.device or "auto", progress=Throttle(on_progress))
        self._loaded.add(key)
        self.emitted.emit(ModelLoaded(job.job_id, job.tab, model.info))
        return model


# --------------------------------------------------------------------------- GUI-side facade

_THREADS: weakref.WeakSet[QThread] = weakref.WeakSet()


def running_threads() -> list[QThread]:
    """Inference threads that are still running (tests fail when one outlives its test)."""
    return [t for t in list(_THREADS) if t.isRunning()]


class InferenceService(QObject):
    """Owns the inference thread; submit jobs, cancel them and hear about the current ones."""

    progressed = Signal(object)  # JobProgress
    finished = Signal(object)  # JobDone
    failed = Signal(object)  # JobFailed
    cancelled = Signal(object)  # JobCancelled
    model_loading = Signal(object)  # ModelLoading
    model_loaded = Signal(object)  # ModelLoaded
    _submit = Signal(object)

    _ids = itertools.count(1)

    def __init__(self, handlers: Mapping[str, Handler] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._current: dict[str, Job] = {}
        self._closed = False
        self._thread = QThread()
        self._thread.setObjectName("bert_desk-inference")
        self._worker = InferenceWorker(handlers)
        self._worker.moveToThread(self._thread)
        self._thread.finished.connect(self._worker.deleteLater)
        self._submit.connect(self._worker.run_job)  # queued: the worker lives in the thread
        self._worker.emitted.connect(self._on_event)  # queued back into this (GUI) thread
        _THREADS.add(self._thread)
        self._gc_held = gc_guard.acquire()  # no collections on this thread while it runs
        self._thread.start()

    @property
    def worker_thread(self) -> QThread:
        """The inference thread (not `thread`: that is QObject.thread(), where this object lives)."""
        return self._thread

    def submit(self, tab: str, kind: str, payload: Any = None, *, spec: str = "", device: str = "auto") -> int:
        """Queue a job for `tab` (cancelling its previous one) and return its id."""
        if self._closed:
            raise RuntimeError("The inference service is shut down")
        self.cancel(tab)
        job = Job(next(self._ids), tab, spec, device, kind, payload)
        self._current[tab] = job
        self._submit.emit(job)
        return job.job_id

    def connect_jobs(self, slot: Callable[[Any], None]) -> None:
        """Connect `slot` to the progress and the end (done, failed or cancelled) of every current job."""
        for signal in (self.progressed, self.finished, self.failed, self.cancelled):
            signal.connect(slot)

    def cancel(self, tab: str) -> bool:
        """Ask `tab`'s current job to stop (returns False when it has none)."""
        job = self._current.get(tab)
        if job is None:
            return False
        job.token.cancel()
        return True

    def current_job(self, tab: str) -> int | None:
        job = self._current.get(tab)
        return None if job is None else job.job_id

    def is_busy(self, tab: str) -> bool:
        return tab in self._current

    def shutdown(self, timeout_ms: int = 15000) -> bool:
        """Cancel every job, stop the thread's event loop and join it (True when it ended)."""
        if self._closed:
            return not self._thread.isRunning()
        self._closed = True
        for job in self._current.values():
            job.token.cancel()
        self._current.clear()
        self._thread.quit()
        ended = self._thread.wait(timeout_ms)
        if not ended:
            log.error("The inference thread did not stop within %d ms; waiting for it", timeout_ms)
            ended = self._thread.wait()
        if self._gc_held:
            self._gc_held = False
            gc_guard.release()
        return ended

    @Slot(object)
    def _on_event(self, event: Event) -> None:
        job = self._current.get(event.tab)
        if job is None or job.job_id != event.job_id:
            return  # stale: superseded, cancelled by a newer job, or after shutdown
        if isinstance(event, JobProgress):
            self.progressed.emit(event)
        elif isinstance(event, ModelLoading):
            self.model_loading.emit(event)
        elif isinstance(event, ModelLoaded):
            self.model_loaded.emit(event)
        else:
            del self._current[event.tab]
            signal = {JobDone: self.finished, JobFailed: self.failed, JobCancelled: self.cancelled}[type(event)]
            signal.emit(event)
