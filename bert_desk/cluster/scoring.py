"""What one worker does: load the job's model once and score shards with the task table's entry points
into the single-process CLI's JSON lines; the driver writes each shard's file atomically (`write_shard`).
Pure Python; each Ray actor holds one `ShardScorer`, and tests may call it directly."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bert_desk.atomic import atomic_write
from bert_desk.cluster.shards import Item, Job, shard_name
from bert_desk.engine import registry
from bert_desk.engine.types import EngineError, ModelLoadError

THREADS_ENV = "BERT_DESK_THREADS"  # torch's CPU threads in each worker (the engine reads it, if it does)


@dataclass(frozen=True)
class Refusal:
    """An input the engine refused: where it is and why (the driver raises it as an InputError)."""

    source: str
    line: int | None
    problem: str


def json_line(obj: dict[str, Any]) -> str:
    """One output line, as `bert-desk TASK` prints it (`cli._util.emit`): UTF-8 JSON as is."""
    return json.dumps(obj, ensure_ascii=False) + "\n"


def _refused(task: registry.Task, model: Any, items: Sequence[Item], options: dict[str, Any]) -> Refusal:
    """The input of a chunk that the engine refuses alone (the CLI names it by file and line)."""
    for item in items:
        try:
            task.single(model, *item.fields, **options)
        except ModelLoadError:
            raise
        except EngineError as exc:
            return Refusal(item.source, item.line, str(exc))
    return Refusal(items[0].source, None, "the batch was refused but no single input was")


def score(task: registry.Task, model: Any, items: Sequence[Item], job: Job) -> list[str] | Refusal:
    """The JSON lines of `items`, in order, computed as the CLI does: chunks of `job.chunk` records through
    the task's `batch` entry point (or `single` per record where it has none / runs per record)."""
    lines: list[str] = []
    options = job.options
    per_record = task.batch is None or task.command.per_record
    for start in range(0, len(items), job.chunk):
        chunk = items[start:start + job.chunk]
        if per_record:
            for item in chunk:
                try:
                    result = task.single(model, *item.fields, **options)
                except ModelLoadError:
                    raise
                except EngineError as exc:
                    return Refusal(item.source, item.line, str(exc))
                lines.append(json_line(task.to_json(result)))
            continue
        assert task.batch is not None
        inputs = [item.fields[0] if len(item.fields) == 1 else item.fields for item in chunk]
        try:
            results = task.batch(model, inputs, batch_size=job.batch_size, **options)
        except ModelLoadError:
            raise
        except EngineError:
            return _refused(task, model, chunk, options)
        lines.extend(json_line(task.to_json(result)) for result in results)
    return lines


class ShardScorer:
    """One model per worker: `__call__` scores shards (Ray Data batches of rows `shard`, `items`) and returns
    each shard's lines (the driver writes them), or the engine's refusal of one of its inputs. The model is
    `job.spec`, or the folder whose `model_files` were shipped with the job."""

    def __init__(self, job: Job, model_files: dict[str, bytes] | None = None) -> None:
        threads = job.threads
        os.environ[THREADS_ENV] = str(threads)  # before the engine first sets torch's threads
        if job.precision is not None:
            from bert_desk.engine import device

            device.set_precision(job.precision)
        from bert_desk.engine.loading import load_model

        self.job = job
        self.task = registry.get(job.task)
        if threads:
            import torch

            torch.set_num_threads(threads)
        spec = unpack(model_files) if model_files else job.spec  # a shipped folder: this actor's copy
        self.model = load_model(spec, job.task, device=job.device, allow_pickle=job.allow_pickle)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {"shard": [], "pid": [], "lines": [], "refusal": []}
        for index, encoded in zip(batch["shard"], batch["items"], strict=True):
            items = [Item(source, line, tuple(fields)) for source, line, fields in json.loads(encoded)]
            lines = score(self.task, self.model, items, self.job)
            out["shard"].append(int(index))
            out["pid"].append(os.getpid())
            out["lines"].append("" if isinstance(lines, Refusal) else "".join(lines))
            out["refusal"].append(json.dumps(lines.__dict__) if isinstance(lines, Refusal) else "")
        return out


def unpack(files: dict[str, bytes]) -> str:
    """Write a shipped model folder's files into a temporary folder (removed when the process ends)."""
    folder = Path(tempfile.mkdtemp(prefix="bert-desk-model-"))
    atexit.register(shutil.rmtree, folder, True)
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return str(folder)


def write_shard(folder: Path, index: int, lines: str) -> None:
    """A shard's file, written atomically: it exists whole or not at all."""
    with atomic_write(folder / shard_name(index)) as stream:
        stream.write(lines.encode("utf-8"))


def encode_items(items: Sequence[Item]) -> str:
    """A shard's records as one JSON string (one Ray Data cell)."""
    return json.dumps([[item.source, item.line, list(item.fields)] for item in items], ensure_ascii=False)
