"""Convert between Python string indices (code points) and Qt/JavaScript UTF-16 code-unit indices."""

from __future__ import annotations

_ASTRAL = "\U00010000"


def utf16_index(text: str, py_index: int) -> int:
    """UTF-16 position of Python index `py_index` (clamped to the text)."""
    py_index = max(0, min(py_index, len(text)))
    head = text[:py_index]
    if not head or max(head) < _ASTRAL:
        return py_index
    return py_index + sum(1 for ch in head if ch >= _ASTRAL)


def py_index(text: str, utf16_index: int) -> int:
    """Python index of UTF-16 position `utf16_index` (clamped; inside a surrogate pair -> that character)."""
    if utf16_index <= 0:
        return 0
    if not text or max(text) < _ASTRAL:
        return min(utf16_index, len(text))
    units = 0
    for i, ch in enumerate(text):
        width = 2 if ch >= _ASTRAL else 1
        if units + width > utf16_index:
            return i
        units += width
    return len(text)


def utf16_span(text: str, start: int, end: int) -> tuple[int, int]:
    """A (start, end) Python span as UTF-16 positions."""
    return utf16_index(text, start), utf16_index(text, end)
