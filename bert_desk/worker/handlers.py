"""Job handlers: what each job kind does, calling the engine (and project functions) lazily.

A handler gets a `JobContext` (the job, a throttled progress callback, its cancel token and a model
loader) and returns the result carried by `JobDone`. `DEFAULT_HANDLERS` maps job kinds to them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bert_desk.engine.types import CancelToken, EngineError, ProgressFn
from bert_desk.worker.events import Job


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

    def call(project: Any, task: str, doc_ids: Any = None, statuses: Any = None, batch_size: int = 16,
             **kwargs: Any) -> int:
        return preannotate(project, task, ctx.job.spec, batch_size=int(batch_size), statuses=statuses,
                           doc_ids=doc_ids, device=ctx.job.device or "auto", **kwargs)

    return _project_call(ctx, call, writes=True)


def _project_call(ctx: JobContext, call: Callable[..., Any], *, writes: bool) -> Any:
    """`call(**payload, progress=..., cancel=...)` on the job's own connection to the project the payload
    names (a `ProjectRef`: path, read-only flag, user), so the GUI's connection stays free for reading
    while the job runs; a job that only reads opens the file read-only. Project errors are the user's
    (a one-line message), not crashes."""
    from bert_desk.project import Project
    from bert_desk.project.errors import ProjectError

    payload = dict(ctx.job.payload)
    shared = payload["project"]
    try:
        with Project.open(shared.path, read_only=shared.read_only or not writes, user=shared.user,
                          check=False) as own:
            payload["project"] = own
            return call(**payload, progress=ctx.progress, cancel=ctx.cancel)
    except (ProjectError, OSError) as exc:
        raise EngineError(str(exc)) from exc


def _export_project(ctx: JobContext) -> Any:
    from bert_desk.project.exporters import export_project

    return _project_call(ctx, export_project, writes=False)


def _import_project(ctx: JobContext) -> Any:
    from bert_desk.project.importers import import_file

    return _project_call(ctx, import_file, writes=True)


def _agreement(ctx: JobContext) -> Any:
    from bert_desk.project.agreement import agreement

    return _project_call(ctx, agreement, writes=False)


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
    # payloads below: a `ProjectRef` as "project", and the function's other keyword arguments
    "preannotate": _preannotate,  # payload: {"project", "task", "doc_ids", "statuses", "batch_size"} -> int
    "export_project": _export_project,  # exporters.export_project(project, fmt, out, ...) -> ExportReport
    "import_project": _import_project,  # importers.import_file(project, path, fmt, ...) -> list of new ids
    "agreement": _agreement,  # agreement.agreement(project, task, statuses, ...) -> Agreement
}
