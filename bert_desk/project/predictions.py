"""Bring a `bert-desk batch` output folder back into a project as model proposals
(`bert-desk project import-predictions PROJECT DIR`), so the review queue can pick from a corpus scored
elsewhere.

Predictions are stored as pre-annotation stores them (`preannotate`): source "model", with the batch
manifest's model spec and version and a confidence per document (the uncertainty queue's key); the human
layer is never touched, so reviewed decisions stay as they are. Lines find their documents by text:
sentiment and entities by the document's whole text (every document with that text gets them), QA by the
question's text, and where several questions share it, by the answer's text at its offsets in the document.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from bert_desk.cluster.shards import read_manifest, shard_lines
from bert_desk.inputs import InputError, parse_json
from bert_desk.project.errors import ProjectError
from bert_desk.project.preannotate import _non_overlapping, ner_confidence, sentiment_confidence
from bert_desk.project.store import Project

TASKS = ("sentiment", "ner", "qa")


@dataclass(frozen=True)
class ImportReport:
    """What an import did: prediction lines read, documents (or questions) given proposals, lines that
    matched nothing in the project, QA lines whose question was ambiguous (skipped)."""

    task: str
    model: str
    lines: int
    proposals: int
    unmatched: int
    ambiguous: int = 0


def import_predictions(project: Project, folder: str | Path, *, statuses: Sequence[str] | None = None,
                       progress: Callable[[float, str], None] = lambda fraction, message: None) -> ImportReport:
    """Store the predictions of a batch output folder as model proposals of the matching documents
    (`statuses`: only documents with these statuses of the task); returns an ImportReport."""
    manifest = read_manifest(Path(folder))
    task = manifest["task"]
    if task not in TASKS:
        raise ProjectError(f"{folder}: predictions of '{task}' have no place in a project ({', '.join(TASKS)})")
    spec, version = manifest["spec"], manifest.get("model_version")
    ids = project.document_ids(task=task, status=list(statuses) if statuses else None)
    texts = {doc_id: project.document(doc_id).text for doc_id in ids}
    store = _QA(project, texts) if task == "qa" else _ByText(project, texts, task)
    total = max(1, int(manifest["records"]))
    lines = 0
    with project.transaction():
        for source, number, raw in shard_lines(Path(folder)):
            obj = parse_json(raw.decode("utf-8"), source, number)
            if not isinstance(obj, dict):
                raise InputError(source, number, "expected a JSON object")
            try:
                store.put(obj, spec, version)
            except (KeyError, TypeError, ValueError) as exc:
                raise InputError(source, number, f"not a {task} prediction ({exc})") from None
            lines += 1
            if lines % 1000 == 0:
                progress(lines / total, f"{lines}/{total} predictions")
        store.finish()
    return ImportReport(task, spec, lines, store.proposals, store.unmatched, store.ambiguous)


class _ByText:
    """Sentiment labels and entity spans: the line's `text` is a document's whole text."""

    def __init__(self, project: Project, texts: dict[int, str], task: str) -> None:
        self.project, self.task = project, task
        self.by_text: dict[str, list[int]] = {}
        for doc_id, text in texts.items():
            self.by_text.setdefault(text, []).append(doc_id)
        self.proposals = self.unmatched = self.ambiguous = 0

    def put(self, obj: dict[str, Any], spec: str, version: str | None) -> None:
        docs = self.by_text.get(obj["text"], [])
        if not docs:
            self.unmatched += 1
        for doc_id in docs:
            if self.task == "sentiment":
                score = float(obj["score"])
                self.project.set_label(doc_id, obj["label"], source="model", model=spec, model_version=version,
                                       score=score)
                confidence = sentiment_confidence(SimpleNamespace(scores=obj.get("scores") or {}, score=score))
            else:
                entities = [SimpleNamespace(start=int(s["start"]), end=int(s["end"]), label=s["label"],
                                            score=float(s["score"])) for s in obj["spans"]]
                self.project.set_spans(doc_id, _non_overlapping(entities, len(obj["text"])), source="model",
                                       model=spec, model_version=version)
                confidence = ner_confidence(SimpleNamespace(entities=entities))
            self.project.set_confidence(doc_id, self.task, confidence)
            self.proposals += 1

    def finish(self) -> None:
        """Nothing left to store: each document's confidence was stored with its proposals."""


class _QA:
    """Answers: the line's `question` is a question of a document; its best answer (or none) is stored."""

    def __init__(self, project: Project, texts: dict[int, str]) -> None:
        self.project, self.texts = project, texts
        self.by_question: dict[str, list[tuple[int, int]]] = {}  # question text -> [(question id, doc id)]
        for doc_id in texts:
            for question in project.questions(doc_id):
                self.by_question.setdefault(question.text, []).append((question.id, doc_id))
        self.proposals = self.unmatched = self.ambiguous = 0
        self.confidence: dict[int, float] = {}  # per document: its least sure answer (as pre-annotation)

    def put(self, obj: dict[str, Any], spec: str, version: str | None) -> None:
        candidates = self.by_question.get(obj["question"], [])
        best = obj["answers"][0] if obj["answers"] and not obj["no_answer"] else None
        if best is not None and len(candidates) > 1:  # the answer's text at its offsets tells them apart
            candidates = [(q, d) for q, d in candidates
                          if self.texts[d][int(best["start"]):int(best["end"])] == best["text"]]
        if not candidates:
            self.unmatched += 1
            return
        if len(candidates) > 1:
            self.ambiguous += 1
            return
        question_id, doc_id = candidates[0]
        if best is None:
            self.project.set_answer(question_id, None, None, source="model", model=spec, model_version=version)
        else:
            start, end = int(best["start"]), int(best["end"])
            if self.texts[doc_id][start:end] != best["text"]:
                self.unmatched += 1
                return
            self.project.set_answer(question_id, start, end, source="model", model=spec,
                                    model_version=version, score=float(best["score"]))
            score = float(best["score"])
            self.confidence[doc_id] = min(score, self.confidence.get(doc_id, score))
        self.proposals += 1

    def finish(self) -> None:
        for doc_id, confidence in self.confidence.items():
            self.project.set_confidence(doc_id, "qa", confidence)
