"""Bulk accept of sure QA answers (the model's answer to a question the reviewer has not answered), and its undo."""

from __future__ import annotations

from bert_desk.project import Project
from bert_desk.project.bulk import accept_sure, restore

TEXT = "😀 Angela Merkel visited Paris in May."
PARIS = (TEXT.index("Paris"), TEXT.index("Paris") + 5)
MAY = (TEXT.index("May"), TEXT.index("May") + 3)


def answers(project: Project, doc: int, source: str) -> list[tuple[str, list[str | None]]]:
    """(question, [answer text or None for "no answer"]) in the `source` layer ("effective": human else model)."""
    out = []
    for q in project.questions(doc):
        layer = {"human": q.human, "model": q.model}.get(source, q.human or q.model)
        out.append((q.text, [None if a.start is None else TEXT[a.start:a.end] for a in layer]))
    return out


def ask(project: Project, doc: int, items: list[tuple[str, tuple[int, int] | None, float]]) -> list[int]:
    ids = []
    for question, span, score in items:
        qid = project.add_question(doc, question)
        start, end = span or (None, None)
        project.set_answer(qid, start, end, source="model", model="m", score=score)
        ids.append(qid)
    return ids


def test_sure_answers_are_taken_and_undone_exactly(project: Project) -> None:
    all_sure, mixed, reviewed = project.add_documents([TEXT] * 3)
    ask(project, all_sure, [("Where?", PARIS, 0.95), ("Who is tall?", None, 0.92)])
    ask(project, mixed, [("Where?", PARIS, 0.97), ("When?", MAY, 0.4)])
    _, when = ask(project, reviewed, [("Where?", PARIS, 0.99), ("When?", MAY, 0.99)])
    project.set_answer(when, None, None)  # the reviewer said "no answer" (and so took the other answer as it was)
    before = accept_sure(project, [all_sure, mixed, reviewed], "qa", 0.9)
    assert [b.doc_id for b in before] == [all_sure, mixed]  # the reviewed document had nothing left to take
    assert answers(project, all_sure, "human") == [("Where?", ["Paris"]), ("Who is tall?", [None])]
    assert project.review(all_sure, "qa").status == "accepted"  # every question has a reviewed answer
    assert answers(project, mixed, "human") == [("Where?", ["Paris"]), ("When?", [])]  # the unsure one: not taken
    assert answers(project, mixed, "effective")[1] == ("When?", ["May"])  # ... still shown as the model's proposal
    assert project.review(mixed, "qa").status == "unreviewed"
    assert answers(project, reviewed, "human") == [("Where?", ["Paris"]), ("When?", [None])]
    taken = project.questions(mixed)[0].human[0]
    assert (taken.prov.source, taken.prov.model, taken.prov.score, taken.prov.created_by) == ("human", "m", 0.97,
                                                                                             "tester")
    restore(project, before)
    for doc in (all_sure, mixed):
        assert all(not q.human for q in project.questions(doc)) and project.review(doc, "qa").status == "unreviewed"
    assert answers(project, reviewed, "human") == [("Where?", ["Paris"]), ("When?", [None])]
    assert answers(project, mixed, "effective") == [("Where?", ["Paris"]), ("When?", ["May"])]  # the proposals again


def test_answer_kinds_as_labels_and_nothing_sure(project: Project) -> None:
    (doc,) = project.add_documents([TEXT])
    ask(project, doc, [("Where?", PARIS, 0.95), ("Who is tall?", None, 0.95)])
    accept_sure(project, [doc], "qa", 0.9, labels={"no_answer"})
    assert answers(project, doc, "human") == [("Where?", []), ("Who is tall?", [None])]
    assert accept_sure(project, [doc], "qa", 0.99) == []  # nothing that sure left: no change to undo
