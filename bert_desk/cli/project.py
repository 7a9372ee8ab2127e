"""`bert-desk project create|import|pre-annotate|export|stats|agreement PROJECT …` (and the model versions of
`project_models`: train, versions, export-version, delete-version).

`bert_desk.cli` calls `add_parser(subparsers)`; the `project` parser sets `handler=run`.
`main(argv)` runs them with the same parser definition (`fill_parser`), for tests and scripts. Errors: one
line on stderr, exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from bert_desk.cli import project_documents, project_models, project_predictions
from bert_desk.cli._util import add_device_option, fail, open_project
from bert_desk.inputs import TEXT_COLUMNS, parse_label_map
from bert_desk.project.errors import ProjectError
from bert_desk.project.types import PROJECT_TASKS, STATUSES
from bert_desk.terminal import progress_line

if TYPE_CHECKING:
    pass

IMPORT_CHOICES = ("text", "lines", "csv", "tsv", "jsonl", "conll", "squad", "labelstudio", "spacy")
IMPORT_STATUSES = ("unreviewed", "accepted", "proposed")
EXPORT_CHOICES = ("jsonl", "spacy", "conll", "squad", "labelstudio", "csv", "tsv")


def _statuses(value: str) -> list[str]:
    items = [s.strip() for s in value.split(",") if s.strip()]
    bad = [s for s in items if s not in STATUSES]
    if bad or not items:
        raise argparse.ArgumentTypeError(f"statuses are a comma-separated list of {', '.join(STATUSES)}")
    return items


def _label_map(value: str) -> dict[str, str]:
    try:
        return parse_label_map(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add `project` with its sub-commands to an argparse subparsers object."""
    parser = subparsers.add_parser("project", help="annotation projects (.bdesk): import, pre-annotate, export",
                                   description="Create, fill, pre-annotate and export annotation projects.")
    fill_parser(parser)
    return parser


