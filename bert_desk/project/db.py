"""`Database`: a project file's one connection, its process hold, and its transactions.

Opening checks before it changes anything: the file must be a bert_desk project (a SQLite header
with bert_desk's application id) before the connection switches it to WAL, and the process must
hold it (`file_lock.hold`) before SQLite opens it. Every other part of a project goes through
`transaction()`, `rows()` and `execute()`.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bert_desk.project import file_lock, schema
from bert_desk.project.errors import ProjectError
from bert_desk.project.queries import contains

SQLITE_HEADER = b"SQLite format 3\x00"
UNSTORABLE = "invalid text: a lone surrogate (\\ud800-\\udfff) is not a character and cannot be stored"


def check_header(path: Path) -> None:
    """Refuse, before anything writes to it, a file that is not a bert_desk project.

    A project whose header still lives in its write-ahead log (created, then killed before the first
    checkpoint) is let through to the full check after connecting."""
    wal = Path(f"{path}-wal")
    if wal.is_file() and wal.stat().st_size > 0:
        return
    try:
        with open(path, "rb") as handle:
            head = handle.read(100)
    except OSError as exc:
        raise ProjectError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if not head:
        raise ProjectError(f"{path}: not a bert_desk project (the file is empty)")
    if not head.startswith(SQLITE_HEADER) or len(head) < 72:
        raise ProjectError(f"{path}: not a bert_desk project (not a SQLite file)")
    if int.from_bytes(head[68:72], "big") != schema.APPLICATION_ID:
        raise ProjectError(f"{path}: not a bert_desk project (a SQLite file from another program)")


def folder_writable(path: Path) -> bool:
    """SQLite's WAL needs to create files beside the project: the folder and the file must be writable."""
    return os.access(path.parent, os.W_OK) and os.access(path, os.W_OK)


class Database:
    """The connection to one project file; thread-safe; close with `close()`."""

    def __init__(self, conn: sqlite3.Connection, path: Path, *, read_only: bool, release: Callable[[], None],
                 why_read_only: str = "") -> None:
        self.conn: sqlite3.Connection | None = conn
        self.path = path
        self.read_only = read_only
        self.why_read_only = why_read_only
        self._release = release
        self._lock = threading.RLock()
        self._depth = 0
        conn.create_function("bd_contains", 2, contains, deterministic=True)

    @classmethod
    def connect(cls, path: Path, *, read_only: bool, why_read_only: str = "",
                release: Callable[[], None] | None = None) -> Database:
        """Hold `path` for this process (unless `release` says it is held already) and connect."""
        release = release or file_lock.hold(path)
        try:
            conn = schema.connect(path, read_only=read_only)
        except sqlite3.Error as exc:
            release()
            raise ProjectError(f"{path}: not a bert_desk project or damaged beyond repair ({exc})") from exc
        except BaseException:
            release()
            raise
        return cls(conn, path, read_only=read_only, release=release, why_read_only=why_read_only)

    def reopen_read_only(self, why: str) -> Database:
        """A read-only connection to the same file, keeping this process's hold; this one is closed."""
        release, self._release = self._release, (lambda: None)
        self.close(checkpoint=False)
        return Database.connect(self.path, read_only=True, why_read_only=why, release=release)

    def close(self, *, checkpoint: bool = True) -> None:
        """Checkpoint (when writable) and close; then let go of the file (safe to call twice)."""
        with self._lock:
            if self.conn is None:
                return
            try:
                if checkpoint and not self.read_only:
                    self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error:
                pass
            self.conn.close()
            self.conn = None
            self._release()

    def _open_conn(self) -> sqlite3.Connection:
        if self.conn is None:
            raise ProjectError(f"{self.path}: project is closed")
        return self.conn

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several operations into one atomic change (nests with savepoints)."""
        with self._lock:
            conn = self._open_conn()
            if self.read_only:
                reason = f" ({self.why_read_only})" if self.why_read_only else ""
                raise ProjectError(f"{self.path}: project is open read-only{reason}")
            depth = self._depth
            try:
                conn.execute("BEGIN IMMEDIATE" if depth == 0 else f"SAVEPOINT sp{depth}")
            except sqlite3.Error as exc:
                raise ProjectError(f"{self.path}: {exc}") from exc
            self._depth += 1
            try:
                yield
            except BaseException as exc:
                self._depth -= 1
                if depth == 0:
                    conn.execute("ROLLBACK")
                else:
                    conn.execute(f"ROLLBACK TO sp{depth}")
                    conn.execute(f"RELEASE sp{depth}")
                if isinstance(exc, sqlite3.Error):
                    raise ProjectError(f"{self.path}: {exc}") from exc
                raise
            self._depth -= 1
            try:
                conn.execute("COMMIT" if depth == 0 else f"RELEASE sp{depth}")
            except sqlite3.Error as exc:  # disk full, I/O error: the change is rolled back, never half-kept
                if depth == 0 and conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise ProjectError(f"{self.path}: the change could not be saved ({exc})") from exc

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """All rows of a query (read outside or inside a transaction)."""
        with self._lock:
            conn = self._open_conn()
            try:
                return conn.execute(sql, params).fetchall()
            except sqlite3.DatabaseError as exc:
                raise ProjectError(f"{self.path}: {exc}") from exc
            except UnicodeEncodeError:
                raise ProjectError(UNSTORABLE) from None

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        """Run a statement inside an open transaction."""
        try:
            return self._open_conn().execute(sql, params)
        except UnicodeEncodeError:  # SQLite stores UTF-8: a lone surrogate has no encoding
            raise ProjectError(UNSTORABLE) from None
