"""Assertion helpers shared by the engine tests."""

from __future__ import annotations


def assert_span_ok(text: str, start: int, end: int, span_text: str) -> None:
    """A returned span indexes the original text and is whitespace-trimmed."""
    assert 0 <= start < end <= len(text)
    assert text[start:end] == span_text
    assert span_text == span_text.strip()
