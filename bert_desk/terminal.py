"""Progress on a terminal: one updating line on stderr, shared by the CLI commands (Qt-free)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO


def progress_printer(stream: TextIO) -> Callable[[float, str], None]:
    """A progress callback rewriting one line of `stream` when it is a terminal (silent otherwise)."""
    if not stream.isatty():
        return lambda fraction, message: None

    def show(fraction: float, message: str) -> None:
        stream.write(f"\r{fraction * 100:5.1f}% {message[:60]:<60}")
        stream.flush()

    return show


def finishing_progress() -> Callable[[float, str], None]:
    """`progress_printer(sys.stderr)` that ends its line at 100 %, so a result printed next starts on its own."""
    show = progress_printer(sys.stderr)

    def report(fraction: float, message: str) -> None:
        show(fraction, message)
        if fraction >= 1.0 and sys.stderr.isatty():
            sys.stderr.write("\n")

    return report
