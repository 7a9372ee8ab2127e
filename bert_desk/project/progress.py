"""Progress and cancellation for the long project operations (export, import, agreement)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from bert_desk.engine.runtime import check
from bert_desk.engine.types import CancelToken, ProgressFn, no_progress

T = TypeVar("T")


def tracked(items: Iterable[T], total: int, progress: ProgressFn = no_progress, cancel: CancelToken | None = None,
            unit: str = "documents") -> Iterator[T]:
    """Yield `items`, reporting "done/total documents" after each one and checking `cancel`
    before each and after the last, so a cancel raises `Cancelled` inside the caller's loop (an
    import's transaction is still open then and rolls back). Throttling is the caller's business."""
    for done, item in enumerate(items, 1):
        check(cancel)
        yield item
        progress(min(1.0, done / total) if total else 1.0, f"{done:,}/{max(total, done):,} {unit}")
    check(cancel)
