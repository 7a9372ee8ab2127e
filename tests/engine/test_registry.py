"""The one table of tasks: every row's entry points run on tiny models (single and batch agree where a task has
both), and the CLI's inference commands, `--model TASK=SPEC`, `--device` and `--selftest` read the table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bert_desk.engine import registry
from bert_desk.engine.device import DEVICES
from bert_desk.engine.types import LoadedModel

NSP_INPUT = {"a": "the team won the game .", "b": "it was a great day ."}
TEXTS = ["a good film .", "angela merkel visited paris in may .", "bad"]


@pytest.fixture(scope="module")
def task_models(models: dict[str, LoadedModel], tmp_path_factory: pytest.TempPathFactory) -> dict[str, LoadedModel]:
    """A loaded tiny model for every task of the table."""
    from bert_desk.engine.loading import load_model
    from tests.tiny_models import build_tiny_model

    pretrain = str(build_tiny_model(tmp_path_factory.mktemp("registry") / "pt", "pretrain"))
    return {"sentiment": models["sentiment"], "qa": models["qa"], "ner": models["ner"],
            "fill-mask": load_model(pretrain, "fill-mask", device="cpu"),
            "next-sentence": load_model(pretrain, "next-sentence", device="cpu")}


def _close(a: Any, b: Any) -> bool:
    """Equal JSON, floats to 1e-5."""
    if isinstance(a, float) and isinstance(b, float):
        return a == pytest.approx(b, abs=1e-5)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def test_table_rows() -> None:
    assert list(registry.TASKS) == ["sentiment", "qa", "ner", "fill-mask", "next-sentence"]
    assert registry.model_keys() == ("sentiment", "qa", "ner", "pretrain")
    assert {registry.get(t).model_key for t in ("fill-mask", "next-sentence")} == {"pretrain"}
    assert registry.get("qa").inputs == ("question", "context")
    assert [t.name for t in registry.TASKS.values() if t.sample is not None] == ["sentiment", "qa", "ner", "fill-mask"]


@pytest.mark.parametrize("name", list(registry.TASKS))
def test_every_task_runs_its_single_entry(name: str, task_models: dict[str, LoadedModel]) -> None:
    task = registry.get(name)
    model = task_models[name]
    assert model.info.task == name
    result = task.single(model, **(task.sample or NSP_INPUT))
    obj = task.to_json(result)
    assert json.loads(json.dumps(obj)) == obj  # plain JSON
    if task.summary is not None:
        assert isinstance(task.summary(result), str)


@pytest.mark.parametrize("name", [name for name, task in registry.TASKS.items() if task.batch is not None])
def test_single_and_batch_entries_agree(name: str, task_models: dict[str, LoadedModel]) -> None:
    task = registry.get(name)
    assert task.batch is not None
    model = task_models[name]
    inputs: list = list(TEXTS) if len(task.inputs) == 1 else [("who is it ?", text) for text in TEXTS]
    batch = task.batch(model, inputs, batch_size=2)
    singles = [task.single(model, *(item if isinstance(item, tuple) else (item,))) for item in inputs]
    assert len(batch) == len(inputs)
    for one, many in zip(singles, batch, strict=True):
        assert _close(task.to_json(one), task.to_json(many)), (task.to_json(one), task.to_json(many))


def test_entry_points_are_imported_lazily() -> None:
    entry = registry.get("sentiment").single
    assert isinstance(entry, registry.Lazy)
    from bert_desk.engine import sentiment

    assert entry.resolve() is sentiment.analyze


def test_cli_commands_and_options_come_from_the_table() -> None:
    import argparse

    from bert_desk.cli import build_parser, infer

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    table_commands = [name for name, p in sub.choices.items() if p.get_default("handler") is infer.run_task]
    assert table_commands == list(registry.TASKS)
    assert set(sub.choices) - set(table_commands) == {"train", "evaluate", "export-model", "average-models",
                                                      "project", "batch", "explain", "compare"}
    device = next(a for a in parser._actions if a.dest == "device")
    assert tuple(device.choices) == DEVICES
    assert parser.parse_args(["qa"]).top_k == 3 and parser.parse_args(["fill-mask"]).top_k == 5


def _shout(model: LoadedModel, text: str, *, marks: int = 1) -> str:
    return text.upper() + "!" * marks


def _shout_batch(model: LoadedModel, texts: list[str], *, batch_size: int, progress: Any, marks: int = 1) -> list[str]:
    return [_shout(model, text, marks=marks) for text in texts]


def test_a_task_added_to_the_table_is_a_command_model_and_selftest(
        tiny_models: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from bert_desk.cli import main

    shout = registry.Task(
        "shout", "Shouting", "AutoModelForSequenceClassification", "ForSequenceClassification",
        single=_shout, batch=_shout_batch, to_json=lambda result: {"shout": result}, summary=str,
        sample={"text": "hello"},
        command=registry.Command("shout every line", options=(registry.Option("marks", 1),)))
    monkeypatch.setattr(registry, "TASKS", {"shout": shout})
    data = tmp_path / "in.txt"
    data.write_text("hello\nworld\n", encoding="utf-8")
    spec = str(tiny_models["sentiment"])
    assert main(["shout", str(data), "--model", spec, "--marks", "2", "--device", "cpu"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows == [{"shout": "HELLO!!"}, {"shout": "WORLD!!"}]
    assert main(["--selftest", "--no-gui", "--device", "cpu", "--model", f"shout={spec}"]) == 0
    out = capsys.readouterr().out
    assert f"shout: ok [{spec} on " in out and "HELLO!" in out and out.count(": ok [") == 1
    with pytest.raises(SystemExit):  # not in the table: neither a command nor a --model key
        main(["--model", f"sentiment={spec}", "sentiment", str(data)])
    assert "TASK in shout," in capsys.readouterr().err


def test_qa_batch_gives_the_answers_of_one_pair_at_a_time(tiny_models: dict[str, Path]) -> None:
    import pytest as _pytest

    from bert_desk.engine import loading, qa

    model = loading.load_model(str(tiny_models["qa"]), "qa", device="cpu")
    context = "Angela Merkel visited Paris in May . " * 30  # several windows
    pairs = [("who visited paris ?", context), ("when ?", "the team won the game in may ."),
             ("what ?", context[:200]), ("where did she go ?", context)]
    batched = qa.answer_batch(model, pairs, top_k=3, batch_size=4)
    for (question, ctx), got in zip(pairs, batched, strict=True):
        alone = qa.answer(model, question, ctx, top_k=3)
        assert [(a.start, a.end, a.text) for a in got.answers] == [(a.start, a.end, a.text) for a in alone.answers]
        assert [a.score for a in got.answers] == _pytest.approx([a.score for a in alone.answers], abs=1e-4)
        assert got.no_answer == alone.no_answer and got.windows == alone.windows
