"""Progress on a terminal: one updating line on stderr, shared by the CLI commands (Qt-free)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO


@contextmanager
def progress_line(stream: TextIO | None = None) -> Iterator[Callable[[float, str], None]]:
    """A progress callback rewriting one line of `stream` (default stderr) when it is a terminal, silent
    otherwise; on exit the line, if one was shown, is ended so what is printed next starts on its own.
    A log record written to the same stream meanwhile first clears the line, so it gets a line of its own
    and the progress line is drawn again below it at the next update."""
    out = stream if stream is not None else sys.stderr
    if not out.isatty():
        yield lambda fraction, message: None
        return
    shown = 0  # length of the progress line on screen (0: none)

    def show(fraction: float, message: str) -> None:
        nonlocal shown
        line = f"{fraction * 100:5.1f}% {message[:60]:<60}"
        out.write("\r" + line)
        out.flush()
        shown = len(line)

    def clear_for_log(record: logging.LogRecord) -> bool:
        nonlocal shown
        if shown:
            out.write("\r" + " " * shown + "\r")
            shown = 0
        return True

    handlers = [h for h in logging.getLogger().handlers
                if isinstance(h, logging.StreamHandler) and getattr(h, "stream", None) is out]
    for handler in handlers:
        handler.addFilter(clear_for_log)
    try:
        yield show
    finally:
        for handler in handlers:
            handler.removeFilter(clear_for_log)
        if shown:
            out.write("\n")
            out.flush()
