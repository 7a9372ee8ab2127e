"""Score a sequence- or token-classification model on a labelled file (plain torch loop, float32 or int8)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bert_desk.engine.types import ProgressFn, no_progress
from bert_desk.training import data as D
from bert_desk.training.classifier_train import score_label_ids
from bert_desk.training.readers import read_text_examples, read_token_examples


def _model_path(spec: str) -> str:
    if spec.startswith("bundled:"):
        from bert_desk.paths import bundled_model_dir

        folder = bundled_model_dir(spec.split(":", 1)[1])
        if not (folder / "config.json").is_file():
            raise ValueError(f"no bundled model in {folder}")
        return str(folder)
    return D.resolve_base(spec)


def _batches(items: list[Any], size: int) -> Any:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def evaluate(task: str, model_spec: str, data_file: str | Path, *, limit: int = 0, batch_size: int = 32,
             max_length: int = 128, threads: int = 2, precision: str = "fp32",
             progress: ProgressFn = no_progress) -> dict[str, Any]:
    """Return accuracy + per-class P/R/F1 (sentiment) or entity-level P/R/F1 per type (ner), in `precision`
    (fp32, or int8: the engine's dynamic quantization on CPU)."""
    import torch
    from transformers import (
        AutoModelForSequenceClassification,
        AutoModelForTokenClassification,
        AutoTokenizer,
        DataCollatorForTokenClassification,
        DataCollatorWithPadding,
    )

    torch.set_num_threads(max(1, threads))
    path = _model_path(model_spec)
    tokenizer = AutoTokenizer.from_pretrained(path)
    if task == "sentiment":
        model = AutoModelForSequenceClassification.from_pretrained(path, dtype=torch.float32)
        label2id = {str(k): int(v) for k, v in model.config.label2id.items()}
        examples = read_text_examples(data_file)
        if not {e.label for e in examples} <= set(label2id):
            examples = D.map_text_labels(examples)
        collator: Any = DataCollatorWithPadding(tokenizer)
        encode: Any = D.encode_texts
    elif task == "ner":
        model = AutoModelForTokenClassification.from_pretrained(path, dtype=torch.float32)
        label2id = {str(k): int(v) for k, v in model.config.label2id.items()}
        examples = read_token_examples(data_file)
        collator = DataCollatorForTokenClassification(tokenizer)
        encode = D.encode_tokens
    else:
        raise ValueError(f"unknown task {task!r}: expected sentiment or ner")
    if limit:
        examples = examples[:limit]
    id2label = {i: lab for lab, i in label2id.items()}
    features = encode(tokenizer, examples, label2id, max_length)
    model.eval()
    if precision == "int8":
        from bert_desk.engine.device import quantize_int8

        model = quantize_int8(model)
    gold_rows: list[Any] = []
    pred_rows: list[Any] = []
    with torch.inference_mode():
        for batch in _batches(features, batch_size):
            inputs = collator(batch)
            labels = inputs.pop("labels")
            logits = model(**inputs).logits
            gold_rows.extend(labels.tolist())
            pred_rows.extend(logits.argmax(-1).tolist())
            progress(len(gold_rows) / len(features), f"examples {len(gold_rows)}/{len(features)}")
    names = {i: model.config.id2label[i] for i in id2label}
    return {"examples": len(gold_rows), **score_label_ids(task, gold_rows, pred_rows, names)}
