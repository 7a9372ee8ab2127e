"""Bulk accept of sure proposals, and its undo."""

from __future__ import annotations

from bert_desk.project import Project
from bert_desk.project.bulk import accept_sure, restore

TEXT = "Angela Merkel visited Paris and Berlin"


def spans(project: Project, doc: int, source: str = "effective") -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.label) for s in project.spans(doc, "ner", source)]


def test_sure_spans_are_accepted_and_undone(project: Project) -> None:
    all_sure, mixed, reviewed = project.add_documents([TEXT] * 3)
    for doc in (all_sure, mixed, reviewed):
        project.set_spans(doc, [(0, 13, "PER"), (22, 27, "LOC"), (32, 38, "LOC")], source="model", model="m")
    for doc, scores in ((all_sure, (0.99, 0.95, 0.91)), (mixed, (0.99, 0.5, 0.95)), (reviewed, (0.99, 0.99, 0.99))):
        project.db.execute("UPDATE spans SET score = CASE start WHEN 0 THEN ? WHEN 22 THEN ? ELSE ? END "
                           "WHERE doc_id = ? AND source = 'model'", (*scores, doc))
    project.set_spans(reviewed, [(22, 27, "ORG")])  # the reviewer's own decision stays
    before = accept_sure(project, [all_sure, mixed, reviewed], "ner", 0.9)
    assert project.review(all_sure, "ner").status == "accepted"
    assert spans(project, mixed, "human") == [(0, 13, "PER"), (32, 38, "LOC")]  # the unsure LOC is not taken
    assert project.review(mixed, "ner").status == "unreviewed"
    assert spans(project, reviewed, "human") == [(0, 13, "PER"), (22, 27, "ORG"), (32, 38, "LOC")]
    restore(project, before)
    assert [project.review(d, "ner").status for d in (all_sure, mixed, reviewed)] == ["unreviewed"] * 3
    assert spans(project, mixed) == [(0, 13, "PER"), (22, 27, "LOC"), (32, 38, "LOC")]  # the proposals again
    assert spans(project, reviewed, "human") == [(22, 27, "ORG")]


def test_only_chosen_labels(project: Project) -> None:
    (doc,) = project.add_documents([TEXT])
    project.set_spans(doc, [(0, 13, "PER"), (22, 27, "LOC")], source="model", model="m")
    project.db.execute("UPDATE spans SET score = 0.99")
    accept_sure(project, [doc], "ner", 0.9, labels={"LOC"})
    assert spans(project, doc, "human") == [(22, 27, "LOC")]
    assert project.review(doc, "ner").status == "unreviewed"


def test_sentiment_labels(project: Project) -> None:
    sure, unsure = project.add_documents(["good", "meh"])
    project.set_label(sure, "POSITIVE", source="model", model="m", score=0.97)
    project.set_label(unsure, "NEGATIVE", source="model", model="m", score=0.55)
    before = accept_sure(project, [sure, unsure], "sentiment", 0.9)
    assert [b.doc_id for b in before] == [sure]
    assert project.review(sure, "sentiment").status == "accepted"
    assert project.label(sure, "sentiment", "human").label == "POSITIVE"  # type: ignore[union-attr]
    assert project.review(unsure, "sentiment").status == "unreviewed"
    restore(project, before)
    assert project.review(sure, "sentiment").status == "unreviewed"
