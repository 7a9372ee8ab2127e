"""`bert-desk batch` on a local Ray cluster of 2 workers on 127.0.0.1: the single-process CLI's bytes, a
resumed rerun, a worker killed mid-job. One cluster serves the module; it is shut down cleanly at the end."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("ray", reason="the cluster extra is not installed (pip install -e '.[cluster]')")
psutil = pytest.importorskip("psutil")

from bert_desk.cli import main  # noqa: E402
from bert_desk.cli._util import records  # noqa: E402
from bert_desk.cluster import ray_run, shards  # noqa: E402
from bert_desk.inputs import InputError  # noqa: E402
from tests.cluster.conftest import single_process, write_corpus  # noqa: E402

WORKERS = 2
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.data.context")  # Ray's own settings


@pytest.fixture(scope="module")
def cluster() -> Iterator[None]:
    """A local cluster for the module (starting one costs seconds on 2 cores); afterwards every process it
    started is gone."""
    import ray

    assert ray_run.connect(None, WORKERS)
    assert ray.get_runtime_context().gcs_address.startswith(ray_run.LOCAL_HOST)
    started = psutil.Process().children(recursive=True)
    yield
    ray.shutdown()
    _, alive = psutil.wait_procs(started, timeout=30)
    assert not alive, f"processes left after the cluster shut down: {[p.pid for p in alive]}"


def plan_of(files: list[Path], spec: str, folder: Path, shard_size: int = 256) -> shards.Plan:
    found = [shards.Item(r.source, r.line, (r.fields["text"],))
             for r in records(map(str, files), jsonl=None, jsonl_files=True)]
    return shards.plan(shards.Job("sentiment", spec, shard_size=shard_size), found, folder)


@pytest.mark.parametrize("task", ["sentiment", "ner"])
def test_two_workers_write_the_single_process_output(cluster, task, tiny_models, tmp_path, monkeypatch, capsys):
    files = [str(f) for f in write_corpus(tmp_path / "in", 420, jsonl=180)]
    spec = str(tiny_models[task])
    expected = single_process([task, *files, "--model", spec], monkeypatch)
    out = tmp_path / "all.jsonl"
    assert main(["batch", task, *files, "--out", str(out), "--model", spec, "--workers", str(WORKERS),
                 "--shard-size", "256"]) == 0
    assert len(expected.splitlines()) == 600
    assert out.read_bytes() == expected
    assert "600 records in 3 shards: 3 scored now by 2 workers, 0 finished before" in capsys.readouterr().err


def test_qa_pairs_keep_their_order(cluster, tiny_models, tmp_path, monkeypatch):
    import json

    contexts = [line for line in (write_corpus(tmp_path / "in", 300)[0]).read_text("utf-8").splitlines()]
    qa = tmp_path / "qa.jsonl"
    qa.write_text("".join(json.dumps({"question": "what is it ?", "context": c}, ensure_ascii=False) + "\n"
                          for c in contexts), encoding="utf-8")
    spec = str(tiny_models["qa"])
    expected = single_process(["qa", str(qa), "--model", spec], monkeypatch)
    assert main(["batch", "qa", str(qa), "--out", str(tmp_path / "qa-out.jsonl"), "--model", spec,
                 "--shard-size", "256"]) == 0
    assert (tmp_path / "qa-out.jsonl").read_bytes() == expected


def test_a_rerun_scores_only_unfinished_shards(cluster, tiny_models, tmp_path):
    files = write_corpus(tmp_path / "in", 700)
    plan = plan_of(files, str(tiny_models["sentiment"]), tmp_path / "out")
    first = ray_run.run(plan, workers=WORKERS)
    assert (first.scored, first.skipped, first.workers) == (3, 0, 2)
    assert os.getpid() not in first.pids
    shards.merge(plan, tmp_path / "first.jsonl")
    kept = {i: plan.path(i).stat().st_ino for i in (0, 2)}
    plan.path(1).unlink()
    again = plan_of(files, str(tiny_models["sentiment"]), tmp_path / "out")
    second = ray_run.run(again, workers=WORKERS)
    assert (second.scored, second.skipped) == (1, 2)
    assert {i: plan.path(i).stat().st_ino for i in (0, 2)} == kept  # finished shards were not rewritten
    shards.merge(again, tmp_path / "second.jsonl")
    assert (tmp_path / "second.jsonl").read_bytes() == (tmp_path / "first.jsonl").read_bytes()
    assert ray_run.run(again, workers=WORKERS).scored == 0
    files[0].write_text(files[0].read_text("utf-8").replace("the", "a", 1), encoding="utf-8")
    with pytest.raises(InputError, match="another job's shards"):
        plan_of(files, str(tiny_models["sentiment"]), tmp_path / "out")


def _kill_a_worker_once_a_shard_is_written(plan: shards.Plan, killed: list[tuple[int, int]]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        written = len(plan.shards) - len(plan.pending())
        if written:
            for process in psutil.process_iter(["pid", "cmdline"]):
                if "ShardScorer" in " ".join(process.info["cmdline"] or ()):
                    process.kill()
                    killed.append((process.info["pid"], written))
                    return
        time.sleep(0.02)


def test_a_killed_worker_loses_and_duplicates_nothing(cluster, tiny_models, tmp_path, monkeypatch):
    files = write_corpus(tmp_path / "in", 8 * 256, seed=3)
    spec = str(tiny_models["sentiment"])
    expected = single_process(["sentiment", *map(str, files), "--model", spec], monkeypatch)
    plan = plan_of(files, spec, tmp_path / "out")
    killed: list[tuple[int, int]] = []
    killer = threading.Thread(target=_kill_a_worker_once_a_shard_is_written, args=(plan, killed))
    killer.start()
    report = ray_run.run(plan, workers=WORKERS)
    killer.join()
    assert killed and killed[0][1] < len(plan.shards), "the worker was killed before the job ended"
    assert report.scored == 8
    shards.merge(plan, tmp_path / "all.jsonl")
    assert (tmp_path / "all.jsonl").read_bytes() == expected


def test_a_refused_input_is_named_by_file_and_line(cluster, tiny_models, tmp_path, capsys):
    from bert_desk.engine.runtime import MAX_TEXT_CHARS

    corpus = write_corpus(tmp_path / "in", 300)[0]
    lines = corpus.read_text("utf-8").splitlines()
    lines[289] = "x" * (MAX_TEXT_CHARS + 1)
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["batch", "sentiment", str(corpus), "--out", str(tmp_path / "out"), "--model",
                 str(tiny_models["sentiment"]), "--shard-size", "256"]) == 2
    assert f"{corpus}:290: The text has {MAX_TEXT_CHARS + 1:,} characters" in capsys.readouterr().err


def test_a_shipped_model_folder_gives_the_same_output(cluster, tiny_models, tmp_path, monkeypatch):
    files = [str(f) for f in write_corpus(tmp_path / "in", 300)]
    spec = str(tiny_models["sentiment"])
    out = tmp_path / "shipped.jsonl"
    assert main(["batch", "sentiment", *files, "--out", str(out), "--model", spec, "--ship-model"]) == 0
    assert out.read_bytes() == single_process(["sentiment", *files, "--model", spec], monkeypatch)
    assert shards.read_manifest(tmp_path / "shipped.jsonl.shards")["spec"] == spec
