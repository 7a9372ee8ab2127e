"""Model vs reviewer: per-label precision, recall and F1 of model proposals against the human
annotations of reviewed documents (status "accepted" by default).

Only documents the model proposed for (a proposal run exists, even with no result) count.
Entities: exact (start, end, label) match. Sentiment: label match per document. QA: per question
with human answers, the model's first answer is right when it equals one of them exactly; the
"labels" are "answer" (a span) and "no_answer". Zero denominators give 0.0.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bert_desk.engine.runtime import check
from bert_desk.engine.types import CancelToken, ProgressFn, no_progress
from bert_desk.project.errors import ProjectError
from bert_desk.project.progress import tracked
from bert_desk.project.store import Project


@dataclass(frozen=True)
class LabelScore:
    label: str
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "tp": self.tp, "fp": self.fp, "fn": self.fn, "support": self.support,
                "precision": self.precision, "recall": self.recall, "f1": self.f1}


@dataclass(frozen=True)
class Agreement:
    task: str
    documents: int
    labels: dict[str, LabelScore] = field(default_factory=dict)

    @property
    def micro(self) -> LabelScore:
        return LabelScore("micro", sum(s.tp for s in self.labels.values()), sum(s.fp for s in self.labels.values()),
                          sum(s.fn for s in self.labels.values()))

    @property
    def macro_f1(self) -> float:
        return sum(s.f1 for s in self.labels.values()) / len(self.labels) if self.labels else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"task": self.task, "documents": self.documents, "micro": self.micro.as_dict(),
                "macro_f1": self.macro_f1, "labels": [s.as_dict() for s in self.labels.values()]}


def _score(counts: dict[str, Counter[str]]) -> dict[str, LabelScore]:
    labels = sorted(set(counts["tp"]) | set(counts["fp"]) | set(counts["fn"]))
    return {lab: LabelScore(lab, counts["tp"][lab], counts["fp"][lab], counts["fn"][lab]) for lab in labels}


def agreement(project: Project, task: str, *, statuses: Iterable[str] = ("accepted",),
              model: str | None = None, progress: ProgressFn = no_progress,
              cancel: CancelToken | None = None) -> Agreement:
    """Scores of the model layer against the human layer on reviewed documents of `task`.

    `model` restricts to documents whose last proposal run was by that model spec. `progress`
    hears about every document; a set `cancel` token raises `Cancelled`.
    """
    if task not in ("ner", "sentiment", "qa"):
        raise ProjectError(f"unknown task {task!r}")
    check(cancel)
    counts: dict[str, Counter[str]] = {"tp": Counter(), "fp": Counter(), "fn": Counter()}
    documents = 0
    ids = project.document_ids(task=task, status=list(statuses))
    progress(0.0, f"0/{len(ids):,} documents")
    for doc_id in tracked(ids, len(ids), progress, cancel):
        run = project.proposed_by(doc_id, task)
        if run is None or (model is not None and run[0] != model):
            continue
        documents += 1
        if task == "ner":
            gold = {(s.start, s.end, s.label) for s in project.spans(doc_id, task, "human")}
            pred = {(s.start, s.end, s.label) for s in project.spans(doc_id, task, "model")}
            counts["tp"].update(s[2] for s in gold & pred)
            counts["fp"].update(s[2] for s in pred - gold)
            counts["fn"].update(s[2] for s in gold - pred)
        elif task == "sentiment":
            g, p = project.label(doc_id, task, "human"), project.label(doc_id, task, "model")
            _compare(counts, g.label if g else None, p.label if p else None)
        else:
            for q in project.questions(doc_id):
                if not q.human:
                    continue
                gold_answers = {(a.start, a.end) for a in q.human}
                first = (q.model[0].start, q.model[0].end) if q.model else None
                kind = "no_answer" if first == (None, None) else "answer"
                if first in gold_answers:
                    counts["tp"][kind] += 1
                    continue
                if first is not None:
                    counts["fp"][kind] += 1
                counts["fn"]["no_answer" if (None, None) in gold_answers else "answer"] += 1
    progress(1.0, f"{documents:,} documents compared")
    return Agreement(task, documents, _score(counts))


def _compare(counts: dict[str, Counter[str]], gold: str | None, pred: str | None) -> None:
    if gold is not None and gold == pred:
        counts["tp"][gold] += 1
        return
    if pred is not None:
        counts["fp"][pred] += 1
    if gold is not None:
        counts["fn"][gold] += 1
