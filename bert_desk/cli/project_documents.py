"""`bert-desk project undo-import|delete-docs`: take documents out of a project again (their annotations
go with them): the last import's, or chosen ones by id or position."""

from __future__ import annotations

import argparse
from typing import Any

from bert_desk.cli._util import open_project
from bert_desk.project.errors import ProjectError


def _numbers(value: str) -> list[int]:
    """`"3,5-7"` -> [3, 5, 6, 7]."""
    out: list[int] = []
    try:
        for part in (p.strip() for p in value.split(",") if p.strip()):
            first, _, last = part.partition("-")
            out += range(int(first), int(last or first) + 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a list of numbers like 3,5-7") from None
    return out


def add_commands(sub: Any) -> None:
    """Add the document-removal sub-commands to `project`'s subparsers."""
    p = sub.add_parser("undo-import", help="delete the documents the last import added",
                       description="Delete the documents the last import added (with anything annotated on them "
                                   "since); only the last import can be undone.")
    p.add_argument("project", metavar="PROJECT")
    p = sub.add_parser("delete-docs", help="delete documents (and their annotations)",
                       description="Delete documents by id or by position (1 = the first document, as the Review "
                                   "tab numbers them); the rest are numbered again.")
    p.add_argument("project", metavar="PROJECT")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--ids", type=_numbers, metavar="N,M-K", help="document ids, e.g. 3,5-7")
    which.add_argument("--positions", type=_numbers, metavar="N,M-K", help="document numbers (from 1), e.g. 1-10")


def _undo_import(args: argparse.Namespace) -> int:
    from bert_desk.project.import_log import undo_last_import

    with open_project(args.project) as project:
        record = undo_last_import(project)
        left = project.count()
    if record is None:
        raise ProjectError(f"{args.project}: no import to undo")
    print(f"deleted {record.describe()} ({left:,} documents left)")
    return 0


def _delete_docs(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        ids = args.ids
        if args.positions is not None:
            order = project.document_ids()
            missing = [n for n in args.positions if not 1 <= n <= len(order)]
            if missing:
                raise ProjectError(f"no document number {missing[0]} (the project has {len(order):,})")
            ids = [order[n - 1] for n in args.positions]
        deleted = project.delete_documents(ids)
        left = project.count()
    print(f"deleted {deleted:,} document{'s' if deleted != 1 else ''} ({left:,} left)")
    return 0


COMMANDS = {"undo-import": _undo_import, "delete-docs": _delete_docs}
