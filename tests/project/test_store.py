"""Project store: documents, listing, spans, labels, QA, reviews, transactions, file checks."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bert_desk.project import AnswerData, Project, ProjectError, Record, SpanData, schema
from tests.project.conftest import UNICODE_TEXTS, find


def test_create_open_and_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "a.bdesk"
    with Project.create(path) as p:
        p.add_documents(["one", ("two", {"source": "x"})])
    with pytest.raises(ProjectError, match="already exists"):
        Project.create(path)
    with Project.open(path) as p:
        assert p.count() == 2
        assert p.document(2).meta == {"source": "x"}
        assert p.db.rows("PRAGMA journal_mode")[0][0] == "wal"
        assert p.db.rows("PRAGMA foreign_keys")[0][0] == 1
        assert p.db.rows("PRAGMA synchronous")[0][0] == 2  # FULL
    with pytest.raises(ProjectError, match="no such project"):
        Project.open(tmp_path / "missing.bdesk")


def test_list_count_filters_and_navigation(project: Project) -> None:
    ids = project.add_documents([f"document {i} about {'Paris' if i % 3 == 0 else 'Berlin'}" for i in range(10)])
    rows = project.list_documents(offset=2, limit=3)
    assert [r.id for r in rows] == ids[2:5]
    assert rows[0].preview == "document 2 about Berlin" and rows[0].statuses["ner"] == "unreviewed"
    assert project.count(search="PARIS") == 4
    project.set_status(ids[1], "ner", "accepted")
    project.set_status(ids[2], "sentiment", "rejected")
    assert project.count(task="ner", status="accepted") == 1
    assert project.count(task="ner", status="unreviewed") == 9
    assert project.count(status="unreviewed") == 8  # no task reviewed
    assert project.count(status=["accepted", "rejected"]) == 2
    assert project.neighbor(ids[0], task="ner", status="unreviewed") == ids[2]
    assert project.neighbor(ids[5], -1, search="paris") == ids[3]
    assert project.neighbor(ids[9]) is None
    assert project.index_of(ids[6], search="paris") == 2
    project.set_spans(ids[4], [(0, 8, "MISC")], source="model")
    assert [r.id for r in project.list_documents(label="MISC")] == [ids[4]]
    project.set_spans(ids[4], [], source="human")  # the reviewer removed the proposal
    assert project.list_documents(label="MISC") == []
    with pytest.raises(ProjectError, match="unknown status"):
        project.count(status="done")


def test_span_validation_and_overlap(project: Project) -> None:
    (doc,) = project.add_documents([UNICODE_TEXTS[0]])
    text = project.document(doc).text
    start, end = find(text, "東京")
    sid = project.add_span(doc, start, end, "LOC")
    assert text[start:end] == "東京" and project.span(sid).label == "LOC"
    for bad in [(-1, 2), (3, 3), (5, 2), (0, len(text) + 1)]:
        with pytest.raises(ProjectError, match="outside the text"):
            project.add_span(doc, *bad, "X")
    with pytest.raises(ProjectError, match="overlaps"):
        project.add_span(doc, start + 1, end + 3, "ORG")
    with pytest.raises(ProjectError, match="overlaps"):
        project.set_spans(doc, [(0, 6, "PER"), (3, 10, "PER")])
    with pytest.raises(ProjectError, match="non-empty"):
        project.add_span(doc, 0, 6, "")
    assert len(project.spans(doc)) == 1  # failed operations changed nothing


def test_undo_friendly_span_operations(project: Project) -> None:
    (doc,) = project.add_documents(["Angela Merkel visited Paris."])
    sid = project.add_span(doc, 0, 13, "PER")
    removed = project.remove_span(sid)
    assert project.spans(doc) == []
    assert project.restore_span(removed) == sid  # same id back
    assert project.relabel_span(sid, "ORG") == "PER"
    assert project.spans(doc)[0].label == "ORG"
    previous = project.set_spans(doc, [(22, 27, "LOC")])
    assert [(s.start, s.end, s.label) for s in previous] == [(0, 13, "ORG")]
    project.set_spans(doc, previous)
    assert [(s.start, s.end, s.label) for s in project.spans(doc)] == [(0, 13, "ORG")]


def test_proposals_are_separate_and_adopted_once(project: Project) -> None:
    (doc,) = project.add_documents(["Angela Merkel visited Paris."])
    project.set_spans(doc, [(0, 13, "PER"), (22, 27, "LOC")], source="model", model="m1", model_version="v1")
    assert not project.has_human_layer(doc, "ner")
    assert [s.prov.source for s in project.spans(doc)] == ["model", "model"]  # effective = proposals
    model_loc = project.spans(doc)[1]
    removed = project.remove_span(model_loc.id)  # a proposal's id maps to its adopted copy
    assert removed.prov.source == "human" and removed.prov.model == "m1" and removed.label == "LOC"
    assert [s.label for s in project.spans(doc, source="model")] == ["PER", "LOC"]  # untouched
    assert [s.label for s in project.spans(doc)] == ["PER"]
    project.set_spans(doc, [(22, 27, "GPE")], source="model", model="m2")  # re-run: human layer wins
    assert [s.label for s in project.spans(doc)] == ["PER"]
    assert project.proposed_by(doc, "ner") == ("m2", None)
    with pytest.raises(ProjectError, match="model proposal"):
        project.remove_span(project.spans(doc, source="model")[0].id)


def test_labels_and_reviews(project: Project) -> None:
    a, b = project.add_documents(["I love it", "Awful"])
    project.set_label(a, "positive", source="model", model="m", score=0.9)
    assert project.label(a).label == "positive" and project.label(a).prov.source == "model"
    assert project.set_label(a, "negative") == "positive"  # the adopted proposal is what undo restores
    assert project.label(a, source="human").label == "negative"
    assert project.set_label(a, None) == "negative"
    assert project.label(a) is None and project.label(a, source="model").label == "positive"
    previous = project.set_status(b, "sentiment", "skipped", who="ann")
    assert previous.status == "unreviewed"
    review = project.review(b, "sentiment")
    assert (review.status, review.reviewer) == ("skipped", "ann")
    assert project.set_status(b, "sentiment", "accepted").status == "skipped"
    with pytest.raises(ProjectError, match="unknown status"):
        project.set_status(b, "sentiment", "great")
    with pytest.raises(ProjectError, match="unknown task"):
        project.review(b, "pos")


def test_questions_and_answers(project: Project) -> None:
    (doc,) = project.add_documents(["Angela Merkel visited Paris in May."])
    q = project.add_question(doc, "Where did she go?", qid="q1")
    assert project.set_answer(q, 22, 27) == ()
    assert project.set_answer(q, None, None) == (AnswerData(22, 27),)
    assert project.questions(doc)[0].human[0].no_answer
    project.set_answer(q, 31, 34, source="model", model="qa", score=0.5)
    question = project.question(q)
    assert question.model[0].start == 31 and question.model[0].prov.score == 0.5
    with pytest.raises(ProjectError, match="outside"):
        project.set_answer(q, 30, 99)
    removed = project.remove_question(q)
    assert project.questions(doc) == []
    assert project.restore_question(removed) == q
    restored = project.questions(doc)[0]
    assert restored.qid == "q1" and restored.human[0].no_answer and restored.model[0].end == 34
    p2 = project.add_question(doc, "When?")
    project.set_answer(p2, 31, 34, source="model")
    project.set_status(doc, "qa", "accepted")  # adopts the model's answer for p2 only
    assert project.question(p2).human[0].start == 31


def test_stats(project: Project) -> None:
    a, b, c = project.add_documents(["a b", "c d", "e f"])
    project.add_span(a, 0, 1, "X")
    project.set_spans(b, [(0, 1, "X"), (2, 3, "Y")], source="model")
    project.set_label(c, "pos")
    project.set_status(a, "ner", "accepted")
    q = project.add_question(c, "?")
    project.set_answer(q, None, None)
    stats = project.stats()
    assert stats["documents"] == 3
    assert stats["status"]["ner"] == {"unreviewed": 2, "accepted": 1, "rejected": 0, "skipped": 0}
    assert stats["labels"]["ner"] == {"X": {"human": 1, "model": 1}, "Y": {"human": 0, "model": 1}}
    assert stats["labels"]["sentiment"] == {"pos": {"human": 1, "model": 0}}
    assert stats["questions"]["total"] == 1 and stats["questions"]["human"]["no_answer"] == 1
    assert project.labels_in_use("ner") == ["X", "Y"] and project.labels_in_use("sentiment") == ["pos"]
    project.set_setting("labels.ner", "PER,LOC")
    assert project.get_setting("labels.ner") == "PER,LOC" and project.get_setting("nope") is None


def test_transaction_is_all_or_nothing(project: Project) -> None:
    (doc,) = project.add_documents(["Angela Merkel visited Paris."])
    with pytest.raises(RuntimeError), project.transaction():
        project.add_span(doc, 0, 13, "PER")
        project.add_documents(["more"])
        raise RuntimeError("boom")
    assert project.count() == 1 and project.spans(doc) == []
    with project.transaction():  # nested failures roll back to their savepoint only
        project.add_span(doc, 0, 13, "PER")
        with pytest.raises(ProjectError):
            project.add_span(doc, 5, 20, "LOC")
    assert len(project.spans(doc)) == 1
    project.add_documents(["ok"])
    with pytest.raises(ProjectError, match="overlaps"):
        project.import_records([Record("fine"), Record("bad", spans=[SpanData(0, 2, "A"), SpanData(1, 3, "B")])])
    assert project.count() == 2  # "ok" only; the failed import left nothing


def test_delete_document_cascades(project: Project) -> None:
    (doc,) = project.add_documents(["Paris"])
    project.add_span(doc, 0, 5, "LOC")
    project.add_question(doc, "?")
    assert project.delete_document(doc).text == "Paris"
    assert project.db.rows("SELECT COUNT(*) FROM spans")[0][0] == 0
    assert project.db.rows("SELECT COUNT(*) FROM questions")[0][0] == 0


def test_read_only_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "a.bdesk"
    Project.create(path).close()
    with Project.open(path, read_only=True) as p:
        with pytest.raises(ProjectError, match="read-only"):
            p.add_documents(["x"])
        assert p.count() == 0


def test_not_a_project_and_garbage(tmp_path: Path) -> None:
    garbage = tmp_path / "g.bdesk"
    garbage.write_bytes(b"hello, not sqlite" * 100)
    with pytest.raises(ProjectError, match="not a bert_desk project"):
        Project.open(garbage)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(ProjectError, match="another program"):
        Project.open(other)


def test_corrupt_file_opens_read_only_with_message(tmp_path: Path) -> None:
    path = tmp_path / "c.bdesk"
    with Project.create(path) as p:
        p.add_documents([f"document number {i} " * 20 for i in range(400)])
    page = 4096
    data = bytearray(path.read_bytes())
    assert len(data) > 20 * page
    for offset in range(page * 8, page * 12):  # wipe some b-tree pages
        data[offset] = 0x55
    path.write_bytes(bytes(data))
    p = Project.open(path)
    with p:
        assert p.read_only and p.integrity_error is not None
        assert "damaged" in str(p.integrity_error)
        with pytest.raises(ProjectError, match="read-only"):
            p.add_documents(["x"])


def test_newer_schema_is_read_only_and_migrations_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "m.bdesk"
    with Project.create(path) as p:
        p.add_documents(["x"])
    current = schema.SCHEMA_VERSION
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 0)
    with Project.open(path) as p:
        assert p.read_only and "newer bert_desk" in str(p.integrity_error)
    calls: list[int] = []
    monkeypatch.setattr(schema, "SCHEMA_VERSION", current + 1)
    monkeypatch.setitem(schema.MIGRATIONS, current, lambda conn: calls.append(current) or conn.execute(
        "ALTER TABLE documents ADD COLUMN extra TEXT"))
    with Project.open(path) as p:
        assert not p.read_only and calls == [current]
        assert p.db.rows("SELECT version FROM schema_version")[0][0] == current + 1


def test_schema_1_file_upgrades_to_confidence_and_model_versions(tmp_path: Path) -> None:
    path = tmp_path / "old.bdesk"
    with Project.create(path) as p:
        (doc,) = p.add_documents(["Paris"])
        p.set_spans(doc, [(0, 5, "LOC")], source="model", model="m")
    conn = sqlite3.connect(path)  # make it a schema-1 file as bert_desk 1 wrote it
    conn.executescript("ALTER TABLE proposal_runs DROP COLUMN confidence; DROP TABLE model_versions; "
                       "UPDATE schema_version SET version = 1;")
    conn.close()
    with Project.open(path) as p:
        assert p.confidence(doc, "ner") is None and p.versions.model_versions() == []
        with p.transaction():
            p.set_confidence(doc, "ner", 0.25)
        assert p.confidence(doc, "ner") == 0.25
