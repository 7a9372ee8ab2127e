"""Measure sentences/second of the bundled (or given) models at batch 32 on this machine's CPU.

Usage: python scripts/bench_models.py [--task sentiment|ner|all] [--model FOLDER] [--n 512] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT.parent / "shared" / "data"


def sentences(task: str, n: int) -> list[str]:
    """Realistic inputs: long SST-2 rows for sentiment, CoNLL validation sentences for NER."""
    if task == "sentiment":
        from bert_desk.training.readers import read_glue_tsv

        rows = [e.text for e in read_glue_tsv(DATA / "sst2" / "train.tsv") if len(e.text.split()) >= 8]
    else:
        from bert_desk.training.readers import read_conll

        rows = [" ".join(e.tokens) for e in read_conll(DATA / "conll2003" / "valid.txt")]
    random.Random(0).shuffle(rows)
    return rows[:n]


def bench(task: str, folder: str, texts: list[str], batch_size: int) -> dict[str, float]:
    import torch
    from transformers import (
        AutoModelForSequenceClassification,
        AutoModelForTokenClassification,
        AutoTokenizer,
    )

    cls = AutoModelForSequenceClassification if task == "sentiment" else AutoModelForTokenClassification
    tok = AutoTokenizer.from_pretrained(folder)
    model = cls.from_pretrained(folder, dtype=torch.float32).eval()
    with torch.inference_mode():
        model(**tok(texts[:batch_size], padding=True, truncation=True, max_length=128, return_tensors="pt"))
        start = time.perf_counter()
        for i in range(0, len(texts), batch_size):
            enc = tok(texts[i:i + batch_size], padding=True, truncation=True, max_length=128,
                      return_tensors="pt")
            model(**enc)
        elapsed = time.perf_counter() - start
    words = sum(len(t.split()) for t in texts) / len(texts)
    return {"sentences": len(texts), "seconds": round(elapsed, 2),
            "sentences_per_second": round(len(texts) / elapsed, 1), "mean_words": round(words, 1)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--task", default="all", choices=("sentiment", "ner", "all"))
    parser.add_argument("--model", help="model folder (default: resources/models/<task>)")
    parser.add_argument("--n", type=int, default=512)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    tasks = ["sentiment", "ner"] if args.task == "all" else [args.task]
    for task in tasks:
        folder = args.model or str(ROOT / "resources" / "models" / task)
        result = bench(task, folder, sentences(task, args.n), args.batch_size)
        print(json.dumps({"task": task, "model": folder, "threads": args.threads,
                          "batch_size": args.batch_size, **result}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
