"""Exporters of the line formats: CoNLL-2003 BIO, CSV of document labels, spaCy DocBin."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from itertools import pairwise
from typing import Any, BinaryIO, TextIO

from bert_desk.project.importers.docbin import USER_DATA_KEY
from bert_desk.project.types import Record

_WORD = re.compile(r"[^ \t\r\n]+")


def conll_tokens(record: Record) -> list[tuple[str, str]]:
    """(token, BIO tag) pairs: whitespace-separated words, split at span boundaries.

    Spans are trimmed to the words they cover (leading/trailing whitespace cannot be carried).
    """
    text = record.text
    spans = sorted(record.spans or [], key=lambda s: s.start)
    cuts = sorted({s.start for s in spans} | {s.end for s in spans})
    pieces: list[tuple[int, int]] = []
    for m in _WORD.finditer(text):
        bounds = [m.start(), *[c for c in cuts if m.start() < c < m.end()], m.end()]
        pieces += list(pairwise(bounds))
    out: list[tuple[str, str]] = []
    k = 0
    inside: Any = None
    for start, end in pieces:
        while k < len(spans) and spans[k].end <= start:
            k += 1
        span = spans[k] if k < len(spans) and spans[k].start <= start and end <= spans[k].end else None
        if span is None:
            out.append((text[start:end], "O"))
        else:
            out.append((text[start:end], ("I-" if inside is span else "B-") + span.label))
        inside = span
    return out


def write_conll(records: Iterable[Record], out: TextIO, *, task: str | None = None, notes: list[str]) -> int:
    """One sentence per document, `token POS CHUNK TAG` (the imported middle columns, else `_ _`),
    `-DOCSTART-` when `meta["conll_doc"]` changes."""
    n = changed = 0
    last_doc: Any = None
    for record in records:
        pairs = conll_tokens(record)
        if not pairs:
            notes.append(f"CoNLL: document {record.doc_id} has no tokens and was left out")
            continue
        changed += " ".join(token for token, _ in pairs) != record.text
        doc = record.meta.get("conll_doc")
        if doc is not None and doc != last_doc:
            out.write("-DOCSTART- -X- -X- O\n\n")
        last_doc = doc
        kept = record.meta.get("conll_columns")
        if isinstance(kept, list) and len(kept) == len(pairs) and all(isinstance(c, list) for c in kept):
            middles = [" ".join(str(c) for c in columns) for columns in kept]  # the imported POS and chunk
        else:
            middles = ["_ _"] * len(pairs)
        out.writelines(f"{token} {middle} {tag}\n" if middle else f"{token} {tag}\n"
                       for (token, tag), middle in zip(pairs, middles, strict=True))
        out.write("\n")
        n += 1
    if changed:
        notes.append(f"CoNLL keeps tokens, not spacing: {changed:,} of {n:,} texts will read back with single "
                     "spaces between tokens (JSONL keeps texts exactly)")
    return n


def write_csv(records: Iterable[Record], out: TextIO, *, task: str | None = None, notes: list[str],
              delimiter: str = ",") -> int:
    """Columns text, label, status (of sentiment), then meta keys (non-strings as JSON)."""
    rows = list(records)
    keys: dict[str, None] = {}
    for r in rows:
        keys.update(dict.fromkeys(k for k in r.meta if k not in ("text", "label", "status")))
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["text", "label", "status", *keys])
    for r in rows:
        meta = [v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                for v in (r.meta.get(k, "") for k in keys)]
        writer.writerow([r.text, r.label or "", r.status.get("sentiment", ""), *meta])
    return len(rows)


def write_docbin(records: Iterable[Record], out: BinaryIO, *, task: str | None = None, notes: list[str]) -> int:
    """spaCy DocBin: tokens of `tokens.tokenize` (split at span boundaries, so every span aligns
    exactly and `doc.text` is the text), `doc.ents`, `doc.cats` = {label: 1.0}, meta and review
    statuses in `doc.user_data["bert_desk"]`."""
    from spacy.tokens import Doc, DocBin

    from bert_desk.project.tokens import blank_nlp, tokenize

    vocab = blank_nlp().vocab
    docbin = DocBin(store_user_data=True)
    n = 0
    for r in records:
        spans = r.spans or []
        tokens = tokenize(r.text, [(s.start, s.end) for s in spans])
        doc = Doc(vocab, words=[r.text[t.start:t.end] for t in tokens], spaces=[t.ws for t in tokens])
        doc.ents = [doc.char_span(s.start, s.end, label=s.label) for s in spans]
        if r.label is not None:
            doc.cats = {r.label: 1.0}
        doc.user_data[USER_DATA_KEY] = {"meta": r.meta, "review": r.status}
        docbin.add(doc)
        n += 1
    out.write(docbin.to_bytes())
    return n
