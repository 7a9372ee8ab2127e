"""Importers: each reads a whole file into `Record`s, then stores them in one transaction.

Formats: text (whole file), lines, csv, tsv, jsonl, conll, squad, labelstudio, spacy (DocBin).
Errors are `ProjectImportError`s naming the file and line. A cancelled import (a set `CancelToken`)
raises `Cancelled` before the transaction commits, so the project is left unchanged.
"""

from __future__ import annotations

import csv
import json
import re
import zlib
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path

from bert_desk.engine.runtime import check
from bert_desk.engine.types import CancelToken, ProgressFn, no_progress
from bert_desk.inputs import default_column
from bert_desk.project.errors import ProjectError, ProjectImportError
from bert_desk.project.import_log import remember_import
from bert_desk.project.importers.common import MALFORMED, malformed
from bert_desk.project.importers.conll import looks_like_conll, read_conll
from bert_desk.project.importers.docbin import read_docbin
from bert_desk.project.importers.jsonl import read_jsonl
from bert_desk.project.importers.labelstudio import read_labelstudio
from bert_desk.project.importers.squad import read_squad
from bert_desk.project.importers.text import read_csv, read_lines, read_tsv, read_whole
from bert_desk.project.progress import tracked
from bert_desk.project.store import Project
from bert_desk.project.types import STATUSES, Record, SpanData

Reader = Callable[..., list[Record]]
READERS: dict[str, Reader] = {
    "text": read_whole, "lines": read_lines, "csv": read_csv, "tsv": read_tsv, "jsonl": read_jsonl,
    "conll": read_conll, "squad": read_squad, "labelstudio": read_labelstudio, "spacy": read_docbin,
}
IMPORT_FORMATS: tuple[str, ...] = tuple(READERS)
_BY_SUFFIX = {".txt": "lines", ".text": "text", ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl",
              ".ndjson": "jsonl", ".conll": "conll", ".conll03": "conll", ".iob": "conll", ".bio": "conll",
              ".spacy": "spacy"}

_DATA_KEY = re.compile(r'"data"\s*:\s*([\[{])')


def _depth(text: str, end: int) -> int:
    """JSON nesting depth at `end` in `text` (brackets inside strings are not counted)."""
    depth, in_string, escaped = 0, False, False
    for ch in text[:end]:
        if escaped:
            escaped = False
        elif in_string:
            escaped, in_string = ch == "\\", ch != '"'
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
    return depth if not in_string else -1


def detect_format(path: str | Path) -> str:
    """Format from the extension; when the name is ambiguous (`.txt`, none, or unknown) from the content
    (`sniff_format`: CoNLL columns, JSON lines or JSON, a CSV/TSV header naming a text column, a DocBin),
    `.txt` falling back to lines. `.json` is told apart by its content (`_json_format`)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in ("", ".txt", ".text", ".dat", ".data") or (suffix not in _BY_SUFFIX and suffix != ".json"):
        sniffed = sniff_format(path)
        if sniffed == "json":
            return _json_format(path)
        if sniffed is not None:
            return sniffed
    if suffix in _BY_SUFFIX:
        return _BY_SUFFIX[suffix]
    if suffix == ".json":
        return _json_format(path)
    raise ProjectImportError(path, None, f"cannot tell the format from {suffix or 'no extension'!r} or the content; "
                                         f"give --format ({', '.join(IMPORT_FORMATS)})")


def sniff_format(path: Path, size: int = 65536) -> str | None:
    """The format the start of a file shows, or None: "conll" (token columns and tags), "spacy" (a DocBin:
    zlib-compressed), "jsonl" (a JSON object per line), "json" (one JSON document: SQuAD or Label Studio),
    "csv"/"tsv" (a header naming a text column, e.g. text or sentence)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(size)
    except OSError:
        return None
    if looks_like_conll(path):
        return "conll"
    if head[:1] == b"\x78" and head[1:2] in (b"\x01", b"\x5e", b"\x9c", b"\xda"):
        try:
            zlib.decompressobj().decompress(head[:4096])
            return "spacy"
        except zlib.error:
            return None
    text = head.decode("utf-8-sig", errors="replace")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    first = lines[0]
    if first.startswith("["):
        return "json"
    if first.startswith("{"):
        try:
            value = json.loads(first)
        except ValueError:
            return "json"  # a JSON document over several lines
        if isinstance(value, dict) and "data" in value and (len(lines) == 1 or "version" in value):
            return "json"
        return "jsonl" if isinstance(value, dict) else None
    for delimiter, fmt in (("\t", "tsv"), (",", "csv")):
        if delimiter in first and default_column(next(csv.reader([first], delimiter=delimiter), [])):
            return fmt
    return None


