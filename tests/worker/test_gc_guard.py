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
        job = service.submit("t", "churn")
        with qtbot.waitSignal(job.done, timeout=WAIT) as blocker:
            pass
        event = blocker.args[0]
        assert isinstance(event, JobDone) and event.result != threading.get_ident()
        assert seen == []  # the worker's allocations collected nothing
        junk = [[i] for i in range(2000)]  # GUI-side allocations make a collection due (well over the threshold)
        qtbot.waitUntil(lambda: bool(seen), timeout=WAIT)  # and the GUI thread's timer runs it
        assert seen == [threading.get_ident()] and len(junk) == 2000
    finally:
        service.shutdown()
    assert not gc_guard.active() and gc.isenabled()


@pytest.fixture
def manual_gc() -> Iterator[None]:
    """Automatic collection off (as while a service runs); thresholds and state restored afterwards."""
    was_enabled, saved = gc.isenabled(), gc.get_threshold()
    gc.disable()
    yield
    gc.set_threshold(*saved)
    if was_enabled:
        gc.enable()


def test_full_collections_follow_cpythons_rule(qapp: object, manual_gc: None) -> None:
    collector = gc_guard.GuiThreadCollector()
    gc.set_threshold(1, 1, 1)
    gc.collect()
    for generation in (1, 1, 0, 0):  # gen 2 and gen 1 over their thresholds
        gc.collect(generation)
    keep = [[], [], []]  # and gen 0
    collector.long_lived, collector.pending = 10**9, 0
    assert collector.collect_if_due() == 1  # few objects promoted since the last full collection
    assert collector.pending >= 4  # `keep` and its lists were promoted
    gc.collect(0), gc.collect(0)
    keep += [[], [], []]
    collector.long_lived = 0
    assert collector.collect_if_due() == 2 and len(keep) == 6
    assert collector.pending == 0 and abs(collector.long_lived - len(gc.get_objects(generation=2))) < 10
    gc.set_threshold(0)
    assert collector.collect_if_due() is None


def test_promoted_objects_are_counted_as_they_reach_the_oldest_generation(qapp: object, manual_gc: None) -> None:
    gc.set_threshold(700, 10, 10**6)  # no full collection in this test
    gc.collect()
    collector = gc_guard.GuiThreadCollector()
    before = len(gc.get_objects(generation=2))
    kept = []
    for _ in range(30):
        kept.append([[i] for i in range(1000)])  # survivors
        for _ in range(500):
            cycle: list[Any] = []
            cycle.append(cycle)  # garbage that only the collector frees
        collector.collect_if_due()
    promoted = len(gc.get_objects(generation=2)) - before
    assert promoted > 20_000 and abs(collector.pending - promoted) <= promoted // 100


def test_timer_ticks_do_not_walk_the_heap(qapp: object, manual_gc: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only a full collection lists the oldest generation: a tick that finds nothing due, or only a young
    collection, stays cheap however big the heap is (it runs on the GUI thread every 100 ms)."""
    gc.set_threshold(700, 10, 10)
    gc.collect()
    collector = gc_guard.GuiThreadCollector()
    walks = 0
    real = gc.get_objects

    def counting(generation: int | None = None) -> list[Any]:
        nonlocal walks
        walks += generation == 2
        return real(generation=generation)

    monkeypatch.setattr(gc_guard.gc, "get_objects", counting)
    done = []
    for _ in range(300):  # cyclic garbage, nothing kept: many young collections, over 10 of generation 1
        for _ in range(1000):
            cycle: list[Any] = []
            cycle.append(cycle)
        done.append(collector.collect_if_due())
    for _ in range(20):  # idle ticks
        done.append(collector.collect_if_due())
    assert done.count(1) > 20 and done[-20:] == [None] * 20
    assert walks == done.count(2)
