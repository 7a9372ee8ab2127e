"""Assertion helpers shared by the engine tests."""

from __future__ import annotations


def assert_span_ok(text: str, start: int, end: int, span_text: str) -> None:
    """A returned span indexes the original text, is whitespace-trimmed and splits no character as a
    reader sees it (a letter and its combining accents, an emoji and its modifiers)."""
    from bert_desk.engine.offsets import cluster_span

    assert 0 <= start < end <= len(text)
    assert text[start:end] == span_text
    assert span_text == span_text.strip()
    assert cluster_span(text, start, end) == (start, end), (text, start, end)
