"""spaCy DocBin (`.spacy`) importer: `doc.text`, `doc.ents` as spans, `doc.cats` as label.

bert_desk's own exports also carry meta and review statuses in `doc.user_data["bert_desk"]`.
"""

from __future__ import annotations

from pathlib import Path

from bert_desk.engine.types import CancelToken
from bert_desk.project.errors import ProjectImportError
from bert_desk.project.importers.common import check_status, checked
from bert_desk.project.types import PROJECT_TASKS, Record, SpanData

USER_DATA_KEY = "bert_desk"


def read_docbin(path: Path, *, cancel: CancelToken | None = None, **_: object) -> list[Record]:
    """Documents of a DocBin file (errors name the document's index, there are no lines)."""
    from spacy.tokens import DocBin

    from bert_desk.project.tokens import blank_nlp

    try:
        docs = list(checked(DocBin().from_disk(path).get_docs(blank_nlp().vocab), cancel))
    except Exception as exc:  # spaCy/msgpack raise many kinds
        raise ProjectImportError(path, None, f"not a spaCy DocBin file ({exc.__class__.__name__}: {exc})") from exc
    records = []
    for i, doc in enumerate(docs):
        extra = doc.user_data.get(USER_DATA_KEY, {}) if isinstance(doc.user_data, dict) else {}
        label = None
        if doc.cats:
            best = max(doc.cats, key=lambda k: doc.cats[k])
            label = best if doc.cats[best] >= 0.5 else None
        status = {}
        for task, st in dict(extra.get("review", {})).items():
            try:
                if task not in PROJECT_TASKS:
                    raise ValueError(f"unknown task {task!r}")
                status[task] = check_status(st)
            except ValueError as exc:
                raise ProjectImportError(path, None, f"document {i}: {exc}") from None
        spans = [SpanData(e.start_char, e.end_char, e.label_) for e in doc.ents]
        has_ner = bool(spans) or "ner" in status
        records.append(Record(text=doc.text, meta=dict(extra.get("meta", {})), spans=spans if has_ner else None,
                              label=label, status=status))
    return records
