"""SQL for filtered document lists (kept apart so list/count/navigation share one definition)."""

from __future__ import annotations

import getpass
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from bert_desk.project.errors import ProjectError
from bert_desk.project.types import PROJECT_TASKS, STATUSES

# A span/label row belongs to the effective layer when it is human and the human layer exists,
# or it is a model proposal and no human layer exists.
_EFFECTIVE = ("{a}.source = CASE WHEN EXISTS (SELECT 1 FROM reviews r WHERE r.doc_id = {a}.doc_id "
              "AND r.task = {a}.task) THEN 'human' ELSE 'model' END")


ORDERS: tuple[str, ...] = ("position", "confidence")  # document order; least confident proposals first


@dataclass(frozen=True)
class DocFilter:
    task: str | None = None
    status: str | Iterable[str] | None = None
    label: str | None = None
    search: str | None = None
    disagree: bool = False  # only documents whose reviewed annotations differ from the model's proposals (task)
    order: str = "position"


# A document of `task` whose human layer differs from the model's last proposals (spans, labels, answers).
_DIFFERS = """d.id IN (SELECT pr.doc_id FROM proposal_runs pr JOIN reviews r ON r.doc_id = pr.doc_id AND r.task = pr.task
WHERE pr.task = ? AND (
 EXISTS (SELECT 1 FROM spans a WHERE a.doc_id = pr.doc_id AND a.task = pr.task AND NOT EXISTS (SELECT 1 FROM spans b
  WHERE b.doc_id = a.doc_id AND b.task = a.task AND b.source != a.source AND b.start = a.start AND b."end" = a."end"
  AND b.label = a.label))
 OR EXISTS (SELECT 1 FROM labels a WHERE a.doc_id = pr.doc_id AND a.task = pr.task AND NOT EXISTS (SELECT 1
  FROM labels b WHERE b.doc_id = a.doc_id AND b.task = a.task AND b.source != a.source AND b.label = a.label))
 OR (pr.task = 'qa' AND EXISTS (SELECT 1 FROM answers a JOIN questions q ON q.id = a.question_id
  WHERE q.doc_id = pr.doc_id AND NOT EXISTS (SELECT 1 FROM answers b WHERE b.question_id = a.question_id
  AND b.source != a.source AND b.start IS a.start AND b."end" IS a."end")))))"""


def order_key(f: DocFilter) -> tuple[str, list[Any]]:
    """The sort key of `documents d` (an SQL expression, then `d.position`) and its parameters: the
    proposal confidence of `f.task` (documents without one last), or the position alone."""
    if f.order not in ORDERS:
        raise ProjectError(f"unknown order {f.order!r} (expected one of {', '.join(ORDERS)})")
    if f.order == "position":
        return "''", []  # a constant: the position decides
    if f.task is None:
        raise ProjectError("ordering by confidence needs a task")
    return ("COALESCE((SELECT pr.confidence FROM proposal_runs pr WHERE pr.doc_id = d.id AND pr.task = ?), 2.0)",
            [f.task])


def _statuses(status: str | Iterable[str]) -> list[str]:
    wanted = [status] if isinstance(status, str) else list(status)
    for item in wanted:
        if item not in STATUSES:
            raise ProjectError(f"unknown status {item!r} (expected one of {', '.join(STATUSES)})")
    return wanted


def where_clause(f: DocFilter, extra: str | None = None) -> tuple[str, list[Any]]:
    """`WHERE …` over `documents d` and its parameters (extra condition's parameters come last)."""
    conds: list[str] = []
    params: list[Any] = []
    if f.task is not None and f.task not in PROJECT_TASKS:
        raise ProjectError(f"unknown task {f.task!r} (expected one of {', '.join(PROJECT_TASKS)})")
    if f.status is not None:
        wanted = _statuses(f.status)
        task_cond = "task = ? AND " if f.task else ""
        task_param = [f.task] if f.task else []
        ors: list[str] = []
        others = [s for s in wanted if s != "unreviewed"]
        if "unreviewed" in wanted:
            ors.append(f"d.id NOT IN (SELECT doc_id FROM reviews WHERE {task_cond}status != 'unreviewed')")
            params += task_param
        if others:
            marks = ",".join("?" * len(others))
            ors.append(f"d.id IN (SELECT doc_id FROM reviews WHERE {task_cond}status IN ({marks}))")
            params += task_param + others
        conds.append("(" + " OR ".join(ors) + ")" if ors else "0")
    if f.label is not None:
        task_cond = "AND {a}.task = ? " if f.task else ""
        parts = []
        for table, alias in (("spans", "s"), ("labels", "l")):
            parts.append(f"SELECT {alias}.doc_id FROM {table} {alias} WHERE {alias}.label = ? "
                         + task_cond.format(a=alias) + "AND " + _EFFECTIVE.format(a=alias))
            params += [f.label] + ([f.task] if f.task else [])
        conds.append("d.id IN (" + " UNION ".join(parts) + ")")
    if f.search:
        conds.append("bd_contains(d.text, ?)")
        params.append(f.search)
    if f.disagree:
        if f.task is None:
            raise ProjectError("the disagreement filter needs a task")
        conds.append(_DIFFERS)
        params.append(f.task)
    if extra:
        conds.append(extra)
    return ("WHERE " + " AND ".join(conds)) if conds else "", params


PREVIEW_CHARS = 160


def default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers)
        return "reviewer"


def make_preview(text: str) -> str:
    """First characters of a text on one line."""
    return " ".join(text[: PREVIEW_CHARS * 2].split())[:PREVIEW_CHARS]


def contains(text: str | None, needle: str | None) -> bool:
    if text is None or needle is None:
        return False
    return needle.casefold() in text.casefold()


def check_task(task: str) -> None:
    if task not in PROJECT_TASKS:
        raise ProjectError(f"unknown task {task!r} (expected one of {', '.join(PROJECT_TASKS)})")


def chunks(items: Sequence[int], size: int = 500) -> Iterator[Sequence[int]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]
