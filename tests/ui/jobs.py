"""Waiting for a job the GUI started: the job handle of a slot, found after the action that submits it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

from pytestqt.qtbot import QtBot

from bert_desk.worker import InferenceService
from tests.ui.conftest import WAIT


@contextmanager
def job_signal(qtbot: QtBot, service: InferenceService, slot: str, signal: str = "done",
               timeout: int = WAIT) -> Iterator[SimpleNamespace]:
    """`with job_signal(qtbot, service, "qa") as b: click(run)` waits, after the block, for the job the
    block started in `slot` to emit `signal` (done, failed, cancelled, progressed, ended); `b.args` are
    the signal's arguments. Events are queued, so none is delivered before the wait starts."""
    box = SimpleNamespace(args=None)
    yield box
    job = service.current_job(slot)
    assert job is not None, f"no job is running in slot {slot!r}"
    with qtbot.waitSignal(getattr(job, signal), timeout=timeout) as blocker:
        pass
    box.args = blocker.args
