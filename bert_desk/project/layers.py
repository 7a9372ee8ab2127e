"""`Layers`: a (document, task)'s human layer starts as a copy of the model's proposals.

Edits and the first review of a (document, task) call `adopt_proposals`, so proposals are never
modified by a reviewer: spans and labels are copied whole, QA answers per question (those without
a human answer yet).
"""

from __future__ import annotations

from bert_desk.project.core import Core
from bert_desk.project.errors import ProjectError
from bert_desk.project.reviews import Reviews
from bert_desk.project.schema import now
from bert_desk.project.types import STATUSES, Review


class Layers:
    """Adopting proposals into the human layer, and setting review statuses (which adopts first)."""

    def __init__(self, core: Core, reviews: Reviews) -> None:
        self.core = core
        self.reviews = reviews

    def adopt_proposals(self, doc_id: int, task: str, who: str | None = None) -> bool:
        """Start the human layer of (doc, task) as a copy of the proposals; False if it existed.

        For QA, model answers are also copied to questions that have no human answer yet.
        """
        core = self.core
        with core.transaction():
            who = core.who(who)
            if task == "qa":  # answers are adopted per question (those without human answers)
                self._adopt_answers(doc_id, who)
            if self.reviews.has_human_layer(doc_id, task):
                return False
            core.document_length(doc_id)
            self.reviews.ensure(doc_id, task, who)
            stamp = now()
            core.execute('INSERT INTO spans (doc_id, task, source, start, "end", label, model, model_version, '
                         "score, created_by, created_at) SELECT doc_id, task, 'human', start, \"end\", label, model, "
                         "model_version, score, ?, ? FROM spans WHERE doc_id = ? AND task = ? AND source = 'model'",
                         (who, stamp, doc_id, task))
            core.execute("INSERT INTO labels SELECT doc_id, task, 'human', label, model, model_version, score, ?, ? "
                         "FROM labels WHERE doc_id = ? AND task = ? AND source = 'model'", (who, stamp, doc_id, task))
            return True

    def _adopt_answers(self, doc_id: int, who: str) -> None:
        self.core.execute(
            'INSERT INTO answers (question_id, source, start, "end", model, model_version, score, '
            "created_by, created_at) SELECT a.question_id, 'human', a.start, a.\"end\", a.model, "
            "a.model_version, a.score, ?, ? FROM answers a JOIN questions q ON q.id = a.question_id "
            "WHERE q.doc_id = ? AND a.source = 'model' AND NOT EXISTS (SELECT 1 FROM answers h "
            "WHERE h.question_id = a.question_id AND h.source = 'human')", (who, now(), doc_id))

    def set_status(self, doc_id: int, task: str, status: str, who: str | None = None) -> Review:
        """Set the review status; returns the previous `Review` (for undo).

        The first review of a (document, task) adopts the model proposals as the human layer.
        """
        if status not in STATUSES:
            raise ProjectError(f"unknown status {status!r} (expected one of {', '.join(STATUSES)})")
        with self.core.transaction():
            previous = self.reviews.review(doc_id, task)
            self.adopt_proposals(doc_id, task, who)
            self.core.execute("UPDATE reviews SET status = ?, reviewer = ?, updated_at = ? WHERE doc_id = ? "
                              "AND task = ?", (status, self.core.who(who), now(), doc_id, task))
        return previous
