"""Progress on a terminal: one updating line on stderr, shared by the CLI commands (Qt-free)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO


@contextmanager
def progress_line(stream: TextIO | None = None) -> Iterator[Callable[[float, str], None]]:
    """A progress callback rewriting one line of `stream` (default stderr) when it is a terminal, silent
    otherwise; on exit the line, if one was shown, is ended so what is printed next starts on its own."""
    out = stream if stream is not None else sys.stderr
    if not out.isatty():
        yield lambda fraction, message: None
        return
    shown = False

    def show(fraction: float, message: str) -> None:
        nonlocal shown
        out.write(f"\r{fraction * 100:5.1f}% {message[:60]:<60}")
        out.flush()
        shown = True

    try:
        yield show
    finally:
        if shown:
            out.write("\n")
            out.flush()
