"""The inference commands, one per row of the engine's task table (`bert_desk.engine.registry`):
`bert-desk sentiment|qa|ner|fill-mask|next-sentence [FILE…]` read text lines or JSON lines and print one
JSON object per input.

- `sentiment FILE…` / `ner FILE…`: one text per line or JSONL {"text"}, run in batches.
- `qa FILE…`: JSONL {"question", "context"} -> {"question", "no_answer", "answers": […]}, in batches.
- `fill-mask FILE…`: texts with [MASK] -> {"text", "filled", "masks": [{"start", "end", "candidates"}…]}.
- `next-sentence FILE…`: JSONL {"a", "b"} -> {"is_next": probability that b follows a}.

Input errors (InputError) and model errors (EngineError) propagate to `bert_desk.cli.main`'s one-line
error handler.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from bert_desk.cli._util import (
    add_device_option,
    add_files_argument,
    add_threads_option,
    chunks,
    emit,
    input_errors,
    records,
)
from bert_desk.engine import registry, report
from bert_desk.engine.types import EngineError, LoadedModel, ModelLoadError
from bert_desk.inputs import Record, require_text
from bert_desk.terminal import progress_line

CHUNK = 256  # records per engine call, so output streams while a long input is read


def add_parsers(subparsers: Any) -> None:
    """Add one sub-command per task of the table to an argparse subparsers object."""
    for task in registry.TASKS.values():
        add_parser(subparsers, task)


def add_parser(subparsers: Any, task: registry.Task) -> argparse.ArgumentParser:
    """`bert-desk TASK [FILE…] --model SPEC --device D [--batch-size N] --allow-pickle [task options]`."""
    command = task.command
    extra = {"description": command.description} if command.description else {}
    parser: argparse.ArgumentParser = subparsers.add_parser(task.name, help=command.help, **extra)
    add_files_argument(parser)
    parser.add_argument("--model", default=None, metavar="SPEC", help=command.model_help)
    add_device_option(parser)
    if not command.per_record:
        parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--allow-pickle", action="store_true", help="allow loading non-safetensors weights")
    add_threads_option(parser)
    for option in command.options:
        parser.add_argument(f"--{option.name.replace('_', '-')}", type=type(option.default),
                            default=option.default, help=option.help)
    if task.name in report.TASKS:
        parser.add_argument("--html", metavar="FILE", default=None,
                            help="also write every result into one self-contained HTML report")
    parser.set_defaults(handler=run_task, task_name=task.name)
    return parser


def run_task(args: argparse.Namespace) -> int:
    """Handler of every inference command: load the task's model, run each input, print JSON lines."""
    task = registry.get(args.task_name)
    if task.command.per_record:
        return _run_per_record(task, args)
    with progress_line() as progress:
        return _run_chunked(task, args, progress)


def load_task_model(task: registry.Task, args: argparse.Namespace, **kwargs: Any) -> LoadedModel:
    """The task's model as `--model`, `--device`, `--allow-pickle` and `--threads` say (default: the bundled one)."""
    from bert_desk.engine.loading import default_spec, load_model

    if args.threads > 0:
        from bert_desk.engine.device import configure_threads

        configure_threads(args.threads)
    spec = args.model or default_spec(task.model_key)
    if spec is None:
        raise EngineError(f"no bundled {task.command.model_title or task.name} model; pass --model SPEC")
    return load_model(spec, task.name, device=args.device, allow_pickle=args.allow_pickle, **kwargs)


def _fields(task: registry.Task, record: Record) -> list[str]:
    return [require_text(record, name) for name in task.inputs]


def _options(task: registry.Task, args: argparse.Namespace) -> dict[str, Any]:
    return {option.name: getattr(args, option.name) for option in task.command.options}


def _jsonl(task: registry.Task) -> bool | None:
    """Inputs of several fields come only as JSON objects."""
    return True if len(task.inputs) > 1 else None


def _run_chunked(task: registry.Task, args: argparse.Namespace, progress: Callable[[float, str], None]) -> int:
    model = load_task_model(task, args, progress=progress)
    options = _options(task, args)
    html = getattr(args, "html", None)
    sections: list[str] = []
    for chunk in chunks(records(args.files, jsonl=_jsonl(task), jsonl_files=True), CHUNK):
        if task.batch is None or html:  # a report shows what one input shows in the app (sentences too)
            for record in chunk:
                fields = _fields(task, record)
                with input_errors(record):
                    result = task.single(model, *fields, **options)
                emit(task.to_json(result))
                if html:
                    sections.append(report.task_section(task.name, fields, result))
        else:
            fields_of = [_fields(task, record) for record in chunk]
            inputs = [fields[0] if len(fields) == 1 else tuple(fields) for fields in fields_of]
            try:
                results = task.batch(model, inputs, batch_size=args.batch_size, progress=progress, **options)
            except ModelLoadError:
                raise
            except EngineError:  # one input was refused: find it, to name its file and line
                for record, fields in zip(chunk, fields_of, strict=True):
                    with input_errors(record):
                        task.single(model, *fields, **options)
                raise
            for result in results:
                emit(task.to_json(result))
        sys.stdout.flush()
    if html:
        report.write_page(html, f"bert_desk: {task.label}", sections)
    return 0


def _run_per_record(task: registry.Task, args: argparse.Namespace) -> int:
    model = load_task_model(task, args)
    options = _options(task, args)
    for record in records(args.files, jsonl=_jsonl(task), jsonl_files=True):
        fields = _fields(task, record)
        with input_errors(record):
            result = task.single(model, *fields, **options)
        emit(task.to_json(result))
    return 0
