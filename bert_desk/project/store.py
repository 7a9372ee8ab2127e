"""`Project`: one `.bdesk` SQLite file of documents, annotations and review statuses.

Every public mutation is one transaction (or a savepoint inside `transaction()`), so the
file stays valid however the app dies. Each (document, task) has two layers: model proposals
(`source='model'`, replaced by pre-annotation) and the human layer, which exists once a
reviewer or an import touched that task (a row in `reviews`). The *effective* annotations are
the human layer when it exists, else the proposals. Human edits first copy the proposals into
the human layer (`adopt_proposals`), so proposals are never modified by a reviewer.

`Project` is a facade over parts that share one `Core` (the `Database` and the user):
`documents` (texts, listing, settings, import/export of records), `reviews` (statuses),
`layers` (adopting proposals), `spans`, `labels` and `qa`. Its public operations are the parts'
methods, bound once in `__init__`; no part knows the facade.
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from pathlib import Path

from bert_desk.project import file_lock, schema
from bert_desk.project.core import Core
from bert_desk.project.db import Database, check_header, folder_writable
from bert_desk.project.documents import Documents
from bert_desk.project.errors import ProjectError
from bert_desk.project.labels import Labels
from bert_desk.project.layers import Layers
from bert_desk.project.qa import QA
from bert_desk.project.queries import (
    default_user,
)
from bert_desk.project.records import Records
from bert_desk.project.reviews import Reviews
from bert_desk.project.schema import now
from bert_desk.project.spans import Spans
from bert_desk.project.types import ProjectRef
from bert_desk.project.versions import ModelVersions


class Project:
    """An open annotation project. Use `Project.create` / `Project.open`; close with `close()`."""

    def __init__(self, db: Database, *, user: str | None, integrity_error: ProjectError | None = None) -> None:
        self.db = db
        self.path = db.path
        self.user = user or default_user()
        self.integrity_error = integrity_error  # set when the file failed its check (then read-only)
        core = Core(db, self.user)
        self.reviews = reviews = Reviews(core)
        self.layers = layers = Layers(core, reviews)
        self.span_store = spans = Spans(core, reviews, layers)
        self.label_store = labels = Labels(core, reviews, layers)
        self.qa = qa = QA(core, reviews, layers)
        self.documents = documents = Documents(core, reviews, Records(core, reviews, spans, qa))
        # The facade: each operation is one part's method.
        self.add_documents, self.import_records = documents.add_documents, documents.import_records
        self.document, self.document_length = documents.document, core.document_length
        self.set_meta, self.delete_document = documents.set_meta, documents.delete_document
        self.delete_documents = documents.delete_documents
        self.list_documents, self.count = documents.list_documents, documents.count
        self.document_ids, self.neighbor, self.index_of = documents.document_ids, documents.neighbor, documents.index_of
        self.stats, self.labels_in_use = documents.stats, documents.labels_in_use
        self.get_setting, self.set_setting = documents.get_setting, documents.set_setting
        self.iter_records = documents.iter_records
        self.review, self.proposed_by = reviews.review, reviews.proposed_by
        self.has_human_layer = reviews.has_human_layer
        self.set_status, self.adopt_proposals = layers.set_status, layers.adopt_proposals
        self.spans, self.span, self.set_spans = spans.spans, spans.span, spans.set_spans
        self.add_span, self.remove_span = spans.add_span, spans.remove_span
        self.restore_span, self.relabel_span = spans.restore_span, spans.relabel_span
        self.label, self.set_label = labels.label, labels.set_label
        self.questions, self.question, self.add_question = qa.questions, qa.question, qa.add_question
        self.remove_question, self.restore_question = qa.remove_question, qa.restore_question
        self.set_answer, self.set_answers, self.put_human_answers = qa.set_answer, qa.set_answers, qa.put_human_answers
        self.set_confidence, self.confidence = reviews.set_confidence, reviews.confidence
        self.versions = ModelVersions(core)  # models trained from the reviewed documents

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

    def transaction(self) -> AbstractContextManager[None]:
        """Group several operations into one atomic change (nests with savepoints)."""
        return self.db.transaction()
