"""Plain, immutable result and request types shared by every layer (no Qt, no torch).

Every span is a `(start, end)` pair of Python string indices (code points) into the
original text, and `text[start:end]` is exactly the span's text.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ProgressFn = Callable[[float, str], None]
"""`progress(fraction in [0, 1], message)` — called between batches/windows."""


class EngineError(Exception):
    """An error whose message is one line fit to show a user (no traceback needed)."""


class ModelLoadError(EngineError):
    """A model spec could not be loaded (missing files, wrong head, corrupt weights, offline…)."""


class Cancelled(EngineError):
    """Raised inside a long call when its cancel token was set."""

    def __init__(self, message: str = "Cancelled") -> None:
        super().__init__(message)


class CancelToken:
    """Thread-safe cancel flag, set from any thread and checked by the engine between steps."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()


def no_progress(fraction: float, message: str) -> None:
    """Default progress callback: ignore."""


@dataclass(frozen=True)
class DeviceInfo:
    """Where a model runs: `kind` is `cpu`, `cuda` or `mps`; `description` is for the status bar."""

    kind: str
    description: str
    fp16: bool = False


@dataclass(frozen=True)
class ModelInfo:
    """What was loaded for a spec."""

    spec: str
    task: str
    name: str
    backend: str  # "transformers" or "spacy"
    device: DeviceInfo
    labels: tuple[str, ...] = ()
    max_length: int = 512
    note: str = ""  # e.g. "CUDA out of memory: ran on CPU"
    word_splitter: str = ""  # NER: the words its training data had (engine.words); "": the tokenizer's
    precision: str = "fp32"  # what it runs in: fp32, fp16 (CUDA) or int8 (CPU dynamic quantization)


@dataclass(frozen=True)
class SentenceScore:
    start: int
    end: int
    label: str
    score: float
    scores: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class SentimentResult:
    text: str
    label: str
    score: float
    scores: dict[str, float]
    sentences: tuple[SentenceScore, ...] = ()
    windows: int = 1
    note: str = ""  # e.g. "CUDA out of memory: ran on CPU"


@dataclass(frozen=True)
class Answer:
    start: int
    end: int
    text: str
    score: float


@dataclass(frozen=True)
class QAResult:
    question: str
    answers: tuple[Answer, ...]
    no_answer: bool = False  # the model's best guess is "no answer" (SQuAD 2.0 style)
    no_answer_score: float | None = None
    note: str = ""
    windows: int = 1


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    label: str
    score: float
    text: str


@dataclass(frozen=True)
class NERResult:
    text: str
    entities: tuple[Entity, ...]
    note: str = ""
    windows: int = 1
    confidence: float | None = None  # the lowest word margin (best minus second-best label probability)


@dataclass(frozen=True, eq=False)
class LoadedModel:
    """A model ready to run: `info` for display; the rest is backend objects (torch/spaCy).

    `model`/`tokenizer` are set for the transformers backend, `nlp` for spaCy.
    """

    info: ModelInfo
    model: Any = None
    tokenizer: Any = None
    nlp: Any = None
    path: str = ""  # local folder the weights came from ("" for spaCy packages)
