"""The batch plan without Ray: shards, the manifest's guard, a worker's shard file, merging."""

from __future__ import annotations

from pathlib import Path

import pytest

from bert_desk.cluster import shards
from bert_desk.cluster.scoring import Refusal, ShardScorer, encode_items, score, write_shard
from bert_desk.engine import registry
from bert_desk.engine.types import EngineError
from bert_desk.inputs import InputError
from tests.cluster.conftest import single_process, write_corpus


def items(texts: list[str], source: str = "in.txt") -> list[shards.Item]:
    return [shards.Item(source, n, (t,)) for n, t in enumerate(texts, 1)]


def test_shards_are_whole_chunks_and_the_manifest_guards_the_folder(tmp_path: Path) -> None:
    job = shards.Job("sentiment", "/models/x", chunk=4, shard_size=8)
    plan = shards.plan(job, items([f"text {i}" for i in range(19)]), tmp_path / "out")
    assert [len(s) for s in plan.shards] == [8, 8, 3]
    assert plan.pending() == [0, 1, 2]
    assert shards.plan(job, items([f"text {i}" for i in range(19)]), tmp_path / "out").shards == plan.shards
    with pytest.raises(InputError, match="another job's shards \\(input_sha256 differ\\)"):
        shards.plan(job, items([f"text {i}" for i in range(18)] + ["changed"]), tmp_path / "out")
    with pytest.raises(InputError, match="spec, model_version differ"):
        shards.plan(shards.Job("sentiment", "/models/y", "v2", chunk=4, shard_size=8),
                    items([f"text {i}" for i in range(19)]), tmp_path / "out")
    with pytest.raises(InputError, match="\\(threads differ\\)"):  # the last digits may differ: not mixed
        shards.plan(shards.Job("sentiment", "/models/x", chunk=4, shard_size=8, threads=2),
                    items([f"text {i}" for i in range(19)]), tmp_path / "out")
    with pytest.raises(InputError, match="multiple of 4"):
        shards.plan(shards.Job("sentiment", "/m", chunk=4, shard_size=6), items(["a"]), tmp_path / "other")


def test_a_shard_is_finished_only_with_all_its_lines(tmp_path: Path) -> None:
    plan = shards.plan(shards.Job("sentiment", "/m", chunk=2, shard_size=2), items(["a", "b", "c"]), tmp_path)
    plan.path(0).write_text("{}\n", encoding="utf-8")  # one line of two: not finished
    plan.path(1).write_text("{}\n", encoding="utf-8")
    assert plan.pending() == [0]
    with pytest.raises(InputError, match="shard missing or unfinished"):
        shards.merge(plan, tmp_path / "all.jsonl")


def test_a_worker_writes_the_cli_lines(tiny_models, tmp_path: Path, monkeypatch) -> None:
    files = write_corpus(tmp_path / "in", 9, jsonl=3)
    spec = str(tiny_models["sentiment"])
    expected = single_process(["sentiment", *map(str, files), "--model", spec], monkeypatch)
    from bert_desk.cli._util import records

    found = [shards.Item(r.source, r.line, (r.fields["text"],)) for r in records(map(str, files), jsonl=None,
                                                                               jsonl_files=True)]
    plan = shards.plan(shards.Job("sentiment", spec, chunk=4, shard_size=8), found, tmp_path / "out")
    scorer = ShardScorer(plan.job)
    for index, shard in enumerate(plan.shards):
        result = scorer({"shard": [index], "items": [encode_items(shard)]})
        assert result["refusal"] == [""]
        write_shard(plan.folder, index, result["lines"][0])
    shards.merge(plan, tmp_path / "all.jsonl")
    assert len(expected.splitlines()) == 12
    assert (tmp_path / "all.jsonl").read_bytes() == expected


def test_a_refused_input_is_named_by_file_and_line() -> None:
    def single(model, text, **options):
        if "[MASK]" not in text:
            raise EngineError("no [MASK] in the text")
        return text

    task = registry.Task("fake", "Fake", "", "", single=single, batch=None, to_json=lambda r: {"text": r},
                         command=registry.Command("fake", per_record=True))
    job = shards.Job("fake", "", chunk=2, shard_size=2)
    assert score(task, None, items(["a [MASK]", "b [MASK]"]), job) == ['{"text": "a [MASK]"}\n',
                                                                        '{"text": "b [MASK]"}\n']
    assert score(task, None, items(["a [MASK]", "no mask"], "x.txt"), job) == Refusal("x.txt", 2,
                                                                                      "no [MASK] in the text")


def test_without_ray_the_command_says_which_extra_to_install(tmp_path: Path, monkeypatch, capsys) -> None:
    import sys

    from bert_desk.cli import main

    files = write_corpus(tmp_path / "in", 3)
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` fails as if it were not installed
    assert main(["batch", "sentiment", str(files[0]), "--out", str(tmp_path / "out")]) == 2
    assert "needs Ray: pip install 'bert-desk[cluster]'" in capsys.readouterr().err
