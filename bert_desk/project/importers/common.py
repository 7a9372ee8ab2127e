"""Helpers shared by the importers: decoding, line lookup, value checks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from bert_desk import inputs
from bert_desk.engine.runtime import check
from bert_desk.engine.types import CancelToken
from bert_desk.project.errors import ProjectImportError
from bert_desk.project.types import STATUSES, SpanData

# Prodigy's answers map onto review statuses.
ANSWER_STATUS = {"accept": "accepted", "reject": "rejected", "ignore": "skipped"}
STATUS_ANSWER = {v: k for k, v in ANSWER_STATUS.items()}
T = TypeVar("T")


def checked(items: Iterable[T], cancel: CancelToken | None, every: int = 256) -> Iterator[T]:
    """`items`, raising `Cancelled` every `every` items once `cancel` is set (a reader's loop stays stoppable)."""
    for n, item in enumerate(items):
        if n % every == 0:
            check(cancel)
        yield item


def read_text(path: Path) -> str:
    """The file as text (UTF-8, BOM dropped); decoding errors name the line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ProjectImportError(path, None, f"cannot read: {exc.strerror or exc}") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ProjectImportError(path, line, "not valid UTF-8 text (save the file as UTF-8)") from exc


def split_lines(text: str) -> list[str]:
    """Lines split on "\\n" only (a trailing "\\r" is dropped), so other separators stay in the text."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


# What malformed content raises while a reader converts it (a number where a list belongs, a list
# where an object belongs...): each reader turns these into a ProjectImportError naming the record.
MALFORMED = (ValueError, TypeError, AttributeError, KeyError, IndexError)


def malformed(exc: BaseException) -> str:
    """A malformed value's error as a one-line reason."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text if isinstance(exc, ValueError) else f"a value of the wrong kind ({text})"


def parse_json(path: Path, text: str, line: int | None = None) -> Any:
    """`bert_desk.inputs.parse_json` for an imported file: every failure (syntax, nesting, huge numbers,
    lone surrogates) is a ProjectImportError naming the file and line."""
    try:
        return inputs.parse_json(text, str(path), line)
    except inputs.InputError as exc:
        raise ProjectImportError(path, exc.line, exc.problem) from None


def load_json(path: Path) -> tuple[Any, str]:
    """Parse a JSON file; errors name the line."""
    text = read_text(path)
    return parse_json(path, text), text


def line_of(raw: str, *needles: str) -> int | None:
    """1-based line of the first needle found in the raw file text (best effort for JSON files)."""
    for needle in needles:
        if needle:
            at = raw.find(needle)
            if at >= 0:
                return raw.count("\n", 0, at) + 1
    return None


class LineCursor:
    """Lines of things that appear in file order (SQuAD paragraphs), in one pass over the raw text.

    `line_of` scans from the start for every lookup, which is quadratic when asked for every record of a
    large file; the cursor searches only ahead of the previous hit, within `window` characters, and counts
    newlines as it moves, so a whole file costs one scan. Not found ahead: None (best effort).
    """

    def __init__(self, raw: str, window: int = 1 << 20) -> None:
        self.raw, self.window = raw, window
        self.pos, self.line = 0, 1

    def find(self, *needles: str) -> int | None:
        """1-based line of the nearest needle at or after the previous hit; the cursor moves there."""
        hits = [at for needle in needles if needle
                if (at := self.raw.find(needle, self.pos, self.pos + self.window + len(needle))) >= 0]
        if not hits:
            return None
        at = min(hits)
        self.line += self.raw.count("\n", self.pos, at)
        self.pos = at
        return self.line


def as_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def span_from(item: Any, text: str) -> SpanData:
    """A span from the common shapes: {start, end, label}, {start_offset, end_offset, label}, [s, e, label]."""
    if isinstance(item, dict):
        start = item.get("start", item.get("start_offset"))
        end = item.get("end", item.get("end_offset"))
        label = item.get("label")
        check = item.get("text")
    elif isinstance(item, (list, tuple)) and len(item) == 3:
        start, end, label = item
        check = None
    else:
        raise ValueError(f"a span must be {{start, end, label}} or [start, end, label], not {item!r}")
    if as_int(start) is None or as_int(end) is None:
        raise ValueError(f"span offsets must be integers: {item!r}")
    if not isinstance(label, str) or not label:
        raise ValueError(f"span without a label: {item!r}")
    if not 0 <= start < end <= len(text):
        raise ValueError(f"span {start}..{end} {label!r} is outside the text (length {len(text)})")
    if isinstance(check, str) and text[start:end] != check:
        raise ValueError(f"span {start}..{end} is {text[start:end]!r} in the text but {check!r} in the file")
    return SpanData(start, end, label)


def check_status(value: Any) -> str:
    if value not in STATUSES:
        raise ValueError(f"unknown review status {value!r} (expected one of {', '.join(STATUSES)})")
    return value
