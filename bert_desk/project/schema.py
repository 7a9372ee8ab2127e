"""SQLite schema of `.bdesk` project files, connection settings and migrations."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from bert_desk.project.errors import ProjectError

SCHEMA_VERSION = 2
APPLICATION_ID = 0x42444B31  # "BDK1": marks a bert_desk project file

SCHEMA = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE project_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    position INTEGER NOT NULL UNIQUE,
    length INTEGER NOT NULL,
    preview TEXT NOT NULL,
    meta TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    text TEXT NOT NULL  -- last, so that list queries never read long texts
);
CREATE TABLE reviews (
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    task TEXT NOT NULL CHECK (task IN ('ner', 'sentiment', 'qa')),
    status TEXT NOT NULL DEFAULT 'unreviewed'
        CHECK (status IN ('unreviewed', 'accepted', 'rejected', 'skipped')),
    reviewer TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (doc_id, task)
) WITHOUT ROWID;
CREATE INDEX reviews_status ON reviews(task, status, doc_id);
CREATE TABLE spans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    task TEXT NOT NULL DEFAULT 'ner',
    source TEXT NOT NULL CHECK (source IN ('model', 'human')),
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    label TEXT NOT NULL,
    model TEXT,
    model_version TEXT,
    score REAL,
    created_by TEXT,
    created_at TEXT NOT NULL,
    CHECK (0 <= start AND start < "end")
);
CREATE INDEX spans_doc ON spans(doc_id, task, source, start);
CREATE INDEX spans_label ON spans(label, task, source, doc_id);
CREATE TABLE labels (
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    task TEXT NOT NULL DEFAULT 'sentiment',
    source TEXT NOT NULL CHECK (source IN ('model', 'human')),
    label TEXT NOT NULL,
    model TEXT,
    model_version TEXT,
    score REAL,
    created_by TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (doc_id, task, source)
) WITHOUT ROWID;
CREATE INDEX labels_label ON labels(label, task, source, doc_id);
CREATE TABLE questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    qid TEXT,
    created_by TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX questions_doc ON questions(doc_id, position);
CREATE TABLE answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    source TEXT NOT NULL CHECK (source IN ('model', 'human')),
    start INTEGER,
    "end" INTEGER,
    model TEXT,
    model_version TEXT,
    score REAL,
    created_by TEXT,
    created_at TEXT NOT NULL,
    CHECK ((start IS NULL AND "end" IS NULL) OR (0 <= start AND start < "end"))
);
CREATE INDEX answers_question ON answers(question_id, source);
CREATE TABLE proposal_runs (  -- a model proposed for (doc, task), even if it found nothing
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    task TEXT NOT NULL,
    model TEXT,
    model_version TEXT,
    created_at TEXT NOT NULL,
    confidence REAL,  -- the model's least confident decision in the document (0..1), for the review queue
    PRIMARY KEY (doc_id, task)
) WITHOUT ROWID;
CREATE TABLE model_versions (  -- models trained from the project's reviewed documents (`versions.py`)
    name TEXT PRIMARY KEY,
    task TEXT NOT NULL,
    created_at TEXT NOT NULL,
    record TEXT NOT NULL  -- JSON: base, documents, labels, held-back scores, settings, folder
) WITHOUT ROWID;
"""

def now() -> str:
    """UTC timestamp as stored in the file."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


Migration = Callable[[sqlite3.Connection], None]


def _v2(conn: sqlite3.Connection) -> None:
    """Schema 2: proposal confidence (the uncertainty-ordered review queue) and model versions."""
    conn.execute("ALTER TABLE proposal_runs ADD COLUMN confidence REAL")
    conn.execute("CREATE TABLE model_versions (name TEXT PRIMARY KEY, task TEXT NOT NULL, created_at TEXT NOT NULL, "
                 "record TEXT NOT NULL) WITHOUT ROWID")


# MIGRATIONS[n] upgrades a file from schema version n to n + 1 (run inside one transaction).
MIGRATIONS: dict[int, Migration] = {1: _v2}


def connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
    """Open a connection with the project's settings (WAL, synchronous=FULL, foreign keys)."""
    if read_only:
        uri = path.resolve().as_uri() + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False, timeout=5.0)
    else:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=5.0)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA cache_size = -32000")
    if not read_only:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
    return conn


def initialise(conn: sqlite3.Connection) -> None:
    """Create the schema in an empty database."""
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def schema_version(conn: sqlite3.Connection, path: Path) -> int:
    """The file's schema version; ProjectError when it is not a bert_desk project."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    if app_id != APPLICATION_ID or not has_table:
        raise ProjectError(f"{path}: not a bert_desk project (a SQLite file from another program)")
    row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
    if row is None or row[0] is None:
        raise ProjectError(f"{path}: damaged project: no schema version")
    return int(row[0])


def migrate(conn: sqlite3.Connection, path: Path, version: int) -> None:
    """Upgrade the file from `version` to SCHEMA_VERSION, one transaction per step."""
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise ProjectError(f"{path}: no migration from project schema version {version}")
        conn.execute("BEGIN IMMEDIATE")
        try:
            step(conn)
            version += 1
            conn.execute("UPDATE schema_version SET version = ?", (version,))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def quick_check(conn: sqlite3.Connection) -> str | None:
    """None when `PRAGMA quick_check` is happy, else its first complaint."""
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
        bad_keys = conn.execute("PRAGMA foreign_key_check").fetchmany(1)
    except sqlite3.DatabaseError as exc:
        return str(exc)
    if rows and rows[0][0] != "ok":
        return str(rows[0][0])
    if bad_keys:
        return f"dangling reference in table {bad_keys[0][0]}"
    return None
