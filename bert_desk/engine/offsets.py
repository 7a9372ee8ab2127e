"""Convert between Python string indices (code points) and Qt/JavaScript UTF-16 code-unit indices.

`OffsetMap` is the one conversion: built once per text (a sorted list of its astral characters),
each lookup is a binary search. The highlighters, the review text view and the Label Studio importer
all use it; `utf16_index`, `py_index` and `utf16_span` are one-off shortcuts through it.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left

_BMP_MAX = "\uffff"


class OffsetMap:
    """Python index <-> UTF-16 index for one text."""

    def __init__(self, text: str) -> None:
        self.length = len(text)
        if text.isascii() or max(text, default="") <= _BMP_MAX:
            self._py: list[int] = []
        else:
            self._py = [i for i, ch in enumerate(text) if ch > _BMP_MAX]  # each astral character
        self._qt = [p + k for k, p in enumerate(self._py)]  # ... and its UTF-16 position

    def to_qt(self, py: int) -> int:
        """UTF-16 position of Python index `py` (clamped to the text)."""
        py = max(0, min(py, self.length))
        return py + bisect_left(self._py, py)

    def to_py(self, qt: int) -> int:
        """Python index of UTF-16 position `qt` (clamped; inside a surrogate pair -> that character)."""
        qt = max(0, qt)
        return min(self.length, qt - bisect_left(self._qt, qt))

    def span_to_qt(self, start: int, end: int) -> tuple[int, int]:
        """A (start, end) Python span as UTF-16 positions."""
        return self.to_qt(start), self.to_qt(end)


def utf16_index(text: str, py_index: int) -> int:
    """UTF-16 position of Python index `py_index` (clamped to the text)."""
    return OffsetMap(text).to_qt(py_index)


def py_index(text: str, utf16_index: int) -> int:
    """Python index of UTF-16 position `utf16_index` (clamped; inside a surrogate pair -> that character)."""
    return OffsetMap(text).to_py(utf16_index)


def utf16_span(text: str, start: int, end: int) -> tuple[int, int]:
    """A (start, end) Python span as UTF-16 positions."""
    return OffsetMap(text).span_to_qt(start, end)


ZWJ = "\u200d"


def continues_cluster(ch: str) -> bool:
    """True for a character that belongs to the cluster before it: combining marks, variation
    selectors, emoji skin-tone modifiers, tag characters (flags of regions)."""
    code = ord(ch)
    return (unicodedata.category(ch) in ("Mn", "Mc", "Me") or 0xFE00 <= code <= 0xFE0F
            or 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F or 0xE0100 <= code <= 0xE01EF)


def cluster_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen `[start, end)` so that neither end splits a user-perceived character: a letter and its
    combining accents, an emoji with its modifiers, a ZWJ sequence (👩‍👩‍👧) stay whole."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    while 0 < start < len(text) and (continues_cluster(text[start]) or text[start] == ZWJ or text[start - 1] == ZWJ):
        start -= 1
    while 0 < end < len(text) and (continues_cluster(text[end]) or text[end] == ZWJ or text[end - 1] == ZWJ):
        end += 1
    return start, end
