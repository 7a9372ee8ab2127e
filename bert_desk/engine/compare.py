"""Model A against model B on the same inputs: what differs in one result, and how often they agree.

Pure Python over the engine's results (no torch). Per input, a `Difference`: sentiment, whether the labels
differ; NER, the entity spans only A found, only B found, and those both found with another label; QA, whether
the best answers differ (a span, or "no answer"). Over a batch, `agreement`: the share of inputs where the
results agree, a confusion table of A's labels against B's (sentiment labels; NER labels of aligned spans,
`NONE` where one model found nothing there; QA none), and the indices of the inputs where they differ.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bert_desk.engine.types import EngineError, Entity, NERResult, QAResult, SentimentResult

NONE = "(none)"
TASKS = ("sentiment", "qa", "ner")


@dataclass(frozen=True)
class Difference:
    """How B's result differs from A's on one input (`agree`: not at all)."""

    agree: bool
    a: str = ""  # A's verdict in words (label; answer; "3 entities")
    b: str = ""
    only_a: tuple[Entity, ...] = ()  # NER
    only_b: tuple[Entity, ...] = ()
    relabelled: tuple[tuple[Entity, Entity], ...] = ()  # NER: (A's, B's) on the same span
    pairs: tuple[tuple[str, str], ...] = ()  # (A's label, B's label) for the confusion table


@dataclass(frozen=True)
class Agreement:
    """A batch: how many inputs, the share that agree, A × B label counts, the inputs that differ."""

    total: int
    agreed: int
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    differ: tuple[int, ...] = ()

    @property
    def rate(self) -> float:
        return self.agreed / self.total if self.total else 1.0


def _best(result: QAResult) -> tuple[int, int] | None:
    return None if result.no_answer or not result.answers else (result.answers[0].start, result.answers[0].end)


def difference(task: str, a: Any, b: Any) -> Difference:
    """Compare two results of `task` for the same input."""
    if task == "sentiment":
        assert isinstance(a, SentimentResult) and isinstance(b, SentimentResult)
        return Difference(a.label == b.label, a.label, b.label, pairs=((a.label, b.label),))
    if task == "qa":
        assert isinstance(a, QAResult) and isinstance(b, QAResult)
        word_a, word_b = ("no answer" if _best(r) is None else r.answers[0].text for r in (a, b))
        return Difference(_best(a) == _best(b), word_a, word_b)
    if task == "ner":
        assert isinstance(a, NERResult) and isinstance(b, NERResult)
        return _entities(a, b)
    raise EngineError(f"Cannot compare '{task}' results (known: {', '.join(TASKS)})")


def _entities(a: NERResult, b: NERResult) -> Difference:
    spans_b = {(e.start, e.end): e for e in b.entities}
    spans_a = {(e.start, e.end): e for e in a.entities}
    relabelled = tuple((e, spans_b[e.start, e.end]) for e in a.entities
                       if (e.start, e.end) in spans_b and spans_b[e.start, e.end].label != e.label)
    only_a = tuple(e for e in a.entities if (e.start, e.end) not in spans_b)
    only_b = tuple(e for e in b.entities if (e.start, e.end) not in spans_a)
    pairs = [(e.label, spans_b[e.start, e.end].label if (e.start, e.end) in spans_b else NONE) for e in a.entities]
    pairs += [(NONE, e.label) for e in only_b]
    return Difference(not (relabelled or only_a or only_b), f"{len(a.entities)} entities", f"{len(b.entities)} entities",
                      only_a, only_b, relabelled, tuple(pairs))


def agreement(task: str, results_a: Sequence[Any], results_b: Sequence[Any]) -> Agreement:
    """Agreement over a batch (results in the same input order)."""
    if len(results_a) != len(results_b):
        raise EngineError(f"Model A has {len(results_a)} results and model B {len(results_b)}")
    return summarize([difference(task, a, b) for a, b in zip(results_a, results_b, strict=True)])


def summarize(differences: Sequence[Difference]) -> Agreement:
    """Agreement over the differences of a batch's inputs, in order."""
    counts: Counter[tuple[str, str]] = Counter()
    for diff in differences:
        counts.update(diff.pairs)
    confusion: dict[str, dict[str, int]] = {}
    for (label_a, label_b), n in sorted(counts.items()):
        confusion.setdefault(label_a, {})[label_b] = n
    differ = tuple(i for i, diff in enumerate(differences) if not diff.agree)
    return Agreement(len(differences), len(differences) - len(differ), confusion, differ)


def difference_json(diff: Difference) -> dict[str, Any]:
    """One input's comparison as the CLI's JSON fields."""
    out: dict[str, Any] = {"agree": diff.agree, "a": diff.a, "b": diff.b}

    def spans(entities: Sequence[Entity]) -> list[dict[str, Any]]:
        return [{"start": e.start, "end": e.end, "label": e.label, "text": e.text} for e in entities]

    if diff.only_a or diff.only_b or diff.relabelled:
        out["only_a"], out["only_b"] = spans(diff.only_a), spans(diff.only_b)
        out["relabelled"] = [{"start": x.start, "end": x.end, "text": x.text, "a": x.label, "b": y.label}
                             for x, y in diff.relabelled]
    return out


def agreement_json(result: Agreement) -> dict[str, Any]:
    """The batch summary as JSON: total, agreed, rate, confusion (A label -> B label -> count), differ."""
    return {"total": result.total, "agreed": result.agreed, "rate": round(result.rate, 6),
            "confusion": result.confusion, "differ": list(result.differ)}


def confusion_text(result: Agreement) -> str:
    """The confusion table as aligned text: rows A's labels, columns B's."""
    if not result.confusion:
        return ""
    columns = sorted({b for row in result.confusion.values() for b in row})
    width = max(6, *(len(c) for c in columns), *(len(r) for r in result.confusion)) + 2
    lines = ["A \\ B".ljust(width) + "".join(c.rjust(width) for c in columns)]
    for label, row in result.confusion.items():
        lines.append(label.ljust(width) + "".join(str(row.get(c, 0)).rjust(width) for c in columns))
    return "\n".join(lines)
