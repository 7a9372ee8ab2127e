"""Jobs and the events the inference thread reports about them (plain dataclasses, no Qt)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bert_desk.engine.types import CancelToken, ModelInfo, ProgressFn


@dataclass(frozen=True)
class Job:
    """One request: which tab asked, the model spec and device, what to do and its input."""

    job_id: int
    tab: str
    spec: str
    device: str
    kind: str
    payload: Any = None
    token: CancelToken = field(default_factory=CancelToken, compare=False, repr=False)


@dataclass(frozen=True)
class JobProgress:
    job_id: int
    fraction: float
    message: str
    tab: str = ""


@dataclass(frozen=True)
class JobDone:
    job_id: int
    tab: str
    result: Any


@dataclass(frozen=True)
class JobFailed:
    job_id: int
    tab: str
    message: str
    details: str


@dataclass(frozen=True)
class JobCancelled:
    job_id: int
    tab: str


@dataclass(frozen=True)
class ModelLoading:
    """A model is being loaded for a job (fraction in [0, 1])."""

    job_id: int
    tab: str
    spec: str
    fraction: float
    message: str


@dataclass(frozen=True)
class ModelLoaded:
    job_id: int
    tab: str
    info: ModelInfo


Event = JobProgress | JobDone | JobFailed | JobCancelled | ModelLoading | ModelLoaded


class Throttle:
    """Pass progress on only when the fraction moved by at least `step` (and at the ends)."""

    def __init__(self, emit: ProgressFn, step: float = 0.01) -> None:
        self._emit = emit
        self._step = step
        self._last: float | None = None

    def __call__(self, fraction: float, message: str) -> None:
        fraction = min(1.0, max(0.0, float(fraction)))
        last = self._last
        if last is None or abs(fraction - last) >= self._step or (fraction >= 1.0 > last):
            self._last = fraction
            self._emit(fraction, message)
