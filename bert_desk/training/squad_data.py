"""SQuAD v1.1 JSON: read (with answer re-anchoring), split by article, write, and cut into QA windows.

Re-anchoring: an answer whose `context[start:start+len(text)]` is not `text` is moved to the occurrence of
`text` nearest the given offset (ties: the earlier one); an answer text absent from its context is
dropped. Both are counted. (In the reconstructed training file every offset already matches; the known
2–3 % that point at another occurrence of the same text cannot be told apart from the data, so answers
whose text occurs more than once are only counted, as `ambiguous`.)

Windows: question + context with `only_second` truncation and `doc_stride` overlapping tokens, as the
engine does at inference time; a window that does not hold the whole answer is labelled [CLS].
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bert_desk.training.readers import DataFormatError


@dataclass(frozen=True)
class GoldAnswer:
    start: int
    text: str


@dataclass(frozen=True)
class SquadQuestion:
    qid: str
    question: str
    answers: tuple[GoldAnswer, ...]


@dataclass(frozen=True)
class SquadParagraph:
    context: str
    questions: tuple[SquadQuestion, ...]


@dataclass(frozen=True)
class SquadArticle:
    title: str
    paragraphs: tuple[SquadParagraph, ...]


@dataclass(frozen=True)
class QAExample:
    """One training question with its (first) answer."""

    qid: str
    question: str
    context: str
    answer_start: int
    answer_text: str


@dataclass
class AnchorStats:
    """What re-anchoring did to the answers of a file."""

    answers: int = 0
    ok: int = 0
    moved: int = 0
    dropped: int = 0
    ambiguous: int = 0  # text occurs more than once in its context (offset kept)
    examples: list[str] = field(default_factory=list)  # a few moved/dropped ids, for the report

    def as_dict(self) -> dict[str, Any]:
        return {"answers": self.answers, "ok": self.ok, "moved": self.moved, "dropped": self.dropped,
                "ambiguous": self.ambiguous, "examples": self.examples[:10]}


def anchor_answer(context: str, text: str, start: int) -> int | None:
    """The verified start of `text` in `context`: `start` if it matches, else the nearest occurrence."""
    if not text:
        return None
    if start >= 0 and context[start:start + len(text)] == text:
        return start
    best: int | None = None
    at = context.find(text)
    while at >= 0:
        if best is None or abs(at - start) < abs(best - start):
            best = at
        at = context.find(text, at + 1)
    return best


def _field(obj: Any, key: str, kind: type, where: str, path: Path) -> Any:
    value = obj.get(key) if isinstance(obj, dict) else None
    if not isinstance(value, kind):
        raise DataFormatError(path, 0, f"{where}: expected '{key}' ({kind.__name__})")
    return value


def read_squad(path: str | Path, stats: AnchorStats | None = None) -> list[SquadArticle]:
    """Read a SQuAD v1.1 file, re-anchoring answers (counts go into `stats`)."""
    path = Path(path)
    if not path.is_file():
        raise DataFormatError(path, 0, "file not found")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFormatError(path, 0, f"not SQuAD JSON ({exc})") from None
    stats = stats if stats is not None else AnchorStats()
    articles = []
    for a_index, article in enumerate(_field(raw, "data", list, "top level", path)):
        paragraphs = []
        for p_index, para in enumerate(_field(article, "paragraphs", list, f"article {a_index}", path)):
            where = f"article {a_index} paragraph {p_index}"
            context = _field(para, "context", str, where, path)
            questions = []
            for q in _field(para, "qas", list, where, path):
                qid = str(q.get("id", f"{a_index}-{p_index}-{len(questions)}")) if isinstance(q, dict) else ""
                question = _field(q, "question", str, f"{where} question {qid}", path)
                answers = []
                for ans in _field(q, "answers", list, f"question {qid}", path):
                    text = _field(ans, "text", str, f"question {qid} answer", path)
                    given = ans.get("answer_start", -1)
                    stats.answers += 1
                    start = anchor_answer(context, text, given if isinstance(given, int) else -1)
                    if start is None:
                        stats.dropped += 1
                        stats.examples.append(f"{qid}: dropped")
                        continue
                    if start == given:
                        stats.ok += 1
                    else:
                        stats.moved += 1
                        stats.examples.append(f"{qid}: {given} -> {start}")
                    if context.count(text) > 1:
                        stats.ambiguous += 1
                    answers.append(GoldAnswer(start, text))
                questions.append(SquadQuestion(qid, question, tuple(answers)))
            paragraphs.append(SquadParagraph(context, tuple(questions)))
        title = article.get("title", f"article-{a_index}") if isinstance(article, dict) else ""
        articles.append(SquadArticle(str(title), tuple(paragraphs)))
    return articles


def split_articles(articles: Sequence[SquadArticle], fraction: float, seed: int
                   ) -> tuple[list[SquadArticle], list[SquadArticle]]:
    """Hold out whole articles: (train, valid), about `fraction` of the articles in valid (at least 1)."""
    order = list(range(len(articles)))
    random.Random(seed).shuffle(order)
    n_valid = min(len(articles) - 1, max(1, round(len(articles) * fraction))) if len(articles) > 1 else 0
    held = set(order[:n_valid])
    return ([a for i, a in enumerate(articles) if i not in held], [a for i, a in enumerate(articles) if i in held])


def write_squad(articles: Iterable[SquadArticle], path: str | Path) -> Path:
    """Write articles in the SQuAD v1.1 layout."""
    data = [{"title": a.title, "paragraphs": [
        {"context": p.context, "qas": [
            {"id": q.qid, "question": q.question,
             "answers": [{"answer_start": g.start, "text": g.text} for g in q.answers]}
            for q in p.questions]}
        for p in a.paragraphs]} for a in articles]
    path = Path(path)
    path.write_text(json.dumps({"data": data, "version": "1.1"}, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def training_examples(articles: Iterable[SquadArticle]) -> list[QAExample]:
    """One example per answered question (its first answer), in file order."""
    return [QAExample(q.qid, q.question.strip(), p.context, q.answers[0].start, q.answers[0].text)
            for a in articles for p in a.paragraphs for q in p.questions if q.answers]


def _label_window(offsets: Sequence[Sequence[int]], seq_ids: Sequence[int | None], cls: int,
                  start_char: int, end_char: int) -> tuple[int, int]:
    """(start token, end token) of [start_char, end_char) inside the window's context, else (cls, cls)."""
    ctx = [i for i, s in enumerate(seq_ids) if s == 1]
    if not ctx:
        return cls, cls
    first, last = ctx[0], ctx[-1]
    if offsets[first][0] > start_char or offsets[last][1] < end_char:
        return cls, cls
    start = first
    while start <= last and offsets[start][0] <= start_char:
        start += 1
    end = last
    while end >= first and offsets[end][1] >= end_char:
        end -= 1
    return start - 1, end + 1


