"""Evaluation metrics that can be checked by hand: accuracy, per-class and entity-level P/R/F1."""

from __future__ import annotations

from collections.abc import Sequence

PRF = dict[str, float]


def _prf(tp: int, n_pred: int, n_true: int) -> PRF:
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_true if n_true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "support": float(n_true)}


def accuracy(y_true: Sequence[str], y_pred: Sequence[str]) -> float:
    """Fraction of positions where prediction equals truth (0.0 for empty input)."""
    if len(y_true) != len(y_pred):
        raise ValueError(f"{len(y_true)} gold labels but {len(y_pred)} predictions")
    return sum(t == p for t, p in zip(y_true, y_pred, strict=True)) / len(y_true) if y_true else 0.0


def per_class_prf(y_true: Sequence[str], y_pred: Sequence[str],
                  labels: Sequence[str] | None = None) -> dict[str, PRF]:
    """Precision, recall, F1 and support for each class, plus `macro avg`."""
    if len(y_true) != len(y_pred):
        raise ValueError(f"{len(y_true)} gold labels but {len(y_pred)} predictions")
    classes = list(labels) if labels is not None else sorted(set(y_true) | set(y_pred))
    out: dict[str, PRF] = {}
    for label in classes:
        tp = sum(t == label and p == label for t, p in zip(y_true, y_pred, strict=True))
        out[label] = _prf(tp, sum(p == label for p in y_pred), sum(t == label for t in y_true))
    if classes:
        out["macro avg"] = {
            key: sum(out[c][key] for c in classes) / len(classes) for key in ("precision", "recall", "f1")
        }
        out["macro avg"]["support"] = float(len(y_true))
    return out


def entity_prf(y_true: Sequence[Sequence[str]], y_pred: Sequence[Sequence[str]]) -> dict[str, PRF]:
    """Entity-level (exact span and type) P/R/F1 per entity type and `micro avg`, via seqeval.

    IOB2 tags; as in conlleval, an `I-X` that does not continue an `X` entity starts a new one.
    """
    from seqeval.metrics import classification_report

    if len(y_true) != len(y_pred) or any(len(t) != len(p) for t, p in zip(y_true, y_pred, strict=True)):
        raise ValueError("gold and predicted tag sequences differ in length")
    report = classification_report([list(s) for s in y_true], [list(s) for s in y_pred],
                                   output_dict=True, zero_division=0)
    out: dict[str, PRF] = {}
    for name, values in report.items():
        if name in ("macro avg", "weighted avg"):
            continue
        out[name] = {
            "precision": float(values["precision"]),
            "recall": float(values["recall"]),
            "f1": float(values["f1-score"]),
            "support": float(values["support"]),
        }
    if "micro avg" not in out:
        out["micro avg"] = {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0.0}
    return out


def format_table(rows: dict[str, PRF], *, title: str = "") -> str:
    """Render a P/R/F1 dict as an aligned text table."""
    width = max([len(name) for name in rows] + [8])
    lines = [title] if title else []
    lines.append(f"{'':<{width}}  {'precision':>9}  {'recall':>9}  {'f1':>9}  {'support':>8}")
    for name, m in rows.items():
        lines.append(f"{name:<{width}}  {m['precision']:>9.4f}  {m['recall']:>9.4f}  {m['f1']:>9.4f}  "
                     f"{int(m.get('support', 0)):>8d}")
    return "\n".join(lines)
