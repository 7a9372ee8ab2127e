"""`Reviews`: the review status of each (document, task), and which model proposed for it.

A row in `reviews` means the (document, task) has a human layer (a reviewer or an import touched
it); `proposal_runs` records the model of the last proposals, even when it found nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from bert_desk.project.core import Core
from bert_desk.project.queries import check_task, chunks
from bert_desk.project.schema import now
from bert_desk.project.types import PROJECT_TASKS, Review


class Reviews:
    """Review rows and proposal runs of a project."""

    def __init__(self, core: Core) -> None:
        self.core = core

    def statuses(self, doc_ids: Sequence[int]) -> dict[int, dict[str, str]]:
        """Per document id, the status of every task ("unreviewed" when never reviewed)."""
        out: dict[int, dict[str, str]] = {i: dict.fromkeys(PROJECT_TASKS, "unreviewed") for i in doc_ids}
        for chunk in chunks(doc_ids):
            marks = ",".join("?" * len(chunk))
            for doc_id, task, status in self.core.rows(
                    f"SELECT doc_id, task, status FROM reviews WHERE doc_id IN ({marks})", chunk):
                out[doc_id][task] = status
        return out

    def review(self, doc_id: int, task: str) -> Review:
        """Review state of a document for a task ("unreviewed" when never reviewed)."""
        check_task(task)
        rows = self.core.rows("SELECT status, reviewer, updated_at FROM reviews WHERE doc_id = ? AND task = ?",
                              (doc_id, task))
        if not rows:
            self.core.document_length(doc_id)  # raises for unknown ids
            return Review(doc_id, task)
        return Review(doc_id, task, rows[0][0], rows[0][1], rows[0][2])

    def ensure(self, doc_id: int, task: str, who: str) -> None:
        """Start the human layer of (doc, task) (inside a transaction)."""
        self.core.execute("INSERT OR IGNORE INTO reviews (doc_id, task, status, reviewer, updated_at) "
                          "VALUES (?, ?, 'unreviewed', ?, ?)", (doc_id, task, who, now()))

    def mark_proposed(self, doc_id: int, task: str, model: str | None, version: str | None) -> None:
        """Record that `model` proposed for (doc, task) (inside a transaction)."""
        self.core.execute("INSERT OR REPLACE INTO proposal_runs (doc_id, task, model, model_version, created_at) "
                          "VALUES (?, ?, ?, ?, ?)", (doc_id, task, model, version, now()))

    def set_confidence(self, doc_id: int, task: str, confidence: float | None) -> None:
        """Store how sure the last proposal run for (doc, task) was (0..1, lowest margin; inside a transaction)."""
        self.core.execute("UPDATE proposal_runs SET confidence = ? WHERE doc_id = ? AND task = ?",
                          (confidence, doc_id, task))

    def confidences(self, doc_ids: Sequence[int], task: str) -> dict[int, float]:
        """Per document id, the stored confidence of its last `task` proposals (absent: none)."""
        out: dict[int, float] = {}
        for chunk in chunks(doc_ids):
            marks = ",".join("?" * len(chunk))
            out.update((d, c) for d, c in self.core.rows(
                f"SELECT doc_id, confidence FROM proposal_runs WHERE task = ? AND confidence IS NOT NULL "
                f"AND doc_id IN ({marks})", (task, *chunk)))
        return out

    def confidence(self, doc_id: int, task: str) -> float | None:
        """The stored confidence of the last proposal run for (doc, task), or None."""
        rows = self.core.rows("SELECT confidence FROM proposal_runs WHERE doc_id = ? AND task = ?", (doc_id, task))
        return rows[0][0] if rows else None

    def proposed_by(self, doc_id: int, task: str) -> tuple[str | None, str | None] | None:
        """(model, version) of the last model proposal run for (doc, task), or None."""
        rows = self.core.rows("SELECT model, model_version FROM proposal_runs WHERE doc_id = ? AND task = ?",
                              (doc_id, task))
        return (rows[0][0], rows[0][1]) if rows else None

    def last_proposer(self, task: str) -> str | None:
        """The model spec of the most recent proposal run for `task`, or None."""
        rows = self.core.rows("SELECT model FROM proposal_runs WHERE task = ? AND model IS NOT NULL "
                              "ORDER BY created_at DESC LIMIT 1", (task,))
        return rows[0][0] if rows else None

    def has_human_layer(self, doc_id: int, task: str) -> bool:
        """True once a reviewer or an import touched this task of the document."""
        return bool(self.core.rows("SELECT 1 FROM reviews WHERE doc_id = ? AND task = ?", (doc_id, task)))

    def layer(self, doc_id: int, task: str, source: str) -> str:
        """The stored layer behind `source`: "effective" is the human layer when it exists, else the model's."""
        if source == "effective":
            return "human" if self.has_human_layer(doc_id, task) else "model"
        return source
