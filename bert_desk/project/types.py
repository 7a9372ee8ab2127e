"""Plain data types of annotation projects (no Qt, no SQL).

Offsets are Python string indices (code points): `text[start:end]` is the span's text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_TASKS: tuple[str, ...] = ("ner", "sentiment", "qa")
STATUSES: tuple[str, ...] = ("unreviewed", "accepted", "rejected", "skipped")
SOURCES: tuple[str, ...] = ("model", "human")


@dataclass(frozen=True)
class Provenance:
    """Who or what made an annotation."""

    source: str = "human"  # "model" or "human"
    model: str | None = None  # model spec that proposed it (kept when a human adopts a proposal)
    model_version: str | None = None
    score: float | None = None
    created_by: str | None = None
    created_at: str | None = None


@dataclass(frozen=True)
class Span:
    """A stored entity span (`task` is "ner")."""

    id: int
    doc_id: int
    task: str
    start: int
    end: int
    label: str
    prov: Provenance = field(default_factory=Provenance)


@dataclass(frozen=True)
class DocLabel:
    """A stored document label (sentiment)."""

    doc_id: int
    task: str
    label: str
    prov: Provenance = field(default_factory=Provenance)


@dataclass(frozen=True)
class Answer:
    """One stored answer; `start`/`end` are None for "no answer"."""

    id: int
    question_id: int
    start: int | None
    end: int | None
    prov: Provenance = field(default_factory=Provenance)

    @property
    def no_answer(self) -> bool:
        return self.start is None


@dataclass(frozen=True)
class Question:
    """A question asked about a document, with its human and model answers."""

    id: int
    doc_id: int
    text: str
    qid: str | None = None  # external id (e.g. SQuAD's)
    human: tuple[Answer, ...] = ()
    model: tuple[Answer, ...] = ()
    created_by: str | None = None
    created_at: str | None = None


@dataclass(frozen=True)
class Review:
    """Review state of one document for one task."""

    doc_id: int
    task: str
    status: str = "unreviewed"
    reviewer: str | None = None
    updated_at: str | None = None


@dataclass(frozen=True)
class Document:
    """A whole document (text and meta)."""

    id: int
    position: int
    text: str
    meta: dict[str, Any]
    created_at: str | None = None


@dataclass(frozen=True)
class DocumentRow:
    """A light row for document lists: no full text."""

    id: int
    position: int
    preview: str
    length: int
    statuses: dict[str, str]  # task -> status ("unreviewed" when absent)
    confidence: float | None = None  # of the listed task's last proposals (the review queue's order)


@dataclass(frozen=True)
class SpanData:
    """An entity span in import/export records."""

    start: int
    end: int
    label: str
    score: float | None = None


@dataclass(frozen=True)
class AnswerData:
    """An answer in records: `start is None` means "no answer"."""

    start: int | None
    end: int | None


@dataclass(frozen=True)
class QuestionData:
    """A question in records; `answers == ()` means not answered yet."""

    question: str
    answers: tuple[AnswerData, ...] = ()
    qid: str | None = None


@dataclass
class Record:
    """One document with its annotations, as importers produce and exporters consume.

    `spans`/`label`/`questions` are the human layer (None: no human layer for that task);
    `model_*` fields are model proposals. `status` maps task -> review status.
    """

    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    spans: list[SpanData] | None = None
    label: str | None = None
    questions: list[QuestionData] | None = None
    status: dict[str, str] = field(default_factory=dict)
    model_spans: list[SpanData] | None = None
    model_label: str | None = None
    model: str | None = None
    model_version: str | None = None
    line: int | None = None  # where it came from in the imported file
    doc_id: int | None = None  # set by exports


@dataclass(frozen=True)
class ProjectRef:
    """What a background job needs to open a project on its own connection (never a live `Project`
    of another thread): the file, whether to open it read-only, and who edits."""

    path: Path
    read_only: bool
    user: str
