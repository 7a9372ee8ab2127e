"""A shareable report: one self-contained HTML file for results of any task (pure Python, no Qt).

Entities in the displaCy colours of `engine.colors` with their labels, the QA answer marked in its context,
sentences shaded on the negative → positive scale, token attributions in diverging shades with a legend and
the top tokens. Every piece of user text is escaped (`html.escape`, quotes too), styles are inline, there is
no script, and a Content-Security-Policy forbids scripts and any fetch: the file opens offline anywhere.
Spans are (start, end) Python indices into the original text, as everywhere.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from bert_desk.atomic import atomic_write
from bert_desk.engine.colors import (
    ANSWER_HEX,
    ANSWER_OTHER_HEX,
    attribution_hex,
    label_color,
    polarity_hex,
    scores_polarity,
)
from bert_desk.engine.explain import Explanation
from bert_desk.engine.types import NERResult, QAResult, SentimentResult

INK = "#1b1b1b"
BODY = ("font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',sans-serif;color:#1b1b1b;"
        "background:#ffffff;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.5")
TEXT = "white-space:pre-wrap;line-height:2.1;border:1px solid #ddd;border-radius:6px;padding:.8em;margin:.5em 0"
MARK = f"color:{INK};padding:.1em .25em;border-radius:.3em;"
TAG = "font-size:.68em;font-weight:bold;margin-left:.35em;vertical-align:middle;text-transform:uppercase"
CELL = "padding:.2em .6em;border-bottom:1px solid #eee;text-align:left"
Span = tuple[int, int, str, str, str]  # start, end, background, tooltip, tag shown after the text ("": none)


def esc(text: str) -> str:
    """User text as HTML text or attribute value (<, >, &, both quotes escaped)."""
    return html.escape(text, quote=True)


def marked(text: str, spans: Iterable[Span]) -> str:
    """`text` escaped, with each span in a coloured <mark> inside a block that keeps its whitespace and line
    breaks. Spans come in priority order: one overlapping a span given before it is left out."""
    kept: list[Span] = []
    for span in spans:
        if 0 <= span[0] < span[1] <= len(text) and all(span[1] <= k[0] or k[1] <= span[0] for k in kept):
            kept.append(span)
    out, at = [], 0
    for start, end, color, tip, tag in sorted(kept):
        out.append(esc(text[at:start]))
        label = f'<span style="{TAG}">{esc(tag)}</span>' if tag else ""
        out.append(f'<mark style="{MARK}background:{color}" title="{esc(tip)}">{esc(text[start:end])}{label}</mark>')
        at = end
    out.append(esc(text[at:]))
    return f'<div style="{TEXT}">{"".join(out)}</div>'


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A table of escaped cells."""
    head = "".join(f'<th style="{CELL}">{esc(h)}</th>' for h in header)
    body = "".join("<tr>" + "".join(f'<td style="{CELL}">{esc(c)}</td>' for c in row) + "</tr>" for row in rows)
    return f'<table style="border-collapse:collapse;margin:.5em 0">{head and "<tr>" + head + "</tr>"}{body}</table>'


def _swatch(color: str, label: str) -> str:
    return f'<span style="{MARK}background:{color};margin-right:.5em;white-space:nowrap">{esc(label)}</span>'


def ner_section(result: NERResult) -> str:
    """The text with its entities coloured and labelled, a legend of the labels, and the entity list."""
    spans = [(e.start, e.end, label_color(e.label), f"{e.label} {e.score:.2f}", e.label) for e in result.entities]
    labels = sorted({e.label for e in result.entities})
    legend = " ".join(_swatch(label_color(label), f"{label} ×{sum(e.label == label for e in result.entities)}")
                      for label in labels)
    count = len(result.entities)
    rows = [(e.text, e.label, f"{e.score:.2f}", f"{e.start}–{e.end}") for e in result.entities]
    return (f"<h2>Entities: {count} found</h2><p>{legend}</p>{marked(result.text, spans)}"
            + (_table(("Entity", "Label", "Score", "Characters"), rows) if rows else ""))


def sentiment_section(result: SentimentResult) -> str:
    """The verdict and every label's score, and the text with each sentence shaded by its own verdict."""
    spans = [(s.start, s.end, polarity_hex(scores_polarity(s.scores or {s.label: s.score})),
              f"{s.label} {s.score:.2f}", "") for s in result.sentences]
    verdict = _swatch(polarity_hex(scores_polarity(result.scores)), f"{result.label} {result.score:.2f}")
    rows = [(label, f"{score:.3f}") for label, score in sorted(result.scores.items(), key=lambda kv: -kv[1])]
    return (f"<h2>Sentiment</h2><p>Verdict: {verdict}</p>{_table(('Label', 'Score'), rows)}"
            f"<p>Sentences are shaded from red (negative) to green (positive); hover one for its verdict.</p>"
            f"{marked(result.text, spans)}")


