"""`Project`: one `.bdesk` SQLite file of documents, annotations and review statuses.

Every public mutation is one transaction (or a savepoint inside `transaction()`), so the
file stays valid however the app dies. Each (document, task) has two layers: model proposals
(`source='model'`, replaced by pre-annotation) and the human layer, which exists once a
reviewer or an import touched that task (a row in `reviews`). The *effective* annotations are
the human layer when it exists, else the proposals. Human edits first copy the proposals into
the human layer (`adopt_proposals`), so proposals are never modified by a reviewer.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from bert_desk.project import file_lock, schema
from bert_desk.project.annotations import AnnotationsMixin
from bert_desk.project.db import Database, check_header, folder_writable
from bert_desk.project.errors import ProjectError
from bert_desk.project.queries import (
    DocFilter,
    check_task,
    chunks,
    default_user,
    make_preview,
    where_clause,
)
from bert_desk.project.schema import now
from bert_desk.project.types import PROJECT_TASKS, STATUSES, Document, DocumentRow, ProjectRef, Record, Review


class Project(AnnotationsMixin):
    """An open annotation project. Use `Project.create` / `Project.open`; close with `close()`."""

    def __init__(self, db: Database, *, user: str | None, integrity_error: ProjectError | None = None) -> None:
        self.db = db
        self.path = db.path
        self.user = user or default_user()
        self.integrity_error = integrity_error  # set when the file failed its check (then read-only)

    @property
    def read_only(self) -> bool:
        return self.db.read_only

    # ------------------------------------------------------------------ open / close
    @classmethod
    def create(cls, path: str | Path, *, user: str | None = None, overwrite: bool = False) -> Project:
        """Create a new, empty project file."""
        path = Path(path)
        if path.exists():
            if not overwrite:
                raise ProjectError(f"{path}: already exists")
            file_lock.hold(path, timeout=0)()  # refuse to replace a project another program has open
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        if not path.parent.is_dir():
            raise ProjectError(f"{path}: folder {path.parent} does not exist")
        try:
            path.touch(exist_ok=False)
        except OSError as exc:
            raise ProjectError(f"{path}: cannot create project: {exc.strerror or exc}") from exc
        db = Database.connect(path, read_only=False)
        try:
            assert db.conn is not None
            schema.initialise(db.conn)
            db.conn.execute("INSERT INTO project_meta VALUES ('created_at', ?)", (now(),))
        except sqlite3.Error as exc:
            db.close()
            raise ProjectError(f"{path}: cannot create project: {exc}") from exc
        return cls(db, user=user)

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False, user: str | None = None,
             check: bool = True, wait: float = 5.0) -> Project:
        """Open a project. If its integrity check fails, or its folder cannot be written, it opens
        read-only with `integrity_error` saying why. Another process holding the file is waited for up
        to `wait` seconds, then `file_lock.ProjectBusy` names it."""
        path = Path(path)
        if not path.is_file():
            raise ProjectError(f"{path}: no such project file")
        first = not file_lock.held_here(path)  # else this process has it open and checked already
        release = file_lock.hold(path, timeout=wait)
        try:
            if first:  # safe to open and close the file: no connection of ours can lose its locks
                check_header(path)
        except ProjectError:
            release()
            raise
        why = ""
        if not read_only and not folder_writable(path):
            read_only, why = True, f"{path}: the file or its folder is read-only; opened read-only"
        db = Database.connect(path, read_only=read_only, why_read_only=why, release=release)
        try:
            assert db.conn is not None
            version = schema.schema_version(db.conn, path)
        except (sqlite3.Error, ProjectError) as exc:
            db.close(checkpoint=False)
            if isinstance(exc, ProjectError):
                raise
            raise ProjectError(f"{path}: not a bert_desk project or damaged beyond repair ({exc})") from exc
        problem = schema.quick_check(db.conn) if check else None
        error = ProjectError(why) if why else None
        if problem is not None:
            error = ProjectError(f"{path}: the project file is damaged ({problem}); opened read-only, "
                                 "export what you can and restore a backup")
        elif version > schema.SCHEMA_VERSION:
            error = ProjectError(f"{path}: made by a newer bert_desk (schema {version} > "
                                 f"{schema.SCHEMA_VERSION}); opened read-only")
        elif version < schema.SCHEMA_VERSION:
            if db.read_only:
                db.close(checkpoint=False)
                raise ProjectError(f"{path}: needs an upgrade (schema {version}); open it writable once")
            try:
                schema.migrate(db.conn, path, version)
            except (sqlite3.Error, ProjectError) as exc:
                db.close(checkpoint=False)
                raise ProjectError(f"{path}: upgrade from schema {version} failed: {exc}") from exc
        if error is not None and not db.read_only:
            db = db.reopen_read_only(str(error))
        return cls(db, user=user, integrity_error=error)

    def close(self) -> None:
        """Checkpoint and close the file (safe to call twice)."""
        self.db.close()

    def ref(self) -> ProjectRef:
        """How a background job opens this project on its own connection."""
        return ProjectRef(self.path, self.read_only, self.user)

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ plumbing
    def transaction(self) -> AbstractContextManager[None]:
        """Group several operations into one atomic change (nests with savepoints)."""
        return self.db.transaction()

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return self.db.rows(sql, params)

    def _exec(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        """Run a statement inside an open transaction."""
        return self.db.execute(sql, params)

    def _who(self, who: str | None) -> str:
        return who or self.user

    # ------------------------------------------------------------------ documents
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
        with self.transaction():
            (position,) = self._exec("SELECT COALESCE(MAX(position), -1) FROM documents").fetchone()
            for index, record in enumerate(records):
                try:
                    ids.append(self._insert_record(record, position + 1 + index, source, self._who(who)))
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
        cur = self._exec(
            "INSERT INTO documents (position, length, preview, meta, created_at, text) VALUES (?, ?, ?, ?, ?, ?)",
            (position, len(record.text), make_preview(record.text), meta, stamp, record.text),
        )
        doc_id = int(cur.lastrowid)
        self._store_record_annotations(doc_id, record, source, who)
        return doc_id

    def document(self, doc_id: int) -> Document:
        """The whole document; ProjectError if there is none with that id."""
        rows = self._rows("SELECT id, position, text, meta, created_at FROM documents WHERE id = ?", (doc_id,))
        if not rows:
            raise ProjectError(f"no document {doc_id}")
        r = rows[0]
        return Document(id=r[0], position=r[1], text=r[2], meta=json.loads(r[3]), created_at=r[4])

    def document_length(self, doc_id: int) -> int:
        rows = self._rows("SELECT length FROM documents WHERE id = ?", (doc_id,))
        if not rows:
            raise ProjectError(f"no document {doc_id}")
        return int(rows[0][0])

    def set_meta(self, doc_id: int, meta: Mapping[str, Any]) -> dict[str, Any]:
        """Replace a document's meta; returns the previous meta."""
        with self.transaction():
            previous = self.document(doc_id).meta
            self._exec("UPDATE documents SET meta = ? WHERE id = ?", (json.dumps(dict(meta), ensure_ascii=False), doc_id))
        return previous

    def delete_document(self, doc_id: int) -> Document:
        """Delete a document with all its annotations; returns it."""
        with self.transaction():
            document = self.document(doc_id)
            self._exec("DELETE FROM documents WHERE id = ?", (doc_id,))
        return document

    def list_documents(self, *, task: str | None = None, status: str | Iterable[str] | None = None,
                       label: str | None = None, search: str | None = None,
                       offset: int = 0, limit: int = 100) -> list[DocumentRow]:
        """One page of documents in order: id, position, preview, length and status per task.

        `status` applies to `task` (or, without a task: "unreviewed" = no task reviewed, other
        statuses = any task has it); `label` matches effective annotations; `search` is a
        case-insensitive substring of the text.
        """
        where, params = where_clause(DocFilter(task, status, label, search))
        rows = self._rows(
            f"SELECT d.id, d.position, d.preview, d.length FROM documents d {where} "
            "ORDER BY d.position LIMIT ? OFFSET ?", (*params, int(limit), int(offset)),
        )
        statuses = self._statuses([r[0] for r in rows])
        return [DocumentRow(r[0], r[1], r[2], r[3], statuses.get(r[0], {})) for r in rows]

    def count(self, *, task: str | None = None, status: str | Iterable[str] | None = None,
              label: str | None = None, search: str | None = None) -> int:
        """Number of documents matching the same filters as `list_documents`."""
        where, params = where_clause(DocFilter(task, status, label, search))
        return int(self._rows(f"SELECT COUNT(*) FROM documents d {where}", params)[0][0])

    def document_ids(self, *, task: str | None = None, status: str | Iterable[str] | None = None,
                     label: str | None = None, search: str | None = None) -> list[int]:
        """Ids of all matching documents in order."""
        where, params = where_clause(DocFilter(task, status, label, search))
        return [r[0] for r in self._rows(f"SELECT d.id FROM documents d {where} ORDER BY d.position", params)]

    def neighbor(self, doc_id: int, step: int = 1, *, task: str | None = None,
                 status: str | Iterable[str] | None = None, label: str | None = None,
                 search: str | None = None) -> int | None:
        """Id of the next (step > 0) or previous matching document after `doc_id`, or None."""
        where, params = where_clause(DocFilter(task, status, label, search),
                                     extra=f"d.position {'>' if step > 0 else '<'} "
                                           "(SELECT position FROM documents WHERE id = ?)")
        order = "ASC" if step > 0 else "DESC"
        rows = self._rows(f"SELECT d.id FROM documents d {where} ORDER BY d.position {order} LIMIT 1 OFFSET ?",
                          (*params, doc_id, abs(step) - 1))
        return rows[0][0] if rows else None

    def index_of(self, doc_id: int, *, task: str | None = None, status: str | Iterable[str] | None = None,
                 label: str | None = None, search: str | None = None) -> int:
        """0-based index of `doc_id` in the filtered list (its row if it were listed)."""
        where, params = where_clause(DocFilter(task, status, label, search),
                                     extra="d.position < (SELECT position FROM documents WHERE id = ?)")
        return int(self._rows(f"SELECT COUNT(*) FROM documents d {where}", (*params, doc_id))[0][0])

    # ------------------------------------------------------------------ reviews
    def _statuses(self, doc_ids: Sequence[int]) -> dict[int, dict[str, str]]:
        out: dict[int, dict[str, str]] = {i: dict.fromkeys(PROJECT_TASKS, "unreviewed") for i in doc_ids}
        for chunk in chunks(doc_ids):
            marks = ",".join("?" * len(chunk))
            for doc_id, task, status in self._rows(
                    f"SELECT doc_id, task, status FROM reviews WHERE doc_id IN ({marks})", chunk):
                out[doc_id][task] = status
        return out

    def review(self, doc_id: int, task: str) -> Review:
        """Review state of a document for a task ("unreviewed" when never reviewed)."""
        check_task(task)
        rows = self._rows("SELECT status, reviewer, updated_at FROM reviews WHERE doc_id = ? AND task = ?",
                          (doc_id, task))
        if not rows:
            self.document_length(doc_id)  # raises for unknown ids
            return Review(doc_id, task)
        return Review(doc_id, task, rows[0][0], rows[0][1], rows[0][2])

    def set_status(self, doc_id: int, task: str, status: str, who: str | None = None) -> Review:
        """Set the review status; returns the previous `Review` (for undo).

        The first review of a (document, task) adopts the model proposals as the human layer.
        """
        if status not in STATUSES:
            raise ProjectError(f"unknown status {status!r} (expected one of {', '.join(STATUSES)})")
        with self.transaction():
            previous = self.review(doc_id, task)
            self.adopt_proposals(doc_id, task, who)
            self._exec("UPDATE reviews SET status = ?, reviewer = ?, updated_at = ? WHERE doc_id = ? AND task = ?",
                       (status, self._who(who), now(), doc_id, task))
        return previous

    def _ensure_review(self, doc_id: int, task: str, who: str) -> None:
        self._exec("INSERT OR IGNORE INTO reviews (doc_id, task, status, reviewer, updated_at) "
                   "VALUES (?, ?, 'unreviewed', ?, ?)", (doc_id, task, who, now()))

    def _mark_proposed(self, doc_id: int, task: str, model: str | None, version: str | None) -> None:
        self._exec("INSERT OR REPLACE INTO proposal_runs VALUES (?, ?, ?, ?, ?)", (doc_id, task, model, version, now()))

    def proposed_by(self, doc_id: int, task: str) -> tuple[str | None, str | None] | None:
        """(model, version) of the last model proposal run for (doc, task), or None."""
        rows = self._rows("SELECT model, model_version FROM proposal_runs WHERE doc_id = ? AND task = ?",
                          (doc_id, task))
        return (rows[0][0], rows[0][1]) if rows else None

    def has_human_layer(self, doc_id: int, task: str) -> bool:
        """True once a reviewer or an import touched this task of the document."""
        return bool(self._rows("SELECT 1 FROM reviews WHERE doc_id = ? AND task = ?", (doc_id, task)))

    # ------------------------------------------------------------------ stats and meta
    def stats(self) -> dict[str, Any]:
        """Counts: documents, statuses per task, labels per task and source, questions and answers."""
        total = int(self._rows("SELECT COUNT(*) FROM documents")[0][0])
        status: dict[str, dict[str, int]] = {t: dict.fromkeys(STATUSES, 0) for t in PROJECT_TASKS}
        for task, st, n in self._rows("SELECT task, status, COUNT(*) FROM reviews GROUP BY task, status"):
            status[task][st] = n
        for task in PROJECT_TASKS:
            status[task]["unreviewed"] = total - sum(v for k, v in status[task].items() if k != "unreviewed")
        labels: dict[str, dict[str, dict[str, int]]] = {}
        for table in ("spans", "labels"):
            for task, label, source, n in self._rows(
                    f"SELECT task, label, source, COUNT(*) FROM {table} GROUP BY task, label, source"):
                labels.setdefault(task, {}).setdefault(label, {"human": 0, "model": 0})[source] = n
        questions = int(self._rows("SELECT COUNT(*) FROM questions")[0][0])
        answers: dict[str, dict[str, int]] = {s: {"answered": 0, "no_answer": 0} for s in ("human", "model")}
        for source, none, n in self._rows(
                "SELECT source, start IS NULL, COUNT(DISTINCT question_id) FROM answers GROUP BY source, start IS NULL"):
            answers[source]["no_answer" if none else "answered"] = n
        return {"documents": total, "status": status, "labels": labels,
                "questions": {"total": questions, **answers}}

    def labels_in_use(self, task: str) -> list[str]:
        """Distinct labels of a task (spans for "ner", document labels otherwise), sorted."""
        table = "spans" if task == "ner" else "labels"
        return [r[0] for r in self._rows(f"SELECT DISTINCT label FROM {table} WHERE task = ? ORDER BY label", (task,))]

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        rows = self._rows("SELECT value FROM project_meta WHERE key = ?", (key,))
        return rows[0][0] if rows else default

    def set_setting(self, key: str, value: str) -> None:
        """Store a project-wide setting (e.g. label set, default task)."""
        with self.transaction():
            self._exec("INSERT OR REPLACE INTO project_meta (key, value) VALUES (?, ?)", (key, value))

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
            yield from self._records(chunk, source)
