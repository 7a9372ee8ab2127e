"""Exporters: the shape of every format, status filters, layers and atomic files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from bert_desk.project import Project, ProjectExportError, SpanData
from bert_desk.project.exporters import export_project
from bert_desk.project.exporters.tabular import conll_tokens
from bert_desk.project.types import Record
from tests.project.conftest import find

TEXT = "Angela Merkel visited 東京に 😀 today.\r\nOK"


@pytest.fixture
def filled(project: Project) -> Project:
    a, b, c = project.add_documents([TEXT, "Paris is nice", "no review"])
    project.set_spans(a, [SpanData(*find(TEXT, "Angela Merkel"), "PER"), SpanData(*find(TEXT, "東京"), "LOC"),
                          SpanData(*find(TEXT, " 😀"), "EMO")])  # leading space, CJK without spaces
    project.set_status(a, "ner", "accepted")
    project.set_spans(b, [(0, 5, "LOC")])
    project.set_status(b, "ner", "rejected")
    project.set_label(b, "positive")
    project.set_spans(c, [(0, 2, "X")], source="model", model="m")
    return project


def _export(project: Project, fmt: str, **kw: object) -> str:
    out = io.StringIO()
    export_project(project, fmt, out, **kw)  # type: ignore[arg-type]
    return out.getvalue()


def test_jsonl_prodigy_shape(filled: Project) -> None:
    rows = [json.loads(line) for line in _export(filled, "jsonl").splitlines()]
    first = rows[0]
    assert first["answer"] == "accept" and first["review"] == {"ner": "accepted"}
    tokens = first["tokens"]
    assert "".join(t["text"] + " " * t["ws"] for t in tokens) == TEXT
    assert [t["id"] for t in tokens] == list(range(len(tokens)))
    for span in first["spans"]:
        assert tokens[span["token_start"]]["start"] == span["start"]
        assert tokens[span["token_end"]]["end"] == span["end"]  # token_end is inclusive
    per = first["spans"][0]
    assert (per["token_start"], per["token_end"]) == (0, 1)
    assert rows[1]["answer"] == "reject" and rows[1]["label"] == "positive"
    assert "spans" not in rows[2] and "answer" not in rows[2]  # no human layer, model layer not exported
    assert [json.loads(x)["text"] for x in _export(filled, "jsonl", source="model").splitlines()][2] == "no review"
    model_rows = [json.loads(x) for x in _export(filled, "jsonl", source="effective").splitlines()]
    assert model_rows[2]["spans"][0]["label"] == "X"


def test_status_filter(filled: Project) -> None:
    rows = _export(filled, "jsonl", statuses=["accepted", "unreviewed"], task="ner").splitlines()
    assert [json.loads(r)["text"] for r in rows] == [TEXT, "no review"]
    assert _export(filled, "conll", statuses=["skipped"]) == ""


def test_spacy_docbin_spans_align_exactly(filled: Project, tmp_path: Path) -> None:
    from spacy.tokens import DocBin

    from bert_desk.project.tokens import blank_nlp

    out = tmp_path / "x.spacy"
    assert export_project(filled, "spacy", out).documents == 3
    docs = list(DocBin().from_disk(out).get_docs(blank_nlp().vocab))
    assert docs[0].text == TEXT
    assert [(e.text, e.label_) for e in docs[0].ents] == [("Angela Merkel", "PER"), ("東京", "LOC"), (" 😀", "EMO")]
    assert docs[1].cats == {"positive": 1.0}
    assert docs[0].user_data["bert_desk"]["review"] == {"ner": "accepted"}


def test_conll_tags(filled: Project) -> None:
    text = _export(filled, "conll")
    sentences = text.strip("\n").split("\n\n")
    assert sentences[0].splitlines()[:5] == ["Angela _ _ B-PER", "Merkel _ _ I-PER", "visited _ _ O",
                                             "東京 _ _ B-LOC", "に _ _ O"]
    assert "😀 _ _ B-EMO" in sentences[0]  # the leading space of the span cannot be carried
    rec = Record(text="New York-based", spans=[SpanData(0, 8, "LOC")])
    assert conll_tokens(rec) == [("New", "B-LOC"), ("York", "I-LOC"), ("-based", "O")]


def test_squad_versions(project: Project) -> None:
    (doc,) = project.add_documents([("Paris is in France.", {"title": "Geo"})])
    q = project.add_question(doc, "Where?", qid="a")
    project.set_answer(q, 12, 18)
    data = json.loads(_export(project, "squad"))
    assert data["version"] == "1.1"
    qa = data["data"][0]["paragraphs"][0]["qas"][0]
    assert data["data"][0]["title"] == "Geo" and "is_impossible" not in qa
    assert qa["answers"] == [{"text": "France", "answer_start": 12}]
    q2 = project.add_question(doc, "Who?")
    project.set_answer(q2, None, None)
    data = json.loads(_export(project, "squad"))
    qas = data["data"][0]["paragraphs"][0]["qas"]
    assert data["version"] == "v2.0" and [x["is_impossible"] for x in qas] == [False, True]
    assert qas[1]["answers"] == [] and qas[1]["id"] == f"bd-{doc}-1"


def test_labelstudio_shape(filled: Project) -> None:
    tasks = json.loads(_export(filled, "labelstudio"))
    first = tasks[0]
    assert first["data"]["text"] == TEXT and first["meta"]["bert_desk_review"] == {"ner": "accepted"}
    value = first["annotations"][0]["result"][1]["value"]
    assert value == {"start": 22, "end": 24, "text": "東京", "labels": ["LOC"]}
    assert tasks[1]["annotations"][0]["result"][-1]["value"] == {"choices": ["positive"]}
    assert "annotations" not in tasks[2] and tasks[2]["predictions"][0]["model_version"] == "m"


def test_csv(filled: Project) -> None:
    rows = list(csv.reader(io.StringIO(_export(filled, "csv"), newline="")))
    assert rows[0] == ["text", "label", "status"]
    assert rows[1] == [TEXT, "", ""] and rows[2] == ["Paris is nice", "positive", "unreviewed"]


def test_atomic_file_and_errors(filled: Project, tmp_path: Path) -> None:
    out = tmp_path / "a.jsonl"
    out.write_text("old")
    with pytest.raises(ProjectExportError, match="unknown export format"):
        export_project(filled, "xml", out)
    with pytest.raises(Exception, match="unknown status"):
        export_project(filled, "jsonl", out, statuses=["nope"])
    assert out.read_text() == "old"
    assert {p.name for p in tmp_path.iterdir()} <= {"p.bdesk", "p.bdesk-wal", "p.bdesk-shm", "a.jsonl"}
