"""Score a model on the held-back documents of a project training run, the way the app uses it.

The model runs through the engine (its loader and the task table's batch entry points), so what is
scored is what a reviewer would see: entities as exact (start, end, type) character spans, a sentiment
label per document, QA's first answer per question ("answer" / "no_answer" like `project.agreement`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from bert_desk.engine.types import CancelToken, ProgressFn, no_progress
from bert_desk.project.agreement import LabelScore
from bert_desk.project.store import Project
from bert_desk.training.project_data import Gold, collect


def _counts() -> dict[str, Counter[str]]:
    return {"tp": Counter(), "fp": Counter(), "fn": Counter()}


def _compare(counts: dict[str, Counter[str]], gold: set[Any], pred: set[Any], label: Any) -> None:
    counts["tp"].update(label(x) for x in gold & pred)
    counts["fp"].update(label(x) for x in pred - gold)
    counts["fn"].update(label(x) for x in gold - pred)


def scores_dict(counts: dict[str, Counter[str]], labels: Sequence[str]) -> dict[str, Any]:
    """{"labels": {label: P/R/F1/support}, "micro": {...}} for `labels` plus any other label seen."""
    names = [*labels, *sorted((set(counts["tp"]) | set(counts["fp"]) | set(counts["fn"])) - set(labels))]
    per = {n: LabelScore(n, counts["tp"][n], counts["fp"][n], counts["fn"][n]) for n in names}
    micro = LabelScore("micro", sum(counts["tp"].values()), sum(counts["fp"].values()), sum(counts["fn"].values()))

    def row(s: LabelScore) -> dict[str, Any]:
        return {"precision": round(s.precision, 4), "recall": round(s.recall, 4), "f1": round(s.f1, 4),
                "support": s.support}

    return {"labels": {n: row(s) for n, s in per.items()}, "micro": row(micro)}


def score_model(spec: str, task: str, held: Sequence[Gold], labels: Sequence[str], *, device: str = "auto",
                cancel: CancelToken | None = None, batch_size: int = 32,
                progress: ProgressFn = no_progress) -> dict[str, Any]:
    """Per-label precision, recall and F1 of the model `spec` on the held-back documents."""
    from bert_desk.engine.loading import load_model
    from bert_desk.engine.registry import TASKS

    model = load_model(spec, task, device=device)
    counts = _counts()
    texts = [g.text for g in held]
    if task == "ner":
        batch = TASKS["ner"].batch
        assert batch is not None
        for g, result in zip(held, batch(model, texts, batch_size=batch_size, progress=progress, cancel=cancel),
                             strict=True):
            pred = {(e.start, e.end, e.label) for e in result.entities}
            _compare(counts, set(g.spans), pred, lambda s: s[2])
    elif task == "sentiment":
        batch = TASKS["sentiment"].batch
        assert batch is not None
        for g, result in zip(held, batch(model, texts, batch_size=batch_size, progress=progress, cancel=cancel),
                             strict=True):
            _compare(counts, {g.label}, {result.label}, str)
    else:
        from bert_desk.engine.qa import answer_many

        for n, g in enumerate(held):
            progress(n / max(len(held), 1), f"{n:,} of {len(held):,} documents")
            questions = [q for q, answers in g.questions]
            for (_, answers), result in zip(g.questions, answer_many(model, questions, g.text, cancel=cancel),
                                            strict=True):
                first = None if result.no_answer or not result.answers else (
                    result.answers[0].start, result.answers[0].end)
                kind = "no_answer" if first is None else "answer"
                if first in set(answers):
                    counts["tp"][kind] += 1
                    continue
                counts["fp"][kind] += 1
                counts["fn"]["no_answer" if None in answers else "answer"] += 1
    return scores_dict(counts, labels)


def version_spec(project: Project, name: str) -> str:
    """The folder of the project's model version `name`, or `name` itself (any model spec)."""
    known = {v.name for v in project.versions.model_versions()}
    return str(project.versions.folder(name)) if name in known else name


def compare_versions(project: Project, task: str, first: str, second: str, *, holdout: float = 0.2, seed: int = 13,
                     device: str = "auto", progress: ProgressFn = no_progress,
                     cancel: CancelToken | None = None) -> dict[str, Any]:
    """Score two model versions (or model specs) on the accepted documents `project train` holds back with this
    `holdout` and `seed`: {"first": scores, "second": scores, "held_back": n} (`score_model`'s scores)."""
    data = collect(project, task, holdout=holdout, seed=seed)
    out: dict[str, Any] = {"held_back": len(data.held)}
    for i, (key, name) in enumerate((("first", first), ("second", second))):
        def step(fraction: float, _message: str = "", at: int = i, label: str = name) -> None:
            progress((at + fraction) / 2, f"Scoring {label} on {len(data.held):,} held-back documents…")

        step(0.0)
        out[key] = score_model(version_spec(project, name), task, data.held, data.labels, device=device,
                               cancel=cancel, progress=step)
    progress(1.0, "")
    return out


def format_comparison(previous: dict[str, Any] | None, new: dict[str, Any]) -> str:
    """Old vs new P/R/F1 per label as a plain-text table."""
    names = list(new["labels"]) + [n for n in (previous or {}).get("labels", {}) if n not in new["labels"]]
    width = max([len(n) for n in names] + [8])
    head = f"{'label':<{width}}  {'previous P/R/F1':>20}  {'new P/R/F1':>20}  {'support':>7}"
    lines = [head]

    def cell(scores: dict[str, Any] | None, name: str) -> str:
        s = (scores or {}).get("labels", {}).get(name) if name != "micro" else (scores or {}).get("micro")
        return f"{s['precision']:.2f}/{s['recall']:.2f}/{s['f1']:.2f}" if s else "-"

    for name in [*names, "micro"]:
        support = (new["micro"] if name == "micro" else new["labels"].get(name, {})).get("support", 0)
        lines.append(f"{name:<{width}}  {cell(previous, name):>20}  {cell(new, name):>20}  {support:>7}")
    return "\n".join(lines)
