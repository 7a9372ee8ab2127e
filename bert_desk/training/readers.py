"""Read labelled data for fine-tuning: GLUE TSV, CSV, JSONL (text + label) and CoNLL / WNUT token files.

Every reader raises `DataFormatError` with a one-line message naming the file and line number.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from bert_desk.inputs import InputError, read_records

TEXT_KEYS = ("sentence", "text")
LABEL_KEYS = ("label",)


class DataFormatError(InputError):
    """A data file is malformed; the message is one line: `file:line: what is wrong`."""

    def __init__(self, path: str | Path, line: int, what: str) -> None:
        self.path = str(path)
        super().__init__(self.path, line, what)


@dataclass(frozen=True)
class TextExample:
    text: str
    label: str


@dataclass(frozen=True)
class TokenExample:
    tokens: tuple[str, ...]
    tags: tuple[str, ...]


def _open_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise DataFormatError(path, 1, f"not UTF-8 text ({exc.reason})") from None


def _find_column(header: list[str], keys: tuple[str, ...], path: Path, what: str) -> int:
    lowered = [h.strip().lower() for h in header]
    for key in keys:
        if key in lowered:
            return lowered.index(key)
    raise DataFormatError(path, 1, f"header has no {what} column (expected one of {', '.join(keys)})")


def read_glue_tsv(path: str | Path) -> list[TextExample]:
    """GLUE TSV with a header (`sentence\\tlabel`), split on tabs only (no quote handling)."""
    path = Path(path)
    lines = _open_lines(path)
    if not lines:
        raise DataFormatError(path, 1, "empty file (expected a header like 'sentence<TAB>label')")
    header = lines[0].split("\t")
    text_col = _find_column(header, TEXT_KEYS, path, "text")
    label_col = _find_column(header, LABEL_KEYS, path, "label")
    out: list[TextExample] = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != len(header):
            raise DataFormatError(path, number, f"expected {len(header)} tab-separated fields, found {len(cells)}")
        text, label = cells[text_col].strip(), cells[label_col].strip()
        if not label:
            raise DataFormatError(path, number, "empty label")
        out.append(TextExample(text, label))
    return out


def read_csv(path: str | Path) -> list[TextExample]:
    """CSV with a header holding a `text` (or `sentence`) and a `label` column."""
    path = Path(path)
    lines = _open_lines(path)
    rows = csv.reader(lines)
    try:
        header = next(rows)
    except StopIteration:
        raise DataFormatError(path, 1, "empty file (expected a header like 'text,label')") from None
    text_col = _find_column(header, TEXT_KEYS, path, "text")
    label_col = _find_column(header, LABEL_KEYS, path, "label")
    out: list[TextExample] = []
    for cells in rows:
        number = rows.line_num
        if not cells:
            continue
        if len(cells) != len(header):
            raise DataFormatError(path, number, f"expected {len(header)} comma-separated fields, found {len(cells)}")
        if not cells[label_col].strip():
            raise DataFormatError(path, number, "empty label")
        out.append(TextExample(cells[text_col].strip(), cells[label_col].strip()))
    return out


def read_jsonl(path: str | Path) -> list[TextExample]:
    """JSON lines, each an object with `text` (or `sentence`) and `label`."""
    path = Path(path)
    out: list[TextExample] = []
    with path.open("rb") as stream:
        for record in read_records(stream, str(path), jsonl=True):
            obj = record.fields
            text = next((obj[k] for k in TEXT_KEYS if k in obj), None)
            if not isinstance(text, str) or "label" not in obj or obj["label"] in (None, ""):
                raise DataFormatError(path, record.line, "expected a JSON object with 'text' and 'label'")
            out.append(TextExample(text, str(obj["label"])))
    return out


def _check_tag(tag: str, path: Path, number: int) -> None:
    if tag != "O" and not (len(tag) > 2 and tag[:2] in ("B-", "I-")):
        raise DataFormatError(path, number, f"tag {tag!r} is not IOB2 (O, B-TYPE or I-TYPE)")


def read_token_file(path: str | Path, *, sep: str | None = None) -> list[TokenExample]:
    """Token-per-line file: CoNLL-2003 (`token POS chunk NER`, spaces) or WNUT (`token\\ttag`).

    The tag is the last column; `-DOCSTART-` lines are skipped; blank lines end sentences.
    """
    path = Path(path)
    out: list[TokenExample] = []
    tokens: list[str] = []
    tags: list[str] = []

    def flush() -> None:
        if tokens:
            out.append(TokenExample(tuple(tokens), tuple(tags)))
            tokens.clear()
            tags.clear()

    for number, raw in enumerate(_open_lines(path), start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            flush()
            continue
        if line.startswith("-DOCSTART-"):
            flush()
            continue
        cells = line.split(sep) if sep else line.split()
        cells = [c.strip() for c in cells]
        if len(cells) < 2 or not cells[0] or not cells[-1]:
            raise DataFormatError(path, number, "expected a token and a tag separated by whitespace")
        _check_tag(cells[-1], path, number)
        tokens.append(cells[0])
        tags.append(cells[-1])
    flush()
    if not out:
        raise DataFormatError(path, 1, "no sentences found")
    return out


def read_conll(path: str | Path) -> list[TokenExample]:
    """CoNLL-2003 IOB2 file (space-separated `token POS chunk NER`)."""
    return read_token_file(path)


def read_wnut(path: str | Path) -> list[TokenExample]:
    """WNUT-17 file (tab-separated `token\\ttag`)."""
    return read_token_file(path, sep="\t")


def read_text_examples(path: str | Path) -> list[TextExample]:
    """Pick the text-classification reader by extension (.tsv, .csv, .jsonl/.json)."""
    path = Path(path)
    if not path.is_file():
        raise DataFormatError(path, 0, "file not found")
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json"):
        return read_jsonl(path)
    if suffix == ".csv":
        return read_csv(path)
    return read_glue_tsv(path)


def read_token_examples(path: str | Path) -> list[TokenExample]:
    """Read a CoNLL or WNUT token file (the separator is detected from the first data line)."""
    path = Path(path)
    if not path.is_file():
        raise DataFormatError(path, 0, "file not found")
    for line in _open_lines(path):
        if line.strip() and not line.startswith("-DOCSTART-"):
            return read_wnut(path) if "\t" in line else read_conll(path)
    raise DataFormatError(path, 1, "no sentences found")
