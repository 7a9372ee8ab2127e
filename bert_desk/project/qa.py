"""`QA`: questions about a document and their answers.

Questions belong to the document; answers have a human and a model layer per question. The
effective answers of a question are the human ones when it has any, else the model's. An answer
with `start is None` means "no answer"; a question without answers is not answered yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from bert_desk.project.core import Core, check_source
from bert_desk.project.errors import ProjectError
from bert_desk.project.layers import Layers
from bert_desk.project.reviews import Reviews
from bert_desk.project.schema import now
from bert_desk.project.types import Answer, AnswerData, Provenance, Question, QuestionData


def check_answer(length: int, start: object, end: object) -> None:
    """Raise ProjectError unless (start, end) is a span of the text or (None, None)."""
    if start is None and end is None:
        return
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
        raise ProjectError(f"answer offsets must be integers or both None, not {start!r}..{end!r}")
    if not 0 <= start < end <= length:
        raise ProjectError(f"answer {start}..{end} is outside the text (0 <= start < end <= {length})")


def _answer(row: Sequence[Any]) -> Answer:
    return Answer(row[0], row[1], row[2], row[3], Provenance(*row[4:]))


class QA:
    """Questions and their answers, in a human and a model layer per question."""

    def __init__(self, core: Core, reviews: Reviews, layers: Layers) -> None:
        self.core = core
        self.reviews = reviews
        self.layers = layers

    def questions(self, doc_id: int) -> list[Question]:
        """The document's questions in order, each with human and model answers."""
        rows = self.core.rows("SELECT id, doc_id, text, qid, created_by, created_at FROM questions WHERE doc_id = ? "
                          "ORDER BY position, id", (doc_id,))
        answers = self._answers([r[0] for r in rows])
        return [Question(r[0], r[1], r[2], r[3], tuple(answers.get((r[0], "human"), ())),
                         tuple(answers.get((r[0], "model"), ())), r[4], r[5]) for r in rows]

    def question(self, question_id: int) -> Question:
        rows = self.core.rows("SELECT doc_id FROM questions WHERE id = ?", (question_id,))
        if not rows:
            raise ProjectError(f"no question {question_id}")
        return next(q for q in self.questions(rows[0][0]) if q.id == question_id)

    def _answers(self, question_ids: Sequence[int]) -> dict[tuple[int, str], list[Answer]]:
        out: dict[tuple[int, str], list[Answer]] = {}
        for i in range(0, len(question_ids), 500):
            chunk = question_ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.core.rows('SELECT id, question_id, start, "end", source, model, model_version, score, '
                                  f"created_by, created_at FROM answers WHERE question_id IN ({marks}) "
                                  "ORDER BY id", chunk):
                out.setdefault((row[1], row[4]), []).append(_answer(row))
        return out

    def add_question(self, doc_id: int, text: str, *, qid: str | None = None,
                     who: str | None = None) -> int:
        """Ask a question about a document; returns its id (undo: `remove_question`)."""
        if not isinstance(text, str) or not text.strip():
            raise ProjectError("a question must be a non-empty string")
        with self.core.transaction():
            self.core.document_length(doc_id)
            (position,) = self.core.execute("SELECT COALESCE(MAX(position), -1) + 1 FROM questions WHERE doc_id = ?",
                                     (doc_id,)).fetchone()
            cur = self.core.execute("INSERT INTO questions (doc_id, position, text, qid, created_by, created_at) "
                             "VALUES (?, ?, ?, ?, ?, ?)", (doc_id, position, text, qid, self.core.who(who), now()))
            return int(cur.lastrowid)

    def remove_question(self, question_id: int) -> Question:
        """Delete a question with its answers; returns it (undo: `restore_question`)."""
        with self.core.transaction():
            question = self.question(question_id)
            self.core.execute("DELETE FROM questions WHERE id = ?", (question_id,))
        return question

    def restore_question(self, question: Question) -> int:
        """Re-insert a removed question and its answers (same id when free); returns the id."""
        with self.core.transaction():
            length = self.core.document_length(question.doc_id)
            taken = self.core.rows("SELECT 1 FROM questions WHERE id = ?", (question.id,))
            (position,) = self.core.execute("SELECT COALESCE(MAX(position), -1) + 1 FROM questions WHERE doc_id = ?",
                                     (question.doc_id,)).fetchone()
            cur = self.core.execute("INSERT INTO questions (id, doc_id, position, text, qid, created_by, created_at) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?)",
                             (None if taken else question.id, question.doc_id, position, question.text,
                              question.qid, question.created_by, question.created_at or now()))
            new_id = int(cur.lastrowid)
            for answer in (*question.human, *question.model):
                check_answer(length, answer.start, answer.end)
                self.insert_answer(new_id, answer.start, answer.end, answer.prov)
            return new_id

    def insert_answer(self, question_id: int, start: int | None, end: int | None, prov: Provenance) -> None:
        self.core.execute('INSERT INTO answers (question_id, source, start, "end", model, model_version, score, '
                   "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (question_id, prov.source, start, end, prov.model, prov.model_version, prov.score,
                    prov.created_by, prov.created_at or now()))

    def set_answer(self, question_id: int, start: int | None, end: int | None, *,
                   source: str = "human", model: str | None = None, model_version: str | None = None,
                   score: float | None = None, who: str | None = None) -> tuple[AnswerData, ...]:
        """Set the single answer of a question (None, None = "no answer"); returns the previous answers."""
        return self.set_answers(question_id, [AnswerData(start, end)], source=source, model=model,
                                model_version=model_version, scores=[score], who=who)

    def set_answers(self, question_id: int, answers: Iterable[AnswerData], *, source: str = "human",
                    model: str | None = None, model_version: str | None = None,
                    scores: Sequence[float | None] | None = None, who: str | None = None) -> tuple[AnswerData, ...]:
        """Replace a question's answers of one layer ([] = unanswered); returns the previous ones."""
        check_source(source)
        items = list(answers)
        with self.core.transaction():
            question = self.question(question_id)
            length = self.core.document_length(question.doc_id)
            for a in items:
                check_answer(length, a.start, a.end)
            if source == "human":
                self.layers.adopt_proposals(question.doc_id, "qa", who)
                question = self.question(question_id)
            else:
                self.reviews.mark_proposed(question.doc_id, "qa", model, model_version)
            previous = question.human if source == "human" else question.model
            self.core.execute("DELETE FROM answers WHERE question_id = ? AND source = ?", (question_id, source))
            for i, a in enumerate(items):
                score = scores[i] if scores is not None and i < len(scores) else None
                self.insert_answer(question_id, a.start, a.end,
                                    Provenance(source, model, model_version, score, self.core.who(who)))
        return tuple(AnswerData(a.start, a.end) for a in previous)

    def put_human_answers(self, answers: Mapping[int, Sequence[Answer]], who: str | None = None) -> None:
        """Set the human answers of several questions to `answers` as they are (their provenance kept; no author:
        `who`), without adopting the model's answers of other questions: bulk accept and its undo. Starts the
        human layer."""
        with self.core.transaction():
            for question_id, items in answers.items():
                question = self.question(question_id)
                length = self.core.document_length(question.doc_id)
                self.reviews.ensure(question.doc_id, "qa", self.core.who(who))
                self.core.execute("DELETE FROM answers WHERE question_id = ? AND source = 'human'", (question_id,))
                for a in items:
                    check_answer(length, a.start, a.end)
                    prov = replace(a.prov, source="human", created_by=a.prov.created_by or self.core.who(who))
                    self.insert_answer(question_id, a.start, a.end, prov)

    def store_questions(self, doc_id: int, length: int, questions: Sequence[QuestionData],
                         source: str, who: str) -> None:
        human = False
        for position, q in enumerate(questions):
            if not isinstance(q.question, str) or not q.question.strip():
                raise ProjectError("a question must be a non-empty string")
            cur = self.core.execute("INSERT INTO questions (doc_id, position, text, qid, created_by, created_at) "
                             "VALUES (?, ?, ?, ?, ?, ?)", (doc_id, position, q.question, q.qid, who, now()))
            for a in q.answers:
                check_answer(length, a.start, a.end)
                self.insert_answer(int(cur.lastrowid), a.start, a.end, Provenance(source, created_by=who))
                human = human or source == "human"
        if human:
            self.reviews.ensure(doc_id, "qa", who)
        elif source == "model" and any(q.answers for q in questions):
            self.reviews.mark_proposed(doc_id, "qa", None, None)

    def question_data(self, ids: Sequence[int], source: str) -> dict[int, list[QuestionData]]:
        """Questions per document with the answers of `source` (human/model/effective)."""
        out: dict[int, list[QuestionData]] = {}
        rows = []
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            rows += self.core.rows(f"SELECT id, doc_id, text, qid FROM questions WHERE doc_id IN ({marks}) "
                               "ORDER BY doc_id, position, id", chunk)
        answers = self._answers([r[0] for r in rows])
        for qid, doc_id, text, ext in rows:
            human, model = answers.get((qid, "human"), []), answers.get((qid, "model"), [])
            chosen = {"human": human, "model": model}.get(source, human or model)
            out.setdefault(doc_id, []).append(
                QuestionData(text, tuple(AnswerData(a.start, a.end) for a in chosen), ext))
        return out
