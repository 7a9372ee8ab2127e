"""PyInstaller runtime hook: give the frozen app real stdout/stderr streams.

A windowed executable (Windows `console=False`, a macOS .app started from Finder, or any
process started with fd 1/2 closed) has `sys.stdout`/`sys.stderr` set to None. Then every
`print`, `logging.StreamHandler`, `faulthandler.enable()`, tqdm progress bar or warning
raises and the app would die silently. Redirect stdout to the null device and stderr to
`<user data dir>/stderr.log`, so warnings and tracebacks written to stderr are kept next to
the app's own log instead of lost.
"""


def _install() -> None:
    import os
    import sys

    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the process
    if sys.stderr is not None:
        return
    stream = None
    try:
        from bert_desk.paths import user_data_dir

        log_path = user_data_dir() / "stderr.log"
        if log_path.exists() and log_path.stat().st_size > 1_000_000:
            log_path.replace(log_path.with_suffix(".log.1"))  # keep the file small: one old copy
        stream = open(log_path, "a", encoding="utf-8", errors="backslashreplace", buffering=1)  # noqa: SIM115
    except Exception:  # no writable data folder: fall back to the null device, never fail start-up
        stream = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    sys.stderr = stream
    sys.__stderr__ = stream  # some libraries write to the original stream directly
    if sys.__stdout__ is None:
        sys.__stdout__ = sys.stdout


_install()
del _install
