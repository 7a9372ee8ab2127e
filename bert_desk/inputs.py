"""Read texts and records from files or streams, with errors that name the file and line.

Pure Python (no Qt, no heavy imports): shared by the CLI and the app's batch loader.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from bert_desk.atomic import atomic_write


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


MAX_RECORD_BYTES = 32 * 1024 * 1024  # one line (one text or JSON record): larger is refused, never read whole


def _lines(stream: BinaryIO, source: str) -> Iterator[tuple[int, bytes]]:
    """(1-based number, raw line) of the stream's lines, each read at most MAX_RECORD_BYTES at a time
    (`/dev/zero` is refused, not read until memory runs out)."""
    number = 0
    while raw := stream.readline(MAX_RECORD_BYTES + 1):
        number += 1
        if len(raw) > MAX_RECORD_BYTES and not raw.endswith(b"\n"):
            raise InputError(source, number, f"line longer than {MAX_RECORD_BYTES // (1024 * 1024)} MiB: split the "
                             "text into several lines or files")
        yield number, raw


def parse_json(text: str, source: str, line: int | None = None) -> Any:
    """`json.loads` whose every failure (syntax, nesting too deep, a number too long, a lone surrogate
    in a string) is an InputError naming the file and line (`line`: the text is that line of the file;
    None: the text is the whole file)."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(source, line if line is not None else exc.lineno,
                         f"invalid JSON ({exc.msg}, column {exc.colno})") from None
    except RecursionError:
        raise InputError(source, line, "invalid JSON (nested too deeply)") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise InputError(source, line, f"invalid JSON ({str(exc).splitlines()[0]})") from None
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise InputError(source, line, "invalid text: a lone surrogate (\\ud800-\\udfff) is not a "
                                 "character") from None
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return value


def _decoded_lines(stream: BinaryIO, source: str) -> Iterator[tuple[int, str]]:
    for number, raw in _lines(stream, source):
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
        value = parse_json(line, source, number)
        if not isinstance(value, dict):
            raise InputError(source, number, "expected a JSON object")
        yield Record(source, number, value)


def require_text(record: Record, field: str) -> str:
    """Return a string field of a record, or raise an InputError naming file and line (also for text full of
    control characters, `control_problem`: noise is refused rather than scored)."""
    value = record.fields.get(field)
    if not isinstance(value, str):
        problem = f"missing field '{field}'" if value is None else f"field '{field}' is not a string"
        raise InputError(record.source, record.line, problem)
    problem = control_problem(value)
    if problem is not None:
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


TABLE_SUFFIXES = {".csv": ",", ".tsv": "\t"}
FILE_FILTER = "Texts (*.txt *.csv *.tsv *.jsonl);;All files (*)"


def is_table(path: str | Path) -> bool:
    """True for .csv/.tsv files (they need a column)."""
    return Path(path).suffix.lower() in TABLE_SUFFIXES


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), None, f"cannot read ({exc.strerror or exc})") from None


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(str(path), line, f"not valid UTF-8 ({exc.reason} at byte {exc.start})") from None


