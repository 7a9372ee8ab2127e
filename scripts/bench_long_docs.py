"""NER and QA on long documents: time and peak memory at 10k, 100k and 1M characters (prints figures).

    python scripts/bench_long_docs.py [--sizes 10000 100000 1000000] [--tasks ner qa] [--precision fp32]

The document is CoNLL-2003 validation sentences as running text, repeated to the size (cut at a space);
QA asks one question about it. Each size runs in its own process (peak RSS is that process's), the model
loaded and warmed up first; the time is the engine call only (`ner.extract`, `qa.answer`, the app's and
the CLI's path). Linear scaling means the 100k/10k ratio stays near 10 (goal: at most 11) and memory grows
with the windows' small outputs only.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


def document(size: int) -> str:
    from bench_vs_pipeline import ner_inputs

    base = " ".join(ner_inputs(4000))
    text = (base + " ") * (size // len(base) + 1)
    cut = text.rfind(" ", 0, size)
    return text[:cut if cut > 0 else size]


def run_one(task: str, size: int, precision: str) -> dict[str, float]:
    from bert_desk.engine import ner, qa
    from bert_desk.engine.loading import load_model

    text = document(size)
    model = load_model(f"bundled:{task}", task, device="cpu", precision=precision)
    call = (lambda t: ner.extract(model, t)) if task == "ner" else \
        (lambda t: qa.answer(model, "Who won the match?", t, top_k=1))
    call(text[:2000])
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu = time.perf_counter(), time.process_time()
    result = call(text)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    found = len(result.entities) if task == "ner" else len(result.answers)
    return {"chars": len(text), "seconds": seconds, "cpu_s": cpu, "peak_mib": peak / 1024, "load_mib": before / 1024,
            "windows": result.windows, "found": found}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="+", type=int, default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--tasks", nargs="+", default=["ner", "qa"], choices=("ner", "qa"))
    parser.add_argument("--precision", default="fp32", choices=("fp32", "int8"))
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], int(args.one[1]), args.precision)))
        return 0
    for task in args.tasks:
        first: float | None = None
        for size in args.sizes:
            cmd = [sys.executable, __file__, "--one", task, str(size), "--precision", args.precision]
            row = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.splitlines()[-1])
            first = first or row["seconds"] / row["chars"]
            print(f"{task:<4} {row['chars']:>9,} chars: {row['seconds']:7.1f} s ({row['chars'] / row['seconds']:,.0f} "
                  f"chars/s, x{row['seconds'] / (first * row['chars']):.2f} of linear from the first size), "
                  f"CPU {row['cpu_s']:.1f} s ({row['cpu_s'] / max(1, row['windows']) * 1000:.0f} ms a window), "
                  f"{row['windows']} windows, peak RSS {row['peak_mib']:,.0f} MiB (after loading "
                  f"{row['load_mib']:,.0f} MiB), {row['found']} found", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
