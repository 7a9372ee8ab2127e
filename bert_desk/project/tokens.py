"""Tokenisation for exports that need tokens (Prodigy JSONL, spaCy DocBin).

Tokens come from `spacy.blank("en")` and are then split at every span boundary, so every span
maps exactly onto whole tokens: no span is ever dropped, moved or widened. A single space after
a token is its `ws`; when a span starts on, or ends right after, such a space, that space becomes
a token of its own. Concatenating `text + " " * ws` over the tokens gives the text back exactly.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, NamedTuple


class Token(NamedTuple):
    start: int
    end: int
    ws: bool  # followed by one space that belongs to no token


@lru_cache(maxsize=1)
def blank_nlp() -> Any:
    """A cached `spacy.blank("en")` (imported lazily: spaCy takes seconds to import)."""
    import spacy

    return spacy.blank("en")


def tokenize(text: str, spans: Iterable[tuple[int, int]] = ()) -> list[Token]:
    """Tokens of `text` with a boundary at every span start and end."""
    spans = list(spans)
    starts = {s for s, _ in spans}
    ends = {e for _, e in spans}
    cuts = sorted(starts | ends)
    out: list[Token] = []
    append = out.append
    doc = blank_nlp().make_doc(text)
    rows = doc.to_array(["IDX", "LENGTH", "SPACY"]).tolist() if len(doc) else []
    for s, length, space in rows:
        e = s + length
        i = bisect_right(cuts, s)
        while i < len(cuts) and cuts[i] < e:
            append(Token(s, cuts[i], False))
            s = cuts[i]
            i += 1
        ws = bool(space)
        if ws and (e in starts or (e + 1) in ends):
            append(Token(s, e, False))
            append(Token(e, e + 1, False))
        else:
            append(Token(s, e, ws))
    return out


def token_index(tokens: list[Token]) -> tuple[dict[int, int], dict[int, int]]:
    """Maps char start -> token index and char end -> token index."""
    return {t.start: i for i, t in enumerate(tokens)}, {t.end: i for i, t in enumerate(tokens)}
