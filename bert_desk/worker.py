"""The inference thread: one long-lived `QThread` that runs every model request in order.

GUI code talks to `InferenceService` only (it lives in the GUI thread):

- `submit(tab, kind, payload, spec=..., device=...) -> job_id` queues a `Job` to the worker
  through a queued signal; a tab's new job cancels that tab's previous one.
- `cancel(tab)` sets the job's `CancelToken` directly (a thread-safe flag, not a queued signal,
  which would only arrive after the job ended).
- Results come back as `Signal(object)` carrying the dataclasses below; events of superseded
  jobs are dropped, so a tab only ever hears about its current job.
- `shutdown()` cancels everything, quits and joins the thread.

The engine is imported lazily inside the job handlers, so importing this module stays cheap.
"""

from __future__ import annotations

import itertools
import logging
import traceback
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from bert_desk.engine.types import Cancelled, CancelToken, EngineError, ModelInfo, ProgressFn

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- job and events


@dataclass(frozen=True)
class Job:
    """One request: which tab asked, the model spec and device, what to do and its input."""

    job_id: int
    tab: str
    spec: str
    device: str
    kind: str
    payload: Any = None
    token: CancelToken = field(default_factory=CancelToken, compare=False, repr=False)


@dataclass(frozen=True)
class JobProgress:
    job_id: int
    fraction: float
    message: str
    tab: str = ""


@dataclass(frozen=True)
class JobDone:
    job_id: int
    tab: str
    result: Any


@dataclass(frozen=True)
class JobFailed:
    job_id: int
    tab: str
    message: str
    details: str


@dataclass(frozen=True)
class JobCancelled:
    job_id: int
    tab: str


@dataclass(frozen=True)
class ModelLoading:
    """A model is being loaded for a job (fraction in [0, 1])."""

    job_id: int
    tab: str
    spec: str
    fraction: float
    message: str


@dataclass(frozen=True)
class ModelLoaded:
    job_id: int
    tab: str
    info: ModelInfo


Event = JobProgress | JobDone | JobFailed | JobCancelled | ModelLoading | ModelLoaded


class Throttle:
    """Pass progress on only when the fraction moved by at least `step` (and at the ends)."""

    def __init__(self, emit: ProgressFn, step: float = 0.01) -> None:
        self._emit = emit
        self._step = step
        self._last: float | None = None

    def __call__(self, fraction: float, message: str) -> None:
        fraction = min(1.0, max(0.0, float(fraction)))
        last = self._last
        if last is None or abs(fraction - last) >= self._step or (fraction >= 1.0 > last):
            self._last = fraction
            self._emit(fraction, message)


# --------------------------------------------------------------------------- job handlers


@dataclass
class JobContext:
    """What a handler gets besides the job: progress, cancel token and a model loader."""

    job: Job
    progress: ProgressFn
    load: Callable[[str], Any]  # task -> LoadedModel (emits model loading events)

    @property
    def cancel(self) -> CancelToken:
        return self.job.token


Handler = Callable[[JobContext], Any]


def _analyze(ctx: JobContext) -> Any:
    from bert_desk.engine import sentiment

    return sentiment.analyze(ctx.load("sentiment"), ctx.job.payload, progress=ctx.progress, cancel=ctx.cancel)


def _batch(ctx: JobContext) -> Any:
    from bert_desk.engine import sentiment

    return sentiment.analyze_batch(ctx.load("sentiment"), list(ctx.job.payload), progress=ctx.progress,
                                   cancel=ctx.cancel)


def _answer(ctx: JobContext) -> Any:
    from bert_desk.engine import qa

    payload = dict(ctx.job.payload)
    question, context = payload.pop("question"), payload.pop("context")
    return qa.answer(ctx.load("qa"), question, context, progress=ctx.progress, cancel=ctx.cancel, **payload)


def _extract(ctx: JobContext) -> Any:
    from bert_desk.engine import ner

    return ner.extract(ctx.load("ner"), ctx.job.payload, progress=ctx.progress, cancel=ctx.cancel)


def _extract_batch(ctx: JobContext) -> Any:
    from bert_desk.engine import ner

    return ner.extract_batch(ctx.load("ner"), list(ctx.job.payload), progress=ctx.progress, cancel=ctx.cancel)


def _fill_mask(ctx: JobContext) -> Any:
    from bert_desk.engine import pretrain

    payload = dict(ctx.job.payload)
    return pretrain.fill_mask(ctx.load("fill-mask"), payload.pop("text"), progress=ctx.progress, cancel=ctx.cancel,
                              **payload)


def _next_sentence(ctx: JobContext) -> Any:
    from bert_desk.engine import pretrain

    a, b = ctx.job.payload["a"], ctx.job.payload["b"]
    return pretrain.next_sentence(ctx.load("next-sentence"), a, b, progress=ctx.progress, cancel=ctx.cancel)


def _corrupt(ctx: JobContext) -> Any:
    from bert_desk.engine import pretrain

    payload = ctx.job.payload
    return pretrain.corrupt(ctx.load("fill-mask"), payload["text"], seed=int(payload.get("seed", 0)),
                            progress=ctx.progress, cancel=ctx.cancel)


def _load(ctx: JobContext) -> Any:
    return ctx.load(str(ctx.job.payload)).info


def _device(ctx: JobContext) -> Any:
    from bert_desk.engine.device import resolve_device

    return resolve_device(ctx.job.device or "auto")


def _spacy_models(ctx: JobContext) -> Any:
    try:
        import spacy.util
    except ImportError:  # spaCy is optional at run time
        return []
    return sorted(spacy.util.get_installed_models())


def _preannotate(ctx: JobContext) -> Any:
    """Store a model's proposals in a project (the Review tab); returns how many documents were done."""
    from bert_desk.project.preannotate import preannotate

    payload = ctx.job.payload
    return preannotate(payload["project"], payload["task"], ctx.job.spec,
                       batch_size=int(payload.get("batch_size", 16)), statuses=payload.get("statuses"),
                       doc_ids=payload.get("doc_ids"), progress=ctx.progress, cancel=ctx.cancel,
                       device=ctx.job.device or "auto")


DEFAULT_HANDLERS: dict[str, Handler] = {
    "analyze": _analyze,  # payload: text -> SentimentResult
    "batch": _batch,  # payload: list of texts -> list[SentimentResult]
    "answer": _answer,  # payload: {"question", "context", **qa options} -> QAResult
    "extract": _extract,  # payload: text -> NERResult
    "extract_batch": _extract_batch,  # payload: list of texts -> list[NERResult]
    "fill_mask": _fill_mask,  # payload: {"text", "top_k"?} -> pretrain.FillMaskResult
    "next_sentence": _next_sentence,  # payload: {"a", "b"} -> pretrain.NSPResult
    "corrupt": _corrupt,  # payload: {"text", "seed"} -> pretrain.CorruptionResult (80/10/10 rule)
    "load": _load,  # payload: task -> ModelInfo
    "device": _device,  # -> DeviceInfo for job.device
    "spacy_models": _spacy_models,  # -> sorted installed spaCy package names
    "preannotate": _preannotate,  # payload: {"project", "task", "doc_ids", "statuses", "batch_size"} -> int
}


# --------------------------------------------------------------------------- the worker


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
