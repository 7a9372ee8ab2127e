"""The article a sentence comes from: CoNLL files split their `-DOCSTART-` documents into sentences, stored
one per project document with `meta["conll_doc"]` (the importer's); the neighbouring sentences of the same
article give a reviewer the context a single sentence lacks."""

from __future__ import annotations

from dataclasses import dataclass, field

from bert_desk.project.store import Project

ARTICLE_KEY = "conll_doc"


@dataclass(frozen=True)
class Article:
    number: int  # the article's index in its file (0-based)
    before: list[str] = field(default_factory=list)  # the sentences just before, in order
    after: list[str] = field(default_factory=list)


def article_context(project: Project, doc_id: int, around: int = 2) -> Article | None:
    """Up to `around` sentences of the same article on each side of `doc_id` (None: not from an article)."""
    article = project.document(doc_id).meta.get(ARTICLE_KEY)
    if article is None:
        return None
    sides: dict[int, list[str]] = {-1: [], 1: []}
    for direction in (-1, 1):
        for k in range(1, around + 1):
            other = project.neighbor(doc_id, direction * k)
            if other is None:
                break
            doc = project.document(other)
            if doc.meta.get(ARTICLE_KEY) != article:
                break
            sides[direction].append(doc.text)
    return Article(int(article), list(reversed(sides[-1])), sides[1])
