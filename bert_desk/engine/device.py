"""Pick the torch device (auto: CUDA > Apple MPS > CPU, or a forced one; fp16 on CUDA), the CPU
precision (fp32, or dynamic int8 where a model's card allows it) and torch's CPU threads."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from bert_desk.engine.types import DeviceInfo, EngineError

DEVICES: tuple[str, ...] = ("auto", "cpu", "cuda", "mps")
"""Every device preference, declared once (the CLI, the app and its settings read it from here)."""

PRECISIONS: tuple[str, ...] = ("auto", "fp32", "int8")
"""CPU precision preferences. `auto`: int8 for a model whose config says `bert_desk_cpu_precision: int8`
(its validation score held within 0.5 points), else fp32. int8 is dynamic quantization of the linear
layers, CPU only: on CUDA models run in fp16, on MPS in fp32, whatever is asked."""

CPU_PRECISION_KEY = "bert_desk_cpu_precision"
THREADS_ENV = "BERT_DESK_THREADS"

_state = {"precision": "auto"}
_threads_lock = threading.Lock()
_threads: list[int] = []


def check_precision(pref: str) -> str:
    """The normalised precision preference; an unknown one is an EngineError."""
    pref = (pref or "auto").strip().lower()
    if pref not in PRECISIONS:
        raise EngineError(f"Unknown precision '{pref}' (choose one of {', '.join(PRECISIONS)})")
    return pref


def set_precision(pref: str) -> None:
    """Set the process-wide precision preference (the app's menu, the CLI's `--precision`)."""
    _state["precision"] = check_precision(pref)


def precision_preference() -> str:
    """The process-wide precision preference (`auto` unless set)."""
    return _state["precision"]


def resolve_precision(dev: DeviceInfo, config: Any = None, pref: str | None = None) -> str:
    """What a model will run in on `dev`: `int8`, `fp32` or `fp16` (`pref` None: the process-wide one)."""
    pref = check_precision(pref if pref is not None else precision_preference())
    if dev.kind != "cpu":
        return "fp16" if dev.fp16 else "fp32"
    if pref == "auto":
        return "int8" if str(getattr(config, CPU_PRECISION_KEY, "") or "") == "int8" else "fp32"
    return pref


def quantize_int8(model: Any) -> Any:
    """Dynamic int8 quantization of a CPU model's linear layers (weights int8 per output channel,
    activations quantized per batch); embeddings and layer norms stay fp32."""
    import warnings

    import torch
    from torch.ao import quantization as tq

    with warnings.catch_warnings():  # torch.ao.quantization announces its move to torchao
        warnings.simplefilter("ignore")
        return tq.quantize_dynamic(model, {torch.nn.Linear: tq.per_channel_dynamic_qconfig}, dtype=torch.qint8)


def physical_cores() -> int:
    """Physical CPU cores this process may use (hyper-threads counted once; Linux reads the
    topology of the CPUs in its affinity mask, elsewhere os.cpu_count())."""
    try:
        allowed = sorted(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)
    cores = set()
    for cpu in allowed:
        topo = Path(f"/sys/devices/system/cpu/cpu{cpu}/topology")
        try:
            cores.add((topo.joinpath("physical_package_id").read_text().strip(),
                       topo.joinpath("core_id").read_text().strip()))
        except OSError:
            cores.add(("cpu", str(cpu)))
    return max(1, len(cores))


def configure_threads(count: int | None = None) -> int:
    """Set torch's intra-op CPU threads, once per process unless `count` is given: `count`, else
    $BERT_DESK_THREADS, else the physical cores. Returns the number in use."""
    import torch

    with _threads_lock:
        if count is None and _threads:
            return _threads[0]
        if count is None:
            env = os.environ.get(THREADS_ENV, "").strip()
            count = int(env) if env.isdigit() and int(env) > 0 else physical_cores()
        torch.set_num_threads(max(1, count))
        _threads[:] = [torch.get_num_threads()]
        return _threads[0]


def _cuda_ok() -> bool:
    import torch

    return bool(torch.cuda.is_available())


def _mps_ok() -> bool:
    import torch

    mps = getattr(torch.backends, "mps", None)
    return bool(mps is not None and mps.is_available())


def describe(kind: str) -> DeviceInfo:
    """DeviceInfo for an available device kind (`cpu`, `cuda`, `mps`)."""
    import torch

    if kind == "cuda":
        return DeviceInfo("cuda", f"CUDA · {torch.cuda.get_device_name(0)}", fp16=True)
    if kind == "mps":
        return DeviceInfo("mps", "Apple MPS")
    threads = configure_threads()
    return DeviceInfo("cpu", f"CPU · {threads} thread{'s' if threads != 1 else ''}")


def resolve_device(pref: str = "auto") -> DeviceInfo:
    """Resolve a preference to an available device; a forced, unavailable one is an EngineError."""
    pref = (pref or "auto").strip().lower()
    if pref not in DEVICES:
        raise EngineError(f"Unknown device '{pref}' (choose one of {', '.join(DEVICES)})")
    if pref == "auto":
        kind = "cuda" if _cuda_ok() else "mps" if _mps_ok() else "cpu"
        return describe(kind)
    if pref == "cuda" and not _cuda_ok():
        import torch

        build = "this torch build has no CUDA" if torch.version.cuda is None else "no CUDA GPU was found"
        raise EngineError(f"Device 'cuda' was requested but is not available ({build})")
    if pref == "mps" and not _mps_ok():
        raise EngineError("Device 'mps' was requested but Apple MPS is not available on this machine")
    return describe(pref)


def is_out_of_memory(exc: BaseException) -> bool:
    """True for a CUDA/MPS out-of-memory error."""
    import torch

    if isinstance(exc, torch.cuda.OutOfMemoryError):
        return True
    return isinstance(exc, RuntimeError) and "out of memory" in str(exc).lower()
