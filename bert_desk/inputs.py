"""Read texts and records from files or streams, with errors that name the file and line.

Pure Python (no Qt, no heavy imports): shared by the CLI and the app's batch loader.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO


class InputError(Exception):
    """Bad input; the message names the file and line."""

    def __init__(self, source: str, line: int | None, problem: str) -> None:
        self.source, self.line, self.problem = source, line, problem
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Record:
    """One input record: `fields` holds a JSON object's fields, or {"text": line}."""

    source: str
    line: int
    fields: dict


def _decoded_lines(stream: BinaryIO, source: str) -> Iterator[tuple[int, str]]:
    for number, raw in enumerate(stream, start=1):
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(source, number, f"not valid UTF-8 ({exc.reason} at byte {exc.start})") from None
        yield number, line.rstrip("\r\n")


def read_records(stream: BinaryIO, source: str, *, jsonl: bool | None = None) -> Iterator[Record]:
    """Yield records from lines: JSON objects when `jsonl` (or, if None, lines starting with '{'),
    otherwise plain text lines. Blank lines are skipped."""
    for number, line in _decoded_lines(stream, source):
        if not line.strip():
            continue
        as_json = jsonl if jsonl is not None else line.lstrip().startswith("{")
        if not as_json:
            yield Record(source, number, {"text": line})
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(source, number, f"invalid JSON ({exc.msg}, column {exc.colno})") from None
        if not isinstance(value, dict):
            raise InputError(source, number, "expected a JSON object")
        yield Record(source, number, value)


def require_text(record: Record, field: str) -> str:
    """Return a string field of a record, or raise an InputError naming file and line."""
    value = record.fields.get(field)
    if not isinstance(value, str):
        problem = f"missing field '{field}'" if value is None else f"field '{field}' is not a string"
        raise InputError(record.source, record.line, problem)
    return value


def open_inputs(paths: Iterable[str], stdin: BinaryIO) -> Iterator[tuple[str, BinaryIO]]:
    """Yield (name, binary stream) for each path ('-' is stdin); stdin alone when no paths."""
    paths = list(paths) or ["-"]
    for path in paths:
        if path == "-":
            yield "<stdin>", stdin
            continue
        try:
            handle = open(path, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise InputError(path, None, exc.strerror or str(exc)) from None
        with handle:
            yield path, handle


def csv_columns(path: Path) -> list[str]:
    """Header of a CSV/TSV file (delimiter from the extension)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t" if path.suffix.lower() == ".tsv" else ",")
        return next(reader, [])


def read_texts(path: Path, column: str | None = None) -> list[str]:
    """Texts of a batch file: .txt (one per line), .csv/.tsv (`column`), .jsonl (`text` field)."""
    suffix = path.suffix.lower()
    source = str(path)
    if suffix in (".csv", ".tsv"):
        return _read_table_column(path, column)
    with open(path, "rb") as handle:
        data = io.BytesIO(handle.read())
    if suffix in (".jsonl", ".ndjson"):
        return [require_text(rec, "text") for rec in read_records(data, source, jsonl=True)]
    return [rec.fields["text"] for rec in read_records(data, source, jsonl=False)]


def _read_table_column(path: Path, column: str | None) -> list[str]:
    source = str(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, delimiter="\t" if path.suffix.lower() == ".tsv" else ",")
            header = next(reader, None)
            if header is None:
                raise InputError(source, 1, "the file is empty")
            name = column if column is not None else header[0]
            if name not in header:
                raise InputError(source, 1, f"no column '{name}' (columns: {', '.join(header)})")
            index = header.index(name)
            texts = []
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue
                if index >= len(row):
                    raise InputError(source, reader.line_num, f"row has no '{name}' value")
                texts.append(row[index])
            return texts
    except UnicodeDecodeError as exc:
        raise InputError(source, None, f"not valid UTF-8 ({exc.reason})") from None
    except csv.Error as exc:
        raise InputError(source, None, f"malformed CSV ({exc})") from None
