"""Pick the torch device: auto (CUDA > Apple MPS > CPU) or a forced one; fp16 on CUDA."""

from __future__ import annotations

from bert_desk.engine.types import DeviceInfo, EngineError

DEVICES: tuple[str, ...] = ("auto", "cpu", "cuda", "mps")
"""Every device preference, declared once (the CLI, the app and its settings read it from here)."""


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
    return DeviceInfo("cpu", f"CPU · {torch.get_num_threads()} threads")


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
