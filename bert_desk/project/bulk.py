"""Accept the model's sure proposals in bulk, and undo it (`Before` keeps what each document had).

For each document: the reviewed layer keeps its own annotations and gains the proposals scored at or above
the threshold (of the chosen labels; entity proposals that overlap a reviewed span are left out). A document
whose every proposal was taken is marked accepted, since nothing is left to decide; the others keep their
status, with the sure spans already in their reviewed layer. Entities, document labels (sentiment) and QA
answers: a question the reviewer has not answered takes the model's answer when its score is sure enough
(labels "answer" / "no_answer"); a document is accepted once every question has a reviewed answer.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from bert_desk.project.errors import ProjectError
from bert_desk.project.store import Project
from bert_desk.project.types import Answer, Span

BULK_TASKS = ("ner", "sentiment", "qa")
QA_KINDS = ("answer", "no_answer")  # the "labels" of QA answers


@dataclass(frozen=True)
class Before:
    """A document's reviewed layer and status before a bulk accept."""

    doc_id: int
    task: str
    spans: tuple[Span, ...] | None  # ner: the reviewed spans (None: no reviewed layer yet)
    label: str | None  # sentiment: the reviewed label
    status: str
    answers: tuple[tuple[int, tuple[Answer, ...]], ...] = ()  # qa: every question's reviewed answers


def accept_sure(project: Project, doc_ids: Sequence[int], task: str, threshold: float,
                labels: Collection[str] | None = None) -> list[Before]:
    """Take the sure proposals of `doc_ids` into their reviewed layers (one transaction); returns what
    changed documents had before (for `restore`). `labels` None: every label."""
    if task not in BULK_TASKS:
        raise ProjectError(f"bulk accept works on entities, sentiment and QA, not {task}")
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
    if task == "qa":
        return _accept_answers(project, doc_id, threshold, labels, status)
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


def _accept_answers(project: Project, doc_id: int, threshold: float, labels: Collection[str] | None,
                    status: str) -> Before | None:
    questions = project.questions(doc_id)
    sure = {q.id: q.model[0] for q in questions if not q.human and q.model
            and _sure(q.model[0].prov.score, QA_KINDS[q.model[0].no_answer], threshold, labels)}
    if not sure:
        return None
    before = Before(doc_id, "qa", None, None, status, tuple((q.id, q.human) for q in questions))
    project.put_human_answers({qid: [replace(a, prov=replace(a.prov, created_by=None, created_at=None))]
                               for qid, a in sure.items()})
    if all(q.human or q.id in sure for q in questions):
        project.set_status(doc_id, "qa", "accepted")
    return before


def restore(project: Project, befores: Sequence[Before]) -> None:
    """Put the documents back as they were before `accept_sure` (one transaction)."""
    with project.transaction():
        for b in befores:
            if b.task == "qa":  # the status first: setting it adopts proposals, which the answers then undo
                project.set_status(b.doc_id, b.task, b.status)
                project.put_human_answers(dict(b.answers))
                continue
            if b.task == "sentiment":
                project.set_label(b.doc_id, b.label, task=b.task)
            elif b.spans is None:  # no reviewed layer before: it shows the proposals again, as they are
                project.set_spans(b.doc_id, project.spans(b.doc_id, b.task, "model"), task=b.task)
            else:
                project.set_spans(b.doc_id, b.spans, task=b.task)
            project.set_status(b.doc_id, b.task, b.status)
