"""The CLI's progress line on a terminal, and log records written while it is shown."""

from __future__ import annotations

import io
import logging

from bert_desk.terminal import progress_line


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_log_record_gets_its_own_line_while_progress_is_shown() -> None:
    out = Terminal()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        with progress_line(out) as progress:
            progress(0.5, "records 5/10")
            logging.getLogger("bert_desk.test").warning("line 7: empty text, skipped")
            progress(1.0, "records 10/10")
    finally:
        root.removeHandler(handler)
    # What the terminal shows: carriage returns rewind, so keep what is left of each line.
    screen = [line.split("\r")[-1].rstrip() for line in out.getvalue().split("\n")]
    assert screen == ["WARNING line 7: empty text, skipped", "100.0% records 10/10", ""]
    assert not handler.filters  # the line-clearing filter is removed on exit


def test_no_progress_and_no_filter_off_a_terminal() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    logging.getLogger().addHandler(handler)
    try:
        with progress_line(out) as progress:
            assert not handler.filters
            progress(0.5, "records 5/10")
            logging.getLogger("bert_desk.test").warning("plain")
    finally:
        logging.getLogger().removeHandler(handler)
    assert out.getvalue() == "plain\n"
