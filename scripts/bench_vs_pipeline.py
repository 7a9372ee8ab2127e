"""The engine against `transformers.pipeline` on the same bundled models and inputs (prints figures).

    python scripts/bench_vs_pipeline.py [--tasks sentiment ner qa] [--pairs 3] [--precision fp32 int8]

- sentiment: SST-2 sentences of 12+ words (`--n-sentiment`, from ../shared/data/sst2/train.tsv), the engine's
  `sentiment.analyze_batch` (the CLI's path) vs `pipeline("text-classification", batch_size=32)`;
- ner: CoNLL-2003 validation sentences (tokens joined by spaces) (`--n-ner`), `ner.extract_batch` vs
  `pipeline("token-classification", aggregation_strategy="first", batch_size=32)`;
- qa: SQuAD questions (`--n-qa`), the engine batched (`qa.answer_batch`) vs one question at a time
  (`qa.answer`): transformers 5 has no question-answering pipeline, so the engine is the reference.

Every measurement is a whole process (model loaded and warmed up on 8 inputs, then timed), the two sides
alternating (`--pairs` pairs, median); CPU time and wall time of the timed part, and the ratio (the
pipeline's or the unbatched time over the engine's). The pipeline always runs fp32; `--precision` sets the
engine's (int8: dynamic quantization, see `bert_desk.engine.device`). Threads: `--threads` (default: the
engine's choice, the physical cores) for both sides.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))


def sentiment_inputs(n: int) -> list[str]:
    rows = (line.split("\t") for line in (DATA / "sst2" / "train.tsv").read_text(encoding="utf-8").splitlines()[1:])
    return [row[0].strip() for row in rows if len(row[0].split()) >= 12][:n]


def ner_inputs(n: int) -> list[str]:
    sentences: list[list[str]] = [[]]
    for line in (DATA / "conll2003" / "valid.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("-DOCSTART-"):
            if sentences[-1]:
                sentences.append([])
            continue
        sentences[-1].append(line.split()[0])
    return [" ".join(words) for words in sentences if words][:n]


def qa_inputs(n: int) -> list[tuple[str, str]]:
    data = json.loads((DATA / "squad" / "train-v1.1.reconstructed.json").read_text(encoding="utf-8"))["data"]
    pairs = [(q["question"], p["context"]) for article in data[-40:] for p in article["paragraphs"] for q in p["qas"]]
    return pairs[:n]


def _inputs(task: str, n: int) -> list[Any]:
    return {"sentiment": sentiment_inputs, "ner": ner_inputs, "qa": qa_inputs}[task](n)


def run_side(task: str, side: str, n: int, precision: str, threads: int) -> dict[str, float]:
    """One timed run in this process: load, warm up, time the whole input."""
    from bert_desk.engine import ner, qa, sentiment
    from bert_desk.engine.device import configure_threads
    from bert_desk.engine.loading import load_model
    from bert_desk.paths import bundled_model_dir

    configure_threads(threads or None)
    items = _inputs(task, n)
    if side == "pipeline":
        from transformers import pipeline

        folder = str(bundled_model_dir(task))
        if task == "sentiment":
            pipe = pipeline("text-classification", model=folder, device=-1, batch_size=32)
            call: Any = lambda xs: pipe(xs, truncation=True)  # noqa: E731
        else:
            pipe = pipeline("token-classification", model=folder, device=-1, batch_size=32,
                            aggregation_strategy="first")
            call = lambda xs: pipe(xs)  # noqa: E731
    else:
        model = load_model(f"bundled:{task}", task, device="cpu", precision=precision)
        if task == "sentiment":
            call = lambda xs: sentiment.analyze_batch(model, xs, batch_size=32)  # noqa: E731
        elif task == "ner":
            call = lambda xs: ner.extract_batch(model, xs, batch_size=32)  # noqa: E731
        elif side == "unbatched":
            call = lambda xs: [qa.answer(model, q, c, top_k=1) for q, c in xs]  # noqa: E731
        else:
            call = lambda xs: qa.answer_batch(model, xs, top_k=1, batch_size=32)  # noqa: E731
    call(items[:8])
    wall, cpu = time.perf_counter(), time.process_time()
    call(items)
    return {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu, "n": len(items)}


def _subprocess(task: str, side: str, args: argparse.Namespace, precision: str) -> dict[str, float]:
    n = getattr(args, f"n_{task}")
    cmd = [sys.executable, __file__, "--side", side, "--tasks", task, "--n", str(n), "--precision", precision,
           "--threads", str(args.threads)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def compare(task: str, args: argparse.Namespace, precision: str) -> None:
    reference = "unbatched" if task == "qa" else "pipeline"
    runs: dict[str, list[dict[str, float]]] = {"engine": [], reference: []}
    for _ in range(args.pairs):
        for side in ("engine", reference):
            runs[side].append(_subprocess(task, side, args, precision))
    n = runs["engine"][0]["n"]
    med = {side: {k: statistics.median(r[k] for r in rs) for k in ("wall", "cpu")} for side, rs in runs.items()}
    print(f"{task:<9} {precision:<5} n={n:<5} engine {n / med['engine']['wall']:7.1f}/s wall "
          f"({med['engine']['cpu']:.1f} s CPU) · {reference} {n / med[reference]['wall']:7.1f}/s wall "
          f"({med[reference]['cpu']:.1f} s CPU) · ratio {med[reference]['cpu'] / med['engine']['cpu']:.2f}x by CPU "
          f"time, {med[reference]['wall'] / med['engine']['wall']:.2f}x by wall time (median of {args.pairs})",
          flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", nargs="+", default=["sentiment", "ner", "qa"], choices=("sentiment", "ner", "qa"))
    parser.add_argument("--precision", nargs="+", default=["fp32", "int8"], choices=("fp32", "int8"))
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--n-sentiment", type=int, default=2000)
    parser.add_argument("--n-ner", type=int, default=1500)
    parser.add_argument("--n-qa", type=int, default=300)
    parser.add_argument("--side", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:  # one measurement, in its own process
        print(json.dumps(run_side(args.tasks[0], args.side, args.n, args.precision[0], args.threads)))
        return 0
    for task in args.tasks:
        for precision in args.precision:
            compare(task, args, precision)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
