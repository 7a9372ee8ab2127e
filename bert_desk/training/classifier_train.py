"""Fine-tune a BERT-family checkpoint with one small head: [CLS] classifier (sentiment) or token classifier (NER).

Data loading and metrics are here; the `Trainer` run itself is `runner.fit`, shared with QA and
pre-training. torch/transformers are imported inside functions only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bert_desk.engine.types import CancelToken, ProgressFn, no_progress
from bert_desk.training import data as D
from bert_desk.training import metrics as M
from bert_desk.training.export import save_model
from bert_desk.training.readers import DataFormatError, read_text_examples, read_token_examples
from bert_desk.training.runner import TrainConfig, fit, summary, write_metrics, write_run_config

TRAIN_TASKS = ("sentiment", "ner")


def _load_data(cfg: TrainConfig) -> tuple[list[Any], list[Any], list[str], dict[str, Any]]:
    info: dict[str, Any] = {}
    if cfg.task == "sentiment":
        examples = D.map_text_labels(read_text_examples(cfg.train))
        if cfg.valid:
            train, valid = examples, D.map_text_labels(read_text_examples(cfg.valid))
        elif cfg.holdout > 0:
            train, valid, dropped = D.holdout_split(examples, size=cfg.holdout,
                                                    min_words=cfg.holdout_min_words,
                                                    seed=cfg.extra.get("holdout_seed", cfg.seed),
                                                    exclude_overlap=not cfg.extra.get("keep_overlap"))
            info["dropped_overlapping_train_phrases"] = dropped
            if not valid or len(train) < len(valid):  # a small file: too few long examples to hold out
                train, valid = D.fraction_split(examples, cfg.valid_fraction, cfg.seed)
                info["dropped_overlapping_train_phrases"] = 0
        else:
            train, valid = D.fraction_split(examples, cfg.valid_fraction, cfg.seed)
        if not cfg.valid:
            info["valid_file"] = str(D.write_text_examples(valid, Path(cfg.out) / "valid.jsonl"))
        labels = sorted({e.label for e in train} | {e.label for e in valid})
    else:
        examples = read_token_examples(cfg.train)
        if cfg.valid:
            train, valid = examples, read_token_examples(cfg.valid)
        else:
            train, valid = D.fraction_split(examples, cfg.valid_fraction, cfg.seed)
        labels = D.ner_labels([*train, *valid])
    if cfg.limit_train:
        train = train[: cfg.limit_train]
    if not train or not valid:
        raise DataFormatError(cfg.train, 1, f"too few examples to train and validate ({len(examples)} read)")
    info.update(train_examples=len(train), valid_examples=len(valid))
    return train, valid, labels, info


def score_label_ids(task: str, gold_rows: Any, pred_rows: Any, id2label: dict[int, str]) -> dict[str, Any]:
    """Accuracy and per-class P/R/F1 (sentiment), or entity-level P/R/F1 per type from the first
    sub-word of each word (ner, -100 rows ignored), of gold vs predicted label ids."""
    if task == "sentiment":
        gold = [id2label[int(i)] for i in gold_rows]
        pred = [id2label[int(i)] for i in pred_rows]
        return {"accuracy": M.accuracy(gold, pred),
                "per_class": M.per_class_prf(gold, pred, [id2label[i] for i in sorted(id2label)])}
    golds, predictions = [], []
    for g_row, p_row in zip(gold_rows, pred_rows, strict=True):
        g, p = D.word_tags(g_row, p_row, id2label)
        golds.append(g)
        predictions.append(p)
    entities = M.entity_prf(golds, predictions)
    flat_g = [t for s in golds for t in s]
    flat_p = [t for s in predictions for t in s]
    return {"f1": entities["micro avg"]["f1"], "precision": entities["micro avg"]["precision"],
            "recall": entities["micro avg"]["recall"], "token_accuracy": M.accuracy(flat_g, flat_p),
            "entities": entities}


def _decode_metrics(task: str, logits: Any, label_ids: Any, id2label: dict[int, str]) -> dict[str, Any]:
    import numpy as np

    return score_label_ids(task, label_ids, np.argmax(logits, axis=-1), id2label)


def _with_teachers(cfg: TrainConfig, tokenizer: Any, train_ex: list[Any], train_ds: list[dict[str, Any]],
                   valid_ex: list[Any], labels: list[str]) -> dict[str, Any]:
    """Attach the teachers' mean probabilities to the training features, after adding the unlabelled texts
    (`extra["unlabelled"]`) to them (cached in the run folder, so a resumed run does not score again); return
    the `fit` arguments of a distillation run."""
    import json

    from bert_desk.atomic import atomic_write
    from bert_desk.training import distill

    texts = [e.text for e in train_ex]
    if cfg.extra.get("unlabelled"):
        extra_texts = distill.read_unlabelled(cfg.extra["unlabelled"], [e.text for e in valid_ex])
        train_ds.extend(distill.unlabelled_features(tokenizer, extra_texts, cfg.max_length))
        texts += extra_texts
    cache = Path(cfg.out) / "teacher_probs.json"
    key = {"teachers": list(cfg.extra["teachers"]), "labels": labels, "examples": len(texts)}
    cached = json.loads(cache.read_text(encoding="utf-8")) if cache.is_file() else {}
    if cached.get("key") != key:
        probs = distill.teacher_probabilities(cfg.extra["teachers"], texts, labels, max_length=cfg.max_length)
        cached = {"key": key, "probs": probs}
        with atomic_write(cache) as stream:
            stream.write(json.dumps(cached).encode("utf-8"))
    distill.add_soft_labels(train_ds, cached["probs"])
    return {"trainer_class": distill.distill_trainer_class(float(cfg.extra.get("distill_alpha", 0.5)),
                                                   float(cfg.extra.get("temperature", 2.0))),
            "remove_unused_columns": False}


def train(cfg: TrainConfig, *, progress: ProgressFn = no_progress, cancel: CancelToken | None = None
          ) -> dict[str, Any]:
    """Run (or resume) a sentiment or NER fine-tuning run; return the summary also written to metrics.json."""
    from transformers import (
        AutoModelForSequenceClassification,
        AutoModelForTokenClassification,
        AutoTokenizer,
        DataCollatorForTokenClassification,
        DataCollatorWithPadding,
    )

    if cfg.task not in TRAIN_TASKS:
        raise ValueError(f"unknown task {cfg.task!r}: expected one of {', '.join(TRAIN_TASKS)}")
    base = D.resolve_base(cfg.base)
    write_run_config(cfg, base)
    train_ex, valid_ex, labels, info = _load_data(cfg)
    label2id = {lab: i for i, lab in enumerate(labels)}
    id2label = dict(enumerate(labels))
    tokenizer = AutoTokenizer.from_pretrained(base)
    if cfg.task == "sentiment":
        model_cls, collator = AutoModelForSequenceClassification, DataCollatorWithPadding(tokenizer)
        train_ds = D.encode_texts(tokenizer, train_ex, label2id, cfg.max_length)
        valid_ds = D.encode_texts(tokenizer, valid_ex, label2id, cfg.max_length)
    else:
        model_cls, collator = AutoModelForTokenClassification, DataCollatorForTokenClassification(tokenizer)
        train_ds = D.encode_tokens(tokenizer, train_ex, label2id, cfg.max_length)
        valid_ds = D.encode_tokens(tokenizer, valid_ex, label2id, cfg.max_length)
    model = model_cls.from_pretrained(base, num_labels=len(labels), id2label=id2label, label2id=label2id,
                                      ignore_mismatched_sizes=True)
    if cfg.task == "ner":  # trained on pre-split tokens (CoNLL-style files): the engine splits text the same way
        model.config.bert_desk_word_splitter = "conll"

    def compute_metrics(pred: Any) -> dict[str, float]:
        result = _decode_metrics(cfg.task, pred.predictions, pred.label_ids, id2label)
        return {k: v for k, v in result.items() if isinstance(v, float)}

    distill: dict[str, Any] = {}
    if cfg.task == "sentiment" and cfg.extra.get("teachers"):
        distill = _with_teachers(cfg, tokenizer, train_ex, train_ds, valid_ex, labels)
        info.update(teachers=list(cfg.extra["teachers"]), distilled_examples=len(train_ds))
    fitted = fit(cfg, model=model, tokenizer=tokenizer, train_dataset=train_ds, collator=collator,
                 progress=progress, cancel=cancel, eval_dataset=valid_ds, compute_metrics=compute_metrics,
                 train_sampling_strategy="group_by_length", per_device_eval_batch_size=max(cfg.batch_size, 64),
                 eval_strategy="epoch" if cfg.eval_each_epoch else "no", **distill)
    progress(1.0, "evaluating")
    prediction = fitted.trainer.predict(valid_ds)
    metrics = _decode_metrics(cfg.task, prediction.predictions, prediction.label_ids, id2label)
    save_model(fitted.trainer.model, tokenizer, Path(cfg.out) / "model", base=base)
    body = summary(cfg, base, fitted, labels=labels, **info, valid=metrics)
    write_metrics(cfg, body)
    return body
