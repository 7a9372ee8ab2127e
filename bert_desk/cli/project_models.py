"""`bert-desk project train|versions|export-version|compare-versions|delete-version`: model versions trained from a project's
reviewed documents (`bert_desk.training.project_train`).

`train` prints its progress as JSON lines on stdout (`{"event": "progress", "step", "total", "eta_s", "loss"}`,
`phase`, then `done` with the version record) for the Review tab's training panel, and the old-vs-new score
table on stderr. SIGTERM or Ctrl+C cancels it (its run folder is deleted); a killed run resumes with `--resume`.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path
from typing import Any

from bert_desk.cli._util import open_project
from bert_desk.project.types import PROJECT_TASKS


def add_commands(sub: Any) -> None:
    """Add the model-version sub-commands to `project`'s subparsers."""
    p = sub.add_parser("train", help="train a new model version from the accepted documents",
                       description="Fine-tune a model version on the project's accepted documents, holding back a "
                                   "seeded slice of whole documents to score the previous model and the new one.")
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("--task", required=True, choices=PROJECT_TASKS)
    p.add_argument("--base", metavar="SPEC", help="start from this model (folder, bundled:TASK, minilm); default: "
                                                   "the model that pre-annotated the project (a new head when its "
                                                   "labels differ from the project's)")
    p.add_argument("--epochs", type=float, default=6.0)
    p.add_argument("--min-steps", type=int, default=150,
                   help="a small project trains for more epochs (up to 50) to take at least this many steps "
                        "(default 150)")
    p.add_argument("--holdout", type=float, default=0.2, help="share of accepted documents held back (default 0.2)")
    p.add_argument("--seed", type=int, default=13, help="seed of the held-back slice and of training")
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--lr", type=float, default=3e-4, help="learning rate (default 3e-4: a new head learns quickly)")
    p.add_argument("--max-length", type=int, default=128, help="max tokens per example (default 128)")
    p.add_argument("--threads", type=int, default=2, help="torch CPU threads")
    p.add_argument("--save-steps", type=int, default=0, help="checkpoint every N steps (default: every epoch)")
    p.add_argument("--device", default="auto", help="where the held-back documents are scored")
    p.add_argument("--out", metavar="DIR", help="also copy the new version here (a folder --model accepts)")
    p.add_argument("--resume", action="store_true", help="continue the interrupted run from its last checkpoint")
    p.add_argument("--prepared", action="store_true",
                   help="train the run the app prepared beside the project, without opening the project "
                        "(the app records the version)")

    p = sub.add_parser("versions", help="list the model versions trained from the project")
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("--task", choices=PROJECT_TASKS)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("export-version", help="copy a model version into a folder (one --model accepts)")
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("name", metavar="VERSION")
    p.add_argument("dest", metavar="DIR")

    p = sub.add_parser("compare-versions", help="score two versions on the same held-back documents",
                       description="Per-label P/R/F1 of two model versions (or any model specs) on the slice of "
                                   "accepted documents that `train` with this --holdout and --seed holds back.")
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("first", metavar="VERSION_A")
    p.add_argument("second", metavar="VERSION_B")
    p.add_argument("--task", required=True, choices=PROJECT_TASKS)
    p.add_argument("--holdout", type=float, default=0.2)
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--device", default="auto")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("delete-version", help="delete a model version (its record and its folder)")
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("name", metavar="VERSION")


def _train(args: argparse.Namespace) -> int:
    from bert_desk.engine.types import Cancelled, CancelToken
    from bert_desk.project.errors import ProjectError
    from bert_desk.training import missing_training_libraries
    from bert_desk.training.project_scores import format_comparison
    from bert_desk.training.project_train import (
        TrainSettings,
        prepare_run,
        print_json,
        record_run,
        run_folder,
        train_run,
    )

    settings = TrainSettings(task=args.task, base=args.base, epochs=args.epochs, min_steps=args.min_steps,
                             holdout=args.holdout,
                             seed=args.seed, batch_size=args.batch_size, lr=args.lr, max_length=args.max_length,
                             threads=args.threads, device=args.device, save_steps=args.save_steps)
    missing = missing_training_libraries()
    if missing:
        raise ProjectError(missing)
    if args.prepared or args.resume:
        run = run_folder(args.project, args.task)
    else:
        with open_project(args.project) as project:
            run = prepare_run(project, settings)
    cancel = CancelToken()
    previous = signal.signal(signal.SIGTERM, lambda *_: cancel.cancel())
    try:
        version = train_run(run, resume=args.resume, emit=print_json, cancel=cancel)
    except Cancelled:
        print_json({"event": "cancelled"})
        print("bert-desk: training cancelled; nothing was kept", file=sys.stderr)
        return 130
    except ValueError as exc:  # e.g. a tag the starting model does not know
        raise ProjectError(str(exc)) from exc
    finally:
        signal.signal(signal.SIGTERM, previous)
    if not args.prepared:
        with open_project(args.project) as project:
            record_run(project, version)
    folder = run.parent / version.name
    print(f"{version.name}: {version.documents} documents, {version.held_back} held back, "
          f"{version.train_seconds:.0f} s of training\n"
          f"{format_comparison(version.scores.get('previous'), version.scores['new'])}\n{folder}", file=sys.stderr)
    if args.out:
        _copy(folder, Path(args.out))
    return 0


def _copy(folder: Path, dest: Path) -> None:
    from bert_desk.training.export import copy_version

    copy_version(folder, dest)
    print(f"copied to {dest}", file=sys.stderr)


def _versions(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        versions = project.versions.model_versions(args.task)
        folders = {v.name: project.versions.folder(v.name) for v in versions}
    if args.json:
        print(json.dumps([{**v.as_dict(), "folder": str(folders[v.name])} for v in versions], indent=1))
        return 0
    if not versions:
        print("no model versions yet (bert-desk project train PROJECT --task TASK)")
    for v in versions:
        new, old = v.scores.get("new", {}).get("micro", {}), (v.scores.get("previous") or {}).get("micro")
        was = f" (previous {old['f1']:.3f})" if old else ""
        print(f"{v.name:<16}{v.task:<10}{v.created_at[:19]}  {v.documents:>5} docs  "
              f"F1 {new.get('f1', 0):.3f}{was}  {folders[v.name]}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from bert_desk.project.errors import ProjectError

    with open_project(args.project) as project:
        project.versions.model_version(args.name)
        folder = project.versions.folder(args.name)
    if not folder.is_dir():
        raise ProjectError(f"{folder}: the folder of version {args.name} is missing")
    _copy(folder, Path(args.dest))
    return 0


def _compare(args: argparse.Namespace) -> int:
    from bert_desk.training.project_scores import compare_versions, format_comparison

    with open_project(args.project) as project:
        result = compare_versions(project, args.task, args.first, args.second, holdout=args.holdout, seed=args.seed,
                                  device=args.device)
    first, second = result["first"], result["second"]
    if args.json:
        print(json.dumps({args.first: first, args.second: second, "held_back": result["held_back"]}, indent=1))
        return 0
    print(f"{result['held_back']} held-back documents; 'previous' = {args.first}, 'new' = {args.second}")
    print(format_comparison(first, second))
    return 0


def _delete(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        project.versions.delete_model_version(args.name)
    print(f"deleted {args.name}")
    return 0


COMMANDS = {"train": _train, "versions": _versions, "export-version": _export, "compare-versions": _compare,
            "delete-version": _delete}
