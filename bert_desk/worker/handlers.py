"""Job handlers: what each job kind does, calling the engine (and project functions) lazily.

A handler gets a `JobContext` (the job, a throttled progress callback, its cancel token and a model
loader) and returns the result carried by `JobDone`. `DEFAULT_HANDLERS` maps job kinds to them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
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


def _run_task(name: str, ctx: JobContext) -> Any:
    """Job kind `<task>` (a name of the engine's task table): the task's `single` entry point on one
    input — the text, or a dict of the task's input fields and its keyword options."""
    from bert_desk.engine import registry

    task = registry.get(name)
    payload = ctx.job.payload
    if isinstance(payload, dict):
        options = dict(payload)
        inputs = [options.pop(name) for name in task.inputs]
    else:
        options, inputs = {}, [payload]
    return task.single(ctx.load(task.name), *inputs, progress=ctx.progress, cancel=ctx.cancel, **options)


def _run_batch(name: str, ctx: JobContext) -> Any:
    """Job kind `<task>:batch`: the task's `batch` entry point on a list of inputs, results in order."""
    from bert_desk.engine import registry

    task = registry.get(name)
    if task.batch is None:
        raise EngineError(f"{task.title} has no batch entry point")
    return task.batch(ctx.load(task.name), list(ctx.job.payload), progress=ctx.progress, cancel=ctx.cancel)


def task_handlers() -> dict[str, Handler]:
    """`<task>` and, where the task has one, `<task>:batch` for every row of the engine's task table."""
    from bert_desk.engine.registry import TASKS

    handlers: dict[str, Handler] = {}
    for name, task in TASKS.items():
        handlers[name] = partial(_run_task, name)
        if task.batch is not None:
            handlers[f"{name}:batch"] = partial(_run_batch, name)
    return handlers


EXPLAINED = ("sentiment", "qa", "ner")  # tasks with an `explain:<task>` job kind (engine.explain)


def _explain(name: str, ctx: JobContext) -> Any:
    """Job kind `explain:<task>`: `engine.explain.explain_<task>` on the tab's model; payload: the task's
    input fields and the keyword options (`method`, `steps`, and `label` / `answer` / `entity`)."""
    from bert_desk.engine import explain, registry

    task = registry.get(name)
    options = dict(ctx.job.payload)
    inputs = [options.pop(field) for field in task.inputs]
    function = getattr(explain, f"explain_{name}")
    return function(ctx.load(task.name), *inputs, progress=ctx.progress, cancel=ctx.cancel, **options)


def explain_handlers() -> dict[str, Handler]:
    """`explain:<task>` for each task that can be explained, `compare:<task>` for each that can be compared."""
    return {**{f"explain:{name}": partial(_explain, name) for name in EXPLAINED},
            **{f"compare:{name}": partial(_compare, name) for name in EXPLAINED}}


def _compare(name: str, ctx: JobContext) -> Any:
    """Job kind `compare:<task>`: the task's `single` entry point with the job's model (A) and with model
    `b`, on one input; payload {"input": the text or a dict of the input fields and options, "b": spec}.
    Returns (A's result, B's result)."""
    from bert_desk.engine import registry
    from bert_desk.engine.loading import load_model

    task = registry.get(name)
    payload = ctx.job.payload
    given = payload["input"]
    options = dict(given) if isinstance(given, dict) else {}
    inputs = [options.pop(field) for field in task.inputs] if isinstance(given, dict) else [given]
    results = []
    for index, model in enumerate((ctx.load(task.name), None)):
        if model is None:
            ctx.progress(0.5, "Loading model B…")
            model = load_model(payload["b"], task.name, device=ctx.job.device or "auto")

        def progress(fraction: float, message: str, at: int = index) -> None:
            ctx.progress((at + fraction) / 2, f"Model {'AB'[at]}: {message}")

        results.append(task.single(model, *inputs, progress=progress, cancel=ctx.cancel, **options))
    return tuple(results)


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
    from bert_desk.engine.loading import installed_spacy_pipelines

    return installed_spacy_pipelines()


def _warm_up(ctx: JobContext) -> Any:
    from bert_desk.engine.loading import warm_up

    warm_up()


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


def _delete_documents(ctx: JobContext) -> Any:
    from bert_desk.project.import_log import remove_documents

    return _project_call(ctx, remove_documents, writes=True)


def _agreement(ctx: JobContext) -> Any:
    from bert_desk.project.agreement import agreement

    return _project_call(ctx, agreement, writes=False)


def _compare_versions(ctx: JobContext) -> Any:
    from bert_desk.training.project_scores import compare_versions

    return _project_call(ctx, compare_versions, writes=False)


def _export_version(ctx: JobContext) -> Any:
    from bert_desk.training.export import copy_version

    ctx.progress(0.0, "Copying the model files…")
    return copy_version(**ctx.job.payload)


DEFAULT_HANDLERS: dict[str, Handler] = {
    # every task of the engine's table: "sentiment", "sentiment:batch", "qa", "ner", "ner:batch", "fill-mask", ...
    **task_handlers(),
    **explain_handlers(),  # "explain:<task>" -> engine.explain.Explanation; "compare:<task>" -> (result A, result B)
    "corrupt": _corrupt,  # payload: {"text", "seed"} -> pretrain.CorruptionResult (80/10/10 rule)
    "load": _load,  # payload: task -> ModelInfo
    "device": _device,  # -> DeviceInfo for job.device
    "spacy_models": _spacy_models,  # -> sorted installed spaCy package names
    "warm_up": _warm_up,  # imports what the first model load needs (start-up, in the background)
    # payloads below: a `ProjectRef` as "project", and the function's other keyword arguments
    "preannotate": _preannotate,  # payload: {"project", "task", "doc_ids", "statuses", "batch_size"} -> int
    "export_project": _export_project,  # exporters.export_project(project, fmt, out, ...) -> ExportReport
    "import_project": _import_project,  # importers.import_file(project, path, fmt, ...) -> list of new ids
    "delete_documents": _delete_documents,  # import_log.remove_documents(project, doc_ids | last_import) -> str
    "agreement": _agreement,  # agreement.agreement(project, task, statuses, ...) -> Agreement
    "compare_versions": _compare_versions,  # project_scores.compare_versions(project, task, first, second, ...)
    "export_version": _export_version,  # payload {"folder", "dest"}: export.copy_version -> the dest folder
}
