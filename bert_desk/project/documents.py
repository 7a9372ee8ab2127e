"""`Documents`: the texts of a project in order, with their metadata; listing, filtering, counts,
project settings, and whole-record import and export (through `Records`)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from bert_desk.project.core import Core
from bert_desk.project.errors import ProjectError
from bert_desk.project.queries import DocFilter, chunks, make_preview, order_key, where_clause
from bert_desk.project.records import Records
from bert_desk.project.reviews import Reviews
from bert_desk.project.schema import now
from bert_desk.project.types import PROJECT_TASKS, STATUSES, Document, DocumentRow, Record


class Documents:
    """Documents of a project."""

    def __init__(self, core: Core, reviews: Reviews, records: Records) -> None:
        self.core = core
        self.reviews = reviews
        self.records = records

    def add_documents(self, texts: Iterable[str | tuple[str, Mapping[str, Any]]]) -> list[int]:
        """Append documents (text, or (text, meta)) in one transaction; returns their ids."""
        return self.import_records(
            Record(text=item) if isinstance(item, str) else Record(text=item[0], meta=dict(item[1]))
            for item in texts
        )

    def import_records(self, records: Iterable[Record], *, source: str = "human",
                       who: str | None = None) -> list[int]:
        """Append records with their annotations in one transaction (all or nothing).

        `source="model"` stores the records' human-layer annotations as proposals instead.
        A failing record raises ProjectError whose `record_index` / `line` attributes locate it.
        """
        ids: list[int] = []
        with self.core.transaction():
            (position,) = self.core.execute("SELECT COALESCE(MAX(position), -1) FROM documents").fetchone()
            for index, record in enumerate(records):
                try:
                    ids.append(self._insert_record(record, position + 1 + index, source, self.core.who(who)))
                except (ProjectError, sqlite3.Error) as exc:
                    error = exc if isinstance(exc, ProjectError) else ProjectError(str(exc))
                    error.record_index = index  # type: ignore[attr-defined]
                    error.line = record.line  # type: ignore[attr-defined]
                    if error is exc:
                        raise
                    raise error from exc
        return ids

    def _insert_record(self, record: Record, position: int, source: str, who: str) -> int:
        if not isinstance(record.text, str):
            raise ProjectError("document text must be a string")
        stamp = now()
        try:
            meta = json.dumps(record.meta or {}, ensure_ascii=False)
        except (TypeError, ValueError) as exc:
            raise ProjectError(f"document meta is not JSON: {exc}") from exc
        cur = self.core.execute(
            "INSERT INTO documents (position, length, preview, meta, created_at, text) VALUES (?, ?, ?, ?, ?, ?)",
            (position, len(record.text), make_preview(record.text), meta, stamp, record.text),
        )
        doc_id = int(cur.lastrowid)
        self.records.store(doc_id, record, source, who)
        return doc_id

    def document(self, doc_id: int) -> Document:
        """The whole document; ProjectError if there is none with that id."""
        rows = self.core.rows("SELECT id, position, text, meta, created_at FROM documents WHERE id = ?", (doc_id,))
        if not rows:
            raise ProjectError(f"no document {doc_id}")
        r = rows[0]
        return Document(id=r[0], position=r[1], text=r[2], meta=json.loads(r[3]), created_at=r[4])

    def set_meta(self, doc_id: int, meta: Mapping[str, Any]) -> dict[str, Any]:
        """Replace a document's meta; returns the previous meta."""
        with self.core.transaction():
            previous = self.document(doc_id).meta
            self.core.execute("UPDATE documents SET meta = ? WHERE id = ?", (json.dumps(dict(meta), ensure_ascii=False), doc_id))
        return previous

    def delete_document(self, doc_id: int) -> Document:
        """Delete a document with all its annotations; returns it."""
        with self.core.transaction():
            document = self.document(doc_id)
            self.core.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
        return document

    def delete_documents(self, doc_ids: Iterable[int]) -> int:
        """Delete documents with all their annotations in one transaction (ids that are gone already are
        skipped); the rest are numbered again from 0 in their order. Returns how many were deleted."""
        deleted = 0
        with self.core.transaction():
            for chunk in chunks(list(dict.fromkeys(int(i) for i in doc_ids)), 500):
                marks = ", ".join("?" * len(chunk))
                deleted += self.core.execute(f"DELETE FROM documents WHERE id IN ({marks})", chunk).rowcount
            if deleted:
                self.core.execute("CREATE TEMP TABLE renumber AS SELECT id, ROW_NUMBER() OVER (ORDER BY position) - 1 "
                                  "AS position FROM documents")
                self.core.execute("UPDATE documents SET position = -1 - position")  # out of the new numbers' way
                self.core.execute("UPDATE documents SET position = (SELECT r.position FROM renumber r "
                                  "WHERE r.id = documents.id)")
                self.core.execute("DROP TABLE renumber")
        return deleted

    def list_documents(self, *, task: str | None = None, status: str | Iterable[str] | None = None,
                       label: str | None = None, search: str | None = None, disagree: bool = False,
                       order: str = "position", offset: int = 0, limit: int = 100) -> list[DocumentRow]:
        """One page of documents in order: id, position, preview, length and status per task (and, with a
        task, the confidence of its last proposals).

        `status` applies to `task` (or, without a task: "unreviewed" = no task reviewed, other
        statuses = any task has it); `label` matches effective annotations; `search` is a
        case-insensitive substring of the text; `disagree` keeps documents whose reviewed annotations
        differ from the model's proposals; `order` is "position" or "confidence" (least confident first,
        documents without proposals last).
        """
        f = DocFilter(task, status, label, search, disagree, order)
        where, params = where_clause(f)
        key, key_params = order_key(f)
        rows = self.core.rows(
            f"SELECT d.id, d.position, d.preview, d.length FROM documents d {where} "
            f"ORDER BY {key + ', ' if key_params else ''}d.position LIMIT ? OFFSET ?",
            (*params, *key_params, int(limit), int(offset)),
        )
        ids = [r[0] for r in rows]
        statuses = self.reviews.statuses(ids)
        confidence = self.reviews.confidences(ids, task) if task else {}
        return [DocumentRow(r[0], r[1], r[2], r[3], statuses.get(r[0], {}), confidence.get(r[0])) for r in rows]

    def count(self, *, task: str | None = None, status: str | Iterable[str] | None = None,
              label: str | None = None, search: str | None = None, disagree: bool = False,
              order: str = "position") -> int:
        """Number of documents matching the same filters as `list_documents`."""
        where, params = where_clause(DocFilter(task, status, label, search, disagree, order))
        return int(self.core.rows(f"SELECT COUNT(*) FROM documents d {where}", params)[0][0])

    def document_ids(self, *, task: str | None = None, status: str | Iterable[str] | None = None,
                     label: str | None = None, search: str | None = None, disagree: bool = False,
                     order: str = "position") -> list[int]:
        """Ids of all matching documents in order."""
        f = DocFilter(task, status, label, search, disagree, order)
        where, params = where_clause(f)
        key, key_params = order_key(f)
        return [r[0] for r in self.core.rows(
            f"SELECT d.id FROM documents d {where} ORDER BY {key + ', ' if key_params else ''}d.position",
            (*params, *key_params))]

    def _after(self, f: DocFilter, doc_id: int, op: str) -> tuple[str, list[Any]]:
        """The condition "comes before/after `doc_id` in `f`'s order" (op "<" or ">") and its parameters."""
        key, key_params = order_key(f)
        if not key_params:  # document order: the position index answers it
            return f"d.position {op} (SELECT position FROM documents WHERE id = ?)", [doc_id]
        doc_key = key.replace("d.id", "?")
        return (f"({key}, d.position) {op} ({doc_key}, (SELECT position FROM documents WHERE id = ?))",
                [*key_params, *([doc_id, *key_params] if key_params else []), doc_id])

    def neighbor(self, doc_id: int, step: int = 1, *, task: str | None = None,
                 status: str | Iterable[str] | None = None, label: str | None = None,
                 search: str | None = None, disagree: bool = False, order: str = "position") -> int | None:
        """Id of the next (step > 0) or previous matching document after `doc_id`, or None."""
        f = DocFilter(task, status, label, search, disagree, order)
        extra, extra_params = self._after(f, doc_id, ">" if step > 0 else "<")
        where, params = where_clause(f, extra=extra)
        key, key_params = order_key(f)
        direction = "ASC" if step > 0 else "DESC"
        order_by = f"{key} {direction}, d.position {direction}" if key_params else f"d.position {direction}"
        rows = self.core.rows(f"SELECT d.id FROM documents d {where} ORDER BY {order_by} LIMIT 1 OFFSET ?",
                              (*params, *extra_params, *key_params, abs(step) - 1))
        return rows[0][0] if rows else None

    def index_of(self, doc_id: int, *, task: str | None = None, status: str | Iterable[str] | None = None,
                 label: str | None = None, search: str | None = None, disagree: bool = False,
                 order: str = "position") -> int:
        """0-based index of `doc_id` in the filtered list (its row if it were listed)."""
        f = DocFilter(task, status, label, search, disagree, order)
        extra, extra_params = self._after(f, doc_id, "<")
        where, params = where_clause(f, extra=extra)
        return int(self.core.rows(f"SELECT COUNT(*) FROM documents d {where}", (*params, *extra_params))[0][0])

    # ------------------------------------------------------------------ stats and meta
    def stats(self) -> dict[str, Any]:
        """Counts: documents, statuses per task, labels per task and source, questions and answers."""
        total = int(self.core.rows("SELECT COUNT(*) FROM documents")[0][0])
        status: dict[str, dict[str, int]] = {t: dict.fromkeys(STATUSES, 0) for t in PROJECT_TASKS}
        for task, st, n in self.core.rows("SELECT task, status, COUNT(*) FROM reviews GROUP BY task, status"):
            status[task][st] = n
        for task in PROJECT_TASKS:
            status[task]["unreviewed"] = total - sum(v for k, v in status[task].items() if k != "unreviewed")
        labels: dict[str, dict[str, dict[str, int]]] = {}
        for table in ("spans", "labels"):
            for task, label, source, n in self.core.rows(
                    f"SELECT task, label, source, COUNT(*) FROM {table} GROUP BY task, label, source"):
                labels.setdefault(task, {}).setdefault(label, {"human": 0, "model": 0})[source] = n
        questions = int(self.core.rows("SELECT COUNT(*) FROM questions")[0][0])
        answers: dict[str, dict[str, int]] = {s: {"answered": 0, "no_answer": 0} for s in ("human", "model")}
        for source, none, n in self.core.rows(
                "SELECT source, start IS NULL, COUNT(DISTINCT question_id) FROM answers GROUP BY source, start IS NULL"):
            answers[source]["no_answer" if none else "answered"] = n
        return {"documents": total, "status": status, "labels": labels,
                "questions": {"total": questions, **answers}}

    def labels_in_use(self, task: str) -> list[str]:
        """Distinct labels of a task (spans for "ner", document labels otherwise), sorted."""
        table = "spans" if task == "ner" else "labels"
        return [r[0] for r in self.core.rows(f"SELECT DISTINCT label FROM {table} WHERE task = ? ORDER BY label", (task,))]

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        rows = self.core.rows("SELECT value FROM project_meta WHERE key = ?", (key,))
        return rows[0][0] if rows else default

    def set_setting(self, key: str, value: str) -> None:
        """Store a project-wide setting (e.g. label set, default task)."""
        with self.core.transaction():
            self.core.execute("INSERT OR REPLACE INTO project_meta (key, value) VALUES (?, ?)", (key, value))

    # ------------------------------------------------------------------ export
    def iter_records(self, *, task: str | None = None, statuses: Iterable[str] | None = None,
                     source: str = "human", batch: int = 500) -> Iterator[Record]:
        """Documents with annotations as `Record`s, in order, streamed in batches.

        `statuses` filters on `task`'s status (see `list_documents`); `source` picks the layer put
        in `spans`/`label`/`questions` answers: "human", "model" or "effective".
        """
        if source not in ("human", "model", "effective"):
            raise ProjectError(f"unknown source {source!r} (human, model or effective)")
        ids = self.document_ids(task=task, status=list(statuses) if statuses is not None else None)
        for chunk in chunks(ids, batch):
            yield from self.records.read(chunk, source)
