"""Accept the model's sure proposals in bulk, and undo it (`Before` keeps what each document had).

For each document: the reviewed layer keeps its own annotations and gains the proposals scored at or above
the threshold (of the chosen labels; entity proposals that overlap a reviewed span are left out). A document
whose every proposal was taken is marked accepted, since nothing is left to decide; the others keep their
status, with the sure spans already in their reviewed layer. Entities and document labels (sentiment).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from bert_desk.project.errors import ProjectError
from bert_desk.project.store import Project
from bert_desk.project.types import Span


@dataclass(frozen=True)
class Before:
    """A document's reviewed layer and status before a bulk accept."""

    doc_id: int
    task: str
    spans: tuple[Span, ...] | None  # ner: the reviewed spans (None: no reviewed layer yet)
    label: str | None  # sentiment: the reviewed label
    status: str


def accept_sure(project: Project, doc_ids: Sequence[int], task: str, threshold: float,
                labels: Collection[str] | None = None) -> list[Before]:
    """Take the sure proposals of `doc_ids` into their reviewed layers (one transaction); returns what
    changed documents had before (for `restore`). `labels` None: every label."""
    if task not in ("ner", "sentiment"):
        raise ProjectError(f"bulk accept works on entities and sentiment, not {task}")
    changed: list[Before] = []
    with project.transaction():
        for doc_id in doc_ids:
            before = _accept(project, doc_id, task, threshold, labels)
            if before is not None:
                changed.append(before)
    return changed


def _sure(score: float | None, label: str, threshold: float, labels: Collection[str] | None) -> bool:
    return score is not None and score >= threshold and (labels is None or label in labels)


def _accept(project: Project, doc_id: int, task: str, threshold: float,
            labels: Collection[str] | None) -> Before | None:
    status = project.review(doc_id, task).status
    layer = project.has_human_layer(doc_id, task)
    if task == "sentiment":
        proposal = project.label(doc_id, task, "model")
        if proposal is None or not _sure(proposal.prov.score, proposal.label, threshold, labels):
            return None
        human = project.label(doc_id, task, "human") if layer else None
        before = Before(doc_id, task, None, human.label if human else None, status)
        project.set_label(doc_id, proposal.label, task=task)
        project.set_status(doc_id, task, "accepted")
        return before
    proposals = project.spans(doc_id, task, "model")
    sure = [s for s in proposals if _sure(s.prov.score, s.label, threshold, labels)]
    if not sure:
        return None
    kept = project.spans(doc_id, task, "human") if layer else []
    taken = [s for s in sure if all(s.end <= k.start or k.end <= s.start for k in kept)]
    before = Before(doc_id, task, tuple(kept) if layer else None, None, status)
    project.set_spans(doc_id, [*kept, *taken], task=task)
    if len(sure) == len(proposals):
        project.set_status(doc_id, task, "accepted")
    return before


def restore(project: Project, befores: Sequence[Before]) -> None:
    """Put the documents back as they were before `accept_sure` (one transaction)."""
    with project.transaction():
        for b in befores:
            if b.task == "sentiment":
                project.set_label(b.doc_id, b.label, task=b.task)
            elif b.spans is None:  # no reviewed layer before: it shows the proposals again, as they are
                project.set_spans(b.doc_id, project.spans(b.doc_id, b.task, "model"), task=b.task)
            else:
                project.set_spans(b.doc_id, b.spans, task=b.task)
            project.set_status(b.doc_id, b.task, b.status)
