"""`Labels`: one document label per (document, task, layer), e.g. the sentiment of a review."""

from __future__ import annotations

from bert_desk.project.core import Core, check_source
from bert_desk.project.layers import Layers
from bert_desk.project.reviews import Reviews
from bert_desk.project.schema import now
from bert_desk.project.spans import check_label
from bert_desk.project.types import DocLabel, Provenance


class Labels:
    """Document labels of a project."""

    def __init__(self, core: Core, reviews: Reviews, layers: Layers) -> None:
        self.core = core
        self.reviews = reviews
        self.layers = layers

    def label(self, doc_id: int, task: str = "sentiment", source: str = "effective") -> DocLabel | None:
        """The document label of a layer, or None."""
        source = self.reviews.layer(doc_id, task, source)
        rows = self.core.rows("SELECT label, source, model, model_version, score, created_by, created_at "
                              "FROM labels WHERE doc_id = ? AND task = ? AND source = ?", (doc_id, task, source))
        return DocLabel(doc_id, task, rows[0][0], Provenance(*rows[0][1:])) if rows else None

    def set_label(self, doc_id: int, label: str | None, *, task: str = "sentiment",
                  source: str = "human", model: str | None = None, model_version: str | None = None,
                  score: float | None = None, who: str | None = None) -> str | None:
        """Set (or clear with None) a document label; returns the previous label (for undo)."""
        check_source(source)
        if label is not None:
            check_label(label)
        core = self.core
        with core.transaction():
            core.document_length(doc_id)
            if source == "human":
                self.layers.adopt_proposals(doc_id, task, who)
            else:
                self.reviews.mark_proposed(doc_id, task, model, model_version)
            old = self.label(doc_id, task, source)
            core.execute("DELETE FROM labels WHERE doc_id = ? AND task = ? AND source = ?", (doc_id, task, source))
            if label is not None:
                if source == "human" and old is not None and old.label == label:
                    prov = old.prov
                else:
                    prov = Provenance(source, model, model_version, score, core.who(who), now())
                core.execute("INSERT INTO labels VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             (doc_id, task, source, label, prov.model, prov.model_version, prov.score,
                              prov.created_by, prov.created_at))
        return old.label if old else None
