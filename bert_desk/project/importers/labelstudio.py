"""Label Studio JSON export importer (a list of tasks).

`data.text` (or `data[column]`) is the text; the other `data` keys become meta. The last
annotation that was not cancelled is the human layer ("labels" results -> entity spans,
"choices" -> document label); `predictions` become model proposals. Offsets are code points
as Label Studio writes them today; old exports counted UTF-16 units, which is detected through
`value.text` and converted. A task whose annotations were all cancelled is "skipped".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bert_desk.engine.offsets import OffsetMap
from bert_desk.engine.types import CancelToken
from bert_desk.project.errors import ProjectImportError
from bert_desk.project.importers.common import (
    MALFORMED,
    as_int,
    check_status,
    checked,
    line_of,
    load_json,
    malformed,
)
from bert_desk.project.types import PROJECT_TASKS, Record, SpanData

REVIEW_KEY = "bert_desk_review"


def _results(results: Any, text: str) -> tuple[list[SpanData], str | None]:
    if not isinstance(results, list):
        raise ValueError("'result' must be a list")
    spans: list[SpanData] = []
    label: str | None = None
    for item in results:
        if not isinstance(item, dict):
            raise ValueError(f"a result must be an object, not {item!r}")
        value = item.get("value") or {}
        kind = item.get("type")
        if kind == "labels":
            start, end = as_int(value.get("start")), as_int(value.get("end"))
            labels = value.get("labels")
            if start is None or end is None or not isinstance(labels, list) or len(labels) != 1:
                raise ValueError(f"a 'labels' result needs integer start/end and one label: {value!r}")
            check = value.get("text")
            if isinstance(check, str) and text[start:end] != check:
                offsets = OffsetMap(text)
                start16, end16 = offsets.to_py(start), offsets.to_py(end)
                if text[start16:end16] != check:
                    raise ValueError(f"span {start}..{end} is {text[start:end]!r} in the text but {check!r} "
                                     "in the file")
                start, end = start16, end16
            if not 0 <= start < end <= len(text):
                raise ValueError(f"span {start}..{end} is outside the text (length {len(text)})")
            spans.append(SpanData(start, end, labels[0], as_float(item.get("score"))))
        elif kind == "choices":
            choices = value.get("choices")
            if not isinstance(choices, list) or len(choices) != 1 or not isinstance(choices[0], str):
                raise ValueError(f"a 'choices' result needs exactly one choice: {value!r}")
            label = choices[0]
    return spans, label


def as_float(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _objects(task: dict[str, Any], key: str, default: Any) -> list[dict[str, Any]]:
    """`task[key]`: a list of objects, or a ValueError saying what it is instead."""
    value = task.get(key, default)
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ValueError(f"'{key}' must be a list of objects, not {json.dumps(value)[:60]}")
    return value


def _task(task: Any, key: str) -> Record:
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        raise ValueError("a task must be an object with 'data'")
    data = task["data"]
    text = data.get(key)
    if not isinstance(text, str):
        raise ValueError(f"no data.{key} string in this task")
    meta = {k: v for k, v in data.items() if k != key}
    record = Record(text=text, meta=meta)
    annotations = _objects(task, "annotations", task.get("completions", []))
    live = [a for a in annotations if not a.get("was_cancelled")]
    if live:
        spans, label = _results(live[-1].get("result", []), text)
        record.spans, record.label = (spans if spans else None), label
    elif annotations:
        record.status = {"ner": "skipped"}
    predictions = _objects(task, "predictions", [])
    if predictions:
        spans, label = _results(predictions[-1].get("result", []), text)
        record.model_spans, record.model_label = (spans or None), label
        version = predictions[-1].get("model_version")
        record.model = record.model_version = str(version) if version is not None else None
    review = (task.get("meta") or {}).get(REVIEW_KEY) if isinstance(task.get("meta"), dict) else None
    if isinstance(review, dict):
        for name, status in review.items():
            if name not in PROJECT_TASKS:
                raise ValueError(f"unknown task {name!r} in meta.{REVIEW_KEY}")
            record.status[name] = check_status(status)
        if "ner" in review and record.spans is None:
            record.spans = []
    return record


def read_labelstudio(path: Path, *, column: str | None = None, cancel: CancelToken | None = None,
                     **_: object) -> list[Record]:
    """Tasks of a Label Studio JSON export."""
    data, raw = load_json(path)
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise ProjectImportError(path, 1, "not a Label Studio export: expected a list of tasks")
    records = []
    for i, task in checked(enumerate(data), cancel):
        try:
            record = _task(task, column or "text")
        except MALFORMED as exc:
            task_id = task.get("id") if isinstance(task, dict) else None
            line = line_of(raw, f'"id": {task_id}', f'"id":{task_id}') if task_id is not None else None
            raise ProjectImportError(path, line, f"task {i}{f' (id {task_id})' if task_id is not None else ''}: "
                                                 f"{malformed(exc)}") from None
        records.append(record)
    return records
