"""Exporters of the JSON-ish formats: Prodigy/spaCy JSONL, SQuAD and Label Studio."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

from bert_desk.project.importers.common import STATUS_ANSWER
from bert_desk.project.importers.labelstudio import REVIEW_KEY
from bert_desk.project.tokens import token_index, tokenize
from bert_desk.project.types import PROJECT_TASKS, Record, SpanData


def _answer(record: Record, task: str | None) -> str | None:
    tasks = [task] if task else list(PROJECT_TASKS)
    for t in tasks:
        status = record.status.get(t)
        if status in STATUS_ANSWER:
            return STATUS_ANSWER[status]
    return None


def prodigy_object(record: Record, task: str | None = None) -> dict[str, Any]:
    """A record in the Prodigy/spaCy span shape (tokens split at span boundaries)."""
    text = record.text
    spans = record.spans or []
    tokens = tokenize(text, [(s.start, s.end) for s in spans])
    by_start, by_end = token_index(tokens)
    obj: dict[str, Any] = {
        "text": text,
        "meta": record.meta,
        "tokens": [{"text": text[t.start:t.end], "start": t.start, "end": t.end, "id": i, "ws": t.ws}
                   for i, t in enumerate(tokens)],
    }
    if record.spans is not None:
        obj["spans"] = [{"start": s.start, "end": s.end, "token_start": by_start[s.start],
                         "token_end": by_end[s.end], "label": s.label} for s in spans]
    if record.label is not None:
        obj["label"] = record.label
    if record.questions:
        obj["questions"] = [
            {"question": q.question, "id": q.qid, "no_answer": any(a.start is None for a in q.answers),
             "answers": [{"start": a.start, "end": a.end, "text": text[a.start:a.end]}
                         for a in q.answers if a.start is not None]} for q in record.questions]
    answer = _answer(record, task)
    if answer:
        obj["answer"] = answer
    if record.status:
        obj["review"] = record.status
    return obj


def write_jsonl(records: Iterable[Record], out: TextIO, *, task: str | None = None, notes: list[str]) -> int:
    n = 0
    for record in records:
        out.write(json.dumps(prodigy_object(record, task), ensure_ascii=False) + "\n")
        n += 1
    return n


def write_squad(records: Iterable[Record], out: TextIO, *, task: str | None = None, notes: list[str]) -> int:
    """SQuAD v2.0 when any question has "no answer", else v1.1; consecutive documents with the same
    `meta["title"]` share an article."""
    articles: list[dict[str, Any]] = []
    impossible = False
    n = 0
    for record in records:
        title = str(record.meta.get("title", ""))
        if not articles or articles[-1]["title"] != title:
            articles.append({"title": title, "paragraphs": []})
        qas = []
        for i, q in enumerate(record.questions or []):
            none = any(a.start is None for a in q.answers)
            impossible = impossible or none
            spans = [{"text": record.text[a.start:a.end], "answer_start": a.start}
                     for a in q.answers if a.start is not None]
            qa: dict[str, Any] = {"id": q.qid if q.qid is not None else f"bd-{record.doc_id}-{i}",
                                  "question": q.question, "answers": [] if none else spans, "is_impossible": none}
            if none and spans:
                qa["plausible_answers"] = spans
            qas.append(qa)
        articles[-1]["paragraphs"].append({"context": record.text, "qas": qas})
        n += 1
    if not impossible:
        for article in articles:
            for para in article["paragraphs"]:
                for qa in para["qas"]:
                    del qa["is_impossible"]
    json.dump({"version": "v2.0" if impossible else "1.1", "data": articles}, out, ensure_ascii=False, indent=1)
    out.write("\n")
    return n


def _ls_results(spans: list[SpanData] | None, label: str | None, text: str, prefix: str) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    for i, s in enumerate(spans or []):
        item: dict[str, Any] = {"id": f"{prefix}-{i}", "from_name": "label", "to_name": "text", "type": "labels",
                                "value": {"start": s.start, "end": s.end, "text": text[s.start:s.end],
                                          "labels": [s.label]}}
        if s.score is not None:
            item["score"] = s.score
        results.append(item)
    if label is not None:
        results.append({"id": f"{prefix}-label", "from_name": "sentiment", "to_name": "text", "type": "choices",
                        "value": {"choices": [label]}})
    return results


def write_labelstudio(records: Iterable[Record], out: TextIO, *, task: str | None = None,
                      notes: list[str]) -> int:
    """Label Studio tasks: the human layer as the annotation, proposals as predictions."""
    tasks = []
    for record in records:
        if "text" in record.meta and not any("'text'" in note for note in notes):
            notes.append("Label Studio: meta key 'text' clashes with data.text and was dropped")
        item: dict[str, Any] = {"id": record.doc_id, "data": {**record.meta, "text": record.text}}
        if record.spans is not None or record.label is not None:
            item["annotations"] = [{"id": record.doc_id, "was_cancelled": False,
                                    "result": _ls_results(record.spans, record.label, record.text,
                                                          f"a{record.doc_id}")}]
        if record.model_spans is not None or record.model_label is not None:
            item["predictions"] = [{"model_version": record.model_version or record.model or "unknown",
                                    "result": _ls_results(record.model_spans, record.model_label, record.text,
                                                          f"p{record.doc_id}")}]
        if record.status:
            item["meta"] = {REVIEW_KEY: record.status}
        tasks.append(item)
    json.dump(tasks, out, ensure_ascii=False, indent=1)
    out.write("\n")
    return len(tasks)
