"""Plain text (whole file or one document per line) and CSV/TSV importers."""

from __future__ import annotations

import csv
from itertools import count
from pathlib import Path

from bert_desk.engine.runtime import check
from bert_desk.engine.types import CancelToken
from bert_desk.inputs import TEXT_COLUMNS, default_column, table_reader
from bert_desk.project.errors import ProjectImportError
from bert_desk.project.importers.common import check_status, read_text, split_lines
from bert_desk.project.types import Record


def read_whole(path: Path, **_: object) -> list[Record]:
    """The whole file is one document (text kept exactly)."""
    return [Record(text=read_text(path), meta={"file": path.name}, line=1)]


def read_lines(path: Path, **_: object) -> list[Record]:
    """One document per non-blank line."""
    return [Record(text=line, line=n) for n, line in enumerate(split_lines(read_text(path)), 1) if line.strip()]


def read_csv(path: Path, *, column: str | None = None, label_column: str | None = None,
             delimiter: str = ",", cancel: CancelToken | None = None, **_: object) -> list[Record]:
    """Rows of a CSV/TSV with a header: `column` (default: `inputs.default_column`) is the text, `label_column`
    (default "label" when present; "" for none) the sentiment label, a "status" column the review status;
    other columns become string meta. Rows with an empty text are skipped."""
    text = read_text(path)
    reader = table_reader(text, delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ProjectImportError(path, 1, "empty file: expected a header row") from None
    except csv.Error as exc:
        raise ProjectImportError(path, reader.line_num, f"malformed CSV: {exc}") from exc
    column = column or default_column(header)
    if column is None:
        raise ProjectImportError(path, 1, f"no text column ({' / '.join(TEXT_COLUMNS)}) in the header "
                                          f"(columns: {', '.join(header) or 'none'}): choose the text column (--column)")
    if column not in header:
        raise ProjectImportError(path, 1, f"no column {column!r} (columns: {', '.join(header) or 'none'})")
    if label_column and label_column not in header:
        raise ProjectImportError(path, 1, f"no label column {label_column!r} (columns: {', '.join(header)})")
    if label_column is None:  # not chosen: "label" when there is one ("" chooses no label column)
        label_column = "label" if "label" in header and column != "label" else None
    records: list[Record] = []
    line = reader.line_num + 1
    for rows in count():
        if rows % 256 == 0:
            check(cancel)
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ProjectImportError(path, reader.line_num, f"malformed CSV: {exc}") from exc
        if not row:
            line = reader.line_num + 1
            continue
        if len(row) != len(header):
            raise ProjectImportError(path, line, f"row has {len(row)} fields, the header has {len(header)}")
        values = dict(zip(header, row, strict=True))
        if values[column]:
            status = values.pop("status", "") if column != "status" else ""
            label = values.pop(label_column) if label_column else None
            doc_text = values.pop(column)
            try:
                status_map = {"sentiment": check_status(status)} if status else {}
            except ValueError as exc:
                raise ProjectImportError(path, line, str(exc)) from None
            records.append(Record(text=doc_text, meta=values, label=label or None, status=status_map, line=line))
        line = reader.line_num + 1
    return records


def read_tsv(path: Path, **options: object) -> list[Record]:
    return read_csv(path, **{**options, "delimiter": "\t"})  # type: ignore[arg-type]
