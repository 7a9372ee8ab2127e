"""`bert-desk explain sentiment|qa|ner [FILE…]`: why the model said what it said, as JSON lines.

Inputs are read like the inference commands (`sentiment`/`ner`: one text per line or JSONL {"text"}; `qa`:
JSONL {"question", "context"}). Optional fields pick the target: `label` (sentiment: default the predicted
one; ner: the type to explain the entities by), `start`/`end` (qa: the answer in the context, default the best
one; ner: one entity, default every entity found). One JSON object per input (`engine.explain.to_json`: the
target, f(x), and per token its span, text and attribution; ner: {"text", "entities": [that object…]}).
`--html FILE` also writes them all into one shareable report (`engine.report`).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bert_desk.cli._util import (
    add_device_option,
    add_files_argument,
    add_threads_option,
    emit,
    input_errors,
    records,
)
from bert_desk.cli.infer import load_task_model
from bert_desk.engine import registry, report
from bert_desk.engine.explain import DEFAULT_STEPS, GRAD_INPUT, METHODS, Explanation
from bert_desk.engine.types import LoadedModel, ProgressFn
from bert_desk.inputs import InputError, Record, require_text
from bert_desk.terminal import progress_line

TASKS = ("sentiment", "qa", "ner")


def add_parser(subparsers: Any) -> None:
    """`bert-desk explain TASK [FILE…] --method grad-input|ig --steps N --model SPEC --device D`."""
    parser = subparsers.add_parser("explain", help="token attributions: why the model said that (JSONL)",
                                   description="Attribute a prediction to its input tokens (gradient × input "
                                               "or integrated gradients); long texts use prediction's windows.")
    tasks = parser.add_subparsers(dest="explain_task", metavar="TASK", required=True)
    for task in (registry.TASKS[name] for name in TASKS if name in registry.TASKS):
        sub = tasks.add_parser(task.name, help=f"explain {task.label.lower()}: {task.command.help}")
        add_files_argument(sub)
        sub.add_argument("--model", default=None, metavar="SPEC", help=task.command.model_help)
        add_device_option(sub)
        sub.add_argument("--method", choices=METHODS, default=GRAD_INPUT,
                         help="grad-input: one forward and backward pass (default); ig: integrated gradients")
        sub.add_argument("--steps", type=int, default=DEFAULT_STEPS,
                         help=f"integrated gradients' steps (default {DEFAULT_STEPS})")
        sub.add_argument("--allow-pickle", action="store_true", help="allow loading non-safetensors weights")
        sub.add_argument("--html", metavar="FILE", default=None,
                         help="also write every explanation into one self-contained HTML report")
        add_threads_option(sub)
        sub.set_defaults(handler=run, task_name=task.name)


def _span(record: Record) -> tuple[int, int] | None:
    """The record's optional `start`/`end` pair (both or neither, integers)."""
    start, end = record.fields.get("start"), record.fields.get("end")
    if start is None and end is None:
        return None
    if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) or isinstance(end, bool):
        raise InputError(record.source, record.line, "'start' and 'end' must both be integers")
    return start, end


def _label(record: Record) -> str | None:
    label = record.fields.get("label")
    if label is not None and not isinstance(label, str):
        raise InputError(record.source, record.line, "field 'label' is not a string")
    return label


def explain_record(model: LoadedModel, task: str, record: Record, options: dict[str, Any],
                   progress: ProgressFn) -> tuple[dict[str, Any], list[Explanation]]:
    """The JSON object for one input record, and its explanations."""
    from bert_desk.engine import explain, ner

    if task == "qa":
        question, context = require_text(record, "question"), require_text(record, "context")
        with input_errors(record):
            result = explain.explain_qa(model, question, context, answer=_span(record), progress=progress,
                                        **options)
        return {"question": question, **explain.to_json(result)}, [result]
    text = require_text(record, "text")
    label = _label(record)
    if task == "sentiment":
        with input_errors(record):
            result = explain.explain_sentiment(model, text, label=label, progress=progress, **options)
        return {"text": text, **explain.to_json(result)}, [result]
    span = _span(record)
    with input_errors(record):
        spans = [span] if span is not None else [(e.start, e.end) for e in ner.extract(model, text).entities]
        results = [explain.explain_ner(model, text, entity=s, label=label, progress=progress, **options)
                   for s in spans]
    return {"text": text, "entities": [explain.to_json(r) for r in results]}, results


def run(args: argparse.Namespace) -> int:
    """Load the task's model once, explain each input, print one JSON line per input (and the report)."""
    task = registry.get(args.task_name)
    options = {"method": args.method, "steps": args.steps}
    sections: list[str] = []
    with progress_line() as progress:
        model = load_task_model(task, args, progress=progress)
        for record in records(args.files, jsonl=True if task.name == "qa" else None, jsonl_files=True):
            row, results = explain_record(model, task.name, record, options, progress)
            emit(row)
            sys.stdout.flush()
            if args.html:
                sections.extend(report.explanation_section(result) for result in results)
    if args.html:
        report.write_page(args.html, f"bert_desk: why? ({task.label})", sections)
    return 0
