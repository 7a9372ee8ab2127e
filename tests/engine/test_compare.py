"""Model A against model B: differences per input, agreement and the confusion table over a batch."""

from __future__ import annotations

from bert_desk.engine import compare
from bert_desk.engine.types import Answer, Entity, NERResult, QAResult, SentimentResult

TEXT = "Angela Merkel visited Paris and Google"


def _ents(*items: tuple[int, int, str]) -> NERResult:
    return NERResult(TEXT, tuple(Entity(s, e, lab, 0.9, TEXT[s:e]) for s, e, lab in items))


def test_entities_only_in_a_only_in_b_and_relabelled() -> None:
    a = _ents((0, 13, "PER"), (22, 27, "LOC"), (32, 38, "ORG"))
    b = _ents((0, 13, "PER"), (22, 27, "ORG"), (7, 13, "PER"))
    diff = compare.difference("ner", a, b)
    assert not diff.agree
    assert [e.text for e in diff.only_a] == ["Google"] and [e.text for e in diff.only_b] == ["Merkel"]
    assert [(x.text, x.label, y.label) for x, y in diff.relabelled] == [("Paris", "LOC", "ORG")]
    data = compare.difference_json(diff)
    assert data["relabelled"] == [{"start": 22, "end": 27, "text": "Paris", "a": "LOC", "b": "ORG"}]
    assert compare.difference("ner", a, a).agree


def test_batch_agreement_and_confusion() -> None:
    def s(label: str) -> SentimentResult:
        return SentimentResult("t", label, 0.9, {label: 0.9})

    a = [s("POS"), s("POS"), s("NEG"), s("NEG")]
    b = [s("POS"), s("NEG"), s("NEG"), s("NEG")]
    result = compare.agreement("sentiment", a, b)
    assert (result.total, result.agreed, result.rate, result.differ) == (4, 3, 0.75, (1,))
    assert result.confusion == {"NEG": {"NEG": 2}, "POS": {"NEG": 1, "POS": 1}}
    table = compare.confusion_text(result).splitlines()
    assert table[0].split() == ["A", "\\", "B", "NEG", "POS"] and table[2].split() == ["POS", "1", "1"]
    ner = compare.agreement("ner", [_ents((0, 13, "PER"))], [_ents((0, 13, "PER"), (22, 27, "LOC"))])
    assert ner.confusion == {"(none)": {"LOC": 1}, "PER": {"PER": 1}} and ner.rate == 0.0


def test_qa_answers_and_no_answer() -> None:
    paris = QAResult("q", (Answer(22, 27, "Paris", 0.8),))
    nothing = QAResult("q", (Answer(22, 27, "Paris", 0.1),), no_answer=True)
    assert compare.difference("qa", paris, paris).agree
    diff = compare.difference("qa", paris, nothing)
    assert not diff.agree and (diff.a, diff.b) == ("Paris", "no answer")
