"""Progress is reported between batches; a set CancelToken raises Cancelled mid-job; OOM falls back."""

from __future__ import annotations

import pytest

from bert_desk.engine import ner, qa, runtime, sentiment
from bert_desk.engine.types import Cancelled, CancelToken

TEXTS = [f"the film {i} was good" for i in range(10)]


def test_progress_is_monotonic_and_ends_at_one(models: dict) -> None:
    seen: list[float] = []
    sentiment.analyze_batch(models["sentiment"], TEXTS, batch_size=3, progress=lambda f, m: seen.append(f))
    assert len(seen) == 4 and seen == sorted(seen) and seen[-1] == pytest.approx(1.0)
    seen.clear()
    qa.answer(models["qa"], "who?", "john smith works at google . " * 30, progress=lambda f, m: seen.append(f),
              batch_size=1)
    assert len(seen) > 1 and seen[-1] == pytest.approx(1.0)


def test_cancel_mid_batch(models: dict) -> None:
    token = CancelToken()
    calls: list[float] = []

    def progress(fraction: float, message: str) -> None:
        calls.append(fraction)
        token.cancel()

    with pytest.raises(Cancelled):
        sentiment.analyze_batch(models["sentiment"], TEXTS, batch_size=2, progress=progress, cancel=token)
    assert len(calls) == 1


@pytest.mark.parametrize("task", ["sentiment", "qa", "ner", "spacy"])
def test_cancelled_token_stops_every_task(models: dict, task: str) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        if task == "sentiment":
            sentiment.analyze(models["sentiment"], "good", cancel=token)
        elif task == "qa":
            qa.answer(models["qa"], "who?", "john", cancel=token)
        else:
            ner.extract_batch(models["ner" if task == "ner" else "spacy"], ["john", "paris"], cancel=token)


def test_out_of_memory_falls_back_to_cpu(models: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    """Simulate a GPU OOM: the job reruns on CPU and the result says so."""
    import torch

    model = models["sentiment"]
    original_init = runtime.Runner.__init__
    original_forward = model.model.forward

    def fake_gpu_init(self: runtime.Runner, lm: object) -> None:
        original_init(self, lm)
        self.device = torch.device("meta")  # stands in for a GPU

    def forward(**inputs: torch.Tensor) -> object:
        if inputs["input_ids"].device.type == "meta":
            raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2 GiB")
        return original_forward(**inputs)

    monkeypatch.setattr(runtime.Runner, "__init__", fake_gpu_init)
    monkeypatch.setattr(model.model, "forward", forward)
    result = sentiment.analyze(model, "this film was good")
    assert result.note == runtime.OOM_NOTE
    assert sum(result.scores.values()) == pytest.approx(1.0, abs=1e-5)
    assert next(model.model.parameters()).device.type == "cpu"


def test_long_windows_on_cpu_come_a_few_at_a_time(models: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    """On CPU a batch holds a bounded number of tokens: a long context gives progress (and a chance to
    cancel) every couple of windows, whatever the batch size, and the same answers."""
    context = "john smith works at google in paris . " * 40
    whole = qa.answer(models["qa"], "who works at google?", context, batch_size=64)
    monkeypatch.setattr(runtime, "CPU_TOKENS_PER_BATCH", 128)  # two 64-token windows
    seen: list[str] = []
    small = qa.answer(models["qa"], "who works at google?", context, batch_size=64,
                      progress=lambda f, m: seen.append(m))
    windows = int(seen[-1].rsplit("/", 1)[1])
    assert windows > 8 and len(seen) == (windows + 1) // 2
    assert [(a.start, a.end) for a in small.answers] == [(a.start, a.end) for a in whole.answers]
    token = CancelToken()
    with pytest.raises(Cancelled):  # Cancel pressed after the first batch stops the job there
        qa.answer(models["qa"], "who?", context, batch_size=64, cancel=token,
                  progress=lambda f, m: token.cancel())
