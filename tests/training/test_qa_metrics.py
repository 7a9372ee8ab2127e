"""Official SQuAD v1.1 EM/F1 against hand-computed cases."""

from __future__ import annotations

import pytest

from bert_desk.training.squad_metrics import exact_match, f1_score, normalize_answer, squad_scores


@pytest.mark.parametrize(("raw", "normal"), [
    ("The  Quick, brown fox!", "quick brown fox"),
    ("an Apple a day", "apple day"),
    ("Theory of the\tcase", "theory of case"),  # "the" only as a whole word
    ("U.S.-based", "usbased"),
    ("  ", ""),
])
def test_normalisation_matches_the_official_script(raw: str, normal: str) -> None:
    assert normalize_answer(raw) == normal


def test_exact_match_and_f1_by_hand() -> None:
    assert exact_match("an apple", "Apple.") == 1.0
    assert exact_match("apple pie", "apple") == 0.0
    # pred {cat, sat}; gold {cat, sat, on, mat} ("the" removed): P = 1, R = 1/2, F1 = 2/3
    assert f1_score("the cat sat", "The cat sat on the mat") == pytest.approx(2 / 3)
    # tokens count with multiplicity: pred [x, x, y], gold [x, y, y] share one x and one y: P = R = 2/3
    assert f1_score("x x y", "x y y") == pytest.approx(2 / 3)
    assert f1_score("denver", "broncos") == 0.0
    assert f1_score("", "broncos") == 0.0


def test_totals_take_the_best_gold_and_count_missing_predictions() -> None:
    golds = {"q1": ["Denver Broncos", "Broncos"], "q2": ["the cat sat on the mat"], "q3": ["Paris"]}
    predictions = {"q1": "Broncos", "q2": "cat sat"}  # q3 unanswered
    scores = squad_scores(predictions, golds)
    # q1: EM 1, F1 1 (second gold); q2: EM 0, F1 = 2*(1*0.5)/(1.5) = 2/3; q3: 0, 0
    assert scores["exact_match"] == pytest.approx(100 / 3)
    assert scores["f1"] == pytest.approx(100 * (1 + 2 / 3) / 3)
    assert scores["total"] == 3
    assert squad_scores({}, {}) == {"exact_match": 0.0, "f1": 0.0, "total": 0.0}