def qa_features(tokenizer: Any, examples: Sequence[QAExample], *, max_length: int, doc_stride: int,
                batch: int = 512) -> list[dict[str, Any]]:
    """Tokenised training windows with `start_positions`/`end_positions` (and `example` index).

    The stride shrinks for a batch whose longest question leaves too little room, as in the engine.
    """
    features: list[dict[str, Any]] = []
    specials = tokenizer.num_special_tokens_to_add(pair=True)
    for lo in range(0, len(examples), batch):
        chunk = examples[lo:lo + batch]
        questions = [e.question for e in chunk]
        q_len = max(len(ids) for ids in tokenizer(questions, add_special_tokens=False)["input_ids"])
        room = max_length - q_len - specials
        if room < 4:
            raise ValueError(f"a question of {q_len} tokens leaves no room in a {max_length}-token window")
        enc = tokenizer(questions, [e.context for e in chunk], truncation="only_second", max_length=max_length,
                        stride=max(0, min(doc_stride, room // 2)), return_overflowing_tokens=True,
                        return_offsets_mapping=True)
        for i, ids in enumerate(enc["input_ids"]):
            example = chunk[enc["overflow_to_sample_mapping"][i]]
            cls = ids.index(tokenizer.cls_token_id) if tokenizer.cls_token_id in ids else 0
            start, end = _label_window(enc["offset_mapping"][i], enc.sequence_ids(i), cls, example.answer_start,
                                       example.answer_start + len(example.answer_text))
            feature = {k: enc[k][i] for k in ("input_ids", "attention_mask", "token_type_ids") if k in enc}
            feature.update(start_positions=start, end_positions=end, example=lo + enc["overflow_to_sample_mapping"][i])
            features.append(feature)
    return features
