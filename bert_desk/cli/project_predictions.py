"""`bert-desk project import-predictions PROJECT DIR`: a `bert-desk batch` output folder's predictions as
model proposals of the project's documents (`bert_desk.project.predictions`); human decisions stay."""

from __future__ import annotations

import argparse
from typing import Any

from bert_desk.terminal import progress_line


def add_commands(sub: Any, statuses: Any) -> None:
    """Add `import-predictions` to `project`'s subparsers (`statuses`: the --status value parser)."""
    p = sub.add_parser("import-predictions", help="store a `bert-desk batch` output folder as model proposals",
                       description="Store the predictions of a `bert-desk batch` output folder (DIR, or "
                                   "FILE.jsonl.shards for --out FILE.jsonl) as model proposals of the documents "
                                   "with the same text (QA: the same question); reviewed work is never changed.")
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("folder", metavar="DIR")
    p.add_argument("--status", type=statuses, help="only documents with these statuses (of the batch's task)")


def _import_predictions(args: argparse.Namespace) -> int:
    from bert_desk.project.predictions import import_predictions
    from bert_desk.project.store import Project

    with Project.open(args.project) as project, progress_line() as progress:
        report = import_predictions(project, args.folder, statuses=args.status, progress=progress)
    what = "questions" if report.task == "qa" else "documents"
    ambiguous = f", {report.ambiguous} ambiguous questions skipped" if report.ambiguous else ""
    print(f"{report.lines} {report.task} predictions of {report.model}: proposals for {report.proposals} {what}, "
          f"{report.unmatched} matched nothing in the project{ambiguous}")
    return 0


COMMANDS = {"import-predictions": _import_predictions}
