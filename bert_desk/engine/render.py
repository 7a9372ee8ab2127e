"""Qt-free HTML rendering of highlighted spans (displaCy style); all user text is HTML-escaped."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from bert_desk.engine.colors import base_label, label_color
from bert_desk.engine.types import Answer, Entity

_MARK = ("<mark style=\"background: {color}; padding: 0.1em 0.3em; border-radius: 0.3em; "
         "line-height: 1.8;\"{title}>{text}{tag}</mark>")
_TAG = (" <span style=\"font-size: 0.7em; font-weight: bold; text-transform: uppercase; "
        "vertical-align: middle;\">{label}</span>")


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def highlight_html(text: str, spans: Iterable[tuple[int, int, str, str]], *, wrap: bool = True) -> str:
    """HTML of `text` with (start, end, colour, label) spans marked; label "" shows no tag.

    Overlapping spans are skipped (the earlier-starting, then longer, wins). Whitespace is preserved.
    """
    parts: list[str] = []
    cursor = 0
    for start, end, color, label in sorted(spans, key=lambda s: (s[0], -s[1])):
        start, end = max(start, 0), min(end, len(text))
        if start < cursor or start >= end:
            continue
        parts.append(_escape(text[cursor:start]))
        tag = _TAG.format(label=_escape(label)) if label else ""
        title = f' title="{_escape(label)}"' if label else ""
        parts.append(_MARK.format(color=_escape(color), title=title, text=_escape(text[start:end]), tag=tag))
        cursor = end
    parts.append(_escape(text[cursor:]))
    body = "".join(parts)
    return f'<div style="white-space: pre-wrap;">{body}</div>' if wrap else body


def entities_html(text: str, entities: Sequence[Entity], *, hidden_labels: Iterable[str] = ()) -> str:
    """displaCy-style HTML: each entity in its label colour, the label shown after it."""
    hidden = {base_label(lab).upper() for lab in hidden_labels}
    spans = [(e.start, e.end, label_color(e.label), base_label(e.label)) for e in entities
             if base_label(e.label).upper() not in hidden]
    return highlight_html(text, spans)


def answers_html(context: str, answers: Sequence[Answer], *, color: str = "#ffeb80",
                 best_color: str = "#fde047", show_scores: bool = True) -> str:
    """Context HTML with QA answers highlighted (the best answer in a stronger colour)."""
    spans = [(a.start, a.end, best_color if i == 0 else color,
              f"{a.score:.0%}" if show_scores else "") for i, a in enumerate(answers)]
    return highlight_html(context, spans)
