"""Pre-annotation: run a model over a project's documents and store its proposals (source "model").

Uses the engine lazily: its loader, the batch entry points of the task table for entities and
sentiment, and for QA the table's `single` (or `qa.answer_many`, many questions about one context).
Each chunk of documents is stored in its own transaction, so a cancelled or crashed run keeps what
it finished.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bert_desk.engine.types import CancelToken, ProgressFn, no_progress
from bert_desk.project.errors import ProjectError
from bert_desk.project.store import Project
from bert_desk.project.types import SpanData


@dataclass(frozen=True)
class Engine:
    """The engine entry points pre-annotation needs (swapped by tests)."""

    load_model: Callable[..., Any]
    ner_batch: Callable[..., list[Any]]
    sentiment_batch: Callable[..., list[Any]]
    qa_answer: Callable[..., Any]
    qa_many: Callable[..., list[Any]] | None = None


def load_engine() -> Engine:
    """Import the engine (torch/transformers load here, not at import time)."""
    from bert_desk.engine import loading, qa
    from bert_desk.engine.registry import TASKS

    ner_batch, sentiment_batch = TASKS["ner"].batch, TASKS["sentiment"].batch
    assert ner_batch is not None and sentiment_batch is not None
    return Engine(loading.load_model, ner_batch, sentiment_batch, TASKS["qa"].single, qa.answer_many)


def model_version(spec: str, info: Any) -> str | None:
    """A version for provenance: a fingerprint of the model's local files, else its name."""
    folder: Path | None = None
    if spec.startswith("bundled:"):
        from bert_desk.paths import bundled_model_dir

        folder = bundled_model_dir(spec.split(":", 1)[1])
    elif spec.startswith("spacy:"):
        folder = Path(spec.split(":", 1)[1])
    else:
        folder = Path(spec)
    if folder.is_dir():
        digest = hashlib.sha1()
        for file in sorted(p for p in folder.rglob("*") if p.is_file()):
            stat = file.stat()
            digest.update(f"{file.relative_to(folder)}:{stat.st_size}:{int(stat.st_mtime)}\n".encode())
        return digest.hexdigest()[:12]
    name = getattr(info, "name", None)
    return str(name) if name else None


def _non_overlapping(entities: Iterable[Any], length: int) -> list[SpanData]:
    """Valid, non-overlapping spans (higher scores win)."""
    chosen: list[SpanData] = []
    for e in sorted(entities, key=lambda e: -(e.score or 0.0)):
        if 0 <= e.start < e.end <= length and all(e.end <= c.start or c.end <= e.start for c in chosen):
            chosen.append(SpanData(e.start, e.end, e.label, float(e.score)))
    return sorted(chosen, key=lambda s: s.start)


def ner_confidence(result: Any) -> float:
    """How sure the model was about a document's entities (0..1): the engine's lowest word margin when it
    gives one (`result.confidence`), else the lowest entity score (1.0 without entities)."""
    given = getattr(result, "confidence", None)
    if given is not None:
        return float(given)
    return min((float(e.score) for e in result.entities), default=1.0)


def sentiment_confidence(result: Any) -> float:
    """The margin between the top two labels' scores (the top score when there is no second)."""
    ranked = sorted((float(v) for v in (result.scores or {}).values()), reverse=True)
    if len(ranked) >= 2:
        return ranked[0] - ranked[1]
    return float(result.score)


def qa_confidence(result: Any) -> float:
    """The best answer's probability (the no-answer score when the model found none)."""
    if result.no_answer or not result.answers:
        return float(result.no_answer_score or 0.0)
    return float(result.answers[0].score)


def preannotate(project: Project, task: str, spec: str, *, batch_size: int = 32,
                statuses: Sequence[str] | None = None, doc_ids: Sequence[int] | None = None,
                progress: ProgressFn = no_progress, cancel: CancelToken | None = None,
                device: str = "auto", engine: Engine | None = None) -> int:
    """Store the model's proposals for every (matching) document; returns how many were done."""
    if task not in ("ner", "sentiment", "qa"):
        raise ProjectError(f"unknown task {task!r} (ner, sentiment or qa)")
    if batch_size < 1:
        raise ProjectError("batch size must be at least 1")
    engine = engine or load_engine()
    model = engine.load_model(spec, task, device=device)
    info = getattr(model, "info", None)
    version = model_version(spec, info)
    ids = list(doc_ids) if doc_ids is not None else project.document_ids(
        task=task, status=list(statuses) if statuses else None)
    chunk_size = max(batch_size * 4, 64)
    done = 0
    for i in range(0, len(ids), chunk_size):
        if cancel is not None:
            cancel.raise_if_cancelled()
        chunk = ids[i:i + chunk_size]
        texts = [project.document(d).text for d in chunk]
        if task == "ner":
            results = engine.ner_batch(model, texts, batch_size=batch_size, cancel=cancel)
            with project.transaction():
                for doc_id, text, result in zip(chunk, texts, results, strict=True):
                    project.set_spans(doc_id, _non_overlapping(result.entities, len(text)), source="model",
                                      model=spec, model_version=version)
                    project.set_confidence(doc_id, task, ner_confidence(result))
        elif task == "sentiment":
            results = engine.sentiment_batch(model, texts, batch_size=batch_size, cancel=cancel)
            with project.transaction():
                for doc_id, result in zip(chunk, results, strict=True):
                    project.set_label(doc_id, result.label, source="model", model=spec, model_version=version,
                                      score=float(result.score))
                    project.set_confidence(doc_id, task, sentiment_confidence(result))
        else:
            _answer_chunk(project, engine, model, chunk, texts, spec, version, cancel)
        done += len(chunk)
        progress(done / len(ids), f"{done}/{len(ids)} documents")
    return done


def _answer_chunk(project: Project, engine: Engine, model: Any, chunk: Sequence[int], texts: Sequence[str],
                  spec: str, version: str | None, cancel: CancelToken | None) -> None:
    for doc_id, text in zip(chunk, texts, strict=True):
        questions = project.questions(doc_id)
        if not questions:
            continue
        asked = [q.text for q in questions]
        if engine.qa_many is not None:
            results = engine.qa_many(model, asked, text, cancel=cancel)
        else:
            results = [engine.qa_answer(model, q, text, cancel=cancel) for q in asked]
        with project.transaction():
            for q, result in zip(questions, results, strict=True):
                best = result.answers[0] if result.answers else None
                if result.no_answer or best is None or not 0 <= best.start < best.end <= len(text):
                    project.set_answer(q.id, None, None, source="model", model=spec, model_version=version,
                                       score=result.no_answer_score)
                else:
                    project.set_answer(q.id, best.start, best.end, source="model", model=spec,
                                       model_version=version, score=float(best.score))
            project.set_confidence(doc_id, "qa", min(qa_confidence(r) for r in results))
