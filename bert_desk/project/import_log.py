"""The project's last import, so it can be undone: which file added which documents (project setting
`last_import`). Undoing deletes those documents (with everything annotated on them since) and forgets it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from bert_desk.engine.runtime import check
from bert_desk.engine.types import CancelToken, ProgressFn, no_progress
from bert_desk.project.errors import ProjectError
from bert_desk.project.schema import now
from bert_desk.project.store import Project

KEY = "last_import"


@dataclass(frozen=True)
class ImportRecord:
    file: str  # the file's name
    fmt: str
    ranges: tuple[tuple[int, int], ...]  # the ids of the documents it added, as (first, last) ranges
    count: int  # how many of them are still in the project
    at: str  # when (UTC, ISO 8601)

    def describe(self) -> str:
        return f"{self.count:,} document{'s' if self.count != 1 else ''} imported from {self.file}"


def _where(ranges: tuple[tuple[int, int], ...]) -> tuple[str, list[int]]:
    return " OR ".join("id BETWEEN ? AND ?" for _ in ranges), [i for r in ranges for i in r]


def import_ids(project: Project, record: ImportRecord) -> list[int]:
    """The ids of `record`'s documents that are still in the project, in order."""
    where, params = _where(record.ranges)
    return [r[0] for r in project.db.rows(f"SELECT id FROM documents WHERE {where} ORDER BY position", params)]


def _ranges(ids: list[int]) -> list[list[int]]:
    out: list[list[int]] = []
    for i in sorted(ids):
        if out and i == out[-1][1] + 1:
            out[-1][1] = i
        else:
            out.append([i, i])
    return out


def remember_import(project: Project, file: str, fmt: str, ids: list[int]) -> None:
    """Record an import that added `ids` (ids are stored as ranges: an import's are consecutive)."""
    if ids:
        project.set_setting(KEY, json.dumps({"file": file, "format": fmt, "ids": _ranges(ids), "at": now()},
                                            ensure_ascii=False))


def last_import(project: Project) -> ImportRecord | None:
    """The last import, limited to its documents that still exist (None when there is none to undo)."""
    raw = project.get_setting(KEY)
    if not raw:
        return None
    try:
        data = json.loads(raw)
        ranges = tuple((int(first), int(last)) for first, last in data["ids"])
        file, fmt, at = str(data["file"]), str(data["format"]), str(data.get("at", ""))
    except (ValueError, KeyError, TypeError):
        return None
    if not ranges:
        return None
    where, params = _where(ranges)  # one indexed count, however big the import was
    (count,) = project.db.rows(f"SELECT COUNT(*) FROM documents WHERE {where}", params)[0]
    return ImportRecord(file, fmt, ranges, int(count), at) if count else None


def undo_last_import(project: Project) -> ImportRecord | None:
    """Delete the documents the last import added (one transaction) and forget it; None when there was none."""
    record = last_import(project)
    with project.transaction():
        if record is not None:
            project.delete_documents(import_ids(project, record))
        project.set_setting(KEY, "")
    return record


def remove_documents(project: Project, doc_ids: Sequence[int] | None = None, *, last_import: bool = False,
                     progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> str:
    """The worker's "delete_documents" job: delete `doc_ids`, or the last import's documents; returns what
    was done, in a sentence. A set `cancel` before the deletion leaves the project unchanged."""
    check(cancel)
    progress(0.0, "deleting documents")
    if last_import:
        record = undo_last_import(project)
        if record is None:
            raise ProjectError("there is no import to undo")
        return f"Deleted the {record.describe()}."
    deleted = project.delete_documents(doc_ids or [])
    return f"Deleted {deleted:,} document{'s' if deleted != 1 else ''}."
