"""Read batch files of texts and write results (plain Python, no Qt).

- `.txt` (and anything unknown): one text per non-blank line.
- `.csv` / `.tsv`: a header row; the text column is chosen by the caller (default `text`).
- `.jsonl`: one JSON object per line with a string `text` field.
Bad input raises `BatchFileError` whose message names the file and the line.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

TABLE_SUFFIXES = {".csv": ",", ".tsv": "\t"}
FILE_FILTER = "Texts (*.txt *.csv *.tsv *.jsonl);;All files (*)"


class BatchFileError(ValueError):
    """A batch file could not be read; the message names file and line."""


def _read(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BatchFileError(f"{path.name}: cannot read ({exc.strerror or exc})") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BatchFileError(f"{path.name}, line {line}: not valid UTF-8 text") from exc


def is_table(path: str | Path) -> bool:
    return Path(path).suffix.lower() in TABLE_SUFFIXES


def table_columns(path: str | Path, preview_rows: int = 5) -> tuple[list[str], list[list[str]]]:
    """Header and the first rows of a CSV/TSV file (for the column picker)."""
    path = Path(path)
    reader = csv.reader(io.StringIO(_read(path)), delimiter=TABLE_SUFFIXES.get(path.suffix.lower(), ","))
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise BatchFileError(f"{path.name}, line 1: no header row") from exc
    rows: list[list[str]] = []
    for row in reader:
        if len(rows) >= preview_rows:
            break
        rows.append(row)
    return header, rows


def default_column(header: list[str]) -> str | None:
    """`text` (any case) when present, else None (ask the user)."""
    for col in header:
        if col.strip().lower() == "text":
            return col
    return None


def read_texts(path: str | Path, column: str | None = None) -> list[str]:
    """All texts of a batch file (see the module docstring for the formats)."""
    path = Path(path)
    suffix = path.suffix.lower()
    content = _read(path)
    if suffix in TABLE_SUFFIXES:
        return _read_table(path, content, TABLE_SUFFIXES[suffix], column)
    if suffix == ".jsonl":
        return _read_jsonl(path, content)
    return [line.strip() for line in content.splitlines() if line.strip()]


def _read_table(path: Path, content: str, delimiter: str, column: str | None) -> list[str]:
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise BatchFileError(f"{path.name}, line 1: empty file (no header row)") from None
    except csv.Error as exc:
        raise BatchFileError(f"{path.name}, line 1: {exc}") from exc
    column = column or default_column(header)
    if column is None or column not in header:
        raise BatchFileError(f"{path.name}, line 1: no column named {column or 'text'!r}")
    col = header.index(column)
    texts = []
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) <= col:
                raise BatchFileError(f"{path.name}, line {reader.line_num}: missing the {column!r} column")
            texts.append(row[col])
    except csv.Error as exc:
        raise BatchFileError(f"{path.name}, line {reader.line_num}: {exc}") from exc
    return texts


def _read_jsonl(path: Path, content: str) -> list[str]:
    texts = []
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BatchFileError(f"{path.name}, line {number}: invalid JSON ({exc.msg})") from exc
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            raise BatchFileError(f"{path.name}, line {number}: expected an object with a string \"text\" field")
        texts.append(obj["text"])
    return texts


def write_csv(path: str | Path, rows: Iterable[Mapping[str, object]]) -> None:
    """Write rows of `text`, `label`, `score` as UTF-8 CSV."""
    with Path(path).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "label", "score"])
        for row in rows:
            writer.writerow([row["text"], row["label"], f"{float(row['score']):.6f}"])  # type: ignore[arg-type]


def write_jsonl(path: str | Path, rows: Iterable[Mapping[str, object]]) -> None:
    """Write one JSON object per row (every field of the row, e.g. `scores` too)."""
    with Path(path).open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(dict(row), ensure_ascii=False) + "\n")
