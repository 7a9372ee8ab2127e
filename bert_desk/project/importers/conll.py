"""CoNLL-2003 importer: `token ... tag` lines, sentences separated by blank lines.

Each sentence becomes one document whose text is its tokens joined with single spaces; entity
offsets are exact. Tags may be IOB2 (B-/I-), IOB1 (I- starts an entity after another type or O)
or BIOES. `-DOCSTART-` lines start a new source document, kept as `meta["conll_doc"]` (0-based); the
columns between token and tag (CoNLL-2003's part of speech and chunk) are kept per token as
`meta["conll_columns"]`, so an export writes the file back line for line.
"""

from __future__ import annotations

import re
from pathlib import Path

from bert_desk.engine.types import CancelToken
from bert_desk.project.errors import ProjectImportError
from bert_desk.project.importers.common import checked, read_text, split_lines
from bert_desk.project.types import Record, SpanData

_SEP = re.compile(r"[ \t]+")
_TAG = re.compile(r"^(?:O|[BIES]-.+|U-.+|L-.+)$")


def looks_like_conll(path: Path, lines: int = 40) -> bool:
    """True when the file's first lines are CoNLL: `-DOCSTART-`, or every non-blank line has a token, maybe
    more columns, and an entity tag last (with at least one tag that is not O)."""
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as handle:
            head = [line.rstrip("\r\n") for _, line in zip(range(lines), handle, strict=False)]
    except OSError:
        return False
    rows = [line.strip(" \t") for line in head if line.strip()]
    if not rows:
        return False
    if rows[0].startswith("-DOCSTART-"):
        return True
    tags = [_SEP.split(row)[-1] for row in rows]
    return all(len(_SEP.split(row)) >= 2 and _TAG.match(tag) for row, tag in zip(rows, tags, strict=True)) \
        and any(tag != "O" for tag in tags)


def _sentence(tokens: list[tuple[str, str, int]], path: Path, doc_index: int | None,
              columns: list[list[str]]) -> Record:
    text_parts: list[str] = []
    spans: list[SpanData] = []
    offset = 0
    current: list = []  # [start, end, label]

    def close() -> None:
        if current:
            spans.append(SpanData(current[0], current[1], current[2]))
            current.clear()

    for token, tag, _line in tokens:
        start, end = offset, offset + len(token)
        prefix, _, label = tag.partition("-")
        if prefix == "O":
            close()
        elif prefix in ("B", "S", "U") or not current or current[2] != label:
            close()
            current.extend([start, end, label])
        else:  # I, E, L continuing the same type
            current[1] = end
        if prefix in ("E", "S", "U", "L"):
            close()
        text_parts.append(token)
        offset = end + 1
    close()
    meta: dict = {"conll_doc": doc_index} if doc_index is not None else {}
    if any(value != "_" for token_columns in columns for value in token_columns):  # `_`: none (our own export)
        meta["conll_columns"] = columns
    return Record(text=" ".join(text_parts), meta=meta, spans=spans, line=tokens[0][2])


def read_conll(path: Path, *, cancel: CancelToken | None = None, **_: object) -> list[Record]:
    """Sentences of a CoNLL file as documents with entity spans."""
    records: list[Record] = []
    tokens: list[tuple[str, str, int]] = []
    middle: list[list[str]] = []  # the columns between token and tag, per token
    doc_index: int | None = None
    for n, line in checked(enumerate(split_lines(read_text(path)), 1), cancel, every=2048):
        stripped = line.strip(" \t")
        if not stripped or stripped.startswith("-DOCSTART-"):
            if tokens:
                records.append(_sentence(tokens, path, doc_index, middle))
                tokens, middle = [], []
            if stripped:
                doc_index = 0 if doc_index is None else doc_index + 1
            continue
        columns = _SEP.split(stripped)
        if len(columns) < 2:
            raise ProjectImportError(path, n, f"expected 'token ... TAG', got {line!r}")
        tag = columns[-1]
        if not _TAG.match(tag):
            raise ProjectImportError(path, n, f"bad entity tag {tag!r} (expected O, B-X, I-X, E-X or S-X)")
        tokens.append((columns[0], tag, n))
        middle.append(columns[1:-1])
    if tokens:
        records.append(_sentence(tokens, path, doc_index, middle))
    return records
