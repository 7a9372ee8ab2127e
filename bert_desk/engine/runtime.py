"""Shared inference plumbing: length-sorted dynamic batching, progress/cancel, CUDA OOM -> CPU fallback."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bert_desk.engine.device import is_out_of_memory
from bert_desk.engine.offsets import cluster_span, continues_cluster
from bert_desk.engine.types import CancelToken, EngineError, LoadedModel, ProgressFn

OOM_NOTE = "CUDA out of memory: this job ran on CPU"
CPU_TOKENS_PER_BATCH = 2048  # about 0.2 s of a small BERT on two cores
Features = dict[str, list[int]]


MAX_TEXT_CHARS = 2_000_000  # one input: about two minutes on two CPU cores and 1.5 GB; larger is refused


def check_length(*texts: str, what: str = "text") -> None:
    """Refuse an input longer than MAX_TEXT_CHARS before any tokenizing (memory stays bounded)."""
    for text in texts:
        if len(text) > MAX_TEXT_CHARS:
            raise EngineError(f"The {what} has {len(text):,} characters; at most {MAX_TEXT_CHARS:,} are taken at "
                              "once: split it into several texts")


def check(cancel: CancelToken | None) -> None:
    """Raise Cancelled when the token is set."""
    if cancel is not None:
        cancel.raise_if_cancelled()


def window_stride(max_length: int) -> int:
    """Tokens shared by neighbouring windows (a quarter of the window, at most 128)."""
    return max(0, min(128, max_length // 4))


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink (start, end) past leading/trailing whitespace of text[start:end] (and past marks that sit on
    that whitespace, such as a lone skin-tone modifier after a space), then widen it to whole characters as
    a reader sees them (a span never ends between a letter and its combining accent)."""
    while start < end and (text[start].isspace() or (start > 0 and text[start - 1].isspace()
                                                     and continues_cluster(text[start]))):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return cluster_span(text, start, end) if start < end else (start, end)


def require_transformers(lm: LoadedModel, task: str) -> None:
    if lm.model is None or lm.tokenizer is None:
        raise EngineError(f"{task} needs a transformers model (got a {lm.info.backend} pipeline)")
    if lm.info.task != task:
        raise EngineError(f"Model '{lm.info.name}' was loaded for {lm.info.task}, not {task}")


class Runner:
    """Runs one job's forward passes; on a CUDA/MPS out-of-memory error it moves the model to CPU
    for the rest of the job (`note` says so) and back afterwards (use as a context manager)."""

    def __init__(self, lm: LoadedModel) -> None:
        param = next(lm.model.parameters())
        self.model = lm.model
        self.home = (param.device, param.dtype)
        self.device = param.device
        self.note = ""

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.note:
            try:
                self.model.to(self.home[0], dtype=self.home[1])
            except Exception:  # still no room: stay on CPU (Runner re-reads the device next job)
                self.model.to("cpu")

    def forward(self, inputs: dict[str, Any]) -> Any:
        import torch

        with torch.inference_mode():
            try:
                return self.model(**{k: v.to(self.device) for k, v in inputs.items()})
            except Exception as exc:
                if self.device.type == "cpu" or not is_out_of_memory(exc):
                    raise
            self._fall_back()
            return self.model(**{k: v.to(self.device) for k, v in inputs.items()})

    def _fall_back(self) -> None:
        import torch

        if torch.cuda.is_available():
            torch.cuda.empty_cache()
        self.model.to("cpu", dtype=torch.float32)
        self.device = torch.device("cpu")
        self.note = OOM_NOTE


def _pad(batch: Sequence[Features], pad_id: int) -> dict[str, Any]:
    import torch

    width = max(len(f["input_ids"]) for f in batch)
    out = {}
    for key in batch[0]:
        fill = pad_id if key == "input_ids" else 0
        out[key] = torch.tensor([f[key] + [fill] * (width - len(f[key])) for f in batch], dtype=torch.long)
    return out


def run_batches(runner: Runner, features: Sequence[Features], *, keys: Sequence[str], pad_id: int,
                batch_size: int, progress: ProgressFn, cancel: CancelToken | None, message: str,
                token_level: bool = False, span: tuple[float, float] = (0.0, 1.0)) -> list[dict[str, Any]]:
    """Run `features` (token id lists) through the model in length-sorted batches.

    Returns, in input order, a dict per feature of float32 CPU tensors for `keys` (token-level outputs
    are cut to the feature's length). progress/cancel are handled between batches, scaled into `span`.
    On CPU a batch also holds at most `CPU_TOKENS_PER_BATCH` padded tokens, so long windows come a few
    at a time and Cancel and progress stay prompt (CPU throughput hardly depends on the batch size).
    """
    order = sorted(range(len(features)), key=lambda i: -len(features[i]["input_ids"]))
    results: list[dict[str, Any]] = [{} for _ in features]
    total, done = len(order), 0
    lo, hi = span
    while done < total:
        check(cancel)
        size = max(1, batch_size)
        if runner.device.type == "cpu":
            size = max(1, min(size, CPU_TOKENS_PER_BATCH // len(features[order[done]]["input_ids"])))
        idx = order[done: done + size]
        batch = [features[i] for i in idx]
        output = runner.forward(_pad(batch, pad_id))
        for key in keys:
            values = getattr(output, key).float().cpu()
            for row, i in enumerate(idx):
                n = len(features[i]["input_ids"])
                results[i][key] = values[row, :n] if token_level else values[row]
        done += len(idx)
        progress(lo + (hi - lo) * done / total, f"{message} {done}/{total}")
    check(cancel)
    return results


def encoding_features(encoding: Any, keys: Sequence[str]) -> list[Features]:
    """Split a (possibly overflowing) BatchEncoding into per-window dicts of model inputs."""
    present = [k for k in keys if k in encoding]
    return [{k: list(encoding[k][i]) for k in present} for i in range(len(encoding["input_ids"]))]


def model_inputs(lm: LoadedModel) -> list[str]:
    names = list(getattr(lm.tokenizer, "model_input_names", None) or ["input_ids", "attention_mask"])
    return [n for n in names if n in ("input_ids", "attention_mask", "token_type_ids")]


def pad_id(lm: LoadedModel) -> int:
    pid = getattr(lm.tokenizer, "pad_token_id", None)
    return int(pid) if pid is not None else 0
