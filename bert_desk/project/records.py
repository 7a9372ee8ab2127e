"""`Records`: a document's annotations to and from `Record`s, the unit of import and export.

Imports store a record's human layer (and, from formats that carry them, its model proposals);
exports read one chosen layer ("human", "model" or "effective") with the review statuses.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

from bert_desk.project.core import Core, check_source
from bert_desk.project.errors import ProjectError
from bert_desk.project.qa import QA
from bert_desk.project.reviews import Reviews
from bert_desk.project.schema import now
from bert_desk.project.spans import Spans, check_label, check_no_overlap, check_span
from bert_desk.project.types import PROJECT_TASKS, STATUSES, Provenance, Record, SpanData


class Records:
    """Record (de)serialisation across the spans, labels, questions and reviews of a project."""

    def __init__(self, core: Core, reviews: Reviews, spans: Spans, qa: QA) -> None:
        self.core = core
        self.reviews = reviews
        self.spans = spans
        self.qa = qa

    def store(self, doc_id: int, record: Record, source: str, who: str) -> None:
        """Store a record's annotations for a new document (inside a transaction)."""
        check_source(source)
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
                    self.reviews.ensure(doc_id, "ner", who)
                else:
                    self.reviews.mark_proposed(doc_id, "ner", model, version)
                for s in spans:
                    prov = Provenance(src, model if src == "model" else None, version if src == "model" else None,
                                      s.score, who, stamp)
                    self.spans.insert(doc_id, "ner", s.start, s.end, s.label, src, prov, who)
            if label is not None:
                check_label(label)
                if src == "human":
                    self.reviews.ensure(doc_id, "sentiment", who)
                else:
                    self.reviews.mark_proposed(doc_id, "sentiment", model, version)
                self.core.execute("INSERT INTO labels VALUES (?, 'sentiment', ?, ?, ?, ?, NULL, ?, ?)",
                           (doc_id, src, label, model if src == "model" else None,
                            version if src == "model" else None, who, stamp))
        if record.questions is not None:
            self.qa.store_questions(doc_id, length, record.questions, source, who)
        if source == "human":
            for task, status in record.status.items():
                if task not in PROJECT_TASKS or status not in STATUSES:
                    raise ProjectError(f"bad review status {task!r}: {status!r}")
                self.core.execute("INSERT OR REPLACE INTO reviews (doc_id, task, status, reviewer, updated_at) "
                           "VALUES (?, ?, ?, ?, ?)", (doc_id, task, status, who, stamp))

    def read(self, ids: Sequence[int], source: str) -> Iterator[Record]:
        """Documents `ids` as `Record`s with the annotations of `source` (human, model or effective)."""
        marks = ",".join("?" * len(ids))
        docs = {r[0]: r for r in self.core.rows(f"SELECT id, text, meta FROM documents WHERE id IN ({marks})", ids)}
        reviews: dict[int, dict[str, str]] = {}
        for doc_id, task, status in self.core.rows(f"SELECT doc_id, task, status FROM reviews WHERE doc_id IN ({marks})",
                                               ids):
            reviews.setdefault(doc_id, {})[task] = status
        spans: dict[tuple[int, str], list[SpanData]] = {}
        models: dict[int, tuple[str | None, str | None]] = {}
        for doc_id, src, start, end, label, score, model, version in self.core.rows(
                f'SELECT doc_id, source, start, "end", label, score, model, model_version FROM spans '
                f"WHERE task = 'ner' AND doc_id IN ({marks}) ORDER BY doc_id, start", ids):
            spans.setdefault((doc_id, src), []).append(SpanData(start, end, label, score if src == "model" else None))
            if src == "model":
                models.setdefault(doc_id, (model, version))
        labels: dict[tuple[int, str], str] = {}
        for doc_id, src, label, model, version in self.core.rows(
                f"SELECT doc_id, source, label, model, model_version FROM labels WHERE task = 'sentiment' "
                f"AND doc_id IN ({marks})", ids):
            labels[(doc_id, src)] = label
            if src == "model":
                models.setdefault(doc_id, (model, version))
        questions = self.qa.question_data(ids, source)
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
