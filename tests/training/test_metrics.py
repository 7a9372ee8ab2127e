"""Metrics against values computed by hand."""

from __future__ import annotations

import pytest

from bert_desk.training.metrics import accuracy, entity_prf, format_table, per_class_prf


def test_accuracy() -> None:
    assert accuracy(["a", "b", "a", "a"], ["a", "a", "a", "b"]) == 0.5
    assert accuracy([], []) == 0.0
    with pytest.raises(ValueError):
        accuracy(["a"], [])


def test_per_class_prf_by_hand() -> None:
    gold = ["P", "P", "P", "N", "N"]
    pred = ["P", "P", "N", "N", "P"]
    m = per_class_prf(gold, pred)
    # P: tp=2, predicted 3, gold 3 -> P=R=F1=2/3.  N: tp=1, predicted 2, gold 2 -> 1/2.
    assert m["P"]["precision"] == pytest.approx(2 / 3)
    assert m["P"]["recall"] == pytest.approx(2 / 3)
    assert m["N"]["f1"] == pytest.approx(0.5)
    assert m["N"]["support"] == 2
    assert m["macro avg"]["f1"] == pytest.approx((2 / 3 + 0.5) / 2)
    assert "precision" in format_table(m)


def test_per_class_prf_unpredicted_class_is_zero() -> None:
    m = per_class_prf(["A", "B"], ["A", "A"], labels=["A", "B"])
    assert m["B"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1.0}
    assert m["A"]["precision"] == 0.5


def test_entity_prf_by_hand() -> None:
    gold = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG", "O"]]
    pred = [["B-PER", "I-PER", "O", "B-ORG"], ["B-ORG", "B-LOC"]]
    m = entity_prf(gold, pred)
    # gold entities: PER(0-2), LOC(3), ORG(s2 0); predicted: PER(0-2), ORG(3), ORG(s2 0), LOC(s2 1)
    # correct: PER, ORG(s2 0) -> P = 2/4, R = 2/3
    assert m["micro avg"]["precision"] == pytest.approx(0.5)
    assert m["micro avg"]["recall"] == pytest.approx(2 / 3)
    assert m["micro avg"]["f1"] == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))
    assert m["PER"]["f1"] == 1.0
    assert m["LOC"]["f1"] == 0.0
    assert m["ORG"]["precision"] == 0.5 and m["ORG"]["recall"] == 1.0


def test_entity_prf_partial_span_is_wrong() -> None:
    m = entity_prf([["B-PER", "I-PER"]], [["B-PER", "O"]])
    assert m["micro avg"]["f1"] == 0.0
