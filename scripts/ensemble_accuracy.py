"""Accuracy of sentiment models alone and of their ensemble (mean probabilities) on a labelled file.

    python scripts/ensemble_accuracy.py --data runs/val/sst2_strict_valid.jsonl MODEL [MODEL ...]

The ensemble is what `bert-desk train sentiment --teacher MODEL ...` distils into one model, so this says
whether distilling is worth a run. Prints one line per model and one for the ensemble.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    from bert_desk.engine.types import EngineError
    from bert_desk.training.data import map_text_labels
    from bert_desk.training.distill import DistillError, teacher_probabilities
    from bert_desk.training.readers import DataFormatError, read_text_examples

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="+", help="model folders (a run folder stands for its model/)")
    parser.add_argument("--data", required=True, help="labelled .jsonl/.tsv/.csv (text, label)")
    parser.add_argument("--max-length", type=int, default=64)
    args = parser.parse_args()
    try:
        examples = map_text_labels(read_text_examples(args.data))
        labels = sorted({e.label for e in examples})
        texts, gold = [e.text for e in examples], [e.label for e in examples]
        rows = {model: teacher_probabilities([model], texts, labels, max_length=args.max_length)
                for model in args.models}
    except (DataFormatError, DistillError, EngineError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    def accuracy(probs: list[list[float]]) -> float:
        hits = sum(labels[max(range(len(labels)), key=row.__getitem__)] == g for row, g in zip(probs, gold, strict=True))
        return 100.0 * hits / len(gold)

    for model, probs in rows.items():
        print(f"{accuracy(probs):6.2f} %  {model}")
    mean = [[sum(col) / len(rows) for col in zip(*per_text, strict=True)]
            for per_text in zip(*rows.values(), strict=True)]
    print(f"{accuracy(mean):6.2f} %  ensemble of {len(rows)} (mean probabilities), {len(gold)} examples")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
