"""Entity F1 of the NER engine on plain text, as a user runs it (`bert-desk ner`), against CoNLL gold.

    python scripts/eval_ner_text.py [--data ../shared/data/conll2003/valid.txt] [--model bundled:ner] [--limit N]

Each CoNLL sentence becomes a text two ways: its tokens joined with single spaces, and detokenized
running text (no space before `,` `.` `'s`, none inside brackets and quotes). The gold entities are
mapped to character spans of that text; a predicted entity counts when its span and type match exactly.
Prints precision, recall and F1 for both, next to nothing else: compare with `bert-desk evaluate ner`
on the same file (pre-split words).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bert_desk.engine import ner  # noqa: E402
from bert_desk.engine.loading import load_model  # noqa: E402
from bert_desk.training.readers import read_conll  # noqa: E402

NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "]", "}", "'s", "'S", "n't", "%", "'"}
NO_SPACE_AFTER = {"(", "[", "{", "$", "`"}


def gold_spans(tags: tuple[str, ...], offsets: list[tuple[int, int]]) -> set[tuple[int, int, str]]:
    """Character spans of the BIO entities of a sentence."""
    spans: set[tuple[int, int, str]] = set()
    start = end = None
    kind = ""
    for (a, b), tag in zip(offsets, [*tags], strict=True):
        prefix, _, label = tag.partition("-")
        if prefix == "B" or (prefix == "I" and label != kind) or prefix == "O":
            if start is not None:
                spans.add((start, end, kind))
            start = end = None
            kind = ""
        if prefix in ("B", "I"):
            if start is None:
                start, kind = a, label
            end = b
    if start is not None:
        spans.add((start, end, kind))
    return spans


def join(tokens: tuple[str, ...], detokenize: bool) -> tuple[str, list[tuple[int, int]]]:
    """The text of the tokens and each token's character span in it."""
    text, offsets = "", []
    quotes = 0
    for i, token in enumerate(tokens):
        space = i > 0
        if detokenize and i > 0:
            previous = tokens[i - 1]
            if token in NO_SPACE_BEFORE or previous in NO_SPACE_AFTER:
                space = False
            if token == '"':
                quotes += 1
                space = quotes % 2 == 1  # an opening quote keeps its space, a closing one does not
            elif previous == '"' and quotes % 2 == 1:
                space = False
        if space:
            text += " "
        offsets.append((len(text), len(text) + len(token)))
        text += token
    return text, offsets


def score(model: object, examples: list, detokenize: bool) -> tuple[float, float, float, float]:
    texts, golds = [], []
    for example in examples:
        text, offsets = join(example.tokens, detokenize)
        texts.append(text)
        golds.append(gold_spans(example.tags, offsets))
    started = time.monotonic()
    results = ner.extract_batch(model, texts, batch_size=32)  # type: ignore[arg-type]
    seconds = time.monotonic() - started
    tp = fp = fn = 0
    for result, gold in zip(results, golds, strict=True):
        predicted = {(e.start, e.end, e.label) for e in result.entities}
        tp += len(predicted & gold)
        fp += len(predicted - gold)
        fn += len(gold - predicted)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "conll2003" / "valid.txt"))
    parser.add_argument("--model", default="bundled:ner")
    parser.add_argument("--limit", type=int, default=0, help="first N sentences only (default: all)")
    args = parser.parse_args()
    examples = [e for e in read_conll(args.data) if e.tokens and e.tokens[0] != "-DOCSTART-"]
    if args.limit:
        examples = examples[: args.limit]
    model = load_model(args.model, "ner", device="cpu")
    print(f"{len(examples):,} sentences of {args.data}; model {args.model} "
          f"(word splitter: {model.info.word_splitter or 'the tokenizer'})")
    for name, detokenize in (("space-joined tokens", False), ("detokenized running text", True)):
        p, r, f, seconds = score(model, examples, detokenize)
        print(f"{name:26} P {p:.4f}  R {r:.4f}  F1 {f:.4f}  ({seconds:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
