"""Time token attributions (`engine.explain`) on this machine's CPU, and the memory they peak at.

For a 30-word sentence and a 2,000-word document: gradient × input, and integrated gradients with 20 and 50
steps, each in a fresh process (so `ru_maxrss` is that run's peak): seconds per explanation, windows, the
process's peak resident memory and how far above the loaded model's it went. Wall seconds depend on what
else the machine runs; CPU seconds (user + sys of the process) are what an idle machine would spend.

Usage: python scripts/bench_explain.py [--task sentiment|qa|ner] [--model SPEC] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SENTENCE = ("The film opens slowly, but the acting is superb and the story of two sisters in Berlin grows "
            "into something quietly moving that stayed with me for days after I saw it.")
PARAGRAPH = ("Angela Merkel visited Paris on Monday to meet executives from Google and Siemens. The talks, "
             "which lasted most of the afternoon, were described as constructive, although several "
             "questions about data protection and energy prices remained open. Critics said the visit came "
             "too late; supporters answered that nothing would have been gained by hurrying. ")
QUESTION = "Who visited Paris on Monday?"
CASES = (("grad-input", 0), ("ig", 20), ("ig", 50))


def document(words: int) -> str:
    """About `words` words of plain English prose (the paragraph, repeated)."""
    per = len(PARAGRAPH.split())
    return " ".join((PARAGRAPH * (words // per + 1)).split()[:words])


def rss_mb() -> float:
    """The current resident memory (MB), from /proc."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def one(task: str, spec: str, words: int, method: str, steps: int, threads: int) -> dict[str, object]:
    """Run one explanation in this process; its time and memory."""
    import torch

    from bert_desk.engine import explain
    from bert_desk.engine.loading import load_model

    torch.set_num_threads(threads)
    model = load_model(spec, task, device="cpu", precision="fp32")
    text = SENTENCE if words <= 30 else document(words)
    run = {
        "sentiment": lambda m, s: explain.explain_sentiment(model, text, method=m, steps=s),
        "qa": lambda m, s: explain.explain_qa(model, QUESTION, text, method=m, steps=s),
        "ner": lambda m, s: explain.explain_ner(model, text, method=m, steps=s),
    }[task]
    run("grad-input", 0)  # warm-up (and the model's working memory)
    loaded = rss_mb()
    start, cpu = time.perf_counter(), time.process_time()
    result = run(method, steps or explain.DEFAULT_STEPS)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"task": task, "words": len(text.split()), "method": method, "steps": steps,
            "windows": result.windows, "tokens": len(result.tokens), "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
            "peak_rss_mb": round(peak), "above_loaded_mb": round(max(0.0, peak - loaded))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="sentiment", choices=("sentiment", "qa", "ner"))
    parser.add_argument("--model", default=None, help="model spec (default: bundled:TASK)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--words", type=int, nargs="+", default=[30, 2000])
    parser.add_argument("--one", nargs=2, metavar=("WORDS", "METHOD:STEPS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    spec = args.model or f"bundled:{args.task}"
    if args.one:
        method, _, steps = args.one[1].partition(":")
        print(json.dumps(one(args.task, spec, int(args.one[0]), method, int(steps or 0), args.threads)))
        return 0
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs, {args.threads} torch threads")
    print(f"{'task':<10}{'words':>6}{'method':>12}{'steps':>6}{'windows':>8}{'wall s':>9}{'CPU s':>9}{'peak MB':>9}"
          f"{'+MB':>6}")
    for words in args.words:
        for method, steps in CASES:
            out = subprocess.run([sys.executable, __file__, "--task", args.task, "--model", spec, "--threads",
                                  str(args.threads), "--one", str(words), f"{method}:{steps}"],
                                 capture_output=True, text=True, check=True)
            row = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"{row['task']:<10}{row['words']:>6}{row['method']:>12}{row['steps'] or '':>6}{row['windows']:>8}"
                  f"{row['seconds']:>9}{row['cpu_seconds']:>9}{row['peak_rss_mb']:>9}{row['above_loaded_mb']:>6}",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
