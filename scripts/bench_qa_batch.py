"""Batched QA against one question at a time, on SQuAD questions with the bundled model (prints figures).

    python scripts/bench_qa_batch.py [--n 200] [--data ../shared/data/squad/dev-v1.1.json] [--model bundled:qa]

Both paths are the engine's (`qa.answer` per question, `qa.answer_batch` for all); the answers are checked
to be the same spans, and the two are timed alternately (best of `--rounds`).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bert_desk.engine import qa  # noqa: E402
from bert_desk.engine.loading import load_model  # noqa: E402


def pairs_from(path: Path, n: int) -> list[tuple[str, str]]:
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    pairs = [(q["question"], p["context"]) for article in data for p in article["paragraphs"] for q in p["qas"]]
    return pairs[:n]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    squad = ROOT.parent / "shared" / "data" / "squad"
    default = next((p for p in (squad / "dev-v1.1.json", squad / "train-v1.1.reconstructed.json") if p.is_file()), None)
    parser.add_argument("--data", default=str(default))
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--model", default="bundled:qa")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    pairs = pairs_from(Path(args.data), args.n)
    model = load_model(args.model, "qa", device="cpu")
    one = batched = float("inf")
    for _ in range(args.rounds):
        started = time.perf_counter()
        singles = [qa.answer(model, q, c, top_k=1) for q, c in pairs]
        one = min(one, time.perf_counter() - started)
        started = time.perf_counter()
        many = qa.answer_batch(model, pairs, top_k=1, batch_size=32)
        batched = min(batched, time.perf_counter() - started)
    same = sum([(a.start, a.end) for a in x.answers] == [(a.start, a.end) for a in y.answers]
               for x, y in zip(singles, many, strict=True))
    print(f"{len(pairs)} questions of {args.data}, {args.model}")
    print(f"one at a time   {len(pairs) / one:7.1f} questions/s  ({one:.1f} s)")
    print(f"batched         {len(pairs) / batched:7.1f} questions/s  ({batched:.1f} s)  x{one / batched:.2f}")
    print(f"same best answer for {same}/{len(pairs)} questions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