def table_reader(content: str, delimiter: str) -> Any:
    """A `csv.reader` over a table's text (its `line_num` tells where a row ends). Fields may be as long
    as a record (not only csv's default 131,072 characters). A TSV is tab-separated text without quoting
    (SST-2's sentences may start with `"`), unless the file only makes sense quoted: a row whose field
    count differs from the header's, or a field wrapped in double quotes (a TSV written by a CSV library)."""
    csv.field_size_limit(MAX_RECORD_BYTES)
    if delimiter == "\t" and not _quoted_tsv(content):
        return csv.reader(io.StringIO(content, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE)
    return csv.reader(io.StringIO(content, newline=""), delimiter=delimiter, strict=True)


def _quoted_tsv(content: str) -> bool:
    rows = csv.reader(io.StringIO(content, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(rows, None)
    if header is None:
        return False
    for row in rows:
        if row and len(row) != len(header):
            return True
        if any(len(field) >= 2 and field[0] == field[-1] == '"' for field in row):
            return True
    return False


def _table_reader(path: Path) -> Iterator[list[str]]:
    content = _decode(path, _read_bytes(path))
    return table_reader(content, TABLE_SUFFIXES.get(path.suffix.lower(), ","))


def table_columns(path: str | Path, preview_rows: int = 5) -> tuple[list[str], list[list[str]]]:
    """Header and the first rows of a CSV/TSV file (for a column picker)."""
    path = Path(path)
    reader = _table_reader(path)
    try:
        header = next(reader)
        rows = [row for _, row in zip(range(preview_rows), reader, strict=False)]
    except (StopIteration, csv.Error):
        raise InputError(str(path), 1, "no header row") from None
    return header, rows


# Column names that hold the text of a table, by preference ("sentence": GLUE's SST-2 TSV).
TEXT_COLUMNS = ("text", "sentence", "review", "content", "document", "body")
# GLUE's SST-2 writes its labels 0/1; the sentiment models bert_desk trains call them by name.
SST2_LABELS = {"0": "NEGATIVE", "1": "POSITIVE"}


def parse_label_map(text: str) -> dict[str, str]:
    """`"0=NEGATIVE, 1=POSITIVE"` -> {"0": "NEGATIVE", "1": "POSITIVE"}; blank -> {}.

    Raises ValueError naming the bad entry (no `=`, an empty side, or an old label given twice)."""
    mapping: dict[str, str] = {}
    for entry in (e.strip() for e in text.split(",")):
        if not entry:
            continue
        old, sep, new = (part.strip() for part in entry.partition("="))
        if not sep or not old or not new:
            raise ValueError(f"label map entry {entry!r} is not OLD=NEW")
        if old in mapping:
            raise ValueError(f"label map renames {old!r} twice")
        mapping[old] = new
    return mapping


def format_label_map(mapping: Mapping[str, str]) -> str:
    """The text `parse_label_map` reads back as `mapping`."""
    return ", ".join(f"{old}={new}" for old, new in mapping.items())


def default_column(header: list[str]) -> str | None:
    """The header's text column: the first of `TEXT_COLUMNS` it has (any case), else None (ask the user)."""
    names = {col.strip().lower(): col for col in reversed(header)}
    return next((names[name] for name in TEXT_COLUMNS if name in names), None)


CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # C0/C1 controls but tab, newlines, form feeds
MAX_CONTROL_SHARE = 0.1  # text where more of the visible characters are controls is not text


def control_problem(text: str) -> str | None:
    """What is wrong with text full of control characters (a binary file that happens to be valid UTF-8, a
    corrupted export), or None: a few stray ones pass."""
    controls = CONTROL.findall(text)
    if not controls:
        return None
    share = len(controls) / (len(text) - sum(map(str.isspace, text)) or 1)
    if share <= MAX_CONTROL_SHARE:
        return None
    return (f"not text: {len(controls):,} control characters ({share:.0%} of the characters, the first "
            f"U+{ord(controls[0]):04X}); is this a binary file?")


def check_text(source: str, text: str) -> None:
    """Refuse text full of control characters (`control_problem`): an InputError naming the first one's line."""
    problem = control_problem(text)
    if problem is not None:
        match = CONTROL.search(text)
        raise InputError(source, 1 + text.count("\n", 0, match.start() if match else 0), problem)


def read_numbered_texts(path: str | Path, column: str | None = None) -> list[tuple[int, str]]:
    """(line, text) of a batch file, `line` the 1-based line where the text starts: .txt (one per non-blank
    line, stripped), .csv/.tsv (`column`, default the `text` column), .jsonl (a string `text` field per
    line). Text full of control characters is refused (`check_text`)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        numbered = _read_table_column(path, column)
    else:
        data = io.BytesIO(_read_bytes(path))
        if suffix in (".jsonl", ".ndjson"):
            numbered = [(rec.line, require_text(rec, "text")) for rec in read_records(data, str(path), jsonl=True)]
        else:
            numbered = [(rec.line, rec.fields["text"].strip()) for rec in read_records(data, str(path), jsonl=False)]
    problem = control_problem("\n".join(text for _, text in numbered))  # the file is judged as a whole
    if problem is not None:
        raise InputError(str(path), next(line for line, text in numbered if CONTROL.search(text)), problem)
    return numbered


def read_texts(path: str | Path, column: str | None = None) -> list[str]:
    """The texts of a batch file (`read_numbered_texts` without the line numbers)."""
    return [text for _, text in read_numbered_texts(path, column)]


def _read_table_column(path: Path, column: str | None) -> list[tuple[int, str]]:
    source = str(path)
    reader = _table_reader(path)
    try:
        header = next(reader, None)
        if header is None:
            raise InputError(source, 1, "the file is empty (no header row)")
        name = column or default_column(header)
        if name is None or name not in header:
            raise InputError(source, 1, f"no column '{name or 'text'}' (columns: {', '.join(header)})")
        index = header.index(name)
        texts = []
        start = reader.line_num + 1
        for row in reader:
            row_line, start = start, reader.line_num + 1  # a quoted row may span lines: where it starts
            if not any(cell.strip() for cell in row):
                continue
            if index >= len(row):
                raise InputError(source, reader.line_num, f"row has no '{name}' value")
            texts.append((row_line, row[index]))
        return texts
    except csv.Error as exc:
        raise InputError(source, None, f"malformed CSV ({exc})") from None


def write_csv(path: str | Path, rows: Iterable[Mapping[str, object]]) -> None:
    """Write rows of `text`, `label`, `score` as UTF-8 CSV (atomically); with them, the source `line` first
    and one `score_<label>` column per label of the rows' `scores` (as JSONL carries them)."""
    rows = list(rows)
    labels = sorted({label for row in rows for label in row.get("scores", {}) or {}})  # type: ignore[union-attr]
    numbered = any("line" in row for row in rows)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(["line"] * numbered + ["text", "label", "score"] + [f"score_{label}" for label in labels])
    for row in rows:
        scores: Mapping[str, float] = row.get("scores") or {}  # type: ignore[assignment]
        writer.writerow([row.get("line", "")] * numbered + [row["text"], row["label"], f"{float(row['score']):.6f}"]  # type: ignore[arg-type]
                        + [f"{scores[label]:.6f}" if label in scores else "" for label in labels])
    with atomic_write(path) as raw:
        raw.write(buffer.getvalue().encode("utf-8"))


def write_jsonl(path: str | Path, rows: Iterable[Mapping[str, object]]) -> None:
    """Write one JSON object per row (every field of the row), atomically."""
    with atomic_write(path) as raw:
        for row in rows:
            raw.write((json.dumps(dict(row), ensure_ascii=False) + "\n").encode("utf-8"))
