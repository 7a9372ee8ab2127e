"""The inference thread: job ids, payload types, supersede, cancel, failures and shutdown."""

from __future__ import annotations

import time
from collections.abc import Iterator
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

    return DEFAULT_HANDLERS["sentiment:batch"](JobContext(ctx.job, progress, ctx.load))


@pytest.fixture
def service(qapp: object) -> Iterator[InferenceService]:
    svc = InferenceService({**DEFAULT_HANDLERS, "slow": slow, "echo": echo, "boom": boom,
                            "gated_batch": gated_batch})
    yield svc
    svc.shutdown()


def test_jobs_get_increasing_ids_and_results(qtbot: QtBot, service: InferenceService) -> None:
    done: list[JobDone] = []
    first = service.submit("a", "echo", 1)
    second = service.submit("b", "echo", 2)
    for job in (first, second):
        job.done.connect(done.append)
    assert second.job_id > first.job_id
    qtbot.waitUntil(lambda: len(done) == 2, timeout=WAIT)
    by_id = {e.job_id: e for e in done}
    assert by_id[first.job_id] == JobDone(first.job_id, "a", 1)
    assert by_id[second.job_id] == JobDone(second.job_id, "b", 2)
    assert not service.is_busy("a") and not service.is_busy("b")
    assert not first.running and not first.cancel()  # an ended job has nothing to cancel


def test_events_reach_only_their_own_handle(qtbot: QtBot, service: InferenceService) -> None:
    heard: dict[str, list[object]] = {"a": [], "b": []}
    a = service.submit("a", "echo", "for a")
    b = service.submit("b", "slow")
    for slot, job in (("a", a), ("b", b)):
        for signal in (job.progressed, job.done, job.failed, job.cancelled, job.ended):
            signal.connect(heard[slot].append)
    with qtbot.waitSignal(b.progressed, timeout=WAIT):
        pass
    qtbot.waitUntil(lambda: len(heard["a"]) == 2, timeout=WAIT)  # done, then ended
    assert all(getattr(e, "job_id", None) == a.job_id for e in heard["a"])
    assert heard["a"] == [JobDone(a.job_id, "a", "for a")] * 2  # done, then ended
    with qtbot.waitSignal(b.cancelled, timeout=WAIT) as blocker:
        assert b.cancel()
    assert blocker.args[0] == JobCancelled(b.job_id, "b")
    assert all(getattr(e, "job_id", None) == b.job_id for e in heard["b"])
    assert [type(e).__name__ for e in heard["b"]] == ["JobProgress", "JobCancelled", "JobCancelled"]


def test_model_jobs_return_engine_results(qtbot: QtBot, service: InferenceService,
                                          tiny_models: dict[str, Path]) -> None:
    loaded: list[ModelLoaded] = []
    spec = str(tiny_models["sentiment"])
    job = service.submit("sentiment", "sentiment", "A good film. A bad one.", spec=spec, device="cpu")
    job.model_loaded.connect(loaded.append)
    with qtbot.waitSignal(job.done, timeout=WAIT) as blocker:
        pass
    event: JobDone = blocker.args[0]
    assert isinstance(event.result, SentimentResult) and event.tab == "sentiment"
    assert len(event.result.sentences) == 2
    assert loaded and isinstance(loaded[-1].info, ModelInfo) and loaded[-1].info.spec == spec

    job = service.submit("qa", "qa", {"question": "who won?", "context": "the team won the game",
                                          "top_k": 2}, spec=str(tiny_models["qa"]), device="cpu")
    with qtbot.waitSignal(job.done, timeout=WAIT) as blocker:
        pass
    assert isinstance(blocker.args[0].result, QAResult)

    job = service.submit("ner", "ner", "john smith visited paris", spec=str(tiny_models["ner"]), device="cpu")
    with qtbot.waitSignal(job.done, timeout=WAIT) as blocker:
        pass
    assert isinstance(blocker.args[0].result, NERResult)


def test_loading_a_sentiment_model_prepares_its_sentence_splitter(qtbot: QtBot, service: InferenceService,
                                                                  tiny_models: dict[str, Path]) -> None:
    """The start-up load also builds what the first Run needs besides the model (spaCy's sentencizer), so that
    Run only runs the model."""
    from bert_desk.engine import sentiment

    sentiment._sentencizer.cache_clear()
    job = service.submit("load", "load", "sentiment", spec=str(tiny_models["sentiment"]), device="cpu")
    with qtbot.waitSignal(job.done, timeout=WAIT) as blocker:
        pass
    assert isinstance(blocker.args[0].result, ModelInfo)
    assert sentiment._sentencizer.cache_info().currsize == 1
    sentiment._sentencizer.cache_clear()
    job = service.submit("load", "load", "ner", spec=str(tiny_models["ner"]), device="cpu")
    with qtbot.waitSignal(job.done, timeout=WAIT):
        pass
    assert sentiment._sentencizer.cache_info().currsize == 0  # other tasks need no sentence splitter


def test_newer_job_supersedes_older(qtbot: QtBot, service: InferenceService) -> None:
    finished: list[JobDone] = []
    cancelled: list[JobCancelled] = []
    old = service.submit("t", "slow")
    old.done.connect(finished.append)
    old.cancelled.connect(cancelled.append)
    with qtbot.waitSignal(old.progressed, timeout=WAIT):
        pass
    new = service.submit("t", "echo", "fresh")
    new.done.connect(finished.append)
    new.cancelled.connect(cancelled.append)
    assert service.current_job("t") is new
    with qtbot.waitSignal(new.done, timeout=WAIT):
        pass
    qtbot.wait(50)
    assert [e.job_id for e in finished] == [new.job_id]
    assert finished[0].result == "fresh"
    assert old.job_id not in [e.job_id for e in cancelled]  # stale: dropped, not reported to the tab


