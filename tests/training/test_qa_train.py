"""QA training smoke test on a tiny model: it trains, saves, scores held-out articles; `evaluate qa` works."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bert_desk.cli import main
from tests.training.test_qa_data import CONTEXT, squad_file

QUESTIONS = [("who works at google?", "john smith"), ("where did angela merkel go?", "paris"),
             ("what was bad?", "the movie"), ("who won the game?", "the team")]


def tiny_squad(tmp_path: Path, articles: int = 4) -> Path:
    qas = [(q, a, CONTEXT.index(a)) for q, a in QUESTIONS]
    return squad_file(tmp_path / "squad.json", [(f"Article_{i}", [(CONTEXT, qas)]) for i in range(articles)])


def test_train_qa_then_evaluate(tiny_models: dict[str, Path], tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    data = tiny_squad(tmp_path)
    run = tmp_path / "run"
    rc = main(["train", "qa", "--base", str(tiny_models["qa"]), "--train", str(data), "--out", str(run),
               "--max-steps", "12", "--batch-size", "4", "--lr", "5e-3", "--warmup", "0", "--max-length", "32",
               "--doc-stride", "8", "--holdout-articles", "0.25", "--logging-steps", "1", "--threads", "1"])
    assert rc == 0
    out = capsys.readouterr().out
    assert "exact match" in out and "answers re-anchored: 0 moved, 0 dropped" in out
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["global_step"] == 12 and metrics["valid_articles"] == 1 and metrics["train_articles"] == 3
    assert metrics["train_examples"] == 12 and metrics["train_windows"] > 12  # long context: several windows
    assert 0 < metrics["cls_windows"] < metrics["train_windows"]
    assert metrics["valid"]["examples"] == 4 and 0.0 <= metrics["valid"]["f1"] <= 100.0
    losses = [r["loss"] for r in map(json.loads, (run / "train_log.jsonl").read_text().splitlines()) if "loss" in r]
    assert len(losses) >= 12 and all(loss == loss for loss in losses)  # logged every step, no NaN
    assert min(losses[-4:]) < losses[0]
    model = run / "model"
    config = json.loads((model / "config.json").read_text())
    assert config["architectures"] == ["BertForQuestionAnswering"]
    answerable_only = {"question-answering": {"handle_impossible_answer": False}}
    assert config["task_specific_params"] == answerable_only  # trained on answered questions: always answers

    valid = json.loads((run / "valid.json").read_text())
    assert len(valid["data"]) == 1
    predictions = tmp_path / "predictions.json"
    rc = main(["evaluate", "qa", "--model", str(model), "--data", str(run / "valid.json"), "--json",
               "--max-length", "32", "--doc-stride", "8", "--threads", "1", "--predictions", str(predictions)])
    assert rc == 0
    result = json.loads(capsys.readouterr().out)
    assert result["examples"] == 4 and set(result) >= {"exact_match", "f1"}
    assert set(json.loads(predictions.read_text())) == {q["id"] for p in valid["data"][0]["paragraphs"]
                                                        for q in p["qas"]}

    from bert_desk.training.qa_pretrain_export import main as export

    assert export([str(run), str(tmp_path / "bundled"), "--command", "bert-desk train qa ..."]) == 0
    card = (tmp_path / "bundled" / "README.md").read_text()
    assert "EM " in card and "F1 " in card and "bert-desk train qa ..." in card and "CC BY-SA 4.0" in card
    assert (tmp_path / "bundled" / "model.safetensors").is_file()
    assert json.loads((tmp_path / "bundled" / "config.json").read_text())["task_specific_params"] == answerable_only


def test_train_qa_needs_squad_json(tiny_models: dict[str, Path], tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "qa", "--base", str(tiny_models["qa"]), "--out", str(tmp_path / "r")]) == 2
    assert "--train" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text("[]", encoding="utf-8")
    assert main(["train", "qa", "--base", str(tiny_models["qa"]), "--train", str(bad),
                 "--out", str(tmp_path / "r")]) == 2
    assert "bad.json" in capsys.readouterr().err
