"""Unlabelled phrases for distillation: random word spans of the longer SST-2 training sentences.

    python scripts/sst2_spans.py ../shared/data/sst2/train.tsv --out runs/spans.txt [--per-sentence 4]

SST-2's phrases are the constituents of its parse trees; a random span (4-15 words) of a training sentence
usually is not one, so it has no gold label, and the teachers' soft label for it is new information for the
student (`bert-desk train sentiment --teacher ... --unlabelled runs/spans.txt`). Spans that are training
phrases already are left out; `train` drops any span found inside a held-out sentence. Seeded.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def spans(sentences: list[str], known: set[str], per_sentence: int, seed: int,
          min_words: int = 4, max_words: int = 15) -> list[str]:
    """Up to `per_sentence` distinct random spans of each sentence of more than `max_words` // 2 + min_words
    words, none of them in `known`."""
    rng = random.Random(seed)
    out: dict[str, None] = {}
    for sentence in sentences:
        words = sentence.split()
        if len(words) < min_words + max_words // 2:
            continue
        for _ in range(per_sentence):
            size = rng.randint(min_words, min(max_words, len(words) - 1))
            start = rng.randrange(len(words) - size + 1)
            span = " ".join(words[start:start + size])
            if span not in known:
                out[span] = None
    return list(out)


def main() -> int:
    from bert_desk.training.readers import DataFormatError, read_text_examples

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("train", help="SST-2 train.tsv (or any labelled text file)")
    parser.add_argument("--out", required=True)
    parser.add_argument("--per-sentence", type=int, default=4)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    try:
        texts = [e.text.strip() for e in read_text_examples(args.train)]
    except DataFormatError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    result = spans(texts, set(texts), args.per_sentence, args.seed)
    Path(args.out).write_text("\n".join(result) + "\n", encoding="utf-8")
    print(f"{len(result):,} spans from {len(texts):,} texts -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
