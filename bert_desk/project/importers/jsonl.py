"""JSONL importer: Prodigy/spaCy, doccano and bert_desk's own records, one JSON object per line.

Recognised keys: `text`; `meta` (dict); entity spans as `spans` (Prodigy/spaCy {start, end,
label}), `entities` (doccano {start_offset, end_offset, label}) or doccano's `label: [[s, e, L]]`;
a document label as `label` (string or [string]), `accept` ([string], Prodigy choice) or `cats`
({label: score}); Prodigy's `answer` accept/reject/ignore -> status of the tasks in the record
(any other answer string is the label); bert_desk's `questions` and `review` ({task: status}).
Other keys not starting with "_" (except `tokens`) are kept in the document's meta.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bert_desk.engine.types import CancelToken
from bert_desk.project.errors import ProjectImportError
from bert_desk.project.importers.common import (
    ANSWER_STATUS,
    MALFORMED,
    as_int,
    check_status,
    checked,
    malformed,
    parse_json,
    read_text,
    span_from,
    split_lines,
)
from bert_desk.project.types import PROJECT_TASKS, AnswerData, QuestionData, Record, SpanData

_KNOWN = {"text", "meta", "spans", "entities", "label", "accept", "cats", "answer", "questions", "review",
          "tokens", "html", "options", "config", "data"}


def read_jsonl(path: Path, *, column: str | None = None, cancel: CancelToken | None = None,
               **_: object) -> list[Record]:
    """Every non-blank line is a JSON object with a text (key `column`, default "text")."""
    records = []
    for n, line in checked(enumerate(split_lines(read_text(path)), 1), cancel):
        if not line.strip():
            continue
        obj = parse_json(path, line, n)
        try:
            records.append(parse_object(obj, column or "text", n))
        except MALFORMED as exc:
            raise ProjectImportError(path, n, malformed(exc)) from None
    return records


def _doc_label(obj: dict[str, Any]) -> str | None:
    label = obj.get("label")
    if isinstance(label, str):
        return label or None
    if isinstance(label, list) and label and all(isinstance(x, str) for x in label):
        if len(label) > 1:
            raise ValueError(f"several document labels {label!r}: only one label per document is supported")
        return label[0]
    accept = obj.get("accept")
    if isinstance(accept, list) and accept:
        if len(accept) > 1 or not isinstance(accept[0], str):
            raise ValueError(f"'accept' must hold one label, not {accept!r}")
        return accept[0]
    cats = obj.get("cats")
    if isinstance(cats, dict) and cats:
        best = max(cats, key=lambda k: cats[k])
        return best if isinstance(cats[best], (int, float)) and cats[best] >= 0.5 else None
    answer = obj.get("answer")
    if isinstance(answer, str) and answer and answer not in ANSWER_STATUS:
        return answer
    return None


def _spans(obj: dict[str, Any], text: str) -> list[SpanData] | None:
    raw = None
    if "spans" in obj:
        raw = obj["spans"]
    elif "entities" in obj:
        raw = obj["entities"]
    elif isinstance(obj.get("label"), list) and all(isinstance(x, list) for x in obj["label"]):
        raw = obj["label"]  # doccano: [[start, end, label], ...]
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise ValueError(f"spans must be a list, not {type(raw).__name__}")
    return [span_from(item, text) for item in raw]


def _questions(raw: Any, text: str) -> list[QuestionData]:
    if not isinstance(raw, list):
        raise ValueError("'questions' must be a list")
    out = []
    for q in raw:
        if not isinstance(q, dict) or not isinstance(q.get("question"), str):
            raise ValueError(f"a question must be {{question, answers}}, not {q!r}")
        answers = []
        if q.get("no_answer"):
            answers.append(AnswerData(None, None))
        for a in q.get("answers", []):
            start, end = as_int(a.get("start")), as_int(a.get("end"))
            if start is None or end is None or not 0 <= start < end <= len(text):
                raise ValueError(f"answer {a!r} is not a span of the text")
            answers.append(AnswerData(start, end))
        out.append(QuestionData(q["question"], tuple(answers), q.get("id")))
    return out


def parse_object(obj: Any, key: str, line: int | None) -> Record:
    """One record from a JSON object (raises ValueError with a reason)."""
    if not isinstance(obj, dict):
        raise ValueError(f"expected a JSON object, not {type(obj).__name__}")
    text = obj.get(key)
    if not isinstance(text, str):
        raise ValueError(f"no {key!r} string in this record")
    meta = obj.get("meta", {})
    if not isinstance(meta, dict):
        raise ValueError("'meta' must be an object")
    meta = dict(meta)
    for k, v in obj.items():
        if k not in _KNOWN and k != key and not k.startswith("_"):
            meta.setdefault(k, v)
    spans = _spans(obj, text)
    label = _doc_label(obj)
    questions = _questions(obj["questions"], text) if "questions" in obj else None
    status: dict[str, str] = {}
    review = obj.get("review")
    if isinstance(review, dict):
        for task, st in review.items():
            if task not in PROJECT_TASKS:
                raise ValueError(f"unknown task {task!r} in 'review'")
            status[task] = check_status(st)
    elif obj.get("answer") in ANSWER_STATUS:
        tasks = [t for t, present in (("ner", spans is not None), ("sentiment", label is not None),
                                      ("qa", questions is not None)) if present]
        status = dict.fromkeys(tasks, ANSWER_STATUS[obj["answer"]])
    return Record(text=text, meta=meta, spans=spans, label=label, questions=questions, status=status, line=line)
