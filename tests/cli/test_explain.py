"""`bert-desk explain sentiment|qa|ner`: JSON lines with exact token spans, targets picked per record."""

from __future__ import annotations

import json

import pytest

from bert_desk.cli import main

from .test_cli import run_cli


def test_sentiment_lines_and_jsonl_with_a_label(tiny_models, capsys, monkeypatch) -> None:
    text = "a good film 😀 東京\n" + json.dumps({"text": "bad film", "label": "neutral"}) + "\n"
    code, rows, _ = run_cli(["explain", "sentiment", "--model", str(tiny_models["sentiment3"]), "--method", "ig",
                             "--steps", "8"], text, capsys, monkeypatch)
    assert code == 0 and len(rows) == 2
    first, second = rows
    assert first["method"] == "ig" and first["steps"] == 8 and first["target"] in ("negative", "neutral", "positive")
    assert [(t["start"], t["end"], t["text"]) for t in first["tokens"]] == [
        (0, 1, "a"), (2, 6, "good"), (7, 11, "film"), (12, 13, "😀"), (14, 15, "東"), (15, 16, "京")]
    for row in rows:
        for token in row["tokens"]:
            assert row["text"][token["start"]:token["end"]] == token["text"]
            assert isinstance(token["attribution"], float)
        total = sum(t["attribution"] for t in row["tokens"])
        assert total == pytest.approx(row["output"] - row["baseline"], abs=0.02)
    assert second["target"] == "neutral"


def test_qa_explains_the_best_answer_or_the_given_one(tiny_models, capsys, monkeypatch) -> None:
    context = "Angela Merkel visited Paris in May."
    lines = [{"question": "Where did Angela play?", "context": context},
             {"question": "Where did Angela play?", "context": context, "start": 22, "end": 27}]
    code, rows, _ = run_cli(["explain", "qa", "--model", str(tiny_models["qa"])],
                            "".join(json.dumps(x) + "\n" for x in lines), capsys, monkeypatch)
    assert code == 0
    assert context[rows[0]["start"]:rows[0]["end"]] == rows[0]["target"]
    assert (rows[1]["start"], rows[1]["end"], rows[1]["target"]) == (22, 27, "Paris")
    for row in rows:
        assert {t["source"] for t in row["tokens"]} == {"question", "context"}
        for t in row["tokens"]:
            assert (row["question"] if t["source"] == "question" else context)[t["start"]:t["end"]] == t["text"]


def test_ner_explains_every_entity_or_one(spacy_ruler_spec, tiny_models, capsys, monkeypatch) -> None:
    from tests.engine.conftest import _build_fixed_ner

    folder = _build_fixed_ner(tiny_models["ner"].parent / "ner_bper_cli", "B-PER")
    text = "angela merkel visited paris"
    code, rows, _ = run_cli(["explain", "ner", "--model", str(folder)], text + "\n" + json.dumps(
        {"text": text, "start": 22, "end": 27}) + "\n", capsys, monkeypatch)
    assert code == 0
    assert [(e["start"], e["end"], e["target"]) for e in rows[0]["entities"]] == [
        (0, 6, "PER"), (7, 13, "PER"), (14, 21, "PER"), (22, 27, "PER")]
    assert [(e["start"], e["end"]) for e in rows[1]["entities"]] == [(22, 27)]
    code, _, err = run_cli(["explain", "ner", "--model", spacy_ruler_spec], "Paris\n", capsys, monkeypatch)
    assert code == 2 and "<stdin>:1" in err and "transformers" in err


def test_errors_name_the_line(tiny_models, capsys, monkeypatch) -> None:
    good = json.dumps({"question": "who?", "context": "John Smith"})
    bad = json.dumps({"question": "who?", "context": "John Smith", "start": 3, "end": 99})
    code, rows, err = run_cli(["explain", "qa", "--model", str(tiny_models["qa"])], good + "\n" + bad + "\n",
                              capsys, monkeypatch)
    assert code == 2 and len(rows) == 1 and "<stdin>:2" in err and "not inside the context" in err
    code, _, err = run_cli(["explain", "sentiment", "--model", str(tiny_models["sentiment"]), "--method", "ig",
                            "--steps", "0"], "hi\n", capsys, monkeypatch)
    assert code == 2 and "steps" in err
    with pytest.raises(SystemExit):
        main(["explain", "sentiment", "--method", "lime"])
