"""`bert-desk compare sentiment|qa|ner [FILE…] --model-a SPEC --model-b SPEC`: two models on the same inputs.

Inputs are read like the inference commands. One JSON line per input: its fields, whether the models agree,
each one's verdict and, for NER, the spans only A found, only B found and those relabelled
(`engine.compare`); `--differ-only` prints just the inputs where they differ. At the end the agreement rate
and the confusion table of A's labels against B's go to stderr, and `--summary FILE` writes them as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from bert_desk.atomic import atomic_write
from bert_desk.cli._util import (
    add_device_option,
    add_files_argument,
    add_threads_option,
    chunks,
    emit,
    records,
)
from bert_desk.cli.infer import CHUNK, load_task_model
from bert_desk.engine import compare, registry
from bert_desk.inputs import require_text


def add_parser(subparsers: Any) -> None:
    """`bert-desk compare TASK [FILE…] --model-a SPEC --model-b SPEC [--differ-only] [--summary FILE]`."""
    parser = subparsers.add_parser("compare", help="two models on the same inputs: differences, agreement",
                                   description="Run model A and model B on the same inputs and mark where "
                                               "they differ; the agreement rate and A × B confusion table "
                                               "close the run (stderr).")
    tasks = parser.add_subparsers(dest="compare_task", metavar="TASK", required=True)
    for task in (registry.TASKS[name] for name in compare.TASKS if name in registry.TASKS):
        sub = tasks.add_parser(task.name, help=f"compare two {task.label.lower()} models: {task.command.help}")
        add_files_argument(sub)
        sub.add_argument("--model-a", required=True, metavar="SPEC", help=f"model A: {task.command.model_help}")
        sub.add_argument("--model-b", required=True, metavar="SPEC", help="model B, the same kinds of spec")
        add_device_option(sub)
        sub.add_argument("--batch-size", type=int, default=32)
        sub.add_argument("--differ-only", action="store_true", help="print only the inputs where they differ")
        sub.add_argument("--summary", metavar="FILE", default=None,
                         help="write the agreement rate, confusion table and differing inputs as JSON")
        sub.add_argument("--allow-pickle", action="store_true", help="allow loading non-safetensors weights")
        add_threads_option(sub)
        sub.set_defaults(handler=run, task_name=task.name)


def run(args: argparse.Namespace) -> int:
    """Load both models, run every chunk of inputs through each, print the differences and the summary."""
    task = registry.get(args.task_name)
    assert task.batch is not None  # sentiment, qa and ner all have one
    models = [load_task_model(task, argparse.Namespace(**{**vars(args), "model": spec}))
              for spec in (args.model_a, args.model_b)]
    differences: list[compare.Difference] = []
    for chunk in chunks(records(args.files, jsonl=True if len(task.inputs) > 1 else None, jsonl_files=True), CHUNK):
        fields = [[require_text(record, name) for name in task.inputs] for record in chunk]
        inputs = [f[0] if len(f) == 1 else tuple(f) for f in fields]
        a, b = (task.batch(model, inputs, batch_size=args.batch_size) for model in models)
        for row, result_a, result_b in zip(fields, a, b, strict=True):
            diff = compare.difference(task.name, result_a, result_b)
            if not (args.differ_only and diff.agree):
                emit({"index": len(differences), **dict(zip(task.inputs, row, strict=True)),
                      **compare.difference_json(diff)})
            differences.append(diff)
        sys.stdout.flush()
    summary = compare.summarize(differences)
    print(f"agreement: {summary.agreed}/{summary.total} inputs ({summary.rate:.1%})", file=sys.stderr)
    table = compare.confusion_text(summary)
    if table:
        print(table, file=sys.stderr)
    if args.summary:
        with atomic_write(args.summary) as stream:
            stream.write((json.dumps(compare.agreement_json(summary), ensure_ascii=False, indent=1) + "\n")
                         .encode("utf-8"))
    return 0
