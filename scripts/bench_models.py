"""Measure the speed of the bundled (or given) models on this machine's CPU.

Sentiment and NER: sentences/second at batch 32 (the forward pass). QA: questions/second through the
engine (`engine.qa.answer_many`: windows, all (start, end) pairs) on SQuAD paragraphs. Pre-training:
sentences/second of `engine.pretrain.fill_mask` with one [MASK] each.

Usage: python scripts/bench_models.py [--task sentiment|ner|qa|pretrain|all] [--model FOLDER] [--n 512] [--threads 2]
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


def bench_engine(task: str, folder: str, n: int) -> dict[str, float]:
    """QA questions/s or fill-mask sentences/s through the engine, as the app runs them."""
    from bert_desk.engine import pretrain, qa
    from bert_desk.engine.loading import load_model

    if task == "qa":
        from bert_desk.training.squad_data import read_squad

        paragraphs = [p for a in read_squad(DATA / "squad" / "train-v1.1.reconstructed.json") for p in a.paragraphs]
        random.Random(0).shuffle(paragraphs)
        model = load_model(folder, "qa", device="cpu")
        qa.answer(model, "warm up?", paragraphs[0].context)
        done, start = 0, time.perf_counter()
        for para in paragraphs:
            questions = [q.question for q in para.questions][: n - done]
            qa.answer_many(model, questions, para.context)
            done += len(questions)
            if done >= n:
                break
        elapsed = time.perf_counter() - start
        return {"questions": done, "seconds": round(elapsed, 2), "questions_per_second": round(done / elapsed, 1)}
    texts = sentences("sentiment", n)
    masked = [" ".join("[MASK]" if i == len(t.split()) // 2 else w for i, w in enumerate(t.split())) for t in texts]
    model = load_model(folder, "fill-mask", device="cpu")
    pretrain.fill_mask(model, masked[0])
    start = time.perf_counter()
    for text in masked:
        pretrain.fill_mask(model, text)
    elapsed = time.perf_counter() - start
    return {"sentences": len(masked), "seconds": round(elapsed, 2),
            "sentences_per_second": round(len(masked) / elapsed, 1)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--task", default="all", choices=("sentiment", "ner", "qa", "pretrain", "all"))
    parser.add_argument("--model", help="model folder (default: resources/models/<task>)")
    parser.add_argument("--n", type=int, default=512)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    tasks = ["sentiment", "ner", "qa", "pretrain"] if args.task == "all" else [args.task]
    for task in tasks:
        folder = args.model or str(ROOT / "resources" / "models" / task)
        if task in ("qa", "pretrain"):
            result = bench_engine(task, folder, args.n)
        else:
            result = bench(task, folder, sentences(task, args.n), args.batch_size)
        print(json.dumps({"task": task, "model": folder, "threads": args.threads,
                          "batch_size": args.batch_size, **result}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
