"""`bert-desk batch TASK INPUT… --out DIR|FILE.jsonl [--cluster ADDRESS] [--workers N] [--model SPEC]`:
the task over a corpus on a Ray cluster (`bert_desk.cluster`), sharded and resumable.

The records are read here, as `bert-desk TASK INPUT…` reads them (a bad line is an error naming its file
and line before any worker starts); the shards' JSON lines are the single-process CLI's lines, and
`--out FILE.jsonl` merges them in input order into a file byte-identical to `bert-desk TASK INPUT… > FILE`
(the shards stay in `FILE.jsonl.shards/` for a resume and `project import-predictions`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bert_desk.cli import infer
from bert_desk.cli._util import JSONL_SUFFIXES, add_device_option, records
from bert_desk.cluster import shards
from bert_desk.engine import registry
from bert_desk.engine.types import EngineError
from bert_desk.terminal import progress_line

SHARD_CHUNKS = 4  # default shard: 4 CLI chunks (1,024 records)


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """`bert-desk batch TASK …`, one sub-command per task of the table."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "batch", help="run a task over a corpus on a Ray cluster (sharded, resumable; needs bert-desk[cluster])",
        description="Run a task over many inputs on a Ray cluster (a local one on 127.0.0.1 without --cluster): "
                    "the same engine and JSON lines as `bert-desk TASK`, in resumable shards.")
    sub = parser.add_subparsers(dest="batch_task", metavar="TASK", required=True)
    for task in registry.TASKS.values():
        p = sub.add_parser(task.name, help=task.command.help)
        p.add_argument("files", nargs="+", metavar="INPUT", help=f"input files, as `bert-desk {task.name}` reads them")
        p.add_argument("--out", required=True, metavar="DIR|FILE.jsonl",
                       help="a folder of shards, or a .jsonl file the shards are merged into (in input order)")
        p.add_argument("--cluster", metavar="ADDRESS", help="a running Ray cluster (host:port of its head); "
                       "default: start a local one on 127.0.0.1 and stop it at the end")
        p.add_argument("--workers", type=int, metavar="N", help="actors, one model each (default: one per CPU, "
                       "or per GPU when the job runs on GPUs)")
        p.add_argument("--threads", type=int, default=1, metavar="N",
                       help="torch CPU threads per worker, each reserving N CPUs (default 1); the output is "
                            f"byte-identical to `bert-desk {task.name}` run with as many threads")
        p.add_argument("--shard-size", type=int, default=SHARD_CHUNKS * infer.CHUNK, metavar="RECORDS",
                       help=f"records per shard, a multiple of {infer.CHUNK} (default %(default)s)")
        p.add_argument("--model", default=None, metavar="SPEC", help=task.command.model_help + "; a folder must "
                       "be at the same path on every node (shared storage), or sent with --ship-model")
        p.add_argument("--ship-model", action="store_true", help="send the --model folder's files with the job "
                       "(through Ray's object store) instead of reading the folder on each node")
        add_device_option(p)
        if not task.command.per_record:
            p.add_argument("--batch-size", type=int, default=32)
        p.add_argument("--allow-pickle", action="store_true", help="allow loading non-safetensors weights")
        for option in task.command.options:
            p.add_argument(f"--{option.name.replace('_', '-')}", type=type(option.default),
                           default=option.default, help=option.help)
        p.set_defaults(handler=run_batch, task_name=task.name)
    return parser


def model_spec(task: registry.Task, given: str | None) -> str:
    """The spec every worker loads: the given one (an existing folder made absolute) or the bundled model."""
    from bert_desk.engine.loading import default_spec

    spec = given or default_spec(task.model_key)
    if spec is None:
        raise EngineError(f"no bundled {task.command.model_title or task.name} model; pass --model SPEC")
    folder = Path(spec).expanduser()
    return str(folder.resolve()) if folder.is_dir() else spec


def run_batch(args: argparse.Namespace) -> int:
    """Handler of `batch TASK`: plan the shards, score the pending ones on the cluster, merge if asked."""
    from bert_desk.atomic import check_target
    from bert_desk.project.preannotate import model_version

    task = registry.get(args.task_name)
    items = [shards.Item(r.source, r.line, tuple(infer._fields(task, r)))
             for r in records(args.files, jsonl=infer._jsonl(task), jsonl_files=True)]
    spec = model_spec(task, args.model)
    ship = spec if args.ship_model else None
    if ship is not None and not Path(ship).is_dir():
        raise EngineError(f"--ship-model sends a model folder; {spec} is not one")
    job = shards.Job(task.name, spec, model_version(spec, None), args.device, args.allow_pickle,
                     getattr(args, "batch_size", 32), infer._options(task, args), infer.CHUNK, args.shard_size,
                     getattr(args, "precision", None), args.threads, ship=ship is not None)
    out = Path(args.out)
    merged = out.suffix.lower() in JSONL_SUFFIXES
    if merged:
        check_target(out)
    folder = (out.with_name(out.name + ".shards") if merged else out).resolve()
    plan = shards.plan(job, items, folder)
    from bert_desk.cluster import ray_run

    with progress_line() as progress:
        report = ray_run.run(plan, address=args.cluster, workers=args.workers, ship=ship, progress=progress)
    if merged:
        shards.merge(plan, out)
    where = f"{out} (shards in {folder})" if merged else str(folder)
    print(f"bert-desk batch: {plan.records()} records in {len(plan.shards)} shards: {report.scored} scored now"
          f"{f' by {report.workers} worker' + ('s' if report.workers > 1 else '') if report.scored else ''}, "
          f"{report.skipped} finished before -> "
          f"{where}", file=sys.stderr)
    return 0
