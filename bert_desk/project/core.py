"""`Core`: what every part of a project shares — its `Database`, the current user and the checks of
document ids — so parts never need the `Project` facade (nor import it)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from bert_desk.project.db import Database
from bert_desk.project.errors import ProjectError


@dataclass
class Core:
    """The connection and the user every part of a project works with."""

    db: Database
    user: str

    def who(self, who: str | None) -> str:
        """The editor to record: `who`, else the project's user."""
        return who or self.user

    def transaction(self) -> AbstractContextManager[None]:
        return self.db.transaction()

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return self.db.rows(sql, params)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self.db.execute(sql, params)

    def document_length(self, doc_id: int) -> int:
        """The text length of a document; ProjectError when there is no such document."""
        rows = self.rows("SELECT length FROM documents WHERE id = ?", (doc_id,))
        if not rows:
            raise ProjectError(f"no document {doc_id}")
        return int(rows[0][0])


def check_source(source: str) -> None:
    """Layers written by edits and imports: human or model."""
    if source not in ("human", "model"):
        raise ProjectError(f"unknown source {source!r} (human or model)")
