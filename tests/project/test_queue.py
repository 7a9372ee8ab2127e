"""The review queue: least confident proposals first, and documents where model and reviewer disagree."""

from __future__ import annotations

from typing import Any

from bert_desk.engine.types import Entity, NERResult, SentimentResult
from bert_desk.project import Project, preannotate


def confident_engine() -> preannotate.Engine:
    """A fake engine whose entity score (and so the document's confidence) is written in the text."""

    def ner_batch(model: Any, texts: list[str], **kw: Any) -> list[NERResult]:
        return [NERResult(t, (Entity(0, 5, "LOC", float(t.split()[-1]), t[:5]),)) for t in texts]

    def sentiment_batch(model: Any, texts: list[str], **kw: Any) -> list[SentimentResult]:
        return [SentimentResult(t, "POSITIVE", 0.6, {"POSITIVE": 0.6, "NEGATIVE": 0.4}) for t in texts]

    return preannotate.Engine(lambda spec, task, **kw: object(), ner_batch, sentiment_batch, None, None)


def test_confidence_order_and_paging(project: Project) -> None:
    ids = project.add_documents([f"Paris {c}" for c in ("0.9", "0.2", "0.7", "0.4")] + ["no proposals"])
    preannotate.preannotate(project, "ner", "fake", doc_ids=ids[:4], engine=confident_engine())
    assert project.confidence(ids[1], "ner") == 0.2
    expected = [ids[1], ids[3], ids[2], ids[0], ids[4]]  # unscored last
    assert project.document_ids(task="ner", order="confidence") == expected
    rows = project.list_documents(task="ner", order="confidence", offset=1, limit=2)
    assert [(r.id, r.confidence) for r in rows] == [(ids[3], 0.4), (ids[2], 0.7)]
    assert [project.neighbor(d, 1, task="ner", order="confidence") for d in expected] == [*expected[1:], None]
    assert [project.neighbor(d, -1, task="ner", order="confidence") for d in expected] == [None, *expected[:-1]]
    assert [project.index_of(d, task="ner", order="confidence") for d in expected] == [0, 1, 2, 3, 4]
    project.set_status(ids[1], "ner", "accepted")
    assert project.document_ids(task="ner", status="unreviewed", order="confidence")[0] == ids[3]


def test_sentiment_confidence_is_the_top_label_margin(project: Project) -> None:
    (doc,) = project.add_documents(["fine"])
    preannotate.preannotate(project, "sentiment", "fake", engine=confident_engine())
    assert abs((project.confidence(doc, "sentiment") or 0) - 0.2) < 1e-9


def test_disagreement_filter(project: Project) -> None:
    same, moved, removed, unreviewed = project.add_documents([f"Paris {c}" for c in ("0.9", "0.8", "0.7", "0.6")])
    preannotate.preannotate(project, "ner", "fake", engine=confident_engine())
    project.set_status(same, "ner", "accepted")  # the reviewer took the proposal as it was
    project.set_spans(moved, [(0, 4, "LOC")])  # a boundary moved
    project.set_spans(removed, [])  # the proposal was wrong
    assert project.document_ids(task="ner", disagree=True) == [moved, removed]
    assert project.count(task="ner", disagree=True) == 2
    assert project.document_ids(task="ner", disagree=True, status="accepted") == []
    assert unreviewed not in project.document_ids(task="ner", disagree=True)
