"""The inference thread (`InferenceWorker` in a `QThread`) and its GUI-side facade `InferenceService`."""

from __future__ import annotations

import itertools
import logging
import traceback
import weakref
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from bert_desk.engine import registry
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
        self._loaded: set[tuple[str, str, str, str]] = set()

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
        from bert_desk.engine.device import precision_preference
        from bert_desk.engine.loading import load_model

        if not job.spec:
            raise EngineError("No model selected")
        key = (job.spec, task, job.device, precision_preference())
        first = key not in self._loaded
        if first:
            self.emitted.emit(ModelLoading(job.job_id, job.tab, job.spec, 0.0, f"Loading {job.spec}…"))

        def on_progress(fraction: float, message: str) -> None:
            job.token.raise_if_cancelled()
            self.emitted.emit(ModelLoading(job.job_id, job.tab, job.spec, fraction, message))

        model = load_model(job.spec, task, device=job.device or "auto", progress=Throttle(on_progress))
        task_def = registry.TASKS.get(task) if first else None
        if task_def is not None and task_def.prepare is not None:
            task_def.prepare()  # what the task's first call needs besides the model, while the user still types
        self._loaded.add(key)
        self.emitted.emit(ModelLoaded(job.job_id, job.tab, model.info))
        return model


# --------------------------------------------------------------------------- GUI-side facade

_THREADS: weakref.WeakSet[QThread] = weakref.WeakSet()


def running_threads() -> list[QThread]:
    """Inference threads that are still running (tests fail when one outlives its test)."""
    return [t for t in list(_THREADS) if t.isRunning()]


class JobHandle(QObject):
    """One submitted job: its own signals and `cancel()`. A caller connects to the job it made
    (`job = service.submit(...); job.done.connect(self.show)`); no one filters a broadcast.

    Events reach the handle only while its job is its slot's current one: a job superseded by a
    newer one in the same slot hears nothing more (its late result is stale and dropped)."""

    progressed = Signal(object)  # JobProgress
    model_loading = Signal(object)  # ModelLoading
    model_loaded = Signal(object)  # ModelLoaded
    done = Signal(object)  # JobDone
    failed = Signal(object)  # JobFailed
    cancelled = Signal(object)  # JobCancelled
    ended = Signal(object)  # the terminal event (done, failed or cancelled), after its own signal

    def __init__(self, job: Job, service: InferenceService) -> None:
        super().__init__()
        self.job = job
        self._service = weakref.ref(service)
        self.running = True

    @property
    def job_id(self) -> int:
        return self.job.job_id

    @property
    def slot(self) -> str:
        """The slot (e.g. `sentiment`, `review.io`) in which a newer job supersedes this one."""
        return self.job.tab

    def cancel(self) -> bool:
        """Ask the job to stop (a flag the worker checks between batches); False when it has ended."""
        if not self.running:
            return False
        self.job.token.cancel()
        return True

    def _deliver(self, event: Event) -> None:
        if isinstance(event, JobProgress):
            self.progressed.emit(event)
        elif isinstance(event, ModelLoading):
            self.model_loading.emit(event)
        elif isinstance(event, ModelLoaded):
            self.model_loaded.emit(event)
        else:
            self.running = False
            {JobDone: self.done, JobFailed: self.failed, JobCancelled: self.cancelled}[type(event)].emit(event)
            self.ended.emit(event)


class InferenceService(QObject):
    """Owns the inference thread; `submit` returns a `JobHandle` that hears about its job only."""

    _submit = Signal(object)

    _ids = itertools.count(1)

    def __init__(self, handlers: Mapping[str, Handler] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._current: dict[str, JobHandle] = {}
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

    def submit(self, slot: str, kind: str, payload: Any = None, *, spec: str = "", device: str = "auto") -> JobHandle:
        """Queue a job in `slot` (cancelling and superseding the slot's previous one); connect to the
        returned handle's signals before the event loop runs again."""
        if self._closed:
            raise RuntimeError("The inference service is shut down")
        self.cancel(slot)
        handle = JobHandle(Job(next(self._ids), slot, spec, device, kind, payload), self)
        self._current[slot] = handle
        self._submit.emit(handle.job)
        return handle

    def cancel(self, slot: str) -> bool:
        """Ask `slot`'s current job to stop (returns False when it has none)."""
        handle = self._current.get(slot)
        return handle is not None and handle.cancel()

    def current_job(self, slot: str) -> JobHandle | None:
        """The slot's running job, if any."""
        return self._current.get(slot)

    def is_busy(self, slot: str) -> bool:
        return slot in self._current

    def shutdown(self, timeout_ms: int = 15000) -> bool:
        """Cancel every job, stop the thread's event loop and join it (True when it ended)."""
        if self._closed:
            return not self._thread.isRunning()
        self._closed = True
        for handle in self._current.values():
            handle.cancel()
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
        handle = self._current.get(event.tab)
        if handle is None or handle.job_id != event.job_id:
            return  # stale: superseded, cancelled by a newer job, or after shutdown
        if isinstance(event, (JobDone, JobFailed, JobCancelled)):
            del self._current[event.tab]
        handle._deliver(event)
