"""`bert-desk batch` on a local Ray cluster against the single-process CLI, on SST-2 sentences (prints figures).

    python scripts/bench_cluster.py [--n 5000] [--data ../shared/data/sst2/train.tsv] [--model bundled:sentiment]

One run measures, on the same sentences:
- the single-process CLI (`bert-desk sentiment FILE`), with its default threads (the physical cores) and
  with `--threads 1` (as each worker), wall time of the whole command (start, model load, scoring);
- the cost of starting a local Ray cluster (`ray.init` on 127.0.0.1) and shutting it down;
- `batch` with 1 and then 2 workers (one torch thread each) on that cluster: wall time of the job (actors
  started, one model loaded per actor, shards scored and written), and of the merge;
and checks that the 1- and 2-worker outputs are byte-identical to the 1-thread CLI's (and counts lines that
differ from the multi-threaded CLI's in the last printed digit: torch's CPU results depend on the thread count).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bert_desk.cli.batch import model_spec  # noqa: E402
from bert_desk.cli.infer import CHUNK  # noqa: E402
from bert_desk.cluster import ray_run, shards  # noqa: E402
from bert_desk.engine import registry  # noqa: E402
from bert_desk.inputs import read_texts  # noqa: E402


def single_process(corpus: Path, spec: str, out: Path, threads: int) -> float:
    began = time.perf_counter()
    with out.open("wb") as stream:
        subprocess.run([sys.executable, "-m", "bert_desk", "sentiment", str(corpus), "--model", spec,
                        "--device", "cpu", "--threads", str(threads)], stdout=stream, check=True, cwd=ROOT)
    return time.perf_counter() - began


def on_cluster(items: list[shards.Item], spec: str, workers: int, folder: Path, out: Path) -> tuple[float, float]:
    job = shards.Job("sentiment", spec, device="cpu", chunk=CHUNK, shard_size=CHUNK)
    plan = shards.plan(job, items, folder)
    began = time.perf_counter()
    report = ray_run.run(plan, workers=workers)
    job_s = time.perf_counter() - began
    assert report.scored == len(plan.shards) and report.workers == min(workers, len(plan.shards)), report
    began = time.perf_counter()
    shards.merge(plan, out)
    return job_s, time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "sst2" / "train.tsv"))
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--model", default="bundled:sentiment")
    args = parser.parse_args()
    texts = read_texts(args.data)[:args.n]
    spec = model_spec(registry.get("sentiment"), args.model)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        corpus = tmp / "sst2.txt"
        corpus.write_text("".join(t + "\n" for t in texts), encoding="utf-8")
        items = [shards.Item(str(corpus), n, (t,)) for n, t in enumerate(texts, 1) if t.strip()]
        print(f"{len(items)} SST-2 sentences, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
        from bert_desk.engine.device import physical_cores

        cores = physical_cores()
        many_s = single_process(corpus, spec, tmp / "single.jsonl", cores)
        print(f"single-process CLI, {cores} threads {many_s:7.1f} s  {len(items) / many_s:6.1f} sentences/s")
        single_s = single_process(corpus, spec, tmp / "single1.jsonl", 1)
        print(f"single-process CLI, 1 thread  {single_s:7.1f} s  {len(items) / single_s:6.1f} sentences/s")

        import ray

        began = time.perf_counter()
        ray_run.connect(None, 2)
        start_s = time.perf_counter() - began
        timings = {}
        for workers in (1, 2):
            timings[workers] = on_cluster(items, spec, workers, tmp / f"w{workers}", tmp / f"w{workers}.jsonl")
        began = time.perf_counter()
        ray.shutdown()
        stop_s = time.perf_counter() - began
        print(f"local cluster start {start_s:.1f} s, shutdown {stop_s:.1f} s")
        for workers, (job_s, merge_s) in timings.items():
            print(f"batch, {workers} worker{'s' if workers > 1 else ' '}               {job_s:7.1f} s  "
                  f"{len(items) / job_s:6.1f} sentences/s  x{single_s / job_s:.2f} vs the 1-thread CLI, "
                  f"x{many_s / job_s:.2f} vs {cores} threads (with the cluster's start: x{single_s / (job_s + start_s):.2f}"
                  f", x{many_s / (job_s + start_s):.2f}; merge {merge_s:.2f} s)")
        one, two = (tmp / "w1.jsonl").read_bytes(), (tmp / "w2.jsonl").read_bytes()
        cli = (tmp / "single.jsonl").read_bytes().splitlines()
        differ = sum(a != b for a, b in zip(cli, two.splitlines(), strict=True))
        print(f"1 worker, 2 workers and the 1-thread CLI byte-identical: "
              f"{one == two == (tmp / 'single1.jsonl').read_bytes()}; lines differing from the {cores}-thread CLI "
              f"in the last digit: {differ}/{len(cli)}")
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