def fill_parser(parser: argparse.ArgumentParser) -> None:
    """Add the project sub-commands to `parser`."""
    parser.set_defaults(handler=run)
    sub = parser.add_subparsers(dest="project_command", metavar="COMMAND", required=True)
    p = sub.add_parser("create", help="create an empty project file")
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")

    p = sub.add_parser("import", help="add documents (and their annotations) from files")
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("files", nargs="+", metavar="FILE", help="each file is imported in one transaction")
    p.add_argument("--format", choices=IMPORT_CHOICES, help="default: from the extension, and from the content when "
                   "the name is ambiguous (.txt: CoNLL columns, JSON lines, a CSV header; else lines)")
    p.add_argument("--column", help="text column of csv/tsv (default: the first of "
                                    f"{', '.join(TEXT_COLUMNS)}) or key of jsonl / labelstudio data (default 'text')")
    p.add_argument("--label-column", help="csv/tsv column holding the document label (default 'label')")
    p.add_argument("--label-map", type=_label_map, default={}, metavar="OLD=NEW,…",
                   help="rename labels as they are read, e.g. 0=NEGATIVE,1=POSITIVE for GLUE's SST-2")
    p.add_argument("--status", choices=IMPORT_STATUSES, default="unreviewed",
                   help="the file's annotations as human decisions left to review (unreviewed, the default), as "
                        "reviewed decisions (accepted: e.g. a labelled corpus to train from), or as model "
                        "proposals (proposed)")

    p = sub.add_parser("pre-annotate", help="run a model and store its proposals")
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("--task", required=True, choices=PROJECT_TASKS)
    p.add_argument("--model", required=True, metavar="SPEC", help="folder, HF id, bundled:TASK or spacy:PIPELINE")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--status", type=_statuses, help="only documents with these statuses (of --task)")
    add_device_option(p)

    from bert_desk.project.exporters import CARRIES

    p = sub.add_parser("export", help="write documents and reviewed annotations to a file",
                       epilog="What each format keeps:\n" + "\n".join(f"  {fmt:<12} {CARRIES[fmt]}" for fmt in
                                                                     EXPORT_CHOICES),
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("--format", required=True, choices=EXPORT_CHOICES)
    p.add_argument("--status", type=_statuses, help="comma-separated statuses to include (default: all)")
    p.add_argument("--task", choices=PROJECT_TASKS, help="task whose status --status filters on")
    p.add_argument("--source", default="human", choices=["human", "model", "effective"],
                   help="layer to export: reviewed (human), proposals (model), or human else model")
    p.add_argument("--out", help="output file (default: stdout)")

    p = sub.add_parser("stats", help="counts per status and label")
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("--json", action="store_true")

    project_models.add_commands(sub)
    project_predictions.add_commands(sub, _statuses)
    project_documents.add_commands(sub)

    p = sub.add_parser("agreement", help="model proposals vs accepted human annotations (P/R/F1)")
    p.add_argument("project", metavar="PROJECT")
    p.add_argument("--task", required=True, choices=PROJECT_TASKS)
    p.add_argument("--status", type=_statuses, default=["accepted"])
    p.add_argument("--model", metavar="SPEC", help="only documents proposed by this model")
    p.add_argument("--json", action="store_true")


def run(args: argparse.Namespace) -> int:
    """Handler of `project …`; returns the exit status."""
    from bert_desk.engine.types import EngineError

    try:
        return COMMANDS[args.project_command](args)
    except BrokenPipeError:
        raise  # the reader went away: `bert_desk.cli.main` ends quietly
    except (ProjectError, EngineError, OSError) as exc:
        if isinstance(exc, OSError) and not isinstance(exc, ProjectError):
            where = f"{exc.filename}: " if exc.filename else ""
            message = f"{where}{exc.strerror or exc}"
        else:
            message = str(exc)
        return fail(message)


def _create(args: argparse.Namespace) -> int:
    from bert_desk.project.store import Project

    Project.create(args.project, overwrite=args.force).close()
    print(f"created {args.project}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from bert_desk.project.importers import import_file

    with open_project(args.project) as project:
        for file in args.files:
            with progress_line() as progress:
                ids = import_file(project, file, args.format, column=args.column, label_column=args.label_column,
                                  label_map=args.label_map,
                                  source="model" if args.status == "proposed" else "human",
                                  status="accepted" if args.status == "accepted" else None, progress=progress)
            print(f"{file}: imported {len(ids)} documents")
    return 0


def _preannotate(args: argparse.Namespace) -> int:
    from bert_desk.project.preannotate import preannotate

    with open_project(args.project) as project, progress_line() as progress:
        n = preannotate(project, args.task, args.model, batch_size=args.batch_size, statuses=args.status,
                        progress=progress, device=args.device)
    print(f"{args.task}: stored proposals of {args.model} for {n} documents")
    return 0


def _export(args: argparse.Namespace) -> int:
    from bert_desk.project.exporters import export_project

    with open_project(args.project) as project:
        report = export_project(project, args.format, args.out, statuses=args.status, task=args.task,
                                source=args.source)
    for note in report.notes:
        print(f"bert-desk: note: {note}", file=sys.stderr)
    if args.out:
        print(f"exported {report.documents} documents to {args.out}", file=sys.stderr)
    return 0


def format_stats(stats: dict[str, Any], name: str) -> str:
    """The stats as plain-text tables."""
    lines = [f"{name}: {stats['documents']} documents", "", f"{'status':<12}" + "".join(f"{t:>11}" for t in PROJECT_TASKS)]
    for status in STATUSES:
        lines.append(f"{status:<12}" + "".join(f"{stats['status'][t][status]:>11}" for t in PROJECT_TASKS))
    for task, labels in sorted(stats["labels"].items()):
        title = f"label ({task})"
        width = max([len(lab) for lab in labels] + [len(title)])
        lines += ["", f"{title:<{width}} {'human':>8} {'model':>8}"]
        lines += [f"{lab:<{width}} {c['human']:>8} {c['model']:>8}" for lab, c in sorted(labels.items())]
    q = stats["questions"]
    if q["total"]:
        lines += ["", f"questions: {q['total']} (human: {q['human']['answered']} answered, "
                      f"{q['human']['no_answer']} no answer; model: {q['model']['answered']} answered, "
                      f"{q['model']['no_answer']} no answer)"]
    return "\n".join(lines)


def _stats(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        stats = project.stats()
    print(json.dumps(stats, indent=1) if args.json else format_stats(stats, args.project))
    return 0


def _agreement(args: argparse.Namespace) -> int:
    from bert_desk.project.agreement import agreement

    with open_project(args.project) as project:
        result = agreement(project, args.task, statuses=args.status, model=args.model)
    if args.json:
        print(json.dumps(result.as_dict(), indent=1))
        return 0
    print(f"{args.task}: {result.documents} documents")
    print(f"{'label':<14}{'P':>7}{'R':>7}{'F1':>7}{'support':>9}")
    for score in [*result.labels.values(), result.micro]:
        print(f"{score.label:<14}{score.precision:>7.3f}{score.recall:>7.3f}{score.f1:>7.3f}{score.support:>9}")
    return 0


COMMANDS = {"create": _create, "import": _import, "pre-annotate": _preannotate, "export": _export,
            "stats": _stats, "agreement": _agreement, **project_models.COMMANDS,
            **project_predictions.COMMANDS, **project_documents.COMMANDS}


def main(argv: list[str] | None = None) -> int:
    """`bert-desk project ARGV…` without the top-level parser (tests and scripts)."""
    parser = argparse.ArgumentParser(prog="bert-desk project", description="Annotation projects (.bdesk).")
    fill_parser(parser)
    args = parser.parse_args(argv)
    return run(args)
