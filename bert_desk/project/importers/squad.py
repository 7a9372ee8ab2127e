"""SQuAD v1.1 / v2.0 importer: every paragraph context is a document with its questions.

`is_impossible` questions get a "no answer"; `plausible_answers` are dropped; a question without
answers (test sets) is left unanswered. The article title goes to `meta["title"]` when not empty.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bert_desk.engine.types import CancelToken
from bert_desk.project.errors import ProjectImportError
from bert_desk.project.importers.common import LineCursor, as_int, checked, line_of, load_json
from bert_desk.project.types import AnswerData, QuestionData, Record


def read_squad(path: Path, *, cancel: CancelToken | None = None, **_: object) -> list[Record]:
    """Documents and questions of a SQuAD JSON file."""
    data, raw = load_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise ProjectImportError(path, 1, "not a SQuAD file: expected {\"data\": [...]} at the top")
    records: list[Record] = []
    cursor = LineCursor(raw)
    for a, article in checked(enumerate(data["data"]), cancel, every=16):
        where = f"data[{a}]"
        if not isinstance(article, dict) or not isinstance(article.get("paragraphs"), list):
            raise ProjectImportError(path, None, f"{where}: expected an article with 'paragraphs'")
        title = article.get("title") or ""
        for p, para in enumerate(article["paragraphs"]):
            here = f"{where}.paragraphs[{p}]"
            context = para.get("context") if isinstance(para, dict) else None
            if not isinstance(context, str) or not isinstance(para.get("qas", []), list):
                raise ProjectImportError(path, line_of(raw, json.dumps(context)[:60] if context else ""),
                                         f"{here}: expected a 'context' string and a 'qas' list")
            questions = [_question(q, context, path, raw, f"{here}.qas[{i}]") for i, q in enumerate(para.get("qas", []))]
            line = cursor.find(json.dumps(context, ensure_ascii=False)[:60], json.dumps(context)[:60])
            records.append(Record(text=context, meta={"title": title} if title else {}, questions=questions,
                                  line=line))
    return records


def _question(q: Any, context: str, path: Path, raw: str, where: str) -> QuestionData:
    qid = q.get("id") if isinstance(q, dict) else None

    def error(message: str) -> ProjectImportError:  # the line is looked up only for an error (a whole-file scan)
        line = line_of(raw, f'"id": {json.dumps(qid)}', f'"id":{json.dumps(qid)}', str(qid)) if qid else None
        return ProjectImportError(path, line, f"{where}: {message}")

    if not isinstance(q, dict) or not isinstance(q.get("question"), str) or not q["question"].strip():
        raise error("a question needs a 'question' string")
    answers: list[AnswerData] = []
    if q.get("is_impossible"):
        answers.append(AnswerData(None, None))
    else:
        for ans in q.get("answers", []):
            text = ans.get("text") if isinstance(ans, dict) else None
            start = as_int(ans.get("answer_start")) if isinstance(ans, dict) else None
            if not isinstance(text, str) or not text or start is None:
                raise error("an answer needs 'text' and 'answer_start'")
            if context[start:start + len(text)] != text:
                raise error(f"answer {text!r} is not at {start} in the context "
                            f"(found {context[start:start + len(text)]!r})")
            answers.append(AnswerData(start, start + len(text)))
    return QuestionData(q["question"], tuple(answers), str(qid) if qid is not None else None)
