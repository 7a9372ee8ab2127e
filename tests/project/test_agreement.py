"""Model vs reviewer metrics against hand-computed numbers."""

from __future__ import annotations

import pytest

from bert_desk.project import Project
from bert_desk.project.agreement import agreement


def test_ner_exact_span_match(project: Project) -> None:
    d1, d2, d3, d4 = project.add_documents(["x" * 30] * 4)
    project.set_spans(d1, [(0, 5, "PER"), (10, 15, "LOC")])
    project.set_spans(d1, [(0, 5, "PER"), (10, 14, "LOC"), (20, 25, "ORG")], source="model", model="m")
    project.set_status(d1, "ner", "accepted")
    project.set_spans(d2, [(0, 3, "PER")], source="model", model="m")
    project.set_status(d2, "ner", "accepted")  # accepted as proposed
    project.set_spans(d3, [(0, 3, "PER")], source="model", model="m")  # unreviewed: not counted
    project.set_spans(d4, [(0, 3, "PER")])  # never proposed: not counted
    project.set_status(d4, "ner", "accepted")
    result = agreement(project, "ner")
    assert result.documents == 2
    per, loc, org = result.labels["PER"], result.labels["LOC"], result.labels["ORG"]
    assert (per.tp, per.fp, per.fn, per.precision, per.recall, per.f1) == (2, 0, 0, 1.0, 1.0, 1.0)
    assert (loc.tp, loc.fp, loc.fn, loc.f1) == (0, 1, 1, 0.0)
    assert (org.tp, org.fp, org.fn, org.precision, org.recall, org.f1) == (0, 1, 0, 0.0, 0.0, 0.0)
    micro = result.micro
    assert (micro.precision, micro.recall) == (0.5, pytest.approx(2 / 3))
    assert micro.f1 == pytest.approx(4 / 7)
    assert result.macro_f1 == pytest.approx(1 / 3)
    assert agreement(project, "ner", model="other").documents == 0


def test_sentiment_label_match(project: Project) -> None:
    pairs = [("pos", "pos"), ("neg", "pos"), ("neg", "neg"), ("pos", "neg"), ("neu", "pos")]
    for doc, (gold, pred) in zip(project.add_documents(["t"] * 5), pairs, strict=True):
        project.set_label(doc, pred, source="model", model="m")
        project.set_label(doc, gold)
        project.set_status(doc, "sentiment", "accepted")
    r = agreement(project, "sentiment")
    pos, neg, neu = r.labels["pos"], r.labels["neg"], r.labels["neu"]
    assert (pos.tp, pos.fp, pos.fn) == (1, 2, 1)
    assert (pos.precision, pos.recall, pos.f1) == (pytest.approx(1 / 3), 0.5, pytest.approx(0.4))
    assert (neg.precision, neg.recall, neg.f1) == (0.5, 0.5, 0.5)
    assert (neu.precision, neu.recall, neu.f1, neu.support) == (0.0, 0.0, 0.0, 1)
    assert (r.micro.precision, r.micro.recall) == (0.4, 0.4)


def test_qa_exact_answer(project: Project) -> None:
    (doc,) = project.add_documents(["0123456789abcdef"])
    cases = [  # human answers, model answer (None: no model answer)
        ([(5, 10)], (5, 10)),
        ([(5, 10)], (5, 9)),
        ([(None, None)], (None, None)),
        ([(None, None)], (0, 3)),
        ([(1, 2), (1, 3)], (1, 3)),
        ([(0, 2)], None),
    ]
    from bert_desk.project import AnswerData

    for i, (gold, pred) in enumerate(cases):
        q = project.add_question(doc, f"q{i}")
        if pred is not None:
            project.set_answer(q, *pred, source="model", model="m")
        project.set_answers(q, [AnswerData(*g) for g in gold])
    project.set_status(doc, "qa", "accepted")
    r = agreement(project, "qa")
    ans, none = r.labels["answer"], r.labels["no_answer"]
    assert (ans.tp, ans.fp, ans.fn, ans.precision, ans.recall) == (2, 2, 2, 0.5, 0.5)
    assert (none.tp, none.fp, none.fn, none.precision, none.recall) == (1, 0, 1, 1.0, 0.5)
    assert none.f1 == pytest.approx(2 / 3)
    assert r.as_dict()["micro"]["tp"] == 3
