"""`Spans`: entity spans of a document, per task and layer (human or model); undo-friendly.

Edits work on the human layer and adopt the model proposals first when the reviewer had not
touched that (document, task) yet. Inverses: `add_span` <-> `remove_span` / `restore_span`;
`relabel_span` and `set_spans` return what they replaced.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import Any

from bert_desk.project.core import Core, check_source
from bert_desk.project.errors import ProjectError
from bert_desk.project.layers import Layers
from bert_desk.project.reviews import Reviews
from bert_desk.project.schema import now
from bert_desk.project.types import Provenance, Span, SpanData

_SPAN_COLS = 'id, doc_id, task, start, "end", label, source, model, model_version, score, created_by, created_at'


def _span(row: Sequence[Any]) -> Span:
    return Span(row[0], row[1], row[2], row[3], row[4], row[5],
                Provenance(row[6], row[7], row[8], row[9], row[10], row[11]))


def check_label(label: object) -> str:
    """A label is a non-empty string."""
    if not isinstance(label, str) or not label.strip():
        raise ProjectError(f"label must be a non-empty string, not {label!r}")
    return label


def check_span(length: int, start: object, end: object, label: object) -> None:
    """Raise ProjectError unless 0 <= start < end <= length and the label is a string."""
    check_label(label)
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
        raise ProjectError(f"span offsets must be integers, not {start!r}..{end!r}")
    if not 0 <= start < end <= length:
        raise ProjectError(f"span {start}..{end} {label!r} is outside the text (0 <= start < end <= {length})")


def check_no_overlap(spans: Iterable[tuple[int, int, str]]) -> None:
    """Entity spans of one layer may not overlap."""
    ordered = sorted(spans)
    for (s1, e1, l1), (s2, e2, l2) in pairwise(ordered):
        if s2 < e1:
            raise ProjectError(f"span {s2}..{e2} {l2!r} overlaps span {s1}..{e1} {l1!r} "
                               "(entity spans may not overlap)")


def _as_span_data(item: SpanData | Span | tuple[int, int, str]) -> SpanData | Span:
    if isinstance(item, (SpanData, Span)):
        return item
    try:
        start, end, label = item
    except (TypeError, ValueError) as exc:
        raise ProjectError(f"a span is (start, end, label), not {item!r}") from exc
    return SpanData(start, end, label)


class Spans:
    """Entity spans of a project."""

    def __init__(self, core: Core, reviews: Reviews, layers: Layers) -> None:
        self.core = core
        self.reviews = reviews
        self.layers = layers

    def spans(self, doc_id: int, task: str = "ner", source: str = "effective") -> list[Span]:
        """Spans of a layer ("human", "model" or "effective"), by start offset."""
        source = self.reviews.layer(doc_id, task, source)
        rows = self.core.rows(f"SELECT {_SPAN_COLS} FROM spans WHERE doc_id = ? AND task = ? AND source = ? "
                              "ORDER BY start", (doc_id, task, source))
        return [_span(r) for r in rows]

    def span(self, span_id: int) -> Span:
        rows = self.core.rows(f"SELECT {_SPAN_COLS} FROM spans WHERE id = ?", (span_id,))
        if not rows:
            raise ProjectError(f"no span {span_id}")
        return _span(rows[0])

    def set_spans(self, doc_id: int, spans: Iterable[SpanData | Span | tuple[int, int, str]], *,
                  task: str = "ner", source: str = "human", model: str | None = None,
                  model_version: str | None = None, who: str | None = None) -> list[Span]:
        """Replace a whole layer of spans (validated, no overlaps); returns the replaced spans."""
        check_source(source)
        items = [_as_span_data(s) for s in spans]
        core = self.core
        with core.transaction():
            length = core.document_length(doc_id)
            for s in items:
                check_span(length, s.start, s.end, s.label)
            check_no_overlap((s.start, s.end, s.label) for s in items)
            previous = self.spans(doc_id, task, source)
            if source == "human":
                self.reviews.ensure(doc_id, task, core.who(who))
            else:
                self.reviews.mark_proposed(doc_id, task, model, model_version)
            core.execute("DELETE FROM spans WHERE doc_id = ? AND task = ? AND source = ?", (doc_id, task, source))
            for s in items:
                prov = s.prov if isinstance(s, Span) else Provenance(source, model, model_version, s.score)
                self.insert(doc_id, task, s.start, s.end, s.label, source, prov, core.who(who))
        return previous

    def insert(self, doc_id: int, task: str, start: int, end: int, label: str, source: str,
               prov: Provenance, who: str, span_id: int | None = None) -> int:
        """Store one span as it is (inside a transaction; checked by the caller); returns its id."""
        cur = self.core.execute(
            'INSERT INTO spans (id, doc_id, task, source, start, "end", label, model, model_version, score, '
            "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (span_id, doc_id, task, source, start, end, label, prov.model, prov.model_version, prov.score,
             prov.created_by or who, prov.created_at or now()))
        return int(cur.lastrowid)

    def add_span(self, doc_id: int, start: int, end: int, label: str, *, task: str = "ner",
                 who: str | None = None) -> int:
        """Add a human span; returns its id (undo: `remove_span(id)`)."""
        with self.core.transaction():
            check_span(self.core.document_length(doc_id), start, end, label)
            self.layers.adopt_proposals(doc_id, task, who)
            existing = [(s.start, s.end, s.label) for s in self.spans(doc_id, task, "human")]
            check_no_overlap([*existing, (start, end, label)])
            return self.insert(doc_id, task, start, end, label, "human", Provenance(), self.core.who(who))

    def _human_span(self, span_id: int, who: str | None) -> Span:
        """The human span for an id; a proposal's id maps to its adopted copy while not yet reviewed."""
        span = self.span(span_id)
        if span.prov.source == "human":
            return span
        if not self.layers.adopt_proposals(span.doc_id, span.task, who):
            raise ProjectError(f"span {span_id} is a model proposal; edit the reviewed spans instead")
        for copy in self.spans(span.doc_id, span.task, "human"):
            if (copy.start, copy.end, copy.label) == (span.start, span.end, span.label):
                return copy
        raise ProjectError(f"span {span_id}: its adopted copy is missing")  # pragma: no cover

    def remove_span(self, span_id: int, who: str | None = None) -> Span:
        """Remove a human span; returns it (undo: `restore_span(span)`)."""
        with self.core.transaction():
            span = self._human_span(span_id, who)
            self.core.execute("DELETE FROM spans WHERE id = ?", (span.id,))
        return span

    def restore_span(self, span: Span, who: str | None = None) -> int:
        """Re-insert a removed span, with its id when still free; returns the id."""
        core = self.core
        with core.transaction():
            check_span(core.document_length(span.doc_id), span.start, span.end, span.label)
            existing = [(s.start, s.end, s.label) for s in self.spans(span.doc_id, span.task, span.prov.source)]
            check_no_overlap([*existing, (span.start, span.end, span.label)])
            if span.prov.source == "human":
                self.reviews.ensure(span.doc_id, span.task, core.who(who))
            taken = core.rows("SELECT 1 FROM spans WHERE id = ?", (span.id,))
            return self.insert(span.doc_id, span.task, span.start, span.end, span.label, span.prov.source,
                               span.prov, core.who(who), None if taken else span.id)

    def relabel_span(self, span_id: int, label: str, who: str | None = None) -> str:
        """Change a human span's label; returns the previous label."""
        check_label(label)
        with self.core.transaction():
            span = self._human_span(span_id, who)
            self.core.execute("UPDATE spans SET label = ? WHERE id = ?", (label, span.id))
        return span.label
