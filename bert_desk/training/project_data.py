"""Training data from a project's reviewed documents: what `project train` learns from and scores on.

Only documents whose task is `accepted` count. Entities: each document's human spans (Python string
offsets) become word tags (BIO) over the CoNLL-style words of `engine.words` — the splitter the trained
model then records in its config, so it reads running text the way it was taught; a word takes the
span's type when it overlaps the span. Sentiment: the human label. QA: the questions with a human answer.
The held-back slice is whole documents (seeded), and never a label's only documents.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from bert_desk.engine.words import split_words
from bert_desk.project.errors import ProjectError
from bert_desk.project.store import Project

MIN_DOCUMENTS = 10
WORD_SPLITTER = "conll"
MAX_WORDS = 64  # a long document is cut into pieces of this many words (each one training example)


@dataclass(frozen=True)
class Gold:
    """A held-back document with the reviewer's decisions (what both models are scored against)."""

    doc_id: int
    text: str
    spans: tuple[tuple[int, int, str], ...] = ()  # ner
    label: str | None = None  # sentiment
    questions: tuple[tuple[str, tuple[tuple[int, int] | None, ...]], ...] = ()  # qa: (question, answers)


@dataclass
class ProjectData:
    """The documents of one training run: the trained-on ones, the held-back ones, the label set."""

    task: str
    train: list[Gold]
    held: list[Gold]
    labels: list[str]
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> ProjectData:
        raw = json.loads(text)

        def gold(g: dict[str, Any]) -> Gold:
            return Gold(g["doc_id"], g["text"], tuple(tuple(s) for s in g["spans"]), g["label"],  # type: ignore[misc]
                        tuple((q, tuple(tuple(a) if a else None for a in answers))  # type: ignore[misc]
                              for q, answers in g["questions"]))

        return cls(raw["task"], [gold(g) for g in raw["train"]], [gold(g) for g in raw["held"]], raw["labels"],
                   raw.get("notes", []))


def _gold(project: Project, task: str, doc_id: int) -> Gold:
    text = project.document(doc_id).text
    if task == "ner":
        return Gold(doc_id, text, spans=tuple((s.start, s.end, s.label) for s in project.spans(doc_id, task, "human")))
    if task == "sentiment":
        label = project.label(doc_id, task, "human")
        return Gold(doc_id, text, label=label.label if label else None)
    questions = tuple((q.text, tuple(None if a.no_answer else (a.start, a.end) for a in q.human))
                      for q in project.questions(doc_id) if q.human)
    return Gold(doc_id, text, questions=questions)  # type: ignore[arg-type]


def gold_labels(gold: Gold, task: str) -> set[str]:
    """The labels a document teaches (QA: "answer" / "no_answer")."""
    if task == "ner":
        return {s[2] for s in gold.spans}
    if task == "sentiment":
        return {gold.label} if gold.label else set()
    return {"no_answer" if a is None else "answer" for _, answers in gold.questions for a in answers}


def collect(project: Project, task: str, *, holdout: float = 0.2, seed: int = 13,
            min_documents: int = MIN_DOCUMENTS) -> ProjectData:
    """The accepted documents of `task`, split by document; ProjectError when there are too few, or a label
    of the project's saved label set has no example."""
    if task not in ("ner", "sentiment", "qa"):
        raise ProjectError(f"unknown task {task!r} (ner, sentiment or qa)")
    if not 0 < holdout < 1:
        raise ProjectError(f"--holdout must be between 0 and 1, not {holdout}")
    ids = project.document_ids(task=task, status="accepted")
    docs = [g for g in (_gold(project, task, i) for i in ids) if task != "sentiment" or g.label]
    if task == "qa":
        docs = [g for g in docs if g.questions]
    if len(docs) < min_documents:
        what = "accepted documents with answered questions" if task == "qa" else "accepted documents"
        raise ProjectError(f"{len(docs)} {what} for {task}; training needs at least {min_documents} "
                           f"(review and accept {min_documents - len(docs)} more)")
    counts = Counter(lab for g in docs for lab in gold_labels(g, task))
    saved = project.get_setting(f"review.labels.{task}")
    declared = json.loads(saved) if saved else []
    missing = [lab for lab in declared if isinstance(lab, str) and task != "qa" and not counts[lab]]
    if missing:
        raise ProjectError(f"label {missing[0]!r} has no examples in the {len(docs)} accepted {task} documents: "
                           "accept documents that have it, or remove it from the project's label set")
    if task == "sentiment" and len(counts) < 2:
        raise ProjectError(f"the accepted sentiment documents all say {next(iter(counts), '?')!r}: "
                           "training needs at least two labels")
    order = list(range(len(docs)))
    random.Random(seed).shuffle(order)
    n_held = max(1, round(len(docs) * holdout))
    held = set(order[:n_held])
    notes = []
    for lab in sorted(counts):  # a label's only documents are not all held back
        if not any(lab in gold_labels(docs[i], task) for i in range(len(docs)) if i not in held):
            moved = next(i for i in order[:n_held] if i in held and lab in gold_labels(docs[i], task))
            held.discard(moved)
            notes.append(f"label {lab!r}: its only documents are trained on (none held back)")
    labels = sorted(counts) if task != "qa" else []
    return ProjectData(task, [d for i, d in enumerate(docs) if i not in held],
                       [d for i, d in enumerate(docs) if i in held], labels, notes)


def word_examples(gold: Gold, max_words: int = MAX_WORDS) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """(words, BIO tags) pieces of an entity document, over the `conll` words."""
    words = split_words(gold.text, WORD_SPLITTER)
    tags = ["O"] * len(words)
    for start, end, label in sorted(gold.spans):
        inside = [i for i, (a, b) in enumerate(words) if a < end and start < b]
        for n, i in enumerate(inside):
            tags[i] = f"{'B' if n == 0 else 'I'}-{label}"
    return [(tuple(gold.text[a:b] for a, b in words[i:i + max_words]), tuple(tags[i:i + max_words]))
            for i in range(0, len(words), max_words)]


def bio_labels(types: Sequence[str]) -> list[str]:
    """O, then B-/I- of every entity type."""
    return ["O", *[f"{p}-{t}" for t in types for p in ("B", "I")]]


def squad_json(docs: Sequence[Gold]) -> dict[str, Any]:
    """SQuAD v1.1 JSON of QA documents (one article per document; answered questions only)."""
    data = []
    for g in docs:
        qas = [{"id": f"{g.doc_id}-{n}", "question": q,
                "answers": [{"text": g.text[a[0]:a[1]], "answer_start": a[0]} for a in answers if a]}
               for n, (q, answers) in enumerate(g.questions) if any(answers)]
        if qas:
            data.append({"title": f"document {g.doc_id}", "paragraphs": [{"context": g.text, "qas": qas}]})
    return {"version": "1.1", "data": data}
