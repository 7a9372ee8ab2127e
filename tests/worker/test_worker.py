"""The inference thread: job ids, payload types, supersede, cancel, failures and shutdown."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from bert_desk.engine.types import ModelInfo, NERResult, QAResult, SentimentResult
from bert_desk.worker import (
    DEFAULT_HANDLERS,
    InferenceService,
    JobCancelled,
    JobContext,
    JobDone,
    JobFailed,
    ModelLoaded,
    Throttle,
)

WAIT = 30_000  # ms; first loads on a busy shared machine can be slow


def _wait_cancel(ctx: JobContext, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not ctx.cancel.cancelled and time.monotonic() < deadline:
        time.sleep(0.005)


def slow(ctx: JobContext) -> str:
    """Reports progress, then waits (checking its token) until cancelled."""
    ctx.progress(0.5, "halfway")
    _wait_cancel(ctx)
    ctx.cancel.raise_if_cancelled()
    return "not cancelled"


def echo(ctx: JobContext) -> object:
    return ctx.job.payload


def boom(ctx: JobContext) -> object:
    raise RuntimeError("boom")


def gated_batch(ctx: JobContext) -> object:
    """The real sentiment batch, paused at its first progress report until the GUI cancels."""

    def progress(fraction: float, message: str) -> None:
        ctx.progress(fraction, message)
        _wait_cancel(ctx)

    return DEFAULT_HANDLERS["batch"](JobContext(ctx.job, progress, ctx.load))


@pytest.fixture
def service(qapp: object) -> Iterator[InferenceService]:
    svc = InferenceService({**DEFAULT_HANDLERS, "slow": slow, "echo": echo, "boom": boom,
                            "gated_batch": gated_batch})
    yield svc
    svc.shutdown()


def _is(job_id: int) -> Callable[[object], bool]:
    return lambda event: getattr(event, "job_id", None) == job_id


def test_jobs_get_increasing_ids_and_results(qtbot: QtBot, service: InferenceService) -> None:
    done: list[JobDone] = []
    service.finished.connect(done.append)
    first = service.submit("a", "echo", 1)
    second = service.submit("b", "echo", 2)
    assert second > first
    qtbot.waitUntil(lambda: len(done) == 2, timeout=WAIT)
    by_id = {e.job_id: e for e in done}
    assert by_id[first] == JobDone(first, "a", 1)
    assert by_id[second] == JobDone(second, "b", 2)
    assert not service.is_busy("a") and not service.is_busy("b")


def test_model_jobs_return_engine_results(qtbot: QtBot, service: InferenceService,
                                          tiny_models: dict[str, Path]) -> None:
    loaded: list[ModelLoaded] = []
    service.model_loaded.connect(loaded.append)
    spec = str(tiny_models["sentiment"])
    job = service.submit("sentiment", "analyze", "A good film. A bad one.", spec=spec, device="cpu")
    with qtbot.waitSignal(service.finished, timeout=WAIT, check_params_cb=_is(job)) as blocker:
        pass
    event: JobDone = blocker.args[0]
    assert isinstance(event.result, SentimentResult) and event.tab == "sentiment"
    assert len(event.result.sentences) == 2
    assert loaded and isinstance(loaded[-1].info, ModelInfo) and loaded[-1].info.spec == spec

    job = service.submit("qa", "answer", {"question": "who won?", "context": "the team won the game",
                                          "top_k": 2}, spec=str(tiny_models["qa"]), device="cpu")
    with qtbot.waitSignal(service.finished, timeout=WAIT, check_params_cb=_is(job)) as blocker:
        pass
    assert isinstance(blocker.args[0].result, QAResult)

    job = service.submit("ner", "extract", "john smith visited paris", spec=str(tiny_models["ner"]), device="cpu")
    with qtbot.waitSignal(service.finished, timeout=WAIT, check_params_cb=_is(job)) as blocker:
        pass
    assert isinstance(blocker.args[0].result, NERResult)


def test_newer_job_supersedes_older(qtbot: QtBot, service: InferenceService) -> None:
    finished: list[JobDone] = []
    cancelled: list[JobCancelled] = []
    service.finished.connect(finished.append)
    service.cancelled.connect(cancelled.append)
    with qtbot.waitSignal(service.progressed, timeout=WAIT):
        old = service.submit("t", "slow")
    new = service.submit("t", "echo", "fresh")
    assert service.current_job("t") == new
    with qtbot.waitSignal(service.finished, timeout=WAIT, check_params_cb=_is(new)):
        pass
    qtbot.wait(50)
    assert [e.job_id for e in finished] == [new]
    assert finished[0].result == "fresh"
    assert old not in [e.job_id for e in cancelled]  # stale: dropped, not reported to the tab


def test_other_tabs_are_not_superseded(qtbot: QtBot, service: InferenceService) -> None:
    with qtbot.waitSignal(service.progressed, timeout=WAIT):
        slow_job = service.submit("x", "slow")
    other = service.submit("y", "echo", 3)
    assert service.current_job("x") == slow_job
    service.cancel("x")
    with qtbot.waitSignals([service.cancelled, service.finished], timeout=WAIT):
        pass
    assert service.current_job("y") is None and other


def test_cancel_mid_batch_from_gui_thread(qtbot: QtBot, service: InferenceService,
                                          tiny_models: dict[str, Path]) -> None:
    texts = [f"text number {i} was good" for i in range(100)]
    finished: list[JobDone] = []
    service.finished.connect(finished.append)
    with qtbot.waitSignal(service.progressed, timeout=WAIT):
        job = service.submit("sentiment.batch", "gated_batch", texts, spec=str(tiny_models["sentiment"]),
                             device="cpu")
    assert service.cancel("sentiment.batch")  # a flag set directly, while the worker is mid-batch
    with qtbot.waitSignal(service.cancelled, timeout=WAIT) as blocker:
        pass
    assert blocker.args[0] == JobCancelled(job, "sentiment.batch")
    assert not finished and not service.is_busy("sentiment.batch")


def test_failures_are_reported_and_the_next_job_works(qtbot: QtBot, service: InferenceService,
                                                      tmp_path: Path, tiny_models: dict[str, Path]) -> None:
    job = service.submit("sentiment", "analyze", "text", spec=str(tmp_path / "no-such-model"), device="cpu")
    with qtbot.waitSignal(service.failed, timeout=WAIT, check_params_cb=_is(job)) as blocker:
        pass
    failed: JobFailed = blocker.args[0]
    assert failed.message and "\n" not in failed.message

    job = service.submit("sentiment", "boom")
    with qtbot.waitSignal(service.failed, timeout=WAIT, check_params_cb=_is(job)) as blocker:
        pass
    assert blocker.args[0].message == "RuntimeError: boom"
    assert "Traceback" in blocker.args[0].details

    job = service.submit("sentiment", "analyze", "good", spec=str(tiny_models["sentiment"]), device="cpu")
    with qtbot.waitSignal(service.finished, timeout=WAIT, check_params_cb=_is(job)):
        pass


def test_unknown_kind_and_missing_spec_fail(qtbot: QtBot, service: InferenceService) -> None:
    with qtbot.waitSignal(service.failed, timeout=WAIT) as blocker:
        service.submit("t", "no-such-kind")
    assert "no-such-kind" in blocker.args[0].message
    with qtbot.waitSignal(service.failed, timeout=WAIT) as blocker:
        service.submit("t", "analyze", "text", spec="")
    assert blocker.args[0].message == "No model selected"


def test_shutdown_cancels_and_joins(qtbot: QtBot, qapp: object) -> None:
    svc = InferenceService({"slow": slow})
    with qtbot.waitSignal(svc.progressed, timeout=WAIT):
        svc.submit("t", "slow")
    started = time.monotonic()
    assert svc.shutdown(timeout_ms=10_000)
    assert not svc.worker_thread.isRunning()
    assert time.monotonic() - started < 5
    with pytest.raises(RuntimeError):
        svc.submit("t", "slow")


def test_throttle_emits_on_one_percent_steps() -> None:
    seen: list[float] = []
    throttle = Throttle(lambda f, m: seen.append(f))
    for i in range(1001):
        throttle(i / 1000, "")
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert 95 <= len(seen) <= 102
    assert all(b - a >= 0.0099 for a, b in pairwise(seen[:-1]))
