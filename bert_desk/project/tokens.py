"""Tokenisation for exports that need tokens (Prodigy JSONL, spaCy DocBin).

Tokens come from `spacy.blank("en")` and are then split at every span boundary, so every span
maps exactly onto whole tokens: no span is ever dropped, moved or widened. A single space after
a token is its `ws`; when a span starts on, or ends right after, such a space, that space becomes
a token of its own. Concatenating `text + " " * ws` over the tokens gives the text back exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from itertools import pairwise
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
    cuts = starts | ends
    out: list[Token] = []
    for tok in blank_nlp().make_doc(text):
        s, e = tok.idx, tok.idx + len(tok.text)
        inner = sorted(c for c in cuts if s < c < e)
        bounds = [s, *inner, e]
        for a, b in pairwise(bounds):
            out.append(Token(a, b, False))
        if tok.whitespace_:
            if e in starts or (e + 1) in ends:
                out.append(Token(e, e + 1, False))
            else:
                out[-1] = out[-1]._replace(ws=True)
    return out


def token_index(tokens: list[Token]) -> tuple[dict[int, int], dict[int, int]]:
    """Maps char start -> token index and char end -> token index."""
    return {t.start: i for i, t in enumerate(tokens)}, {t.end: i for i, t in enumerate(tokens)}