def qa_section(result: QAResult, context: str) -> str:
    """The question, the answers, and the context with the best answer (and the others, paler) marked."""
    spans = [(a.start, a.end, ANSWER_HEX if i == 0 else ANSWER_OTHER_HEX, f"#{i + 1} {a.score:.2f}", "")
             for i, a in enumerate(result.answers)]
    if result.no_answer:
        verdict = "The model's best guess is that the context holds no answer."
    elif result.answers:
        verdict = f"Answer: {_swatch(ANSWER_HEX, result.answers[0].text)} ({result.answers[0].score:.2f})"
    else:
        verdict = "No answer."
    rows = [(str(i + 1), a.text, f"{a.score:.3f}", f"{a.start}–{a.end}") for i, a in enumerate(result.answers)]
    return (f"<h2>Question answering</h2><p><b>Question:</b> {esc(result.question)}</p><p>{verdict}</p>"
            + (_table(("#", "Answer", "Score", "Characters"), rows) if rows else "") + marked(context, spans))


def legend(scale: float) -> str:
    """The diverging attribution scale from −scale to +scale, in nine steps, numbers at both ends and 0."""
    cells = "".join(f'<span style="display:inline-block;width:2.2em;height:1em;background:'
                    f'{attribution_hex(scale * k / 4, scale)}"></span>' for k in range(-4, 5))
    return (f'<p style="white-space:nowrap">against <b>{-scale:.3g}</b> {cells} <b>+{scale:.3g}</b> for '
            f"(0 in the middle)</p>")


def explanation_section(exp: Explanation, top: int = 10) -> str:
    """An explanation: what was explained, the scale, each text shaded token by token
    (hover for the number), and the top tokens by |attribution|."""
    method = "integrated gradients" + (f", {exp.steps} steps" if exp.steps else "") if exp.method == "ig" \
        else "gradient × input"
    scale = exp.scale
    parts = [f"<h2>Why {esc(exp.target)}?</h2><p>Attributions by {esc(method)} to the {esc(exp.task)} output "
             f"({exp.output:.4g}" + (f"; baseline {exp.baseline:.4g}" if exp.baseline is not None else "")
             + "). Red tokens push towards it, blue ones away.</p>", legend(scale)]
    for source, text in exp.texts.items():
        spans = [(t.start, t.end, attribution_hex(t.attribution, scale), f"{t.attribution:+.4g}", "")
                 for t in exp.tokens if t.source == source]
        if exp.task == "qa":
            parts.append(f"<h3>{esc(source.capitalize())}</h3>")
        parts.append(marked(text, spans))
    rows = [(str(i + 1), t.text, f"{t.attribution:+.4g}", t.source, f"{t.start}–{t.end}")
            for i, t in enumerate(exp.top(top))]
    parts.append("<h3>Top tokens</h3>" + _table(("#", "Token", "Attribution", "In", "Characters"), rows))
    return "".join(parts)


TASKS = ("sentiment", "qa", "ner", "explain")


def task_section(task: str, inputs: Sequence[str], result: Any) -> str:
    """The section for one result of `task` ("sentiment", "qa", "ner", "explain") on its input fields."""
    if task == "sentiment":
        return sentiment_section(result)
    if task == "qa":
        return qa_section(result, inputs[-1])
    if task == "ner":
        return ner_section(result)
    if task == "explain":
        return explanation_section(result)
    raise ValueError(f"No report for the task '{task}'")


def page(title: str, sections: Sequence[str]) -> str:
    """A whole HTML document around `sections` (already escaped HTML)."""
    body = '<hr style="border:0;border-top:1px solid #ddd;margin:2em 0">'.join(sections)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{esc(title)}</title></head><body style=\"{BODY}\"><h1>{esc(title)}</h1>{body}"
            "<p style=\"color:#666;font-size:.8em;margin-top:2em\">Made with bert_desk.</p></body></html>\n")


def write_page(path: str | Path, title: str, sections: Sequence[str]) -> None:
    """Write `page(title, sections)` to `path` atomically (UTF-8)."""
    with atomic_write(path) as stream:
        stream.write(page(title, sections).encode("utf-8"))
