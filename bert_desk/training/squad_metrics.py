"""The official SQuAD v1.1 exact-match and F1 (same normalisation as `evaluate-v1.1.py`).

Normalisation: lower-case, drop punctuation, drop the articles a/an/the, collapse whitespace.
A prediction scores the best value over all gold answers of its question; totals are percentages.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Mapping, Sequence

_PUNCTUATION = frozenset(string.punctuation)
_ARTICLES = re.compile(r"\b(a|an|the)\b")


def normalize_answer(text: str) -> str:
    """Lower-case, remove punctuation and articles, collapse whitespace (official order)."""
    text = text.lower()
    text = "".join(ch for ch in text if ch not in _PUNCTUATION)
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def exact_match(prediction: str, gold: str) -> float:
    """1.0 when the normalised strings are equal, else 0.0."""
    return float(normalize_answer(prediction) == normalize_answer(gold))


def f1_score(prediction: str, gold: str) -> float:
    """Token-overlap F1 of the normalised strings (0.0 when they share no token)."""
    pred_tokens = normalize_answer(prediction).split()
    gold_tokens = normalize_answer(gold).split()
    common = Counter(pred_tokens) & Counter(gold_tokens)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision = same / len(pred_tokens)
    recall = same / len(gold_tokens)
    return 2 * precision * recall / (precision + recall)


def best_over_golds(metric: object, prediction: str, golds: Sequence[str]) -> float:
    """max(metric(prediction, g) for g in golds); 0.0 without golds."""
    return max((metric(prediction, g) for g in golds), default=0.0)  # type: ignore[operator]


def squad_scores(predictions: Mapping[str, str], golds: Mapping[str, Sequence[str]]) -> dict[str, float]:
    """Official totals over the questions in `golds`: {"exact_match", "f1", "total"}.

    A question without a prediction scores 0 (as in the official script, which also warns).
    """
    em = f1 = 0.0
    for qid, answers in golds.items():
        prediction = predictions.get(qid)
        if prediction is None:
            continue
        em += best_over_golds(exact_match, prediction, answers)
        f1 += best_over_golds(f1_score, prediction, answers)
    total = len(golds)
    return {"exact_match": 100.0 * em / total if total else 0.0, "f1": 100.0 * f1 / total if total else 0.0,
            "total": float(total)}
