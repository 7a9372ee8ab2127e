"""Where the reviewed entities (gold: the reviewer's or an imported file's) and the model's proposals differ
in a document: a wavy underline on each such place in the editor, its tooltip saying who said what, and a
count in the header. Only shown when the document has both layers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bert_desk.project import Project, Span
from bert_desk.ui.review.text_view import Mark

WAVE_COLOR = "#d93025"  # the underline; its hue reads on white and on the pastel entity colours


@dataclass(frozen=True)
class Disagreement:
    start: int
    end: int
    gold: str | None  # the reviewed label here (None: the reviewer has no entity here)
    model: str | None  # the model's proposed label here (None: the model proposed none)

    def describe(self) -> str:
        if self.gold is None:
            return f"The model proposed {self.model} here; the reviewed annotations have no entity"
        if self.model is None:
            return f"Reviewed {self.gold}; the model proposed no entity here"
        return f"Reviewed {self.gold}; the model proposed {self.model}"


def span_disagreements(gold: Sequence[Span], model: Sequence[Span]) -> list[Disagreement]:
    """Each place the two layers differ, in text order: a span in only one of them, or one span with two
    labels (an exact (start, end, label) match agrees)."""
    gold_at = {(s.start, s.end): s.label for s in gold}
    model_at = {(s.start, s.end): s.label for s in model}
    out = [Disagreement(start, end, gold_at.get((start, end)), model_at.get((start, end)))
           for start, end in sorted(set(gold_at) | set(model_at))
           if gold_at.get((start, end)) != model_at.get((start, end))]
    return out


def document_disagreements(project: Project, doc_id: int) -> list[Disagreement]:
    """The entity disagreements of a document that has both a reviewed layer and model proposals."""
    if not project.has_human_layer(doc_id, "ner") or project.proposed_by(doc_id, "ner") is None:
        return []
    return span_disagreements(project.spans(doc_id, "ner", "human"), project.spans(doc_id, "ner", "model"))


def disagreement_marks(found: Sequence[Disagreement]) -> list[Mark]:
    """Wavy underlines, painted over the entities."""
    return [Mark(d.start, d.end, WAVE_COLOR, d.describe(), style="wave") for d in found]


def summary(found: Sequence[Disagreement]) -> str:
    n = len(found)
    return f"{n} disagreement{'s' if n != 1 else ''} with the model (wavy underline)" if n else ""
