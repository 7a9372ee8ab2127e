"""Garbage from the GUI thread is collected on the GUI thread, even while the worker allocates."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from bert_desk.worker import InferenceService, JobContext, JobDone, gc_guard

WAIT = 30_000


@pytest.fixture
def low_thresholds() -> Iterator[None]:
    """Collections due after a few dozen allocations (restored afterwards)."""
    saved = gc.get_threshold()
    gc.set_threshold(50, 2, 2)
    yield
    gc.set_threshold(*saved)


class _Marker:
    """Records the thread its finaliser ran on (Qt objects in a cycle die the same way)."""

    def __init__(self, seen: list[int]) -> None:
        self.seen = seen
        self.cycle = self

    def __del__(self) -> None:
        self.seen.append(threading.get_ident())


def _churn(ctx: JobContext) -> int:
    """Allocate container objects the way tokenising a batch does: many collections' worth."""
    kept: list[Any] = []
    for i in range(100_000):
        kept.append([i])
        if len(kept) > 1000:
            kept.clear()
    return threading.get_ident()


def test_worker_allocations_never_collect_gui_garbage_off_the_gui_thread(
        qtbot: QtBot, qapp: object, low_thresholds: None) -> None:
    service = InferenceService({"churn": _churn})
    try:
        assert gc_guard.active() and not gc.isenabled()
        seen: list[int] = []
        _Marker(seen)  # unreachable at once, but only the cyclic collector can free it
        with qtbot.waitSignal(service.finished, timeout=WAIT) as blocker:
            service.submit("t", "churn")
        event = blocker.args[0]
        assert isinstance(event, JobDone) and event.result != threading.get_ident()
        assert seen == []  # the worker's allocations collected nothing
        junk = [[i] for i in range(100)]  # GUI-side allocations make a collection due
        qtbot.waitUntil(lambda: bool(seen), timeout=WAIT)  # and the GUI thread's timer runs it
        assert seen == [threading.get_ident()] and len(junk) == 100
    finally:
        service.shutdown()
    assert not gc_guard.active() and gc.isenabled()


def test_full_collections_follow_cpythons_rule(qapp: object) -> None:
    was_enabled = gc.isenabled()
    saved = gc.get_threshold()
    gc.disable()
    try:
        collector = gc_guard.GuiThreadCollector()
        gc.set_threshold(1, 1, 1)
        gc.collect()
        for generation in (1, 1, 0, 0):  # gen 2 and gen 1 over their thresholds
            gc.collect(generation)
        keep = [[], [], []]  # and gen 0
        collector._long_lived = len(gc.get_objects(generation=2))
        assert collector.collect_if_due() == 1  # few objects promoted since the last full collection
        gc.collect(0), gc.collect(0)
        keep += [[], [], []]
        collector._long_lived = 0
        assert collector.collect_if_due() == 2 and len(keep) == 6
        gc.set_threshold(0)
        assert collector.collect_if_due() is None
    finally:
        gc.set_threshold(*saved)
        if was_enabled:
            gc.enable()
