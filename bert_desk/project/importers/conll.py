"""CoNLL-2003 importer: `token ... tag` lines, sentences separated by blank lines.

Each sentence becomes one document whose text is its tokens joined with single spaces; entity
offsets are exact. Tags may be IOB2 (B-/I-), IOB1 (I- starts an entity after another type or O)
or BIOES. `-DOCSTART-` lines start a new source document, kept as `meta["conll_doc"]` (0-based).
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


def _sentence(tokens: list[tuple[str, str, int]], path: Path, doc_index: int | None) -> Record:
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
    meta = {"conll_doc": doc_index} if doc_index is not None else {}
    return Record(text=" ".join(text_parts), meta=meta, spans=spans, line=tokens[0][2])


def read_conll(path: Path, *, cancel: CancelToken | None = None, **_: object) -> list[Record]:
    """Sentences of a CoNLL file as documents with entity spans."""
    records: list[Record] = []
    tokens: list[tuple[str, str, int]] = []
    doc_index: int | None = None
    for n, line in checked(enumerate(split_lines(read_text(path)), 1), cancel, every=2048):
        stripped = line.strip(" \t")
        if not stripped or stripped.startswith("-DOCSTART-"):
            if tokens:
                records.append(_sentence(tokens, path, doc_index))
                tokens = []
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
    if tokens:
        records.append(_sentence(tokens, path, doc_index))
    return records
