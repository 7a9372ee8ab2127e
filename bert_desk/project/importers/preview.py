"""What an import would add, before it is made: the first documents of a file as records, read from the
file's head for line formats (quick on a file of any size) and whole for small JSON/DocBin files."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bert_desk.project.errors import ProjectError
from bert_desk.project.importers import detect_format, read_file
from bert_desk.project.types import Record

HEAD_BYTES = 32 * 1024  # line formats: the preview reads this much of the file (more for long records)
WHOLE_LIMIT = 512 * 1024  # whole-file formats (SQuAD, Label Studio, DocBin, text) up to this size (a 1 MB SQuAD file took 69 ms)
RECORD_END = {"conll": b"\n\n", "lines": b"\n", "jsonl": b"\n", "csv": b"\n", "tsv": b"\n"}


@dataclass(frozen=True)
class Preview:
    fmt: str
    records: list[Record] = field(default_factory=list)  # the first documents
    complete: bool = True  # the records are the whole file's (else only its head was read)
    problem: str = ""  # why there is no preview (the error the import would give, or the file is too big)


def preview_file(path: str | Path, fmt: str | None = None, *, column: str | None = None,
                 label_column: str | None = None, label_map: Mapping[str, str] | None = None,
                 limit: int = 5) -> Preview:
    """The first `limit` documents an import of `path` would add, with their annotations."""
    path = Path(path)
    try:
        fmt = fmt or detect_format(path)
        size = path.stat().st_size
    except (ProjectError, OSError) as exc:
        return Preview(fmt or "", problem=str(exc) if isinstance(exc, ProjectError) else exc.strerror or str(exc))
    kw = {"column": column, "label_column": label_column, "label_map": label_map}
    try:
        if fmt in RECORD_END and size > HEAD_BYTES:
            end, read = RECORD_END[fmt], HEAD_BYTES
            with path.open("rb") as fh:
                head = fh.read(read)
                while head.count(end) <= limit + 1 and read < WHOLE_LIMIT:  # long records: read on
                    more = fh.read(read * 3)
                    if not more:
                        break
                    head, read = head + more, read * 4
            head = head[:head.rfind(end) + len(end)] if end in head else head  # whole records only
            with tempfile.TemporaryDirectory() as tmp:
                part = Path(tmp) / path.name
                part.write_bytes(head)
                try:
                    records = read_file(part, fmt, **kw)
                except ProjectError as exc:  # named by the real file (its head has the same line numbers)
                    return Preview(fmt, problem=str(exc).replace(str(part), str(path)))
            return Preview(fmt, records[:limit], complete=False)
        if size > WHOLE_LIMIT:
            return Preview(fmt, problem=f"{size / 2**20:.0f} MB: too big to preview; it is read when imported")
        return Preview(fmt, read_file(path, fmt, **kw)[:limit])
    except ProjectError as exc:
        return Preview(fmt, problem=str(exc))


def describe(record: Record) -> str:
    """What a record carries besides its text: "LOC, PER (2 entities)", "POSITIVE", "2 questions"."""
    parts = []
    if record.label is not None:
        parts.append(record.label)
    if record.spans:
        labels = sorted({s.label for s in record.spans})
        parts.append(f"{', '.join(labels)} ({len(record.spans)} entit{'y' if len(record.spans) == 1 else 'ies'})")
    if record.model_label is not None:
        parts.append(f"{record.model_label} (proposed)")
    if record.model_spans:
        parts.append(f"{len(record.model_spans)} proposed")
    if record.questions:
        parts.append(f"{len(record.questions)} question{'s' if len(record.questions) != 1 else ''}")
    return " · ".join(parts)
