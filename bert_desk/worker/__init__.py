"""The inference thread: one long-lived `QThread` that runs every model request in order.

GUI code talks to `InferenceService` only (it lives in the GUI thread):

- `submit(tab, kind, payload, spec=..., device=...) -> job_id` queues a `Job` to the worker
  through a queued signal; a tab's new job cancels that tab's previous one.
- `cancel(tab)` sets the job's `CancelToken` directly (a thread-safe flag, not a queued signal,
  which would only arrive after the job ended).
- Results come back as `Signal(object)` carrying the dataclasses below; events of superseded
  jobs are dropped, so a tab only ever hears about its current job.
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
    belongs_to,
)
from bert_desk.worker.handlers import DEFAULT_HANDLERS, Handler, JobContext
from bert_desk.worker.service import InferenceService, InferenceWorker, running_threads

__all__ = ["DEFAULT_HANDLERS", "Event", "Handler", "InferenceService", "InferenceWorker", "Job", "JobCancelled",
           "JobContext", "JobDone", "JobFailed", "JobProgress", "ModelLoaded", "ModelLoading", "Throttle",
           "belongs_to", "running_threads"]
