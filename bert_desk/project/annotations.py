"""Span and label operations of `Project` (mixin): undo-friendly, one transaction each.

Editing methods work on the human layer; they adopt the model proposals first when the
reviewer had not touched that (document, task) yet. Inverses: `add_span` <-> `remove_span` /
`restore_span`; `relabel_span`, `set_label`, `set_spans` return what they replaced.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from bert_desk.project.errors import ProjectError
from bert_desk.project.qa import QAMixin
from bert_desk.project.schema import now
from bert_desk.project.types import PROJECT_TASKS, STATUSES, DocLabel, Provenance, Record, Span, SpanData

if TYPE_CHECKING:
    from bert_desk.project.store import Project

_SPAN_COLS = 'id, doc_id, task, start, "end", label, source, model, model_version, score, created_by, created_at'


def _span(row: Sequence[Any]) -> Span:
    return Span(row[0], row[1], row[2], row[3], row[4], row[5],
                Provenance(row[6], row[7], row[8], row[9], row[10], row[11]))


def check_label(label: object) -> str:
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


class AnnotationsMixin(QAMixin):
    """Entity spans, document labels, layers and record (de)serialisation."""

    # ------------------------------------------------------------------ spans
    def spans(self: Project, doc_id: int, task: str = "ner", source: str = "effective") -> list[Span]:
        """Spans of a layer ("human", "model" or "effective"), by start offset."""
        if source == "effective":
            source = "human" if self.has_human_layer(doc_id, task) else "model"
        rows = self._rows(f"SELECT {_SPAN_COLS} FROM spans WHERE doc_id = ? AND task = ? AND source = ? "
                          "ORDER BY start", (doc_id, task, source))
        return [_span(r) for r in rows]

    def span(self: Project, span_id: int) -> Span:
        rows = self._rows(f"SELECT {_SPAN_COLS} FROM spans WHERE id = ?", (span_id,))
        if not rows:
            raise ProjectError(f"no span {span_id}")
        return _span(rows[0])

    def set_spans(self: Project, doc_id: int, spans: Iterable[SpanData | Span | tuple[int, int, str]], *,
                  task: str = "ner", source: str = "human", model: str | None = None,
                  model_version: str | None = None, who: str | None = None) -> list[Span]:
        """Replace a whole layer of spans (validated, no overlaps); returns the replaced spans."""
        _check_source(source)
        items = [_as_span_data(s) for s in spans]
        with self.transaction():
            length = self.document_length(doc_id)
            for s in items:
                check_span(length, s.start, s.end, s.label)
            check_no_overlap((s.start, s.end, s.label) for s in items)
            previous = self.spans(doc_id, task, source)
            if source == "human":
                self._ensure_review(doc_id, task, self._who(who))
            else:
                self._mark_proposed(doc_id, task, model, model_version)
            self._exec("DELETE FROM spans WHERE doc_id = ? AND task = ? AND source = ?", (doc_id, task, source))
            for s in items:
                prov = s.prov if isinstance(s, Span) else Provenance(source, model, model_version, s.score)
                self._insert_span(doc_id, task, s.start, s.end, s.label, source, prov, self._who(who))
        return previous

    def _insert_span(self: Project, doc_id: int, task: str, start: int, end: int, label: str, source: str,
                     prov: Provenance, who: str, span_id: int | None = None) -> int:
        cur = self._exec(
            'INSERT INTO spans (id, doc_id, task, source, start, "end", label, model, model_version, score, '
            "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (span_id, doc_id, task, source, start, end, label, prov.model, prov.model_version, prov.score,
             prov.created_by or who, prov.created_at or now()))
        return int(cur.lastrowid)

    def add_span(self: Project, doc_id: int, start: int, end: int, label: str, *, task: str = "ner",
                 who: str | None = None) -> int:
        """Add a human span; returns its id (undo: `remove_span(id)`)."""
        with self.transaction():
            check_span(self.document_length(doc_id), start, end, label)
            self.adopt_proposals(doc_id, task, who)
            existing = [(s.start, s.end, s.label) for s in self.spans(doc_id, task, "human")]
            check_no_overlap([*existing, (start, end, label)])
            return self._insert_span(doc_id, task, start, end, label, "human", Provenance(), self._who(who))

    def _human_span(self: Project, span_id: int, who: str | None) -> Span:
        """The human span for an id; a proposal's id maps to its adopted copy while not yet reviewed."""
        span = self.span(span_id)
        if span.prov.source == "human":
            return span
        if not self.adopt_proposals(span.doc_id, span.task, who):
            raise ProjectError(f"span {span_id} is a model proposal; edit the reviewed spans instead")
        for copy in self.spans(span.doc_id, span.task, "human"):
            if (copy.start, copy.end, copy.label) == (span.start, span.end, span.label):
                return copy
        raise ProjectError(f"span {span_id}: its adopted copy is missing")  # pragma: no cover

    def remove_span(self: Project, span_id: int, who: str | None = None) -> Span:
        """Remove a human span; returns it (undo: `restore_span(span)`)."""
        with self.transaction():
            span = self._human_span(span_id, who)
            self._exec("DELETE FROM spans WHERE id = ?", (span.id,))
        return span

    def restore_span(self: Project, span: Span, who: str | None = None) -> int:
        """Re-insert a removed span, with its id when still free; returns the id."""
        with self.transaction():
            check_span(self.document_length(span.doc_id), span.start, span.end, span.label)
            existing = [(s.start, s.end, s.label) for s in self.spans(span.doc_id, span.task, span.prov.source)]
            check_no_overlap([*existing, (span.start, span.end, span.label)])
            if span.prov.source == "human":
                self._ensure_review(span.doc_id, span.task, self._who(who))
            taken = self._rows("SELECT 1 FROM spans WHERE id = ?", (span.id,))
            return self._insert_span(span.doc_id, span.task, span.start, span.end, span.label, span.prov.source,
                                     span.prov, self._who(who), None if taken else span.id)

    def relabel_span(self: Project, span_id: int, label: str, who: str | None = None) -> str:
        """Change a human span's label; returns the previous label."""
        check_label(label)
        with self.transaction():
            span = self._human_span(span_id, who)
            self._exec("UPDATE spans SET label = ? WHERE id = ?", (label, span.id))
        return span.label

    # ------------------------------------------------------------------ labels
    def label(self: Project, doc_id: int, task: str = "sentiment", source: str = "effective") -> DocLabel | None:
        """The document label of a layer, or None."""
        if source == "effective":
            source = "human" if self.has_human_layer(doc_id, task) else "model"
        rows = self._rows("SELECT label, source, model, model_version, score, created_by, created_at FROM labels "
                          "WHERE doc_id = ? AND task = ? AND source = ?", (doc_id, task, source))
        return DocLabel(doc_id, task, rows[0][0], Provenance(*rows[0][1:])) if rows else None

    def set_label(self: Project, doc_id: int, label: str | None, *, task: str = "sentiment",
                  source: str = "human", model: str | None = None, model_version: str | None = None,
                  score: float | None = None, who: str | None = None) -> str | None:
        """Set (or clear with None) a document label; returns the previous label (for undo)."""
        _check_source(source)
        if label is not None:
            check_label(label)
        with self.transaction():
            self.document_length(doc_id)
            if source == "human":
                self.adopt_proposals(doc_id, task, who)
            else:
                self._mark_proposed(doc_id, task, model, model_version)
            old = self.label(doc_id, task, source)
            self._exec("DELETE FROM labels WHERE doc_id = ? AND task = ? AND source = ?", (doc_id, task, source))
            if label is not None:
                if source == "human" and old is not None and old.label == label:
                    prov = old.prov
                else:
                    prov = Provenance(source, model, model_version, score, self._who(who), now())
                self._exec("INSERT INTO labels VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           (doc_id, task, source, label, prov.model, prov.model_version, prov.score,
                            prov.created_by, prov.created_at))
        return old.label if old else None

    # ------------------------------------------------------------------ layers
    def adopt_proposals(self: Project, doc_id: int, task: str, who: str | None = None) -> bool:
        """Start the human layer of (doc, task) as a copy of the proposals; False if it existed.

        For QA, model answers are also copied to questions that have no human answer yet.
        """
        with self.transaction():
            who = self._who(who)
            if task == "qa":  # answers are adopted per question (those without human answers)
                self._adopt_answers(doc_id, who)
            if self.has_human_layer(doc_id, task):
                return False
            self.document_length(doc_id)
            self._ensure_review(doc_id, task, who)
            stamp = now()
            self._exec('INSERT INTO spans (doc_id, task, source, start, "end", label, model, model_version, score, '
                       "created_by, created_at) SELECT doc_id, task, 'human', start, \"end\", label, model, "
                       "model_version, score, ?, ? FROM spans WHERE doc_id = ? AND task = ? AND source = 'model'",
                       (who, stamp, doc_id, task))
            self._exec("INSERT INTO labels SELECT doc_id, task, 'human', label, model, model_version, score, ?, ? "
                       "FROM labels WHERE doc_id = ? AND task = ? AND source = 'model'", (who, stamp, doc_id, task))
            return True

    # ------------------------------------------------------------------ records
    def _store_record_annotations(self: Project, doc_id: int, record: Record, source: str, who: str) -> None:
        _check_source(source)
        length = len(record.text)
        stamp = now()
        layers = [(record.spans, record.label, source, record.model, record.model_version)]
        if source == "human":
            layers.append((record.model_spans, record.model_label, "model", record.model, record.model_version))
        for spans, label, src, model, version in layers:
            if spans is not None:
                for s in spans:
                    check_span(length, s.start, s.end, s.label)
                check_no_overlap((s.start, s.end, s.label) for s in spans)
                if src == "human":
                    self._ensure_review(doc_id, "ner", who)
                else:
                    self._mark_proposed(doc_id, "ner", model, version)
                for s in spans:
                    prov = Provenance(src, model if src == "model" else None, version if src == "model" else None,
                                      s.score, who, stamp)
                    self._insert_span(doc_id, "ner", s.start, s.end, s.label, src, prov, who)
            if label is not None:
                check_label(label)
                if src == "human":
                    self._ensure_review(doc_id, "sentiment", who)
                else:
                    self._mark_proposed(doc_id, "sentiment", model, version)
                self._exec("INSERT INTO labels VALUES (?, 'sentiment', ?, ?, ?, ?, NULL, ?, ?)",
                           (doc_id, src, label, model if src == "model" else None,
                            version if src == "model" else None, who, stamp))
        if record.questions is not None:
            self._store_questions(doc_id, length, record.questions, source, who)
        if source == "human":
            for task, status in record.status.items():
                if task not in PROJECT_TASKS or status not in STATUSES:
                    raise ProjectError(f"bad review status {task!r}: {status!r}")
                self._exec("INSERT OR REPLACE INTO reviews (doc_id, task, status, reviewer, updated_at) "
                           "VALUES (?, ?, ?, ?, ?)", (doc_id, task, status, who, stamp))

    def _records(self: Project, ids: Sequence[int], source: str) -> Iterator[Record]:
        marks = ",".join("?" * len(ids))
        docs = {r[0]: r for r in self._rows(f"SELECT id, text, meta FROM documents WHERE id IN ({marks})", ids)}
        reviews: dict[int, dict[str, str]] = {}
        for doc_id, task, status in self._rows(f"SELECT doc_id, task, status FROM reviews WHERE doc_id IN ({marks})",
                                               ids):
            reviews.setdefault(doc_id, {})[task] = status
        spans: dict[tuple[int, str], list[SpanData]] = {}
        models: dict[int, tuple[str | None, str | None]] = {}
        for doc_id, src, start, end, label, score, model, version in self._rows(
                f'SELECT doc_id, source, start, "end", label, score, model, model_version FROM spans '
                f"WHERE task = 'ner' AND doc_id IN ({marks}) ORDER BY doc_id, start", ids):
            spans.setdefault((doc_id, src), []).append(SpanData(start, end, label, score if src == "model" else None))
            if src == "model":
                models.setdefault(doc_id, (model, version))
        labels: dict[tuple[int, str], str] = {}
        for doc_id, src, label, model, version in self._rows(
                f"SELECT doc_id, source, label, model, model_version FROM labels WHERE task = 'sentiment' "
                f"AND doc_id IN ({marks})", ids):
            labels[(doc_id, src)] = label
            if src == "model":
                models.setdefault(doc_id, (model, version))
        questions = self._question_data(ids, source)
        for doc_id in ids:
            _, text, meta = docs[doc_id]
            status = reviews.get(doc_id, {})
            layer = {t: ("human" if t in status else "model") if source == "effective" else source
                     for t in ("ner", "sentiment")}
            ner = spans.get((doc_id, layer["ner"]))
            if ner is None and layer["ner"] == "human" and "ner" in status:
                ner = []
            model, version = models.get(doc_id, (None, None))
            yield Record(text=text, meta=json.loads(meta), spans=ner, label=labels.get((doc_id, layer["sentiment"])),
                         questions=questions.get(doc_id), status=dict(status),
                         model_spans=spans.get((doc_id, "model")), model_label=labels.get((doc_id, "model")),
                         model=model, model_version=version, doc_id=doc_id)


def _check_source(source: str) -> None:
    if source not in ("human", "model"):
        raise ProjectError(f"unknown source {source!r} (human or model)")


def _as_span_data(item: SpanData | Span | tuple[int, int, str]) -> SpanData | Span:
    if isinstance(item, (SpanData, Span)):
        return item
    try:
        start, end, label = item
    except (TypeError, ValueError) as exc:
        raise ProjectError(f"a span is (start, end, label), not {item!r}") from exc
    return SpanData(start, end, label)