def _json_format(path: Path) -> str:
    """SQuAD (`{"version": …, "data": [articles]}`) or Label Studio (a list of tasks, or one task
    `{"id": …, "data": {fields}}`), from the start of the file when the top-level "data" shows there."""
    try:
        with path.open(encoding="utf-8-sig") as fh:
            head = fh.read(4096).lstrip()
    except OSError as exc:
        raise ProjectImportError(path, None, f"cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError:
        return "squad"  # the reader names the line that is not UTF-8
    if head.startswith("["):
        return "labelstudio"
    data_key = next((m for m in _DATA_KEY.finditer(head) if _depth(head, m.start()) == 1), None)
    if data_key:
        return "squad" if data_key.group(1) == "[" else "labelstudio"
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (ValueError, OSError, RecursionError):
        return "squad"  # let the reader report the syntax error with its line
    return "squad" if isinstance(data, dict) and "data" in data else "labelstudio"


def relabel(records: list[Record], label_map: Mapping[str, str]) -> list[Record]:
    """Records with their document and entity labels (human and model layers) renamed by `label_map`;
    labels it does not name stay as they are."""
    if not label_map:
        return records

    def spans(items: list[SpanData] | None) -> list[SpanData] | None:
        return None if items is None else [replace(s, label=label_map.get(s.label, s.label)) for s in items]

    def name(label: str | None) -> str | None:
        return None if label is None else label_map.get(label, label)

    return [replace(r, label=name(r.label), model_label=name(r.model_label), spans=spans(r.spans),
                    model_spans=spans(r.model_spans)) for r in records]


def with_status(records: list[Record], status: str) -> list[Record]:
    """Records whose annotated tasks (entity spans, a document label, answered questions) get review `status`
    where the file gave them none: `import --status accepted` stores a labelled corpus as reviewed decisions."""
    if status not in STATUSES:
        raise ProjectError(f"unknown status {status!r} (expected one of {', '.join(STATUSES)})")
    out = []
    for r in records:
        tasks = [task for task, present in (("ner", r.spans is not None), ("sentiment", r.label is not None),
                                            ("qa", any(q.answers for q in r.questions or ()))) if present]
        out.append(replace(r, status={**dict.fromkeys(tasks, status), **r.status}))
    return out


def read_file(path: str | Path, fmt: str | None = None, *, column: str | None = None,
              label_column: str | None = None, label_map: Mapping[str, str] | None = None,
              cancel: CancelToken | None = None) -> list[Record]:
    """Parse a file into records (nothing is stored), labels renamed by `label_map` (e.g. SST-2's 0/1);
    a set `cancel` stops the readers' loops with `Cancelled`."""
    path = Path(path)
    fmt = fmt or detect_format(path)
    if fmt not in READERS:
        raise ProjectImportError(path, None, f"unknown format {fmt!r} (expected one of {', '.join(IMPORT_FORMATS)})")
    if not path.is_file():
        raise ProjectImportError(path, None, "no such file")
    try:
        records = READERS[fmt](path, column=column, label_column=label_column, cancel=cancel)
    except ProjectError:
        raise
    except MALFORMED as exc:  # a reader met a value of a type it did not expect: still the file's fault
        raise ProjectImportError(path, None, f"not a valid {fmt} file: {malformed(exc)}") from None
    return relabel(records, label_map or {})


def import_file(project: Project, path: str | Path, fmt: str | None = None, *, column: str | None = None,
                label_column: str | None = None, label_map: Mapping[str, str] | None = None,
                source: str = "human", status: str | None = None, who: str | None = None,
                progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> list[int]:
    """Import a whole file in one transaction (all or nothing); returns the new document ids.

    `status` (human source only) is the review status of the tasks each record annotates (`with_status`).

    The file is parsed first (not measured: `progress` stays at 0), then stored; `progress`
    hears about every stored document. A set `cancel` raises `Cancelled` while parsing or before the commit.
    """
    check(cancel)
    progress(0.0, "reading the file")
    records = read_file(path, fmt, column=column, label_column=label_column, label_map=label_map, cancel=cancel)
    if status is not None and source == "human":
        records = with_status(records, status)
    try:
        ids = project.import_records(tracked(records, len(records), progress, cancel), source=source, who=who)
        remember_import(project, Path(path).name, fmt or detect_format(path), ids)  # so it can be undone
        progress(1.0, f"{len(ids):,} documents")
        return ids
    except ProjectImportError:
        raise
    except ProjectError as exc:
        index = getattr(exc, "record_index", None)
        line = getattr(exc, "line", None)
        where = f"document {index + 1}: " if index is not None and line is None else ""
        raise ProjectImportError(path, line, f"{where}{exc}") from exc


__all__ = ["IMPORT_FORMATS", "READERS", "detect_format", "import_file", "read_file", "relabel", "sniff_format",
           "with_status"]