def test_other_tabs_are_not_superseded(qtbot: QtBot, service: InferenceService) -> None:
    slow_job = service.submit("x", "slow")
    with qtbot.waitSignal(slow_job.progressed, timeout=WAIT):
        pass
    other = service.submit("y", "echo", 3)
    assert service.current_job("x") is slow_job
    service.cancel("x")
    with qtbot.waitSignals([slow_job.cancelled, other.done], timeout=WAIT):
        pass
    assert service.current_job("y") is None and other


def test_cancel_mid_batch_from_gui_thread(qtbot: QtBot, service: InferenceService,
                                          tiny_models: dict[str, Path]) -> None:
    texts = [f"text number {i} was good" for i in range(100)]
    finished: list[JobDone] = []
    job = service.submit("sentiment.batch", "gated_batch", texts, spec=str(tiny_models["sentiment"]),
                         device="cpu")
    job.done.connect(finished.append)
    with qtbot.waitSignal(job.progressed, timeout=WAIT):
        pass
    assert service.cancel("sentiment.batch")  # a flag set directly, while the worker is mid-batch
    with qtbot.waitSignal(job.cancelled, timeout=WAIT) as blocker:
        pass
    assert blocker.args[0] == JobCancelled(job.job_id, "sentiment.batch")
    assert not finished and not service.is_busy("sentiment.batch")


def test_failures_are_reported_and_the_next_job_works(qtbot: QtBot, service: InferenceService,
                                                      tmp_path: Path, tiny_models: dict[str, Path]) -> None:
    job = service.submit("sentiment", "sentiment", "text", spec=str(tmp_path / "no-such-model"), device="cpu")
    with qtbot.waitSignal(job.failed, timeout=WAIT) as blocker:
        pass
    failed: JobFailed = blocker.args[0]
    assert failed.message and "\n" not in failed.message

    job = service.submit("sentiment", "boom")
    with qtbot.waitSignal(job.failed, timeout=WAIT) as blocker:
        pass
    assert blocker.args[0].message == "RuntimeError: boom"
    assert "Traceback" in blocker.args[0].details

    job = service.submit("sentiment", "sentiment", "good", spec=str(tiny_models["sentiment"]), device="cpu")
    with qtbot.waitSignal(job.done, timeout=WAIT):
        pass


def test_unknown_kind_and_missing_spec_fail(qtbot: QtBot, service: InferenceService) -> None:
    job = service.submit("t", "no-such-kind")
    with qtbot.waitSignal(job.failed, timeout=WAIT) as blocker:
        pass
    assert "no-such-kind" in blocker.args[0].message
    job = service.submit("t", "sentiment", "text", spec="")
    with qtbot.waitSignal(job.failed, timeout=WAIT) as blocker:
        pass
    assert blocker.args[0].message == "No model selected"


def test_shutdown_cancels_and_joins(qtbot: QtBot, qapp: object) -> None:
    svc = InferenceService({"slow": slow})
    job = svc.submit("t", "slow")
    with qtbot.waitSignal(job.progressed, timeout=WAIT):
        pass
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


def test_job_kinds_are_the_rows_of_the_task_table() -> None:
    from bert_desk.engine import registry
    from bert_desk.worker.handlers import task_handlers

    kinds = task_handlers()
    assert {kind for kind in kinds if ":" not in kind} == set(registry.TASKS)
    assert {kind.removesuffix(":batch") for kind in kinds if kind.endswith(":batch")} == {
        name for name, task in registry.TASKS.items() if task.batch is not None}
    assert set(kinds) <= set(DEFAULT_HANDLERS)


def test_a_task_job_passes_inputs_and_options_to_the_table_entry(qtbot: QtBot, service: InferenceService,
                                                                 tiny_models: dict[str, Path]) -> None:
    job = service.submit("qa", "qa", {"question": "who won?", "context": "the team won the game", "top_k": 1},
                         spec=str(tiny_models["qa"]), device="cpu")
    with qtbot.waitSignal(job.done, timeout=WAIT) as blocker:
        pass
    result = blocker.args[0].result
    assert isinstance(result, QAResult) and result.question == "who won?" and len(result.answers) <= 1
    batch = service.submit("ner.batch", "ner:batch", ["john smith", "paris"], spec=str(tiny_models["ner"]),
                           device="cpu")
    with qtbot.waitSignal(batch.done, timeout=WAIT) as blocker:
        pass
    assert [r.text for r in blocker.args[0].result] == ["john smith", "paris"]


def test_start_up_jobs_resolve_the_device_list_spacy_pipelines_and_warm_up(qtbot: QtBot,
                                                                          service: InferenceService) -> None:
    import sys

    from bert_desk.engine.loading import installed_spacy_pipelines

    results: dict[str, object] = {}
    for slot, kind in (("app.device", "device"), ("app.spacy", "spacy_models"), ("app.warm_up", "warm_up")):
        job = service.submit(slot, kind, device="cpu")
        job.done.connect(lambda event, s=slot: results.__setitem__(s, event.result))
    qtbot.waitUntil(lambda: len(results) == 3, timeout=WAIT)
    assert results["app.device"].kind == "cpu"  # type: ignore[attr-defined]
    assert results["app.spacy"] == installed_spacy_pipelines()
    assert "transformers.models.bert.modeling_bert" in sys.modules
