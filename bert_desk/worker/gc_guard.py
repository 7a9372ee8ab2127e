"""Python's cyclic garbage collector, run on the GUI thread only while inference threads exist.

Automatic collection runs in whichever thread happens to allocate. While the inference worker
allocates (tokenising, running a model, reading a project), that is usually the worker, and a
collection there destroys whatever cycles it finds, Qt objects included (a closed widget or icon
caught in a reference cycle), off the GUI thread, which can crash Qt. So while any
`InferenceService` is alive, automatic collection is off and a timer on the GUI thread collects
with the same rules as CPython's own: the thresholds of `gc.set_threshold`, and a full collection only once
the objects promoted since the last one reach a quarter of those that survived it. Like CPython, it counts
the promoted objects as it goes (survivors of each generation-1 collection, from the small young
generations), so a timer tick never walks the whole heap: only a full collection does.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer

INTERVAL_MS = 100


class GuiThreadCollector(QObject):
    """Collects garbage on the thread it lives on (the GUI thread), from a timer."""

    def __init__(self, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__()
        self.long_lived = len(gc.get_objects(generation=2))  # survivors of the last full collection
        self.pending = 0  # objects promoted to the oldest generation since then
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_if_due)

    def start(self) -> None:
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        """Stop the timer; automatic collection stays off until `release` turns it back on."""
        self._timer.stop()

    def collect_if_due(self) -> int | None:
        """Collect the oldest generation that is due; returns it, or None when none was."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        if thresholds[0] == 0:
            return None  # gc.set_threshold(0) turns collection off, as it does in CPython
        if counts[2] > thresholds[2] and self.pending > self.long_lived // 4:
            gc.collect(2)  # CPython's rule: full collections stay rare on big heaps
            self.long_lived, self.pending = len(gc.get_objects(generation=2)), 0
            return 2
        if counts[1] > thresholds[1]:
            young = len(gc.get_objects(generation=0)) + len(gc.get_objects(generation=1))
            self.pending += max(0, young - gc.collect(1))  # the survivors move to the oldest generation
            return 1
        if counts[0] > thresholds[0]:
            gc.collect(0)
            return 0
        return None


_collector: GuiThreadCollector | None = None
_users = 0


def acquire() -> bool:
    """A service starts: collection moves to the GUI thread if not there yet. False (nothing done)
    when there is no application or this is not its thread; call `release` only after True."""
    global _collector, _users
    app = QCoreApplication.instance()
    if app is None or QThread.currentThread() != app.thread():
        return False
    if _collector is None:
        _collector = GuiThreadCollector()
        _collector.start()
    _users += 1
    return True


def release() -> None:
    """A service that acquired has stopped: the last one gives collection back to Python."""
    global _collector, _users
    _users = max(0, _users - 1)
    if _users == 0 and _collector is not None:
        collector, _collector = _collector, None
        collector.stop()
        # Destroy the collector (a QObject) before collection is back on: a collection that an allocation
        # triggers inside a Qt destructor may destroy other QObjects there, and Qt's destructor then waits
        # for a signal-slot mutex its outer destructor holds (seen as a hang at a service's shutdown).
        del collector
        gc.enable()


def active() -> bool:
    """True while collection runs on the GUI thread (automatic collection is off)."""
    return _collector is not None
