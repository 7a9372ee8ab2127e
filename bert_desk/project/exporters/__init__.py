"""Exporters: stream a project's records to a file in one of the supported formats.

Formats: jsonl (Prodigy/spaCy spans), spacy (DocBin), conll, squad, labelstudio, csv, tsv.
Writing to a path is atomic (temporary file, then rename): a failed or cancelled export leaves
no partial file behind.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from bert_desk.atomic import atomic_write
from bert_desk.engine.runtime import check
from bert_desk.engine.types import CancelToken, ProgressFn, no_progress
from bert_desk.project.errors import ProjectExportError
from bert_desk.project.exporters.formats import write_jsonl, write_labelstudio, write_squad
from bert_desk.project.exporters.tabular import write_conll, write_csv, write_docbin
from bert_desk.project.progress import tracked
from bert_desk.project.store import Project
from bert_desk.project.types import Record

Writer = Callable[..., int]


def _write_tsv(records: Iterable[Record], out: IO[str], **kw: object) -> int:
    return write_csv(records, out, delimiter="\t", **kw)  # type: ignore[arg-type]


WRITERS: dict[str, Writer] = {"jsonl": write_jsonl, "spacy": write_docbin, "conll": write_conll,
                              "squad": write_squad, "labelstudio": write_labelstudio, "csv": write_csv,
                              "tsv": _write_tsv}
EXPORT_FORMATS: tuple[str, ...] = tuple(WRITERS)
BINARY = {"spacy"}
# What each format keeps (the export dialog, `bert-desk project export --help` and the README say it).
CARRIES: dict[str, str] = {
    "jsonl": "everything: texts exactly, meta, entities, labels, questions and answers, statuses, proposals",
    "labelstudio": "texts exactly, meta, entities and labels, statuses, model predictions; no questions",
    "spacy": "texts exactly, entities, labels and statuses; no questions",
    "squad": "contexts, questions and answers; no entities, labels or statuses",
    "csv": "texts exactly, the sentiment label and status, meta as columns; no entities or questions",
    "tsv": "texts exactly, the sentiment label and status, meta as columns; no entities or questions",
    "conll": "lossy: tokens and entity tags (and the POS/chunk columns of an imported CoNLL file); spacing "
             "becomes single spaces; no labels, questions or statuses",
}
# The task whose review status `statuses` filters on (None: any task, see Project.list_documents).
DEFAULT_TASK: dict[str, str | None] = {"jsonl": None, "spacy": "ner", "conll": "ner", "squad": "qa",
                                       "labelstudio": None, "csv": "sentiment", "tsv": "sentiment"}


@dataclass
class ExportReport:
    documents: int = 0
    notes: list[str] = field(default_factory=list)  # things the format could not carry


def write_records(records: Iterable[Record], fmt: str, out: IO, *, task: str | None = None) -> ExportReport:
    """Write records to an open stream (text, or binary for "spacy")."""
    if fmt not in WRITERS:
        raise ProjectExportError(f"unknown export format {fmt!r} (expected one of {', '.join(EXPORT_FORMATS)})")
    report = ExportReport()
    report.documents = WRITERS[fmt](records, out, task=task, notes=report.notes)
    return report


def export_project(project: Project, fmt: str, out: str | Path | IO | None = None, *,
                   statuses: Iterable[str] | None = None, task: str | None = None, source: str = "human",
                   progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> ExportReport:
    """Export documents whose `task` status (default per format) is in `statuses` (None: all).

    `out` is a path (written atomically), an open stream, or None for stdout. `progress` hears
    about every document; a set `cancel` token raises `Cancelled` (a path is then left untouched).
    """
    if fmt not in WRITERS:
        raise ProjectExportError(f"unknown export format {fmt!r} (expected one of {', '.join(EXPORT_FORMATS)})")
    task = task or DEFAULT_TASK[fmt]
    statuses = list(statuses) if statuses is not None else None
    check(cancel)
    total = project.count(task=task, status=statuses)
    progress(0.0, f"0/{total:,} documents")
    records = tracked(project.iter_records(task=task, statuses=statuses, source=source), total, progress, cancel)
    if out is None:
        report = _to_stdout(records, fmt, task)
    elif not isinstance(out, (str, Path)):
        report = write_records(records, fmt, out, task=task)
    else:
        with atomic_write(out) as raw:
            report = _write_bytes(records, fmt, raw, task)
    progress(1.0, f"{report.documents:,} documents")
    return report


def _write_bytes(records: Iterable[Record], fmt: str, raw: IO[bytes], task: str | None) -> ExportReport:
    """Write to a binary stream: bytes for binary formats, else UTF-8 text (the stream is left open)."""
    if fmt in BINARY:
        return write_records(records, fmt, raw, task=task)
    text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
    try:
        return write_records(records, fmt, text, task=task)
    finally:
        text.detach()  # flushes; the stream stays the caller's to close (or remove)


def _to_stdout(records: Iterable[Record], fmt: str, task: str | None) -> ExportReport:
    """Write UTF-8 to stdout whatever the locale (binary formats as bytes)."""
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        if fmt in BINARY:
            raise ProjectExportError(f"{fmt} is binary: give --out FILE")
        return write_records(records, fmt, sys.stdout, task=task)
    report = _write_bytes(records, fmt, buffer, task)
    buffer.flush()
    return report


__all__ = ["DEFAULT_TASK", "EXPORT_FORMATS", "ExportReport", "export_project", "write_records"]
