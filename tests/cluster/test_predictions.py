"""`bert-desk project import-predictions PROJECT DIR`: a batch folder's lines become model proposals of the
documents with the same text (QA: the same question), with their confidence; human decisions stay."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bert_desk.cli import main
from bert_desk.cluster import shards
from bert_desk.project.store import Project


def batch_folder(folder: Path, task: str, lines: list[dict], fields: list[tuple[str, ...]]) -> Path:
    """A finished batch output folder holding `lines` (what `bert-desk batch TASK` writes)."""
    items = [shards.Item("corpus.jsonl", n, f) for n, f in enumerate(fields, 1)]
    plan = shards.plan(shards.Job(task, "/models/m", "v1", chunk=2, shard_size=2), items, folder)
    for index, shard in enumerate(plan.shards):
        start = index * 2
        plan.path(index).write_text("".join(json.dumps(obj, ensure_ascii=False) + "\n"
                                            for obj in lines[start:start + len(shard)]), encoding="utf-8")
    return folder


def sentiment(text: str, label: str, score: float) -> dict:
    other = "NEGATIVE" if label == "POSITIVE" else "POSITIVE"
    return {"text": text, "label": label, "score": score, "scores": {label: score, other: round(1 - score, 6)}}


def test_sentiment_predictions_become_proposals_and_leave_reviews_alone(tmp_path: Path, capsys) -> None:
    path = tmp_path / "p.bdesk"
    with Project.create(path) as project:
        good, bad, again, unseen = project.add_documents(["a good film 😀", "a bad film", "a good film 😀", "x"])
        project.set_label(bad, "POSITIVE")  # the reviewer's decision
        project.set_status(bad, "sentiment", "accepted")
    lines = [sentiment("a good film 😀", "POSITIVE", 0.9), sentiment("a bad film", "NEGATIVE", 0.8),
             sentiment("not in the project", "NEGATIVE", 0.6)]
    folder = batch_folder(tmp_path / "out", "sentiment", lines, [(line["text"],) for line in lines])
    assert main(["project", "import-predictions", str(path), str(folder)]) == 0
    assert capsys.readouterr().out.strip() == ("3 sentiment predictions of /models/m: proposals for 3 documents, "
                                               "1 matched nothing in the project")
    with Project.open(path) as project:
        for doc in (good, again):
            proposal = project.label(doc, "sentiment", "model")
            assert (proposal.label, proposal.prov.model, proposal.prov.model_version) == ("POSITIVE", "/models/m", "v1")
            assert project.confidence(doc, "sentiment") == pytest.approx(0.8)  # the top two labels' margin
        assert project.label(bad, "sentiment", "model").label == "NEGATIVE"
        assert project.label(bad, "sentiment", "effective").label == "POSITIVE"  # the reviewed label stays
        assert project.review(bad, "sentiment").status == "accepted"
        assert project.label(unseen, "sentiment", "model") is None


def test_entities_and_answers_land_on_their_documents(tmp_path: Path, capsys) -> None:
    path = tmp_path / "p.bdesk"
    texts = ["Angela Merkel visited Paris.", "Zoë flew to 東京."]
    with Project.create(path) as project:
        merkel, zoe = project.add_documents(texts)
        q1, q2 = (project.add_question(doc, "Where did she go?") for doc in (merkel, zoe))
    spans = [{"text": texts[0], "spans": [{"start": 0, "end": 13, "label": "PER", "score": 0.97, "text": "Angela Merkel"},
                                          {"start": 22, "end": 27, "label": "LOC", "score": 0.7, "text": "Paris"}]},
             {"text": texts[1], "spans": [{"start": 12, "end": 14, "label": "LOC", "score": 0.9, "text": "東京"}]}]
    ner = batch_folder(tmp_path / "ner", "ner", spans, [(t,) for t in texts])
    assert main(["project", "import-predictions", str(path), str(ner)]) == 0
    answers = [{"question": "Where did she go?", "no_answer": False,
                "answers": [{"start": 12, "end": 14, "text": "東京", "score": 0.6}]},
               {"question": "Where did she go?", "no_answer": False,
                "answers": [{"start": 22, "end": 27, "text": "Paris", "score": 0.8}]}]
    qa = batch_folder(tmp_path / "qa", "qa", answers, [("Where did she go?", t) for t in reversed(texts)])
    assert main(["project", "import-predictions", str(path), str(qa)]) == 0
    assert "proposals for 2 questions, 0 matched nothing" in capsys.readouterr().out
    with Project.open(path) as project:
        found = [(texts[0][s.start:s.end], s.label) for s in project.spans(merkel, "ner", "model")]
        assert found == [("Angela Merkel", "PER"), ("Paris", "LOC")]
        assert project.confidence(merkel, "ner") == pytest.approx(0.7)
        assert [(texts[1][s.start:s.end], s.label) for s in project.spans(zoe, "ner", "model")] == [("東京", "LOC")]
        assert [(a.start, a.end) for a in project.question(q1).model] == [(22, 27)]
        assert [(a.start, a.end) for a in project.question(q2).model] == [(12, 14)]


def test_an_unfinished_job_is_refused(tmp_path: Path, capsys) -> None:
    path = tmp_path / "p.bdesk"
    Project.create(path).close()
    folder = batch_folder(tmp_path / "out", "sentiment", [sentiment("a", "POSITIVE", 0.9)] * 3, [("a",)] * 3)
    (folder / shards.shard_name(1)).unlink()
    assert main(["project", "import-predictions", str(path), str(folder)]) == 2
    assert "shard-000001.jsonl: shard missing or unfinished" in capsys.readouterr().err
