"""Training smoke tests on tiny random models: loss falls, resume continues, cancel checkpoints."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bert_desk.cli import main
from bert_desk.engine.types import Cancelled, CancelToken
from bert_desk.training.classifier_train import train
from bert_desk.training.runner import TrainConfig

POS = ["a good film", "great movie", "very good", "a great film"]
NEG = ["a bad film", "awful movie", "very bad", "boring film"]


def sentiment_file(tmp_path: Path, repeat: int = 1) -> Path:
    rows = [f"{t} \t1" for t in POS] + [f"{t} \t0" for t in NEG]
    path = tmp_path / "train.tsv"
    path.write_text("sentence\tlabel\n" + "\n".join(rows * repeat) + "\n", encoding="utf-8")
    return path


def ner_file(tmp_path: Path) -> Path:
    sent = [("angela", "B-PER"), ("merkel", "I-PER"), ("visited", "O"), ("paris", "B-LOC")]
    sent2 = [("john", "B-PER"), ("works", "O"), ("at", "O"), ("google", "B-ORG")]
    blocks = ["\n".join(f"{w} NNP O {t}" for w, t in s) for s in (sent, sent2)] * 4
    path = tmp_path / "ner.txt"
    path.write_text("-DOCSTART- -X- -X- O\n\n" + "\n\n".join(blocks) + "\n", encoding="utf-8")
    return path


def logged_losses(run: Path) -> list[tuple[int, float]]:
    records = [json.loads(x) for x in (run / "train_log.jsonl").read_text().splitlines()]
    return [(r["step"], r["loss"]) for r in records if "loss" in r]


def config(tmp_path: Path, base: Path, train_file: Path, **kw: object) -> TrainConfig:
    defaults: dict = {"valid": str(train_file), "batch_size": 8, "lr": 1e-2, "warmup": 0.0, "max_length": 32,
                      "logging_steps": 1, "save_steps": 10, "eval_each_epoch": False, "threads": 1}
    defaults.update(kw)
    return TrainConfig(task=defaults.pop("task", "sentiment"), base=str(base), train=str(train_file),
                       out=str(tmp_path / "run"), **defaults)


def test_sentiment_loss_goes_down_and_model_exports(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    import shutil

    base = shutil.copytree(tiny_models["sentiment"], tmp_path / "base")  # a base whose card allows int8
    base_config = json.loads((base / "config.json").read_text())
    (base / "config.json").write_text(json.dumps({**base_config, "bert_desk_cpu_precision": "int8"}))
    cfg = config(tmp_path, base, sentiment_file(tmp_path), max_steps=30)
    seen: list[float] = []
    summary = train(cfg, progress=lambda f, m: seen.append(f))
    losses = logged_losses(tmp_path / "run")
    assert losses[-1][0] == 30
    assert losses[-1][1] < losses[0][1] * 0.5
    assert seen[-1] == 1.0 and seen == sorted(seen)
    assert summary["valid"]["accuracy"] == 1.0
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["global_step"] == 30 and metrics["valid"]["per_class"]["POSITIVE"]["f1"] == 1.0

    from transformers import pipeline

    model_dir = tmp_path / "run" / "model"
    config_json = json.loads((model_dir / "config.json").read_text())
    assert config_json["id2label"] == {"0": "NEGATIVE", "1": "POSITIVE"}
    assert "bert_desk_cpu_precision" not in config_json  # new weights: int8 unmeasured, so fp32 on CPU
    from safetensors import safe_open

    with safe_open(str(model_dir / "model.safetensors"), "pt") as fh:
        assert {str(fh.get_tensor(k).dtype) for k in fh.keys()} == {"torch.float16"}  # noqa: SIM118
    clf = pipeline("text-classification", model=str(model_dir))
    assert str(clf.model.dtype) == "torch.float32"
    assert clf("a good film")[0]["label"] == "POSITIVE"
    assert (model_dir / "vocab.txt").is_file() and (model_dir / "tokenizer.json").is_file()


def test_resume_continues_from_global_step(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    data = sentiment_file(tmp_path)
    train(config(tmp_path, tiny_models["sentiment"], data, max_steps=10, save_steps=5))
    run = tmp_path / "run"
    assert (run / "checkpoint-10").is_dir()
    shutil.copy(run / "train_log.jsonl", tmp_path / "first.jsonl")
    (run / "train_log.jsonl").unlink()
    summary = train(config(tmp_path, tiny_models["sentiment"], data, max_steps=14, save_steps=5, resume=True))
    assert summary["resumed_from"].endswith("checkpoint-10")
    assert summary["global_step"] == 14
    steps = [s for s, _ in logged_losses(run)]
    assert steps[0] == 11 and steps[-1] == 14


def test_cancel_stops_with_a_checkpoint(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    token = CancelToken()

    def progress(fraction: float, message: str) -> None:
        if message.startswith("step 3/"):
            token.cancel()

    with pytest.raises(Cancelled, match="step 3"):
        train(config(tmp_path, tiny_models["sentiment"], sentiment_file(tmp_path), max_steps=50),
              progress=progress, cancel=token)
    assert (tmp_path / "run" / "checkpoint-3").is_dir()


def test_ner_cli_train_then_evaluate_json(tiny_models: dict[str, Path], tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    data = ner_file(tmp_path)
    out = tmp_path / "nerrun"
    rc = main(["train", "ner", "--base", str(tiny_models["ner"]), "--train", str(data), "--valid", str(data),
               "--out", str(out), "--max-steps", "40", "--batch-size", "8", "--lr", "1e-2", "--warmup", "0",
               "--no-eval", "--threads", "1", "--export-to", str(tmp_path / "exported")])
    assert rc == 0
    assert "entity F1" in capsys.readouterr().out
    exported = tmp_path / "exported"
    config = json.loads((exported / "config.json").read_text())
    assert config["bert_desk_word_splitter"] == "conll"  # trained on CoNLL words: the engine splits text so
    labels = config["id2label"]
    assert labels == {"0": "O", "1": "B-LOC", "2": "I-LOC", "3": "B-ORG", "4": "I-ORG", "5": "B-PER", "6": "I-PER"}
    rc = main(["evaluate", "ner", "--model", str(exported), "--data", str(data), "--json", "--limit", "4"])
    assert rc == 0
    result = json.loads(capsys.readouterr().out)
    assert result["examples"] == 4
    assert result["f1"] > 0.9 and set(result["entities"]) >= {"PER", "LOC", "micro avg"}


def test_evaluate_sentiment_table_and_errors(tiny_models: dict[str, Path], tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    data = sentiment_file(tmp_path)
    assert main(["evaluate", "sentiment", "--model", str(tiny_models["sentiment"]), "--data", str(data)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("accuracy ") and "NEGATIVE" in out and "POSITIVE" in out
    bad = tmp_path / "bad.tsv"
    bad.write_text("sentence\tlabel\ngood\n", encoding="utf-8")
    assert main(["evaluate", "sentiment", "--model", str(tiny_models["sentiment"]), "--data", str(bad)]) == 2
    assert "bad.tsv:2:" in capsys.readouterr().err


def test_evaluate_shows_progress_on_a_terminal(tiny_models: dict[str, Path], tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """On a terminal, `evaluate` keeps one updating progress line on stderr and ends it before the result."""
    import io
    import sys

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    err, out = Terminal(), io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.setattr(sys, "stdout", out)
    data = sentiment_file(tmp_path)
    total = len(data.read_text(encoding="utf-8").splitlines()) - 1
    assert main(["evaluate", "sentiment", "--model", str(tiny_models["sentiment"]), "--data", str(data),
                 "--batch-size", "2"]) == 0
    lines = err.getvalue().split("\r")
    assert len(lines) > 2 and lines[-1].startswith(f"100.0% examples {total}/{total}") and lines[-1].endswith("\n")
    assert out.getvalue().startswith("accuracy ")


def test_export_from_checkpoint_when_run_stopped_early(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    from safetensors import safe_open

    from bert_desk.training.export import export_model

    train(config(tmp_path, tiny_models["sentiment"], sentiment_file(tmp_path), max_steps=5, save_steps=5))
    run = tmp_path / "run"
    shutil.rmtree(run / "model")
    (run / "metrics.json").unlink()  # as if stopped before the end: base comes from run_config.json
    dest = export_model(run, tmp_path / "dest")
    with safe_open(str(dest / "model.safetensors"), "pt") as fh:
        assert {str(fh.get_tensor(k).dtype) for k in fh.keys()} == {"torch.float16"}  # noqa: SIM118
    assert json.loads((dest / "config.json").read_text())["dtype"] == "float32"
    assert (dest / "vocab.txt").read_text() == (tiny_models["sentiment"] / "vocab.txt").read_text()


def test_label_smoothing_and_bf16_reach_the_trainer(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    data = sentiment_file(tmp_path)

    def first_loss(out: Path, *options: str) -> float:
        rc = main(["train", "sentiment", "--base", str(tiny_models["sentiment"]), "--train", str(data),
                   "--valid", str(data), "--out", str(out), "--max-steps", "1", "--no-eval", "--threads", "1",
                   "--seed", "3", *options])
        assert rc == 0
        return json.loads((out / "train_log.jsonl").read_text().splitlines()[0])["loss"]

    plain = first_loss(tmp_path / "plain")
    smoothed = first_loss(tmp_path / "smoothed", "--label-smoothing", "0.3")
    first_loss(tmp_path / "both", "--label-smoothing", "0.3", "--bf16")

    def extra(run: str) -> dict:
        return json.loads((tmp_path / run / "run_config.json").read_text())["config"]["extra"]

    assert extra("plain") == {} and extra("both") == {"bf16": True, "label_smoothing": 0.3}
    assert smoothed != pytest.approx(plain, abs=1e-4)  # the smoothed loss is a different quantity



def test_label_smoothing_is_refused_where_the_model_computes_its_own_loss(
        tiny_models: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for task in ("qa", "pretrain"):
        assert main(["train", task, "--base", str(tiny_models["qa"]), "--out", str(tmp_path / task),
                     "--label-smoothing", "0.1"]) == 2
        assert f"--label-smoothing applies to sentiment and ner, not {task}" in capsys.readouterr().err
        assert not (tmp_path / task).exists()


def test_split_off_validation_set_is_kept_for_evaluate(tiny_models: dict[str, Path], tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    summary = train(config(tmp_path, tiny_models["sentiment"], sentiment_file(tmp_path, repeat=3), valid=None,
                           max_steps=8))
    kept = tmp_path / "run" / "valid.jsonl"
    assert summary["valid_file"] == str(kept)
    records = [json.loads(line) for line in kept.read_text(encoding="utf-8").splitlines()]
    assert len(records) == summary["valid_examples"] and {r["label"] for r in records} <= {"NEGATIVE", "POSITIVE"}
    capsys.readouterr()  # drop the training log
    assert main(["evaluate", "sentiment", "--model", str(tmp_path / "run" / "model"), "--data", str(kept),
                 "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["examples"] == summary["valid_examples"]
    assert result["accuracy"] == pytest.approx(summary["valid"]["accuracy"])


def _train_args(argv: list[str]) -> object:
    import argparse

    from bert_desk.cli.train import add_parsers

    parser = argparse.ArgumentParser()
    add_parsers(parser.add_subparsers(dest="command"))
    return parser.parse_args(["train", *argv])


def test_one_config_builder_serves_every_task() -> None:
    from bert_desk.cli.train import config_from_args

    qa = config_from_args(_train_args(["qa", "--base", "b", "--train", "s.json", "--out", "o", "--warmup", "30",
                                       "--bf16"]),
                          max_length=256, eval_each_epoch=False, extra={"doc_stride": 64})
    assert (qa.task, qa.max_length, qa.warmup, qa.eval_each_epoch) == ("qa", 256, 30, False)
    assert qa.extra == {"bf16": True, "doc_stride": 64}
    sentiment = config_from_args(_train_args(["sentiment", "--base", "b", "--train", "t.tsv", "--out", "o",
                                              "--max-length", "96", "--holdout", "50", "--label-smoothing", "0.1"]),
                                 max_length=64)
    assert (sentiment.max_length, sentiment.holdout, sentiment.eval_each_epoch) == (96, 50, True)
    assert sentiment.extra == {"label_smoothing": 0.1}
    pretrain = config_from_args(_train_args(["pretrain", "--base", "b", "--out", "o"]), max_length=128)
    assert (pretrain.train, pretrain.max_length, pretrain.extra) == ("", 128, {})
