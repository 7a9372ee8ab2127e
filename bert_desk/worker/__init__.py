"""The inference thread: one long-lived `QThread` that runs every model request in order.

GUI code talks to `InferenceService` only (it lives in the GUI thread):

- `submit(slot, kind, payload, spec=..., device=...) -> JobHandle` queues a `Job` to the worker
  through a queued signal; a slot's new job cancels and supersedes the slot's previous one.
- The `JobHandle` carries the job's own signals (`progressed`, `model_loading`, `model_loaded`,
  `done`, `failed`, `cancelled`, then `ended`), each with one of the dataclasses below: a caller
  connects to the job it made. Events of superseded jobs are dropped, so a handle only ever hears
  about its job while it is current.
- `handle.cancel()` / `cancel(slot)` set the job's `CancelToken` directly (a thread-safe flag, not a
  queued signal, which would only arrive after the job ended).
- `shutdown()` cancels everything, quits and joins the thread.
- While a service runs, Python's cyclic garbage collector runs on the GUI thread only (`gc_guard`),
  so a collection triggered by the worker's allocations never destroys Qt objects off that thread.

Modules: `events` (jobs and event dataclasses), `handlers` (what each job kind does; the engine is
imported lazily inside them, so importing this package stays cheap), `service` (the thread and facade),
`gc_guard` (garbage collection on the GUI thread).
"""


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
from bert_desk.worker.service import InferenceService, InferenceWorker, JobHandle, running_threads

__all__ = ["DEFAULT_HANDLERS", "Event", "Handler", "InferenceService", "InferenceWorker", "Job", "JobCancelled",
           "JobContext", "JobDone", "JobFailed", "JobHandle", "JobProgress", "ModelLoaded", "ModelLoading",
           "Throttle", "running_threads"]
